package format

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/corsgate/corsgate/internal/probe"
	"github.com/corsgate/corsgate/lint"
)

type probeJUnitSuites struct {
	XMLName  xml.Name           `xml:"testsuites"`
	Name     string             `xml:"name,attr"`
	Tests    int                `xml:"tests,attr"`
	Failures int                `xml:"failures,attr"`
	Errors   int                `xml:"errors,attr"`
	Suites   []*probeJUnitSuite `xml:"testsuite"`
}

type probeJUnitSuite struct {
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Cases    []probeJUnitCase `xml:"testcase"`
}

type probeJUnitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// printProbeJUnit writes one test suite per operation and one test case per
// exchange: failed when it has a finding at or above --fail-on, an error
// when it got no answer; findings below the threshold go to system-out.
func printProbeJUnit(w io.Writer, r *probe.Report, o ProbeOptions) error {
	out := probeJUnitSuites{Name: "corsgate probe " + r.Target}
	var suite *probeJUnitSuite
	for _, res := range r.Results {
		name := res.Operation
		if suite == nil || suite.Name != name {
			suite = &probeJUnitSuite{Name: name}
			out.Suites = append(out.Suites, suite)
		}
		c := probeJUnitCase{Name: exchangeName(res), ClassName: res.ForMethod + " " + res.Template}
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
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
