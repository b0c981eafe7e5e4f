package lint

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/google/go-cmp/cmp"
)

func mustParse(t *testing.T, name, src string) *spec.Document {
	t.Helper()
	d, err := spec.Parse(name, []byte(src), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// hostRule reports the host value; a minimal rule to drive the engine.
var hostRule = &Rule{ID: "test-host", Severity: Warning, Check: func(p *Pass) {
	if _, ok := p.Doc.Host(); ok {
		p.Report("/host", "host seen (target %s)", p.Target)
	}
}}

var infoRule = &Rule{ID: "test-info", Severity: Info, Check: func(p *Pass) {
	p.ReportKey("/info", "info seen")
	p.ReportKey("/info", "info seen") // duplicate, removed by Sort
}}

const doc1 = "swagger: \"2.0\"\ninfo: {title: t, version: v}\nhost: a.b\n"

func TestRunSortsDedupsAndTargets(t *testing.T) {
	d2 := mustParse(t, "a.yaml", doc1)
	d1 := mustParse(t, "b.yaml", doc1)
	ds, err := Run(context.Background(), []*spec.Document{d1, d2}, []*Rule{hostRule, infoRule}, &Config{Target: TargetAPIGateway}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, strings.Join([]string{d.File, itoa(d.Line), itoa(d.Column), d.RuleID, d.Severity.String(), d.Message}, " "))
	}
	want := []string{
		"a.yaml 2 1 test-info info info seen",
		"a.yaml 3 7 test-host warning host seen (target api-gateway)",
		"b.yaml 2 1 test-info info info seen",
		"b.yaml 3 7 test-host warning host seen (target api-gateway)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestConfigOverridesAndOff(t *testing.T) {
	d := mustParse(t, "a.yaml", doc1)
	cfg := &Config{Rules: map[string]Severity{"test-host": Error, "test-info": SeverityNone}}
	ds, err := Run(context.Background(), []*spec.Document{d}, []*Rule{hostRule, infoRule}, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].RuleID != "test-host" || ds[0].Severity != Error {
		t.Errorf("got %+v; want only test-host raised to error", ds)
	}
}

func TestInlineSuppression(t *testing.T) {
	src := "swagger: \"2.0\"\n# corsgate:ignore test-info\ninfo: {title: t, version: v}\nhost: a.b # corsgate:ignore other-rule, test-host\n"
	d := mustParse(t, "a.yaml", src)
	ds, _ := Run(context.Background(), []*spec.Document{d}, []*Rule{hostRule, infoRule}, nil, nil)
	if len(ds) != 0 {
		t.Errorf("suppressed findings still reported: %+v", ds)
	}
	// A comment two lines above does not suppress.
	src = "swagger: \"2.0\"\n# corsgate:ignore test-info\n\ninfo: {title: t, version: v}\n"
	d = mustParse(t, "a.yaml", src)
	ds, _ = Run(context.Background(), []*spec.Document{d}, []*Rule{infoRule}, nil, nil)
	if len(ds) != 1 {
		t.Errorf("got %d findings, want 1", len(ds))
	}
}

func TestPanickingRuleIsAnError(t *testing.T) {
	bad := &Rule{ID: "boom", Severity: Error, Check: func(p *Pass) { panic("bug") }}
	d := mustParse(t, "a.yaml", doc1)
	ds, err := Run(context.Background(), []*spec.Document{d}, []*Rule{bad, hostRule}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "rule boom crashed on a.yaml") {
		t.Errorf("err = %v", err)
	}
	if len(ds) != 1 {
		t.Errorf("other rules' findings lost: %+v", ds)
	}
}

func TestExtraDiagnosticsFiltered(t *testing.T) {
	extra := []Diagnostic{{RuleID: "flags-x", Severity: Warning, File: "<proxy-args>", Arg: 2}, {RuleID: "flags-y", Severity: Warning, File: "<proxy-args>", Arg: 1}}
	ds, _ := Run(context.Background(), nil, nil, &Config{Rules: map[string]Severity{"flags-x": SeverityNone}}, extra)
	if len(ds) != 1 || ds[0].RuleID != "flags-y" {
		t.Errorf("got %+v", ds)
	}
}

func TestParseConfig(t *testing.T) {
	known := map[string]*Rule{"test-host": hostRule, "test-info": infoRule}
	cfg, err := ParseConfig(".corsgate.yaml", []byte("target: api-gateway\nrules:\n  test-host: off\n  test-info: error\nignore:\n  - \"vendor/**\"\n  - \"*.gen.yaml\"\n"), known)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Target != TargetAPIGateway || cfg.Rules["test-host"] != SeverityNone || cfg.Rules["test-info"] != Error {
		t.Errorf("cfg = %+v", cfg)
	}
	for name, want := range map[string]bool{"vendor/a/b.yaml": true, "./vendor/x.yaml": true, "api/x.gen.yaml": true, "api/x.yaml": false, "vendorx.yaml": false} {
		if got := cfg.Ignored(name); got != want {
			t.Errorf("Ignored(%q) = %v, want %v", name, got, want)
		}
	}
	bad := []struct{ in, want string }{
		{"rules:\n  test-hots: off\n", `2:3: unknown rule "test-hots" (did you mean "test-host"?)`},
		{"rules:\n  test-host: loud\n", `2:14: rule test-host: "loud" is not a severity`},
		{"target: espv3\n", `1:9: unknown target "espv3"`},
		{"colour: red\n", `1:1: unknown configuration key "colour"`},
		{"ignore: vendor\n", `1:9: ignore must be a list`},
		{"- a\n", "configuration must be a mapping"},
		{"rules: [\n", "invalid YAML"},
	}
	for _, b := range bad {
		_, err := ParseConfig(".corsgate.yaml", []byte(b.in), known)
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), b.want) {
			t.Errorf("ParseConfig(%q) = %v; want a ConfigError containing %q", b.in, err, b.want)
		}
	}
	if cfg, err := ParseConfig("x", nil, known); err != nil || cfg.Target != "" {
		t.Errorf("empty config: %v %v", cfg, err)
	}
}

func TestSuggestAndDistance(t *testing.T) {
	if s := Suggest("x-google-backends", []string{"x-google-backend", "x-google-allow"}); s != "x-google-backend" {
		t.Errorf("Suggest = %q", s)
	}
	if s := Suggest("completely-different", []string{"x-google-backend"}); s != "" {
		t.Errorf("Suggest = %q, want none", s)
	}
	if d := Distance("kitten", "sitting"); d != 3 {
		t.Errorf("Distance = %d", d)
	}
}

func TestSeverityParse(t *testing.T) {
	for in, want := range map[string]Severity{"error": Error, "WARN": Warning, "warning": Warning, "info": Info, "none": SeverityNone, "off": SeverityNone} {
		if got, err := ParseSeverity(in); err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("want error")
	}
}
