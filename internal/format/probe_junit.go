package format

import (
	"fmt"
	"io"
	"strings"

	"github.com/corsgate/corsgate/internal/probe"
	"github.com/corsgate/corsgate/lint"
)

// printProbeJUnit writes one test suite per operation and one test case per
// exchange: failed when it has a finding at or above --fail-on, an error
// when it got no answer; findings below the threshold go to system-out.
func printProbeJUnit(w io.Writer, r *probe.Report, o ProbeOptions) error {
	out := junitSuites{Name: "corsgate probe " + r.Target}
	var suite *junitSuite
	for _, res := range r.Results {
		name := res.Operation
		if suite == nil || suite.Name != name {
			suite = &junitSuite{Name: name}
			out.Suites = append(out.Suites, suite)
		}
		c := junitCase{Name: exchangeName(res), ClassName: res.ForMethod + " " + res.Template}
		var failing, other []string
		for _, f := range res.Findings {
			line := fmt.Sprintf("%s (%s): %s", f.Code, f.Severity, f.Message)
			if o.FailOn != lint.SeverityNone && probe.Level(f.Severity) >= o.FailOn {
				failing = append(failing, line)
			} else {
				other = append(other, line)
			}
		}
		switch {
		case res.Error != "":
			c.Error = &junitFailure{Message: res.Error, Type: "no answer", Text: res.Error}
			suite.Errors++
		case len(failing) > 0:
			c.Failure = &junitFailure{Message: fmt.Sprintf("%d %s %s: %s", res.Status, res.Verdict, res.Kind, findingCodes(res)),
				Type: "cors", Text: strings.Join(failing, "\n")}
			suite.Failures++
		}
		c.SystemOut = strings.Join(other, "\n")
		suite.Cases = append(suite.Cases, c)
		suite.Tests++
	}
	return writeJUnit(w, out)
}
