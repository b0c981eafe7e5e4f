package rules_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/google/go-cmp/cmp"
)

const crossSpec = `swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.com
x-google-endpoints:
- name: api.example.com
  allowCors: true
paths:
  /items/{id}:
    get:
      operationId: get
      security: [{key: []}]
      parameters:
      - {in: path, name: id, required: true, type: string}
      responses: {200: {description: ok}}
securityDefinitions:
  key: {type: apiKey, in: header, name: x-api-key}
`

const manifest = `apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
      - name: esp
        image: gcr.io/endpoints-release/endpoints-runtime:2
        args:
        - --service=api.example.com
        - --cors_preset=basic
        - --cors_allow_origin=https://app.example
`

func mustDoc(t testing.TB, name, src string) *spec.Document {
	t.Helper()
	d, err := spec.Parse(name, []byte(src), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestLintFlags reads every kind of input in one run: each is its own flag
// set, validated and cross-checked on its own.
func TestLintFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "deploy.yaml")
	if err := os.WriteFile(file, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := mustDoc(t, "api.yaml", crossSpec)
	ds, err := rules.LintFlags(rules.FlagSource{
		Args:        `docker run gcr.io/endpoints-release/endpoints-runtime:2 --cors_preset=Basic`,
		ArgsFile:    file,
		CloudRunEnv: `ESPv2_ARGS=--cors_preset=basic,--cors_max_age=3600`,
	}, []*spec.Document{doc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ File, Loc, Rule string }
	var got []row
	for _, d := range ds {
		if d.Severity >= lint.Warning {
			loc := strconv.Itoa(d.Line) + ":" + strconv.Itoa(d.Column)
			if d.Arg > 0 {
				loc = "#" + strconv.Itoa(d.Arg)
			}
			got = append(got, row{d.File, loc, d.RuleID})
		}
	}
	want := []row{
		// The manifest: default allow-headers lack x-api-key (reported at
		// the preset, line 11, as --cors_allow_headers is not given).
		{file, "11:11", "cors-allow-headers-missing-auth"},
		{"ESPv2_ARGS", "#1", "cors-allow-headers-missing-auth"},
		{"ESPv2_ARGS", "#2", cors.RuleMaxAgeNoUnit},
		// From the manifest and from the Cloud Run flags: the same finding,
		// reported once.
		{"api.yaml", "6:14", "cors-preset-with-allowcors"},
		// docker=1 run=2 image=3 flag=4; Basic is invalid, so no cross-checks.
		{"command line", "#4", cors.RulePresetInvalid},
	}
	slices.SortFunc(want, func(a, b row) int { return strings.Compare(a.File, b.File) })
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := rules.LintFlags(rules.FlagSource{ArgsFile: filepath.Join(dir, "missing")}, nil, nil); err == nil {
		t.Error("a missing file must be an error")
	}
	if ds, err := rules.LintFlags(rules.FlagSource{}, nil, &lint.Config{Target: lint.TargetESP}); err != nil || len(ds) != 0 {
		t.Errorf("no input: %v %v", ds, err)
	}
	// Target ESP reads flags with ESP's rules: \d is fine there.
	ds, _ = rules.LintFlags(rules.FlagSource{Args: `--cors_preset=cors_with_regex '--cors_allow_origin_regex=^https://a\d\.example$'`}, nil, &lint.Config{Target: lint.TargetESP})
	if len(ds) != 0 {
		t.Errorf("ESP target: %v", ds)
	}
}

// TestPresetWithAllowCorsDeployment: whether allowCors is on comes from the
// model's one decision for the deployment linted (spec.Google.PassThrough),
// with either proto-JSON spelling.
func TestPresetWithAllowCorsDeployment(t *testing.T) {
	const managed = "my-api-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog"
	tests := []struct {
		name, entry, key string
		cfg              lint.Config
		want             bool
	}{
		{"allowCors, name is host", "api.example.com", "allowCors", lint.Config{}, true},
		{"allow_cors, name is host", "api.example.com", "allow_cors", lint.Config{}, true},
		{"name is not host", "other.example.com", "allowCors", lint.Config{}, false},
		{"API Gateway: host is not the managed service", "api.example.com", "allowCors", lint.Config{Target: lint.TargetAPIGateway}, false},
		{"API Gateway: managed service name", managed, "allow_cors", lint.Config{Target: lint.TargetAPIGateway}, true},
		{"configured service name", "svc.example.com", "allowCors", lint.Config{ServiceName: "svc.example.com"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := mustDoc(t, "api.yaml", "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\nhost: api.example.com\n"+
				"x-google-endpoints:\n- name: "+tc.entry+"\n  "+tc.key+": true\npaths: {}\n")
			ds, err := rules.LintFlags(rules.FlagSource{Args: "--cors_preset=basic --cors_allow_origin=https://app.example"}, []*spec.Document{doc}, &tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := slices.ContainsFunc(ds, func(d lint.Diagnostic) bool {
				return d.RuleID == "cors-preset-with-allowcors" && d.File == "api.yaml" && d.Line == 6 && d.Pointer == "/x-google-endpoints/0/"+tc.key
			})
			if got != tc.want {
				t.Errorf("cors-preset-with-allowcors reported = %v, want %v: %v", got, tc.want, ds)
			}
		})
	}
}

// TestCrossCheckGuards: no spec or no valid preset, no cross-check.
func TestCrossCheckGuards(t *testing.T) {
	doc := mustDoc(t, "api.yaml", crossSpec)
	for _, p := range []cors.Policy{{Proxy: cors.ESPv2}, {Proxy: cors.ESPv2, Preset: "Basic", AllowHeaders: "x"}} {
		if ds := rules.CrossCheck(p, nil, []*spec.Document{doc}, spec.Deployment{}); ds != nil {
			t.Errorf("preset %q: %v", p.Preset, ds)
		}
	}
	if ds := rules.CrossCheck(cors.Policy{Proxy: cors.ESPv2, Preset: cors.PresetBasic}, nil, nil, spec.Deployment{}); ds != nil {
		t.Errorf("no spec: %v", ds)
	}
}

// TestDerivedPolicyPassesCrossChecks: what `flags --derive` builds from a
// spec passes every cross-check against that spec (apart from the mode
// question, which is about allowCors).
func TestDerivedPolicyPassesCrossChecks(t *testing.T) {
	docs := []*spec.Document{mustDoc(t, "api.yaml", crossSpec)}
	// Not the grpc-web specs: Derive does not add grpc-status and
	// grpc-message to the exposed headers (a known gap of flags --derive).
	for _, file := range []string{
		filepath.Join("testdata", "cors-allow-headers-missing-auth", "bad", "openapi.yaml"),
		filepath.Join("testdata", "cors-allow-methods-missing", "bad", "openapi.yaml"),
	} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, mustDoc(t, file, string(data)))
	}
	for _, doc := range docs {
		p, err := cors.Derive(cors.Needs(doc, spec.Deployment{}), cors.Policy{Proxy: cors.ESPv2, AllowOrigin: "https://app.example"})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range rules.CrossCheck(p, nil, []*spec.Document{doc}, spec.Deployment{}) {
			if d.RuleID != "cors-preset-with-allowcors" {
				t.Errorf("%s: derived policy fails %s: %s", doc.Name, d.RuleID, d.Message)
			}
		}
	}
}
