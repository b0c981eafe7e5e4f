package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/corsgate/corsgate/lint"
	"github.com/fatih/color"
)

type palette struct {
	err, warn, info, loc, rule, bold *color.Color
}

func newPalette(on bool) palette {
	p := palette{
		err:  color.New(color.FgRed, color.Bold),
		warn: color.New(color.FgYellow, color.Bold),
		info: color.New(color.FgCyan),
		loc:  color.New(color.Bold),
		rule: color.New(color.Faint),
		bold: color.New(color.Bold),
	}
	for _, c := range []*color.Color{p.err, p.warn, p.info, p.loc, p.rule, p.bold} {
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

func (p palette) severity(s lint.Severity) *color.Color {
	switch s {
	case lint.Error:
		return p.err
	case lint.Warning:
		return p.warn
	}
	return p.info
}

// printText writes "file:line:col: severity: message [rule-id]" lines, a
// "file: error: cannot read: reason" line for each input that could not be
// read, and a summary line ("no problems found" only when everything was
// read and nothing was found).
func printText(w io.Writer, ds []lint.Diagnostic, o Options) error {
	bw := bufio.NewWriter(w)
	p := newPalette(o.Color)
	for _, d := range ds {
		fmt.Fprintf(bw, "%s: %s: %s %s\n", p.loc.Sprint(Location(d)), p.severity(d.Severity).Sprint(d.Severity), strings.ReplaceAll(d.Message, "\n", " "), p.rule.Sprintf("[%s]", d.RuleID))
	}
	for _, f := range o.Failures {
		fmt.Fprintf(bw, "%s: %s: cannot read: %s\n", p.loc.Sprint(f.File), p.err.Sprint("error"), strings.ReplaceAll(f.Message, "\n", " "))
	}
	e, wn, in := lint.Counts(ds)
	files := len(o.Files)
	switch {
	case len(ds) == 0 && len(o.Failures) == 0:
		fmt.Fprintf(bw, "no problems found in %s\n", plural(files, "file"))
	default:
		fmt.Fprintf(bw, "%s, %s, %s in %s", p.err.Sprint(plural(e, "error")), p.warn.Sprint(plural(wn, "warning")), p.info.Sprint(plural(in, "info")), plural(files, "file"))
		if n := len(o.Failures); n > 0 {
			fmt.Fprintf(bw, "; %s", p.err.Sprintf("%s could not be read", plural(n, "file")))
		}
		bw.WriteString("\n")
	}
	return bw.Flush()
}
