package format

import (
	"encoding/xml"
	"fmt"
	"io"

	"github.com/corsgate/corsgate/lint"
)

type junitSuites struct {
	XMLName  xml.Name      `xml:"testsuites"`
	Name     string        `xml:"name,attr"`
	Tests    int           `xml:"tests,attr"`
	Failures int           `xml:"failures,attr"`
	Errors   int           `xml:"errors,attr"`
	Suites   []*junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// printJUnit writes one test suite per file and one test case per
// diagnostic: a failing one (<failure>) when the finding is at or above
// --fail-on, else a passing one that shows the finding in <system-out>. A
// file without findings gets one passing case, a file that could not be
// read one case with an <error>.
func printJUnit(w io.Writer, ds []lint.Diagnostic, o Options) error {
	byFile := map[string][]lint.Diagnostic{}
	unread := map[string]string{}
	var order []string
	addFile := func(f string) {
		if _, ok := byFile[f]; !ok {
			byFile[f] = nil
			order = append(order, f)
		}
	}
	for _, f := range o.Files {
		addFile(f)
	}
	for _, f := range o.Failures {
		addFile(f.File)
		unread[f.File] = f.Message
	}
	for _, d := range ds {
		addFile(d.File)
		byFile[d.File] = append(byFile[d.File], d)
	}
	out := junitSuites{Name: "corsgate lint"}
	for _, f := range order {
		s := &junitSuite{Name: f}
		if msg, ok := unread[f]; ok {
			s.Cases = append(s.Cases, junitCase{Name: "corsgate lint", ClassName: f,
				Error: &junitFailure{Message: "cannot read: " + msg, Type: "unreadable", Text: f + ": cannot read: " + msg}})
			s.Errors++
		} else if len(byFile[f]) == 0 {
			s.Cases = append(s.Cases, junitCase{Name: "corsgate lint", ClassName: f})
		}
		for _, d := range byFile[f] {
			text := fmt.Sprintf("%s: %s: %s [%s]", Location(d), d.Severity, d.Message, d.RuleID)
			c := junitCase{Name: fmt.Sprintf("%s %s", d.RuleID, Location(d)), ClassName: f}
			if o.fails(d) {
				c.Failure = &junitFailure{Message: d.Message, Type: d.Severity.String(), Text: text}
				s.Failures++
			} else {
				c.SystemOut = text
			}
			s.Cases = append(s.Cases, c)
		}
		s.Tests = len(s.Cases)
		out.Suites = append(out.Suites, s)
	}
	return writeJUnit(w, out)
}

// writeJUnit totals the suites and writes the document (lint's and probe's).
func writeJUnit(w io.Writer, out junitSuites) error {
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
