package format

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/probe"
	"github.com/corsgate/corsgate/internal/testenv"
	"github.com/corsgate/corsgate/lint"
	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sampleProbeReport covers what the printers show: allowed and blocked
// exchanges, a hostile origin refused and one granted, an answer the proxy
// made, drift, a redirect and an exchange that got no answer.
func sampleProbeReport() *probe.Report {
	get := func(m, kind string) *probe.Result {
		return &probe.Result{Operation: "getShelf", Template: "/v1/shelves/{shelf}", File: "api/openapi.yaml", Line: 14, Column: 5,
			Method: m, ForMethod: "GET", Path: "/v1/shelves/1", Origin: "https://app.example.com", OriginKind: probe.OriginGiven,
			Kind: probe.Kind(kind), RequestHeaders: http.Header{"Origin": {"https://app.example.com"}}, Attempts: 1, Findings: []cors.Finding{}}
	}
	pre := get("OPTIONS", "preflight")
	pre.Status, pre.Verdict = 200, cors.VerdictAllowed
	pre.Headers = http.Header{"Access-Control-Allow-Origin": {"https://app.example.com"}, "Access-Control-Max-Age": {"1728000"}}
	pre.Findings = []cors.Finding{{Code: cors.CodeMaxAgeAboveBrowserCap, Severity: cors.SeverityInfo, Message: "Access-Control-Max-Age is 1728000 s."}}
	pre.Prediction = &probe.Prediction{AnsweredBy: "proxy", Route: "cors-preflight", Status: 200, Verdict: cors.VerdictAllowed,
		Headers: http.Header{"Access-Control-Allow-Origin": {"https://app.example.com"}, "Access-Control-Max-Age": {"1728000"}}}
	act := get("GET", "actual")
	act.Status, act.Verdict = 401, cors.VerdictBlocked
	act.Headers = http.Header{}
	act.ProxyAnswer = &probe.ProxyAnswer{Proxy: cors.ESPv2, Kind: probe.AnswerAPIKey, Message: "UNAUTHENTICATED: Method doesn't allow unregistered callers"}
	act.Findings = []cors.Finding{
		{Code: cors.CodeACAOMissing, Severity: cors.SeverityBlock, Message: "The browser blocks the response: no Access-Control-Allow-Origin, \"50%\"."},
		{Code: probe.CodeDriftFromPredicted, Severity: cors.SeverityBlock, Message: "The deployed API answered otherwise: Access-Control-Allow-Origin: predicted \"https://app.example.com\", got none."},
	}
	act.Prediction = &probe.Prediction{AnsweredBy: "backend", Route: "operation", Verdict: cors.VerdictAllowed,
		Headers: http.Header{"Access-Control-Allow-Origin": {"https://app.example.com"}},
		Drift:   []string{`Access-Control-Allow-Origin: predicted "https://app.example.com", got none`}}
	hostile := get("GET", "actual")
	hostile.Origin, hostile.OriginKind = "null", probe.OriginNull
	hostile.Status, hostile.Verdict = 200, cors.VerdictAllowed
	hostile.Headers = http.Header{"Access-Control-Allow-Origin": {"null"}, "Access-Control-Allow-Credentials": {"true"}}
	hostile.Findings = []cors.Finding{{Code: probe.CodeNullOriginAllowed, Severity: cors.SeverityInsecure, Message: "The actual request allows the origin null."}}
	refused := get("GET", "actual")
	refused.Origin, refused.OriginKind = "https://corsgate-probe.evil.test", probe.OriginUnrelated
	refused.Status, refused.Verdict, refused.Headers = 200, cors.VerdictBlocked, http.Header{}
	moved := &probe.Result{Operation: "PUT /old", Template: "/old", Method: "OPTIONS", ForMethod: "PUT", Path: "/old",
		Origin: "https://app.example.com", OriginKind: probe.OriginGiven, Kind: probe.KindPreflight, Status: 301, Verdict: cors.VerdictBlocked,
		Headers: http.Header{}, Redirect: "https://api.example.com/old", Attempts: 1,
		Findings: []cors.Finding{{Code: probe.CodeRedirected, Severity: cors.SeverityBlock, Message: "The preflight was answered with 301, a redirect."}}}
	failed := &probe.Result{Operation: "GET /old", Template: "/old", Method: "GET", ForMethod: "GET", Path: "/old",
		Origin: "https://app.example.com", OriginKind: probe.OriginGiven, Kind: probe.KindActual, Attempts: 3,
		Error: "the server closed the connection without answering (3 attempts)", Findings: []cors.Finding{}}
	r := &probe.Report{Version: probe.ReportVersion, Tool: "corsgate", Command: "probe", Target: "https://api.example.com",
		Spec: "api/openapi.yaml", Proxy: cors.ESPv2, Configuration: "ESPv2 with --cors_preset=basic --cors_allow_origin=https://app.example.com",
		Credentials: "omit", Origins: []probe.Origin{{Value: "https://app.example.com", Kind: probe.OriginGiven}, {Value: "null", Kind: probe.OriginNull}},
		Notes:   []string{`path parameters without a value were sent as "corsgate-probe": shelf in /v1/shelves/{shelf}`},
		Results: []*probe.Result{pre, act, hostile, refused, moved, failed}}
	r.Summary = probe.Summary{Requests: 8, Exchanges: 6, Failed: 1, Allowed: 1, Blocked: 2, Refused: 1, Granted: 1,
		Errors: 4, Infos: 1, Drift: 1, ProxyAnswers: 1, WallMS: 1234.5}
	return r
}

func TestProbeGolden(t *testing.T) {
	for _, name := range Names() {
		f, _ := Parse(name)
		for _, c := range []struct {
			suffix string
			r      *probe.Report
		}{{"", sampleProbeReport()}, {"-empty", &probe.Report{Version: 1, Tool: "corsgate", Command: "probe", Target: "http://127.0.0.1:8080",
			Credentials: "omit", Origins: []probe.Origin{}, Notes: []string{}, Results: []*probe.Result{}}}} {
			t.Run(name+c.suffix, func(t *testing.T) {
				var buf, again bytes.Buffer
				opts := ProbeOptions{FailOn: lint.Error, Version: "v1.2.3"}
				if err := PrintProbe(&buf, f, c.r, opts); err != nil {
					t.Fatal(err)
				}
				_ = PrintProbe(&again, f, c.r, opts)
				if !bytes.Equal(buf.Bytes(), again.Bytes()) {
					t.Error("output differs between two runs")
				}
				golden := filepath.Join("testdata", "probe-"+name+c.suffix+".golden")
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

func TestProbeSARIFSchema(t *testing.T) {
	schemaPath := testenv.Shared(t, "schemas", "sarif-schema-2.1.0.json")
	sch, err := jsonschema.NewCompiler().Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	noSpec := sampleProbeReport()
	for _, res := range noSpec.Results {
		res.File, res.Line, res.Column = "", 0, 0
	}
	for _, r := range []*probe.Report{sampleProbeReport(), noSpec, {Results: []*probe.Result{}}} {
		var buf bytes.Buffer
		if err := PrintProbe(&buf, SARIF, r, ProbeOptions{Version: "v1"}); err != nil {
			t.Fatal(err)
		}
		raw := buf.Bytes()
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("SARIF output does not validate: %v", err)
		}
		var log sarifLog
		if err := json.Unmarshal(raw, &log); err != nil {
			t.Fatal(err)
		}
		for _, res := range log.Runs[0].Results {
			if got := log.Runs[0].Tool.Driver.Rules[res.RuleIndex].ID; got != res.RuleID {
				t.Errorf("result %s has ruleIndex of %s", res.RuleID, got)
			}
		}
	}
}

func TestProbeJUnit(t *testing.T) {
	for _, tc := range []struct {
		failOn                  lint.Severity
		tests, failures, errors int
	}{
		{lint.Error, 6, 3, 1}, // ACAO_MISSING+drift, NULL_ORIGIN_ALLOWED, REDIRECTED; one no answer
		{lint.Info, 6, 4, 1},  // and the Max-Age info
		{lint.SeverityNone, 6, 0, 1},
	} {
		var buf bytes.Buffer
		if err := PrintProbe(&buf, JUnit, sampleProbeReport(), ProbeOptions{FailOn: tc.failOn}); err != nil {
			t.Fatal(err)
		}
		var s junitSuites
		if err := xml.Unmarshal(buf.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		if s.Tests != tc.tests || s.Failures != tc.failures || s.Errors != tc.errors {
			t.Errorf("--fail-on %s: tests=%d failures=%d errors=%d, want %d %d %d", tc.failOn, s.Tests, s.Failures, s.Errors, tc.tests, tc.failures, tc.errors)
		}
	}
}

func TestProbeTextColor(t *testing.T) {
	var plain, colored bytes.Buffer
	_ = PrintProbe(&plain, Text, sampleProbeReport(), ProbeOptions{})
	_ = PrintProbe(&colored, Text, sampleProbeReport(), ProbeOptions{Color: true})
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("colour codes without Color")
	}
	if !strings.Contains(colored.String(), "\x1b[") {
		t.Error("no colour codes with Color")
	}
}
