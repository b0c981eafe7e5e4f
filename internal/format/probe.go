package format

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/corsgate/corsgate/internal/probe"
	"github.com/corsgate/corsgate/lint"
)

// ProbeOptions configure the printers of probe reports.
type ProbeOptions struct {
	// Color turns on ANSI colours (text only).
	Color bool
	// FailOn is the level --fail-on sets: JUnit marks exchanges with
	// findings at or above it as failed.
	FailOn lint.Severity
	// Version of corsgate (SARIF tool.driver.version).
	Version string
}

// PrintProbe writes a probe report in format f. Output depends only on the
// report, so the same report prints the same bytes.
func PrintProbe(w io.Writer, f Format, r *probe.Report, o ProbeOptions) error {
	switch f {
	case Text:
		return printProbeText(w, r, o)
	case JSON:
		return printProbeJSON(w, r)
	case SARIF:
		return printProbeSARIF(w, r, o)
	case GitHub:
		return printProbeGitHub(w, r)
	case JUnit:
		return printProbeJUnit(w, r, o)
	}
	return fmt.Errorf("unknown format %q", f)
}

// exchangeName names an exchange in one line: the request line and origin.
func exchangeName(res *probe.Result) string {
	s := res.Method + " " + res.Path + " origin=" + res.Origin
	if res.OriginKind.Hostile() {
		s += " (hostile: " + string(res.OriginKind) + ")"
	}
	return s
}

// levelName is the lint level word of a finding severity.
func levelName(severity string) string { return probe.Level(severity).String() }

// codeGroup is every occurrence of one finding code in a report.
type codeGroup struct {
	code, severity, first string
	level                 lint.Severity
	count                 int
}

// groupFindings groups a report's findings by code: highest level first,
// then by code; each keeps its first message and the most severe severity.
func groupFindings(r *probe.Report) []*codeGroup {
	by := map[string]*codeGroup{}
	for _, res := range r.Results {
		for _, f := range res.Findings {
			g := by[f.Code]
			if g == nil {
				g = &codeGroup{code: f.Code, severity: f.Severity, first: f.Message, level: probe.Level(f.Severity)}
				by[f.Code] = g
			}
			if l := probe.Level(f.Severity); l > g.level {
				g.level, g.severity = l, f.Severity
			}
			g.count++
		}
	}
	out := make([]*codeGroup, 0, len(by))
	for _, g := range by {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].level != out[j].level {
			return out[i].level > out[j].level
		}
		return out[i].code < out[j].code
	})
	return out
}

// findingCodes lists an exchange's codes, comma-separated.
func findingCodes(res *probe.Result) string {
	codes := make([]string, len(res.Findings))
	for i, f := range res.Findings {
		codes[i] = f.Code
	}
	return strings.Join(codes, ",")
}

func sortGroupsByCode(gs []*codeGroup) {
	sort.Slice(gs, func(i, j int) bool { return gs[i].code < gs[j].code })
}
