package format

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/testenv"
	"github.com/corsgate/corsgate/lint"
	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var sampleRules = []*lint.Rule{
	{ID: "endpoints-name-matches-host", Category: lint.CategoryEndpoints, Severity: lint.Error,
		Doc: "Checks that every x-google-endpoints[].name equals host exactly, case included.", Details: "ESPv2 ignores allowCors otherwise.",
		Bad: "host: a\nx-google-endpoints:\n- name: b\n", Good: "host: a\nx-google-endpoints:\n- name: a\n", Sources: []lint.Source{lint.Code(lint.ESPv2, "src/go/configinfo/service_info.go", "processEndpoints")}},
	{ID: "endpoints-target-ipv4", Category: lint.CategoryEndpoints, Severity: lint.Warning, Doc: "Checks target.", Bad: "target: x", Good: "target: 1.2.3.4", Sources: []lint.Source{lint.Doc("docs", "https://cloud.google.com/endpoints/docs/openapi/cloud-goog-dns-configure")}},
}

var sampleDiags = []lint.Diagnostic{
	{RuleID: "endpoints-name-matches-host", Severity: lint.Error, Message: "The endpoint name: 'b' defined in the extension 'x-google-endpoints' is different than the host name: 'a'.", File: "api/openapi.yaml", Line: 12, Column: 9, Pointer: "/x-google-endpoints/0/name"},
	{RuleID: "endpoints-target-ipv4", Severity: lint.Warning, Message: "target \"x,y\" is not an IPv4 address: 50% <sure>", File: "api/openapi.yaml", Line: 13, Column: 11},
	{RuleID: "flags-origin-not-serialized", Severity: lint.Warning, Message: "origin has a trailing slash", File: "<proxy-args>", Arg: 2},
	{RuleID: "spec-parse", Severity: lint.Info, Message: "multi\nline", File: "b.json", Line: 3},
}

// sampleFailures are inputs that could not be read.
var sampleFailures = []Failure{{File: "missing.yaml", Message: "no such file or directory"}, {File: "api/secret.yaml", Message: "permission denied"}}

func TestGolden(t *testing.T) {
	for _, name := range Names() {
		f, _ := Parse(name)
		for _, c := range []struct {
			suffix   string
			ds       []lint.Diagnostic
			failures []Failure
		}{{"", sampleDiags, nil}, {"-empty", nil, nil}, {"-unread", nil, sampleFailures}, {"-unread-findings", sampleDiags[:1], sampleFailures[:1]}} {
			t.Run(name+c.suffix, func(t *testing.T) {
				var buf bytes.Buffer
				opts := Options{Files: []string{"api/openapi.yaml", "b.json", "clean.yaml"}, Failures: c.failures, FailOn: lint.Warning, Rules: sampleRules, Version: "v1.2.3"}
				if err := Print(&buf, f, c.ds, opts); err != nil {
					t.Fatal(err)
				}
				// Output is deterministic: a second run is byte-identical.
				var again bytes.Buffer
				_ = Print(&again, f, c.ds, opts)
				if !bytes.Equal(buf.Bytes(), again.Bytes()) {
					t.Error("output differs between two runs")
				}
				golden := filepath.Join("testdata", name+c.suffix+".golden")
				if *update {
					if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), buf.String()); diff != "" {
					t.Errorf("%s differs from golden (-want +got):\n%s", golden, diff)
				}
			})
		}
	}
}

// TestSARIFSchema validates the SARIF output against the official SARIF
// 2.1.0 JSON Schema (in the shared folder next to the repository).
func TestSARIFSchema(t *testing.T) {
	schemaPath := testenv.Shared(t, "schemas", "sarif-schema-2.1.0.json")
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ds       []lint.Diagnostic
		failures []Failure
	}{{sampleDiags, nil}, {nil, nil}, {nil, sampleFailures}, {sampleDiags, sampleFailures}} {
		var buf bytes.Buffer
		if err := Print(&buf, SARIF, c.ds, Options{Rules: sampleRules, Version: "v1", Failures: c.failures}); err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("SARIF output does not validate: %v", err)
		}
	}
	// Every result's ruleIndex points at its rule.
	var buf bytes.Buffer
	_ = Print(&buf, SARIF, sampleDiags, Options{Rules: sampleRules})
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	for _, r := range log.Runs[0].Results {
		if got := log.Runs[0].Tool.Driver.Rules[r.RuleIndex].ID; got != r.RuleID {
			t.Errorf("result %s has ruleIndex of %s", r.RuleID, got)
		}
	}
}

// TestJUnitFailOn: only findings at or above --fail-on are failures (the
// sample has an error, two warnings and an info); the others are passing
// test cases that still show the finding; an unreadable input is an error.
func TestJUnitFailOn(t *testing.T) {
	for _, c := range []struct {
		failOn   lint.Severity
		failures int
	}{{lint.SeverityNone, 0}, {lint.Error, 1}, {lint.Warning, 3}, {lint.Info, 4}} {
		t.Run(c.failOn.String(), func(t *testing.T) {
			var buf bytes.Buffer
			opts := Options{Files: []string{"api/openapi.yaml", "clean.yaml"}, Failures: sampleFailures[:1], FailOn: c.failOn}
			if err := Print(&buf, JUnit, sampleDiags, opts); err != nil {
				t.Fatal(err)
			}
			var s junitSuites
			if err := xml.Unmarshal(buf.Bytes(), &s); err != nil {
				t.Fatal(err)
			}
			if s.Tests != 6 || s.Failures != c.failures || s.Errors != 1 {
				t.Errorf("tests=%d failures=%d errors=%d, want 6, %d and 1", s.Tests, s.Failures, s.Errors, c.failures)
			}
			shown := 0
			for _, suite := range s.Suites {
				for _, tc := range suite.Cases {
					if tc.Failure != nil || tc.SystemOut != "" {
						shown++
					}
				}
			}
			if shown != len(sampleDiags) {
				t.Errorf("%d findings shown as failure or system-out, want %d", shown, len(sampleDiags))
			}
		})
	}
}

// What each format says when everything was read.
var (
	cleanText  = regexp.MustCompile(`no problems found`)
	cleanSARIF = regexp.MustCompile(`"executionSuccessful": true`)
	cleanJSON  = regexp.MustCompile(`"failures": 0`)
	cleanJUnit = regexp.MustCompile(`<testsuites [^>]*errors="0"`)
)

// TestFailuresInEveryFormat: an input that could not be read is in the
// report of every format, with its name and the reason, and nothing looks
// clean.
func TestFailuresInEveryFormat(t *testing.T) {
	for _, name := range Names() {
		f, _ := Parse(name)
		var buf bytes.Buffer
		if err := Print(&buf, f, nil, Options{Files: []string{"clean.yaml"}, Failures: sampleFailures[:1], FailOn: lint.Error}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !strings.Contains(out, "missing.yaml") || !strings.Contains(out, "no such file or directory") {
			t.Errorf("%s: the failure is missing:\n%s", name, out)
		}
		for _, clean := range []*regexp.Regexp{cleanText, cleanSARIF, cleanJSON, cleanJUnit} {
			if m := clean.FindString(out); m != "" {
				t.Errorf("%s: output says %q:\n%s", name, m, out)
			}
		}
	}
}

func TestGitHubEscaping(t *testing.T) {
	var buf bytes.Buffer
	_ = Print(&buf, GitHub, []lint.Diagnostic{{RuleID: "r", Severity: lint.Error, File: "a,b:c.yaml", Line: 1, Column: 2, Message: "50%\nnext"}}, Options{})
	want := "::error file=a%2Cb%3Ac.yaml,line=1,col=2,title=corsgate r::50%25%0Anext [r]\n"
	if buf.String() != want {
		t.Errorf("got %q\nwant %q", buf.String(), want)
	}
}

func TestTextColor(t *testing.T) {
	var plain, colored bytes.Buffer
	_ = Print(&plain, Text, sampleDiags[:1], Options{})
	_ = Print(&colored, Text, sampleDiags[:1], Options{Color: true})
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("colour codes without Color")
	}
	if !strings.Contains(colored.String(), "\x1b[") {
		t.Error("no colour codes with Color")
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Format{"": Text, "TEXT": Text, "json": JSON, "sarif": SARIF, "github-actions": GitHub, "junit": JUnit} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := Parse("xml"); err == nil {
		t.Error("Parse(xml): want error")
	}
}
