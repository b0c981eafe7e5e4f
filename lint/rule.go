package lint

import (
	"context"
	"fmt"
	"slices"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// Rule is one check, declared as a value: what it checks and why, and the
// functions the engine calls. The engine walks the document's Google model
// and hands each element to the rule's element functions, so a rule that is
// about endpoints, operations, backends or security schemes says only what
// it checks on one of them. Its ID never changes meaning; a retired rule
// keeps its ID and is marked Deprecated.
type Rule struct {
	// ID is kebab-case and stable, e.g. "endpoints-name-matches-host".
	ID string
	// Category groups the rule in listings.
	Category Category
	// Severity is the default severity; configuration may override it.
	Severity Severity
	// Doc is one sentence saying what the rule checks.
	Doc string
	// Details explains the why, and how the verdict differs by target.
	Details string
	// Bad and Good are examples that fail and pass; package rules reads them
	// from the rule's fixture folder, so they are tested.
	Bad, Good string
	// Sources are the upstream behaviours the rule mirrors.
	Sources []Source
	// Fix names the transform that fixes the rule's findings safely, if any.
	Fix string
	// Deprecated rules are kept for their ID but no longer run.
	Deprecated bool
	// Versions lists the spec versions the rule applies to, for rules that
	// read syntax only one version has; nil means every version.
	Versions []spec.Version

	// Check runs once per document.
	Check func(*Pass)
	// Element functions run once per element of the document's Google
	// model: each endpoint entry, operation, security list, security scheme
	// and x-google-backend object.
	Endpoint func(*Pass, *spec.Endpoint)
	Op       func(*Pass, *spec.Op)
	SecList  func(*Pass, *spec.SecList)
	Scheme   func(*Pass, *spec.Scheme)
	Backend  func(*Pass, *spec.Backend)
	// CheckSet runs once per lint run with every document (multi-file rules).
	CheckSet func(*SetPass)
	// External marks rules whose diagnostics are produced outside the rule
	// (by the loader or the proxy-flag validator); the engine still applies
	// configuration, suppression, sorting and de-duplication to them.
	External bool
	// Heavy marks rules measured to cost the most per document (they walk the
	// whole tree or build data other rules share): the engine starts them
	// first, so that the workers do not end on one long rule while the others
	// wait.
	Heavy bool
}

// perDocument reports whether the rule has work to do on each document.
func (r *Rule) perDocument() bool {
	return r.Check != nil || r.Endpoint != nil || r.Op != nil || r.SecList != nil || r.Scheme != nil || r.Backend != nil
}

// AppliesTo reports whether the rule runs on documents of version v.
func (r *Rule) AppliesTo(v spec.Version) bool {
	return r.Versions == nil || slices.Contains(r.Versions, v)
}

// Pass is what a rule's Check receives for one document.
type Pass struct {
	Doc *spec.Document
	// G is the document's Google model.
	G      *spec.Google
	Target Target
	// TargetDefaulted is true when no target was chosen (--target or
	// target: in .corsgate.yaml) and Target is the default.
	TargetDefaulted bool
	// Deployment is where the document is deployed (product and service
	// name), from the target and the configured service name.
	Deployment spec.Deployment
	ctx        context.Context
	rule       *Rule
	emit       func(Diagnostic)
}

// NewPass makes a pass for running one rule on one document outside Run
// (tests, tools). Reported diagnostics go to emit.
func NewPass(doc *spec.Document, target Target, r *Rule, emit func(Diagnostic)) *Pass {
	return &Pass{Doc: doc, G: doc.Google(), Target: target, Deployment: target.Deployment(""), rule: r, emit: emit}
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
	Docs            []*spec.Document
	Target          Target
	TargetDefaulted bool
	Deployment      spec.Deployment
	ctx             context.Context
	rule            *Rule
	emit            func(Diagnostic)
}

// Deployments returns the documents grouped into deployments (documents with
// the same spec.Document.Deployment name; each document with none is a
// deployment of its own), in the order they were given.
func (p *SetPass) Deployments() [][]*spec.Document {
	idx := map[string]int{}
	var out [][]*spec.Document
	for _, d := range p.Docs {
		if d.Deployment == "" {
			out = append(out, []*spec.Document{d})
			continue
		}
		i, ok := idx[d.Deployment]
		if !ok {
			i = len(out)
			idx[d.Deployment] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], d)
	}
	return out
}

// For returns a pass for one document of the set, to report with.
func (p *SetPass) For(doc *spec.Document) *Pass {
	return &Pass{Doc: doc, G: doc.Google(), Target: p.Target, TargetDefaulted: p.TargetDefaulted, Deployment: p.Deployment, ctx: p.ctx, rule: p.rule, emit: p.emit}
}

// Context is the run's context, as for Pass.
func (p *SetPass) Context() context.Context { return orBackground(p.ctx) }

// Report records a finding at ptr in doc with the rule's default severity.
func (p *SetPass) Report(doc *spec.Document, ptr string, format string, args ...any) {
	p.For(doc).Report(ptr, format, args...)
}

// ReportSeverity records a finding with an explicit severity.
func (p *SetPass) ReportSeverity(sev Severity, doc *spec.Document, ptr string, format string, args ...any) {
	p.For(doc).ReportSeverity(sev, ptr, format, args...)
}
