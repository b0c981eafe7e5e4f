package lint

import (
	"context"
	"fmt"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// Rule is one check. Its ID never changes meaning; a retired rule keeps its ID
// and is marked Deprecated.
type Rule struct {
	// ID is kebab-case and stable, e.g. "endpoints-name-matches-host".
	ID string
	// Ref is the reference table item the rule implements (E3, H1, …), if any.
	Ref string
	// Category groups the rule in listings.
	Category Category
	// Severity is the default severity; configuration may override it.
	Severity Severity
	// Doc is one sentence saying what the rule checks.
	Doc string
	// Details explains the why, and how the verdict differs by target.
	Details string
	// Bad and Good are short spec (or flag) snippets that fail and pass.
	Bad, Good string
	// Source names the upstream behaviour the rule mirrors.
	Source string
	// Fix names the transform that fixes the rule's findings safely, if any.
	Fix string
	// Deprecated rules are kept for their ID but no longer run.
	Deprecated bool

	// Check runs once per document. Nil for rules whose findings are produced
	// elsewhere (parse errors, proxy flag validation); see External.
	Check func(*Pass)
	// CheckSet runs once per lint run with every document (multi-file rules).
	CheckSet func(*SetPass)
	// External marks rules whose diagnostics are produced outside Check, for
	// example by the loader or the proxy-flag validator; the engine still
	// applies configuration, suppression, sorting and de-duplication to them.
	External bool
	// Heavy marks rules measured to cost the most per document (they walk the
	// whole tree or build data other rules share): the engine starts them
	// first, so that the workers do not end on one long rule while the others
	// wait.
	Heavy bool
}

// Pass is what a rule's Check receives for one document.
type Pass struct {
	Doc    *spec.Document
	Target Target
	ctx    context.Context
	rule   *Rule
	emit   func(Diagnostic)
}

// NewPass makes a pass for running one rule on one document outside Run
// (tests, tools). Reported diagnostics go to emit.
func NewPass(doc *spec.Document, target Target, r *Rule, emit func(Diagnostic)) *Pass {
	return &Pass{Doc: doc, Target: target, rule: r, emit: emit}
}

// Context is the run's context: a rule with a long loop checks Err() now and
// then and returns early once it is done (the run was interrupted; what the
// rule reports then is dropped).
func (p *Pass) Context() context.Context { return orBackground(p.ctx) }

func orBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

// Report records a finding at ptr with the rule's default severity. The
// position is the value node at ptr, else its key, else the nearest parent.
func (p *Pass) Report(ptr string, format string, args ...any) {
	p.ReportSeverity(p.rule.Severity, ptr, format, args...)
}

// ReportSeverity records a finding with an explicit severity (for rules whose
// verdict depends on the target or the case).
func (p *Pass) ReportSeverity(sev Severity, ptr string, format string, args ...any) {
	pos := p.Doc.Pos(ptr)
	p.emitAt(sev, ptr, pos, format, args...)
}

// ReportKey records a finding at the key of ptr (unknown keys, values that
// should not be there), falling back like Report.
func (p *Pass) ReportKey(ptr string, format string, args ...any) {
	p.ReportKeySeverity(p.rule.Severity, ptr, format, args...)
}

// ReportKeySeverity is ReportKey with an explicit severity.
func (p *Pass) ReportKeySeverity(sev Severity, ptr string, format string, args ...any) {
	pos := p.Doc.KeyPos(ptr)
	p.emitAt(sev, ptr, pos, format, args...)
}

// ReportNode records a finding at a node the rule already holds; ptr is
// recorded for machine-readable output.
func (p *Pass) ReportNode(sev Severity, n *yaml.Node, ptr string, format string, args ...any) {
	p.emitAt(sev, ptr, spec.NodePos(n), format, args...)
}

func (p *Pass) emitAt(sev Severity, ptr string, pos spec.Position, format string, args ...any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	p.emit(Diagnostic{
		RuleID:   p.rule.ID,
		Severity: sev,
		Message:  msg,
		File:     p.Doc.Name,
		Line:     pos.Line,
		Column:   pos.Column,
		Pointer:  ptr,
	})
}

// SetPass is what a rule's CheckSet receives: every document of the run.
type SetPass struct {
	Docs   []*spec.Document
	Target Target
	ctx    context.Context
	rule   *Rule
	emit   func(Diagnostic)
}

// Context is the run's context, as for Pass.
func (p *SetPass) Context() context.Context { return orBackground(p.ctx) }

// Report records a finding at ptr in doc with the rule's default severity.
func (p *SetPass) Report(doc *spec.Document, ptr string, format string, args ...any) {
	pp := &Pass{Doc: doc, Target: p.Target, ctx: p.ctx, rule: p.rule, emit: p.emit}
	pp.Report(ptr, format, args...)
}

// ReportSeverity records a finding with an explicit severity.
func (p *SetPass) ReportSeverity(sev Severity, doc *spec.Document, ptr string, format string, args ...any) {
	pp := &Pass{Doc: doc, Target: p.Target, ctx: p.ctx, rule: p.rule, emit: p.emit}
	pp.ReportSeverity(sev, ptr, format, args...)
}
