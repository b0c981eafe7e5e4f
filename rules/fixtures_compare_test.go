package rules_test

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/lint"
)

// compare matches findings to expectations one to one; it returns a
// description of every mismatch, or "".
func compare(wants []want, got []lint.Diagnostic) string {
	used := make([]bool, len(got))
	var b strings.Builder
	for _, w := range wants {
		found := false
		for i, d := range got {
			if used[i] || d.Line != w.line || w.col != 0 && d.Column != w.col || d.RuleID != w.rule || !w.re.MatchString(d.Message) {
				continue
			}
			used[i], found = true, true
			break
		}
		if !found {
			col := ""
			if w.col != 0 {
				col = ":" + strconv.Itoa(w.col)
			}
			fmt.Fprintf(&b, "  missing: line %d%s %s %q\n", w.line, col, w.rule, w.re)
		}
	}
	for i, d := range got {
		if !used[i] {
			fmt.Fprintf(&b, "  unexpected: %d:%d %s %s\n", d.Line, d.Column, d.RuleID, d.Message)
		}
	}
	return b.String()
}
