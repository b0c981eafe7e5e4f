package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/corsgate/corsgate/lint"
)

// printGitHub writes GitHub Actions workflow commands, one annotation per
// diagnostic (::error file=F,line=L,col=C,title=ID::message) and an error
// annotation per input that could not be read.
func printGitHub(w io.Writer, ds []lint.Diagnostic, o Options) error {
	bw := bufio.NewWriter(w)
	for _, d := range ds {
		level := "notice"
		switch d.Severity {
		case lint.Error:
			level = "error"
		case lint.Warning:
			level = "warning"
		}
		props := []string{"file=" + escapeProperty(d.File)}
		if d.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", d.Line))
			if d.Column > 0 {
				props = append(props, fmt.Sprintf("col=%d", d.Column))
			}
		}
		props = append(props, "title="+escapeProperty("corsgate "+d.RuleID))
		msg := d.Message
		if d.Arg > 0 {
			msg = fmt.Sprintf("argument %d: %s", d.Arg, msg)
		}
		fmt.Fprintf(bw, "::%s %s::%s\n", level, strings.Join(props, ","), escapeData(msg+" ["+d.RuleID+"]"))
	}
	for _, f := range o.Failures {
		fmt.Fprintf(bw, "::error file=%s,title=%s::%s\n", escapeProperty(f.File), "corsgate", escapeData("cannot read: "+f.Message))
	}
	return bw.Flush()
}

// Escaping as the Actions runner's command parser expects.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
