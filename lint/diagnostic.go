package lint

import (
	"cmp"
	"slices"
)

// Diagnostic is one finding. Line and Column are 1-based; 0 means unknown.
type Diagnostic struct {
	RuleID   string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	// Arg is the 1-based index of a command-line argument the finding is
	// about (proxy flags given on a command line); 0 when not applicable.
	Arg int `json:"arg,omitempty"`
	// Pointer is the JSON pointer of the node the finding is about, if any.
	Pointer string `json:"pointer,omitempty"`
}

// Compare orders diagnostics by file, line, column, argument, rule, message.
func Compare(a, b Diagnostic) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		cmp.Compare(a.Arg, b.Arg),
		cmp.Compare(a.RuleID, b.RuleID),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(b.Severity, a.Severity),
		cmp.Compare(a.Pointer, b.Pointer),
	)
}

// Sort sorts diagnostics and removes exact duplicates (same file, position,
// rule and message), keeping the most severe.
func Sort(ds []Diagnostic) []Diagnostic {
	slices.SortFunc(ds, Compare)
	return slices.CompactFunc(ds, func(a, b Diagnostic) bool {
		return a.File == b.File && a.Line == b.Line && a.Column == b.Column && a.Arg == b.Arg &&
			a.RuleID == b.RuleID && a.Message == b.Message
	})
}

// MaxSeverity returns the highest severity among ds (SeverityNone if empty).
func MaxSeverity(ds []Diagnostic) Severity {
	m := SeverityNone
	for _, d := range ds {
		m = max(m, d.Severity)
	}
	return m
}

// Counts returns how many diagnostics there are of each severity.
func Counts(ds []Diagnostic) (errors, warnings, infos int) {
	for _, d := range ds {
		switch d.Severity {
		case Error:
			errors++
		case Warning:
			warnings++
		case Info:
			infos++
		}
	}
	return
}
