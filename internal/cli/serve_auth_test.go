package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/proxy"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/google/go-cmp/cmp"
)

// The same API as OpenAPI 3.0 (YAML) and 3.1 (JSON): base path /v1 and
// pass-through from the x-google-endpoint server, an API key at the top.
const serve30 = `openapi: 3.0.3
info: {title: t, version: "1"}
servers:
  - url: https://api.example.test/v1
    x-google-endpoint: {allowCors: true}
components:
  securitySchemes:
    api_key: {type: apiKey, name: key, in: query}
security: [{api_key: []}]
paths:
  /shelves/{shelf}:
    get:
      parameters: [{name: shelf, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`

const serve31 = `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
 "servers": [{"url": "https://api.example.test/v1", "x-google-endpoint": {"allowCors": true}}],
 "components": {"securitySchemes": {"api_key": {"type": "apiKey", "name": "key", "in": "query"}}},
 "security": [{"api_key": []}],
 "paths": {"/shelves/{shelf}": {"get": {"responses": {"200": {"description": "ok"}}}}}}`

func writeSpec(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestServeOpenAPI3: serve builds ESPv2's route table from a 3.x document:
// the base path from the x-google-endpoint server url, pass-through from its
// allowCors, the operation's API key from the top-level security.
func TestServeOpenAPI3(t *testing.T) {
	for name, src := range map[string]string{"api.yaml": serve30, "api.json": serve31} {
		t.Run(name, func(t *testing.T) {
			base, stderr, stop := startServe(t, writeSpec(t, name, src), "-q")
			if r := call(t, "GET", base+"/v1/shelves/1"); r.StatusCode != 401 {
				t.Errorf("GET without a key: %d", r.StatusCode)
			}
			if r := call(t, "GET", base+"/v1/shelves/1?key=k"); r.StatusCode != 200 {
				t.Errorf("GET with a key: %d", r.StatusCode)
			}
			// Pass-through: the preflight reaches the mock backend (204) with no key.
			if r := call(t, "OPTIONS", base+"/v1/shelves/1", "Origin", "https://app.test", "Access-Control-Request-Method", "GET"); r.StatusCode != 204 {
				t.Errorf("preflight with allowCors: %d, want the backend's 204", r.StatusCode)
			}
			if r := call(t, "GET", base+"/shelves/1?key=k"); r.StatusCode != 404 {
				t.Errorf("GET without the base path: %d, want 404", r.StatusCode)
			}
			stop()
			if !strings.Contains(stderr.String(), "allowCors: preflights go to the backend") {
				t.Errorf("start-up line does not say pass-through:\n%s", stderr)
			}
		})
	}
}

// TestServeDeploymentDecidesPassThrough: the x-google-endpoints name is
// compared with the service name of the target, read from --target and
// --service-name or the configuration file, as lint reads them.
func TestServeDeploymentDecidesPassThrough(t *testing.T) {
	const managed = "orders-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog"
	specFile := writeSpec(t, "gw.yaml", `swagger: "2.0"
info: {title: t, version: "1"}
host: orders-abc.uc.gateway.dev
x-google-endpoints:
  - name: `+managed+`
    allowCors: true
paths:
  /items:
    get: {responses: {200: {description: ok}}}
`)
	cfg := writeSpec(t, "corsgate.yaml", "target: api-gateway\nservice_name: "+managed+"\n")
	for _, tc := range []struct {
		name   string
		args   []string
		status int
	}{
		{"Cloud Endpoints compares with host: allowCors ignored", nil, 405},
		{"API Gateway, managed-service form", []string{"--target", "api-gateway"}, 204},
		{"API Gateway, another service name", []string{"--target", "api-gateway", "--service-name", "x-1.apigateway.p.cloud.goog"}, 405},
		{"the configuration file", []string{"--config", cfg}, 204},
		{"flags win over the file", []string{"--config", cfg, "--service-name", "x-1.apigateway.p.cloud.goog"}, 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, _, stop := startServe(t, append([]string{specFile, "-q"}, tc.args...)...)
			r := call(t, "OPTIONS", base+"/items", "Origin", "https://app.test", "Access-Control-Request-Method", "GET")
			stop()
			if r.StatusCode != tc.status {
				t.Errorf("preflight: %d, want %d", r.StatusCode, tc.status)
			}
		})
	}
}

// TestServeTargetPicksProxy: --target endpoints-esp means ESP v1 unless
// --proxy says otherwise.
func TestServeTargetPicksProxy(t *testing.T) {
	base, stderr, stop := startServe(t, "--target", "endpoints-esp", "--cors_preset=basic")
	r := call(t, "OPTIONS", base+"/echo", "Origin", "https://app.test", "Access-Control-Request-Method", "POST")
	stop()
	if r.StatusCode != 204 || !strings.Contains(stderr.String(), "as ESP:") {
		t.Errorf("--target endpoints-esp: preflight %d (want ESP's 204):\n%s", r.StatusCode, stderr)
	}
}

func TestDescribeAuth(t *testing.T) {
	doc, err := spec.Parse("s.yaml", proxy.SampleSpec, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := proxy.BuildTable(doc, spec.Deployment{})
	if err != nil {
		t.Fatal(err)
	}
	open := &proxy.Table{}
	k := signingKeySet(t)
	tests := []struct {
		name string
		t    *proxy.Table
		a    *serveAuthConfig
		px   cors.Proxy
		want []string
	}{
		{"any key, unverified signatures", tb, &serveAuthConfig{}, cors.ESPv2, []string{
			"API keys: operations that require one get ESPv2's 401 without a key; any non-empty key is accepted (serve cannot ask Service Control; give --api-key KEY to accept only some)",
			"JWT: firebase (https://securetoken.google.com/corsgate-demo); issuer, audiences and expiry are checked as ESPv2 checks them; signatures are NOT verified (give --jwks FILE to verify them against a local key set); serve never fetches a JWKS URL",
		}},
		{"given keys and a key set, ESP", tb, &serveAuthConfig{opts: proxy.AuthOptions{APIKeys: []string{"a", "b"}, JWKS: k}, jwksFile: "keys.json", jwksKeys: k.Len()}, cors.ESP, []string{
			"API keys: operations that require one get ESP's 401 without a key and its 400 for a key other than the 2 given with --api-key",
			"JWT: firebase (https://securetoken.google.com/corsgate-demo); issuer, audiences and expiry are checked as ESP checks them; signatures are verified against keys.json (1 keys); serve never fetches a JWKS URL",
		}},
		{"flags without effect", open, &serveAuthConfig{opts: proxy.AuthOptions{APIKeys: []string{"a"}, JWKS: k}}, cors.ESPv2, []string{
			"note: --api-key has no effect: no operation of the spec requires an API key",
			"note: --jwks has no effect: no operation of the spec requires a JWT",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, describeAuth(tt.t, tt.a, tt.px)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func signingKeySet(t *testing.T) *proxy.JWKS {
	t.Helper()
	set, _, err := proxy.ParseJWKS([]byte(`{"keys":[{"kty":"oct","kid":"k","k":"c2VjcmV0"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return set
}
