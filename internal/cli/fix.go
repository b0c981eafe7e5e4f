package cli

import (
	"errors"
	"fmt"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/yamledit"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/corsgate/corsgate/transform"
	"github.com/spf13/cobra"
)

// applyFixes is lint --fix: it applies the safe fixes of diags to each
// document's file (in place, through safewrite), reports on stderr what it
// fixed and what it could not, and returns the diagnostics that remain
// (everything not fixed, including other rules' findings). Standard input
// cannot be fixed in place: that is a usage error, checked before any file
// is touched. A file that cannot be rewritten is reported, its findings stay
// in remaining, and the other files are still fixed; err is then an exit-3
// error that tells the caller something failed.
func applyFixes(cmd *cobra.Command, docs []*spec.Document, diags []lint.Diagnostic, spelling bool) (remaining []lint.Diagnostic, err error) {
	for _, d := range docs {
		if d.Name == spec.StdinName {
			return diags, usageError("--fix rewrites files in place and cannot fix standard input; use \"corsgate transform NAME -\" to rewrite a stream")
		}
	}
	stderr := cmd.ErrOrStderr()
	ruleMap := map[string]*lint.Rule{}
	for _, r := range rules.All() {
		ruleMap[r.ID] = r
	}
	byFile := map[string][]lint.Diagnostic{}
	for _, d := range diags {
		byFile[d.File] = append(byFile[d.File], d)
	}
	var failed []error
	done := map[string]bool{}
	for _, doc := range docs {
		ds := byFile[doc.Name]
		done[doc.Name] = true
		if len(ds) == 0 {
			continue
		}
		out, fixed, unfixed, ferr := transform.Fix(doc, ds, transform.FixOptions{Spelling: spelling, Rules: ruleMap})
		if ferr != nil {
			var fe *transform.FixError
			if !errors.As(ferr, &fe) {
				// Not a refusal: an internal failure. Touch nothing.
				fmt.Fprintf(stderr, "corsgate: %s: cannot fix: %v\n", doc.Name, ferr)
				failed = append(failed, ferr)
				remaining = append(remaining, ds...)
				continue
			}
			fmt.Fprintf(stderr, "corsgate: %s: %v\n", doc.Name, ferr)
		}
		if out != nil && len(fixed) > 0 {
			if werr := replaceFile(cmd.Context(), doc.Name, doc.Src, out); werr != nil {
				fmt.Fprintf(stderr, "corsgate: %v; nothing fixed in %s\n", werr, doc.Name)
				failed = append(failed, werr)
				remaining = append(remaining, ds...)
				continue
			}
		}
		for _, d := range fixed {
			fmt.Fprintf(stderr, "fixed: %s:%d:%d: %s (%s)\n", d.File, d.Line, d.Column, d.RuleID, fixName(ruleMap, d.RuleID))
		}
		for _, d := range unfixed {
			if r := ruleMap[d.RuleID]; r != nil && r.Fix != "" {
				why := ""
				if r.Fix == "allow-cors-spelling" && !spelling {
					why = " (add --fix-spelling to rename allow_cors)"
				}
				if why != "" || d.RuleID != "endpoints-unknown-key" {
					fmt.Fprintf(stderr, "not fixed: %s:%d:%d: %s%s\n", d.File, d.Line, d.Column, d.RuleID, why)
				}
			}
		}
		if out != nil && len(fixed) > 0 {
			unfixed = remapLines(doc.Src, out, unfixed)
		}
		remaining = append(remaining, unfixed...)
	}
	for _, d := range diags {
		if !done[d.File] {
			remaining = append(remaining, d) // files that did not load, proxy flags
		}
	}
	remaining = lint.Sort(remaining)
	if len(failed) > 0 {
		return remaining, silentExit(ExitInput)
	}
	return remaining, nil
}

// remapLines moves the line numbers of diagnostics from the file as it was
// to the file as rewritten (a fix may add or remove lines above them). A
// finding on a line that was itself rewritten keeps its line number in the
// new file's corresponding region.
func remapLines(old, updated []byte, ds []lint.Diagnostic) []lint.Diagnostic {
	ops := yamledit.LineDiff(old, updated)
	newLine := make([]int, 0, len(ops)+1) // index: old line - 1
	n := 1
	for i := 0; i < len(ops); {
		if ops[i].Kind == ' ' {
			newLine = append(newLine, n)
			n++
			i++
			continue
		}
		// A change hunk: the k-th removed line maps to the k-th added one.
		dels, adds := 0, 0
		for ; i < len(ops) && ops[i].Kind != ' '; i++ {
			if ops[i].Kind == '-' {
				dels++
			} else {
				adds++
			}
		}
		for k := 0; k < dels; k++ {
			newLine = append(newLine, n+min(k, max(adds-1, 0)))
		}
		n += adds
	}
	last := max(1, n-1) // lines in the rewritten file
	out := make([]lint.Diagnostic, len(ds))
	for i, d := range ds {
		if d.Line >= 1 && d.Line <= len(newLine) {
			d.Line = min(newLine[d.Line-1], last)
		}
		out[i] = d
	}
	return out
}

func fixName(m map[string]*lint.Rule, id string) string {
	if r := m[id]; r != nil && r.Fix != "" {
		return "transform " + r.Fix
	}
	return "fix"
}
