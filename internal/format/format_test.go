package format

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

func TestGolden(t *testing.T) {
	for _, name := range Names() {
		f, _ := Parse(name)
		for _, c := range []struct {
			suffix string
			ds     []lint.Diagnostic
		}{{"", sampleDiags}, {"-empty", nil}} {
			t.Run(name+c.suffix, func(t *testing.T) {
				var buf bytes.Buffer
				opts := Options{Files: []string{"api/openapi.yaml", "b.json", "clean.yaml"}, Rules: sampleRules, Version: "v1.2.3"}
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
// 2.1.0 JSON Schema (shared/schemas next to the repository, or a copy).
func TestSARIFSchema(t *testing.T) {
	schemaPath := filepath.Join("..", "..", "..", "shared", "schemas", "sarif-schema-2.1.0.json")
	if _, err := os.Stat(schemaPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("SARIF schema not found: %v", err)
		}
		t.Skip("SARIF schema not found next to the repository")
	}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, ds := range [][]lint.Diagnostic{sampleDiags, nil} {
		var buf bytes.Buffer
		if err := Print(&buf, SARIF, ds, Options{Rules: sampleRules, Version: "v1"}); err != nil {
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

func TestJUnitParses(t *testing.T) {
	var buf bytes.Buffer
	if err := Print(&buf, JUnit, sampleDiags, Options{Files: []string{"api/openapi.yaml", "clean.yaml"}}); err != nil {
		t.Fatal(err)
	}
	var s junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	if s.Tests != 5 || s.Failures != 4 {
		t.Errorf("tests=%d failures=%d, want 5 and 4", s.Tests, s.Failures)
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
