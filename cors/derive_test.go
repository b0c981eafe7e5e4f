package cors

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/testenv"
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

func TestNeeds(t *testing.T) {
	n := Needs(mustDoc(t, "api.yaml", crossSpec), spec.Deployment{})
	want := SpecNeeds{
		Methods:       []string{"GET", "PUT"},
		Headers:       []string{"X-Trace"},
		APIKeyHeaders: []string{"x-api-key"},
		Authorization: true,
		Body:          true,
		Expose:        []string{"X-Version", "X-Etag"},
		AllowCors:     true,
		AllowCorsPtr:  "/x-google-endpoints/0/allowCors",
	}
	if d := cmp.Diff(want, n); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	g := Needs(mustDoc(t, "g.yaml", grpcWebSpec), spec.Deployment{})
	if !g.GrpcWeb || g.GrpcWebPtr != "/consumes" {
		t.Errorf("grpc-web not detected: %+v", g)
	}
	b := Needs(mustDoc(t, "b.yaml", `swagger: "2.0"
info: {title: t, version: "1"}
host: a.example
x-google-endpoints:
- name: other.example
  allowCors: true
paths:
  /x:
    get:
      x-google-backend: {address: grpcs://svc.run.app}
      responses: {200: {description: ok}}
`), spec.Deployment{})
	if b.AllowCors {
		t.Error("allowCors on an entry whose name != host must not count")
	}
	if !b.GrpcWeb || b.GrpcWebPtr != "/paths/~1x/get/x-google-backend/address" {
		t.Errorf("grpc backend not detected: %+v", b)
	}
}

// TestNeedsAllowCors: AllowCors is the model's pass-through decision
// (spec.Google.PassThrough) for the deployment: both proto-JSON spellings,
// what protobuf's JSON parser reads as true, the configured service name,
// API Gateway's managed service.
func TestNeedsAllowCors(t *testing.T) {
	const managed = "my-api-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog"
	tests := []struct {
		name, entry, key, value string
		d                       spec.Deployment
		want                    bool
	}{
		{"allowCors", "api.example.com", "allowCors", "true", spec.Deployment{}, true},
		{"allow_cors", "api.example.com", "allow_cors", "true", spec.Deployment{}, true},
		{"false", "api.example.com", "allowCors", "false", spec.Deployment{}, false},
		{"quoted true (proto-JSON reads it)", "api.example.com", "allowCors", `"true"`, spec.Deployment{}, true},
		{"quoted yes", "api.example.com", "allowCors", `"yes"`, spec.Deployment{}, false},
		{"other name", "other.example.com", "allowCors", "true", spec.Deployment{}, false},
		{"service name given", "svc.example.com", "allow_cors", "true", spec.Deployment{ServiceName: "svc.example.com"}, true},
		{"API Gateway: host", "api.example.com", "allowCors", "true", spec.Deployment{Gateway: true}, false},
		{"API Gateway: managed service", managed, "allowCors", "true", spec.Deployment{Gateway: true}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := mustDoc(t, "a.yaml", "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\nhost: api.example.com\n"+
				"x-google-endpoints:\n- name: "+tc.entry+"\n  "+tc.key+": "+tc.value+"\npaths: {}\n")
			n := Needs(doc, tc.d)
			if n.AllowCors != tc.want {
				t.Errorf("AllowCors = %v, want %v", n.AllowCors, tc.want)
			}
			if tc.want && n.AllowCorsPtr != "/x-google-endpoints/0/"+tc.key {
				t.Errorf("AllowCorsPtr = %q", n.AllowCorsPtr)
			}
		})
	}
}

func TestDerive(t *testing.T) {
	n := Needs(mustDoc(t, "api.yaml", crossSpec), spec.Deployment{})
	p, err := Derive(n, Policy{Proxy: ESPv2, AllowOrigin: "https://app.example", MaxAge: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	want := Policy{Proxy: ESPv2, Preset: PresetBasic, AllowOrigin: "https://app.example",
		AllowMethods: "GET, PUT, OPTIONS", AllowHeaders: "X-Trace,x-api-key,Authorization,Content-Type",
		ExposeHeaders: "X-Version,X-Etag", MaxAge: time.Hour, MaxAgeSet: true}
	if d := cmp.Diff(want, p); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// A regex implies cors_with_regex and drops a default origin.
	p, err = Derive(n, Policy{Proxy: ESP, AllowOrigin: "*", AllowOriginRegex: `^https://a\.example$`})
	if err != nil || p.Preset != PresetRegex || p.AllowOrigin != "" || p.MaxAgeSet {
		t.Errorf("regex: %+v %v", p, err)
	}
	if _, err := Derive(n, Policy{Proxy: ESPv2}); !errors.Is(err, ErrNoOrigin) {
		t.Errorf("no origin: err = %v", err)
	}
}

// TestNeedsRealWorld runs the analysis over Google's public sample specs:
// it must not fail, and every spec with operations has methods.
func TestNeedsRealWorld(t *testing.T) {
	dir := testenv.Shared(t, "corpus", "real-world")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	jsons, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	files = append(files, jsons...)
	if len(files) == 0 {
		t.Fatal("no spec in " + dir)
	}
	parsed := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := spec.Parse(f, data, spec.Options{})
		if err != nil {
			continue
		}
		parsed++
		n := Needs(doc, spec.Deployment{})
		if len(doc.Operations()) > 0 && len(n.Methods) == 0 {
			t.Errorf("%s: operations but no methods", f)
		}
		if _, err := Derive(n, Policy{AllowOrigin: "https://a.example"}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if parsed == 0 {
		t.Error("no corpus spec parsed")
	}
}

func BenchmarkNeeds(b *testing.B) {
	doc := mustDoc(b, "api.yaml", crossSpec)
	b.ReportAllocs()
	for b.Loop() {
		_ = Needs(doc, spec.Deployment{})
	}
}

// TestNeedsOpenAPI3: the same needs from a 3.x document: header parameters
// (a path item's and a components reference), the API-key header of a
// components.securitySchemes entry, a JWT read from a custom header
// (x-google-auth jwtLocations) sent there and not in Authorization, a
// request body, response headers through components.responses, and
// allowCors on the x-google-endpoint server.
func TestNeedsOpenAPI3(t *testing.T) {
	n := Needs(mustDoc(t, "api.yaml", `openapi: 3.1.0
info: {title: t, version: "1"}
servers:
- url: https://shelves.endpoints.my-project.cloud.goog/v1
  x-google-endpoint: {allowCors: true}
paths:
  /shelves:
    parameters:
    - {name: X-Trace, in: header, schema: {type: string}}
    get:
      security: [{key: []}]
      parameters:
      - $ref: "#/components/parameters/Tenant"
      responses:
        "200": {$ref: "#/components/responses/Listed"}
    post:
      security: [{jwt: []}]
      requestBody:
        content: {application/json: {schema: {type: object}}}
      responses:
        "201":
          description: made
          headers: {Location: {schema: {type: string}}}
components:
  parameters:
    Tenant: {name: X-Tenant, in: header, schema: {type: string}}
  responses:
    Listed:
      description: ok
      headers: {X-Total: {schema: {type: integer}}}
  securitySchemes:
    key: {type: apiKey, name: x-api-key, in: header}
    jwt:
      type: oauth2
      flows: {implicit: {authorizationUrl: "", scopes: {}}}
      x-google-auth:
        issuer: https://issuer.example
        jwtLocations: [{header: X-Token, value_prefix: "JWT "}]
`), spec.Deployment{})
	want := SpecNeeds{
		Methods:       []string{"GET", "POST"},
		Headers:       []string{"X-Trace", "X-Tenant", "X-Token"},
		APIKeyHeaders: []string{"x-api-key"},
		Body:          true,
		Expose:        []string{"X-Total", "Location"},
		AllowCors:     true,
		AllowCorsPtr:  "/servers/0/x-google-endpoint/allowCors",
	}
	if d := cmp.Diff(want, n); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
