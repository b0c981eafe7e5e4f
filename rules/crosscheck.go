package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// A cross-check compares the CORS policy a flag set gives with what the
// specs need (cors.Needs). Its rule is External: LintFlags and the flags
// command run it through CrossCheck, and lint.Run filters its diagnostics.

// crossPass is what a cross-check receives.
type crossPass struct {
	// Policy is the policy the proxy enforces; its preset is valid.
	Policy cors.Policy
	// Docs are the specs, Needs what they need together.
	Docs  []*spec.Document
	Needs cors.SpecNeeds
	// Deployment says which endpoint entry turns allowCors on.
	Deployment spec.Deployment
	flags      *cors.Flags // nil: a policy with no argument positions
	rule       *lint.Rule
	out        *[]lint.Diagnostic
}

type crossCheck struct {
	rule  *lint.Rule
	check func(*crossPass)
}

var crossChecks []crossCheck

// registerCrossCheck registers a spec × flags rule and its check.
func registerCrossCheck(r *lint.Rule, check func(*crossPass)) {
	register(r)
	crossChecks = append(crossChecks, crossCheck{r, check})
	slices.SortFunc(crossChecks, func(a, b crossCheck) int { return strings.Compare(a.rule.ID, b.rule.ID) })
}

// CrossCheck compares a policy with what the specs need: a preset together
// with allowCors, allow-headers lacking the API-key header or
// Authorization, allow-methods lacking a method, grpc-web headers. f (may be
// nil) gives the positions of the flags; d decides which endpoint entry
// turns allowCors on. Only a valid preset is compared (otherwise the proxy
// handles no CORS).
func CrossCheck(p cors.Policy, f *cors.Flags, docs []*spec.Document, d spec.Deployment) []lint.Diagnostic {
	if len(docs) == 0 || p.Preset != cors.PresetBasic && p.Preset != cors.PresetRegex {
		return nil
	}
	all := make([]cors.SpecNeeds, len(docs))
	for i, doc := range docs {
		all[i] = cors.Needs(doc, d)
	}
	var out []lint.Diagnostic
	pass := &crossPass{Policy: p, Docs: docs, Needs: cors.MergeNeeds(all...), Deployment: d, flags: f, out: &out}
	for _, c := range crossChecks {
		pass.rule = c.rule
		c.check(pass)
	}
	return out
}

// reportFlag records a finding at the value of flag, or at the preset when
// the flag is not given (its default applies).
func (c *crossPass) reportFlag(flag string, format string, args ...any) {
	var a cors.Arg
	if c.flags != nil {
		if v := c.flags.Last[flag]; v != nil {
			a = v.ValueArg
		} else if v := c.flags.Last[cors.FlagPreset]; v != nil {
			a = v.ValueArg
		}
	}
	*c.out = append(*c.out, lint.Diagnostic{RuleID: c.rule.ID, Severity: c.rule.Severity, Message: fmt.Sprintf(format, args...),
		File: a.Source, Line: a.Line, Column: a.Column, Arg: a.Index})
}

// reportSpec records a finding at a value of a spec.
func (c *crossPass) reportSpec(doc *spec.Document, v spec.Value, msg string) {
	pos := v.Pos()
	*c.out = append(*c.out, lint.Diagnostic{RuleID: c.rule.ID, Severity: c.rule.Severity, Message: msg,
		File: doc.Name, Line: pos.Line, Column: pos.Column, Pointer: v.Ptr()})
}

// flagList is a comma-separated flag value (--cors_allow_headers, …) split
// the way browsers split header lists: items trimmed, empty ones dropped.
type flagList struct {
	items []string
	fold  map[string]bool
}

func parseFlagList(v string) flagList {
	l := flagList{fold: map[string]bool{}}
	for _, it := range strings.Split(v, ",") {
		if it = strings.TrimSpace(it); it != "" {
			l.items = append(l.items, it)
			l.fold[strings.ToLower(it)] = true
		}
	}
	return l
}

// hasHeader compares header names case-insensitively, as browsers do.
func (l flagList) hasHeader(name string) bool { return l.fold[strings.ToLower(name)] }

// hasMethod compares methods byte for byte, as browsers do for methods that
// are not normalised (Fetch: CORS-preflight fetch).
func (l flagList) hasMethod(m string) bool { return slices.Contains(l.items, m) }

// missingHeaders returns the names not in the list, in order.
func (l flagList) missingHeaders(names []string) []string {
	var out []string
	for _, h := range names {
		if !l.hasHeader(h) {
			out = append(out, h)
		}
	}
	return out
}

// withItems is the flag value cur with the items add appended, joined by sep.
func withItems(cur string, add []string, sep string) string {
	if strings.TrimSpace(cur) == "" {
		return strings.Join(add, sep)
	}
	return cur + sep + strings.Join(add, sep)
}
