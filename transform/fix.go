package transform

import (
	"context"
	"fmt"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// FixOptions control Fix.
type FixOptions struct {
	// Spelling allows the allow-cors-spelling fix (allow_cors → allowCors),
	// which is a preference rather than a correction, so only on request.
	Spelling bool
	// Rules, when set, maps rule IDs to rules: a rule's Fix names its
	// transform, and after fixing, the rule is run again on the result so
	// only findings that are really gone count as fixed. Without it the
	// built-in table DefaultFixes is used and a fix that ran without error
	// counts as fixing its findings.
	Rules map[string]*lint.Rule
	// Target is the lint target the rules are re-run with.
	Target lint.Target
}

// DefaultFixes maps the rules that have a safe fix to their transform.
var DefaultFixes = map[string]string{
	"endpoints-name-matches-host": "sync-name",
	"endpoints-allowcors-boolean": "allow-cors-boolean",
	"endpoints-unknown-key":       "allow-cors-spelling",
}

// fixOrder is the order fixes run in: the spelling first, so the boolean fix
// sees the final key.
var fixOrder = []string{"allow-cors-spelling", "allow-cors-boolean", "sync-name"}

// FixError says why one fix could not be applied to a document.
type FixError struct {
	Transform string
	Err       error
}

func (e *FixError) Error() string { return e.Transform + ": " + e.Err.Error() }
func (e *FixError) Unwrap() error { return e.Err }

// Fix applies the safe fixes for diags (those of doc's file) and returns the
// rewritten document, the diagnostics it fixed and those it could not fix.
// Diagnostics of other files are returned as unfixed. A fix that cannot be
// applied (refused layout, no host) leaves its diagnostics unfixed and is
// reported in err as a *FixError (several are joined); out then holds the
// fixes that did apply, so err does not mean out is unusable. out is nil
// when nothing changed.
func Fix(doc *spec.Document, diags []lint.Diagnostic, opts FixOptions) (out []byte, fixed, unfixed []lint.Diagnostic, err error) {
	want := map[string][]lint.Diagnostic{}
	for _, d := range diags {
		name := fixFor(d, opts)
		if d.File != doc.Name || name == "" {
			unfixed = append(unfixed, d)
			continue
		}
		want[name] = append(want[name], d)
	}
	cur := doc
	var errs []error
	for _, name := range fixOrder {
		ds := want[name]
		if len(ds) == 0 {
			continue
		}
		t, _ := ByName(name)
		res, terr := t.Run(cur, Options{From: "host"})
		if terr != nil {
			errs = append(errs, &FixError{Transform: name, Err: terr})
			unfixed = append(unfixed, ds...)
			continue
		}
		next := cur
		if res.Changed {
			next, terr = spec.Parse(doc.Name, res.Out, spec.Options{MaxAliases: -1})
			if terr != nil {
				return nil, nil, nil, fmt.Errorf("internal error: fix %s produced a document that does not parse: %w", name, terr)
			}
		}
		if opts.Rules != nil {
			for _, d := range ds {
				if stillReported(next, d, opts) {
					unfixed = append(unfixed, d)
				} else {
					fixed = append(fixed, d)
				}
			}
		} else {
			fixed = append(fixed, ds...)
		}
		cur = next
	}
	if len(errs) == 1 {
		err = errs[0]
	} else if len(errs) > 1 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Error()
		}
		err = fmt.Errorf("%w (and: %s)", errs[0], strings.Join(msgs[1:], "; "))
	}
	if cur != doc {
		out = cur.Src
	}
	return out, lint.Sort(fixed), lint.Sort(unfixed), err
}

// fixFor returns the transform that fixes d, or "".
func fixFor(d lint.Diagnostic, opts FixOptions) string {
	name := DefaultFixes[d.RuleID]
	if opts.Rules != nil {
		name = ""
		if r, ok := opts.Rules[d.RuleID]; ok {
			name = r.Fix
		}
	}
	if _, ok := ByName(name); !ok {
		return ""
	}
	if name == "allow-cors-spelling" {
		// endpoints-unknown-key reports many keys; only allow_cors has a
		// safe rename, and only when asked.
		if !opts.Spelling || !strings.HasSuffix(d.Pointer, "/allow_cors") {
			return ""
		}
	}
	return name
}

// stillReported re-runs d's rule on doc and reports whether it still finds
// something at the same pointer.
func stillReported(doc *spec.Document, d lint.Diagnostic, opts FixOptions) bool {
	r := opts.Rules[d.RuleID]
	if r == nil || r.Check == nil {
		return false
	}
	cfg := &lint.Config{Target: opts.Target}
	again, err := lint.Run(context.Background(), []*spec.Document{doc}, []*lint.Rule{r}, cfg, nil)
	if err != nil {
		return true // the rule crashed: do not claim the finding is gone
	}
	for _, n := range again {
		if n.RuleID == d.RuleID && n.Pointer == d.Pointer {
			return true
		}
	}
	return false
}
