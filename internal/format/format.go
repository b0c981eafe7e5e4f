// Package format prints lint diagnostics: one file per output format, all
// deterministic (byte-identical output for the same diagnostics). It is the
// only package that colours output.
package format

import (
	"fmt"
	"io"
	"strings"

	"github.com/corsgate/corsgate/lint"
)

// Format is an output format for diagnostics.
type Format string

// Formats, in the order shown in help.
const (
	Text   Format = "text"
	JSON   Format = "json"
	SARIF  Format = "sarif"
	GitHub Format = "github"
	JUnit  Format = "junit"
)

// Names lists every format name, in display order.
func Names() []string {
	return []string{string(Text), string(JSON), string(SARIF), string(GitHub), string(JUnit)}
}

// Parse parses a format name; "" means text.
func Parse(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "text":
		return Text, nil
	case "json":
		return JSON, nil
	case "sarif":
		return SARIF, nil
	case "github", "github-actions":
		return GitHub, nil
	case "junit", "junit-xml":
		return JUnit, nil
	}
	return "", fmt.Errorf("unknown format %q (want %s)", s, strings.Join(Names(), ", "))
}

// Options configure a printer.
type Options struct {
	// Color turns on ANSI colours (text only). The CLI decides it from
	// --color, NO_COLOR and whether the stream is a terminal.
	Color bool
	// Files are the names of every file that was read and linted, in order
	// (JUnit reports files without findings as passing test cases; text and
	// JSON count them).
	Files []string
	// Failures are the inputs that could not be read. They were not
	// checked, so no format may look clean while there are any: each one
	// prints them (and the CLI exits 3).
	Failures []Failure
	// FailOn is lint's --fail-on: in JUnit only findings at or above it are
	// failing test cases. SeverityNone (the zero value, --fail-on none)
	// fails none.
	FailOn lint.Severity
	// Rules describe the rule IDs that may appear (SARIF tool.driver.rules).
	Rules []*lint.Rule
	// Version of corsgate (SARIF tool.driver.version).
	Version string
}

// Failure is an input that could not be read, and why.
type Failure struct {
	File    string `json:"file"`
	Message string `json:"message"`
}

// fails reports whether a finding fails the run (JUnit failures).
func (o Options) fails(d lint.Diagnostic) bool {
	return o.FailOn != lint.SeverityNone && d.Severity >= o.FailOn
}

// Print writes diagnostics (already sorted by lint.Run) in format f.
func Print(w io.Writer, f Format, ds []lint.Diagnostic, o Options) error {
	switch f {
	case Text:
		return printText(w, ds, o)
	case JSON:
		return printJSON(w, ds, o)
	case SARIF:
		return printSARIF(w, ds, o)
	case GitHub:
		return printGitHub(w, ds, o)
	case JUnit:
		return printJUnit(w, ds, o)
	}
	return fmt.Errorf("unknown format %q", f)
}

// Location renders a diagnostic's location as file:line:col (or less when
// unknown; file#N for a command-line argument).
func Location(d lint.Diagnostic) string {
	var b strings.Builder
	b.WriteString(d.File)
	switch {
	case d.Arg > 0:
		fmt.Fprintf(&b, "#%d", d.Arg)
	case d.Line > 0 && d.Column > 0:
		fmt.Fprintf(&b, ":%d:%d", d.Line, d.Column)
	case d.Line > 0:
		fmt.Fprintf(&b, ":%d", d.Line)
	}
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
