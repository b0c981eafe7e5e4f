package cors

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
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
    parameters:
    - {in: header, name: X-Trace, type: string}
    get:
      operationId: get
      parameters:
      - {in: path, name: id, required: true, type: string}
      responses:
        200:
          description: ok
          headers:
            X-Version: {type: string}
    put:
      operationId: put
      security:
      - key: []
        jwt: []
      parameters:
      - {in: path, name: id, required: true, type: string}
      - {in: body, name: b, schema: {type: object}}
      responses:
        200: {$ref: "#/responses/Ok"}
responses:
  Ok:
    description: ok
    headers:
      X-Etag: {type: string}
securityDefinitions:
  key: {type: apiKey, in: header, name: x-api-key}
  jwt:
    type: oauth2
    flow: implicit
    authorizationUrl: ""
    x-google-issuer: https://issuer.example
`

const grpcWebSpec = `swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.com
consumes: [application/grpc-web+proto]
paths:
  /pkg.Svc/Call:
    post:
      operationId: call
      responses:
        200: {description: ok}
`

func mustDoc(t testing.TB, name, src string) *spec.Document {
	t.Helper()
	d, err := spec.Parse(name, []byte(src), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type crossCase struct {
	name string
	spec string
	args string
	want []string
}

var crossCases = []crossCase{
	{"preset with allowCors, headers and methods lacking", crossSpec,
		`--cors_preset=basic --cors_allow_origin=https://app.example --cors_allow_headers=Content-Type '--cors_allow_methods=GET, POST'`,
		[]string{RulePresetWithAllow, RuleHeadersMissingAuth, RuleMethodsMissing}},
	{"defaults cover Authorization but not x-api-key", crossSpec,
		`--cors_preset=basic --cors_allow_origin=https://app.example`,
		[]string{RulePresetWithAllow, RuleHeadersMissingAuth}},
	{"everything allowed", crossSpec,
		`--cors_preset=basic --cors_allow_origin=https://app.example --cors_allow_headers=content-type,X-API-KEY,authorization,X-Trace '--cors_allow_methods=GET, PUT, OPTIONS'`,
		[]string{RulePresetWithAllow}},
	{"methods compare case-sensitively", crossSpec,
		`--cors_preset=basic --cors_allow_origin=https://app.example --cors_allow_headers=* --cors_allow_methods=get,put`,
		[]string{RulePresetWithAllow, RuleMethodsMissing}},
	{"grpc-web needs its headers", grpcWebSpec,
		`--cors_preset=basic --cors_allow_origin=https://app.example --cors_allow_headers=Content-Type`,
		[]string{RuleGrpcWebHeaders}},
	{"grpc-web satisfied", grpcWebSpec,
		`--cors_preset=basic --cors_allow_origin=https://app.example --cors_allow_headers=Content-Type,X-Grpc-Web,X-User-Agent --cors_expose_headers=grpc-status,grpc-message`,
		nil},
	{"no preset, no cross-checks", crossSpec, `--cors_allow_headers=Content-Type`, nil},
}

func TestCrossCheck(t *testing.T) {
	for _, c := range crossCases {
		t.Run(c.name, func(t *testing.T) {
			doc := mustDoc(t, "api.yaml", c.spec)
			l, err := ReadCommandLine(c.args)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range CrossCheck(ParseFlags(ESPv2, l), []*spec.Document{doc}) {
				got = append(got, d.RuleID)
			}
			slices.Sort(got)
			got = slices.Compact(got)
			want := slices.Clone(c.want)
			slices.Sort(want)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("rules (-want +got):\n%s", d)
			}
		})
	}
}

func TestCrossCheckMessagesAndPositions(t *testing.T) {
	doc := mustDoc(t, "api.yaml", crossSpec)
	l, _ := ReadCommandLine(`--cors_preset=basic --cors_allow_origin=https://app.example --cors_allow_headers=Content-Type '--cors_allow_methods=GET, POST'`)
	ds := CrossCheck(ParseFlags(ESPv2, l), []*spec.Document{doc})
	byRule := map[string]lint.Diagnostic{}
	for _, d := range ds {
		byRule[d.RuleID] = d
	}
	a := byRule[RulePresetWithAllow]
	if a.File != "api.yaml" || a.Line != 6 || a.Column != 14 || a.Pointer != "/x-google-endpoints/0/allowCors" {
		t.Errorf("allowCors finding at %s:%d:%d %s", a.File, a.Line, a.Column, a.Pointer)
	}
	if !strings.Contains(a.Message, "corsgate transform cors-mode proxy api.yaml") {
		t.Errorf("allowCors finding does not offer the transform: %s", a.Message)
	}
	h := byRule[RuleHeadersMissingAuth]
	if h.Arg != 3 || !strings.Contains(h.Message, "lacks x-api-key, Authorization") || !strings.Contains(h.Message, "use --cors_allow_headers=Content-Type,x-api-key,Authorization") {
		t.Errorf("headers finding: #%d %s", h.Arg, h.Message)
	}
	m := byRule[RuleMethodsMissing]
	if m.Arg != 4 || !strings.Contains(m.Message, "lacks PUT") || !strings.Contains(m.Message, "use --cors_allow_methods=GET, POST, PUT") {
		t.Errorf("methods finding: #%d %s", m.Arg, m.Message)
	}
}

func TestLintFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "deploy.yaml")
	if err := os.WriteFile(file, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := mustDoc(t, "api.yaml", crossSpec)
	ds, err := LintFlags(FlagSource{
		Args:        `docker run gcr.io/endpoints-release/endpoints-runtime:2 --cors_preset=Basic`,
		ArgsFile:    file,
		CloudRunEnv: `ESPv2_ARGS=--cors_preset=basic,--cors_max_age=3600`,
	}, []*spec.Document{doc}, lint.TargetESPv2)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ File, Loc, Rule string }
	var got []row
	for _, d := range ds {
		if d.Severity >= lint.Warning {
			got = append(got, row{d.File, loc(d), d.RuleID})
		}
	}
	want := []row{
		// The manifest: default allow-headers lack x-api-key (reported at
		// the preset, line 19, as --cors_allow_headers is not given).
		{file, "19:15", RuleHeadersMissingAuth},
		{"ESPv2_ARGS", "#1", RuleHeadersMissingAuth},
		{"ESPv2_ARGS", "#2", RuleMaxAgeNoUnit},
		{"api.yaml", "6:14", RulePresetWithAllow}, // from the manifest
		{"api.yaml", "6:14", RulePresetWithAllow}, // from the Cloud Run flags
		// docker=1 run=2 image=3 flag=4; Basic is invalid, so no cross-checks.
		{"command line", "#4", RulePresetInvalid},
	}
	slices.SortFunc(want, func(a, b row) int { return strings.Compare(a.File, b.File) })
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := LintFlags(FlagSource{ArgsFile: filepath.Join(dir, "missing")}, nil, lint.TargetESPv2); err == nil {
		t.Error("a missing file must be an error")
	}
	if ds, err := LintFlags(FlagSource{}, nil, lint.TargetESP); err != nil || len(ds) != 0 {
		t.Errorf("no input: %v %v", ds, err)
	}
	// Target ESP reads flags with ESP's rules: \d is fine there.
	ds, _ = LintFlags(FlagSource{Args: `--cors_preset=cors_with_regex '--cors_allow_origin_regex=^https://a\d\.example$'`}, nil, lint.TargetESP)
	if len(ds) != 0 {
		t.Errorf("ESP target: %v", ds)
	}
}
