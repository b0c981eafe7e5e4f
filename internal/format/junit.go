package format

import (
	"encoding/xml"
	"fmt"
	"io"

	"github.com/corsgate/corsgate/lint"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// printJUnit writes one test suite per file and one failing test case per
// diagnostic; a file without findings gets one passing case.
func printJUnit(w io.Writer, ds []lint.Diagnostic, o Options) error {
	byFile := map[string][]lint.Diagnostic{}
	var order []string
	for _, f := range o.Files {
		if _, ok := byFile[f]; !ok {
			byFile[f] = nil
			order = append(order, f)
		}
	}
	for _, d := range ds {
		if _, ok := byFile[d.File]; !ok {
			order = append(order, d.File)
		}
		byFile[d.File] = append(byFile[d.File], d)
	}
	out := junitSuites{Name: "corsgate lint"}
	for _, f := range order {
		s := junitSuite{Name: f}
		if len(byFile[f]) == 0 {
			s.Cases = append(s.Cases, junitCase{Name: "corsgate lint", ClassName: f})
		}
		for _, d := range byFile[f] {
			s.Cases = append(s.Cases, junitCase{
				Name:      fmt.Sprintf("%s %s", d.RuleID, Location(d)),
				ClassName: f,
				Failure: &junitFailure{Message: d.Message, Type: d.Severity.String(),
					Text: fmt.Sprintf("%s: %s: %s [%s]", Location(d), d.Severity, d.Message, d.RuleID)},
			})
			s.Failures++
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Suites = append(out.Suites, s)
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
