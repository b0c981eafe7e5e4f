package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustGoogle(t *testing.T, src string) *Google {
	t.Helper()
	d, err := Parse("g.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Google()
}

func TestPassThrough(t *testing.T) {
	const managed = "orders-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog"
	tests := []struct {
		name string
		src  string
		dep  Deployment
		want string // pointer of the allowCors member that turns it on; "" = off
	}{
		{"name equals host", "host: a.b\nx-google-endpoints:\n- {name: a.b, allowCors: true}\n", Deployment{}, "/x-google-endpoints/0/allowCors"},
		{"proto spelling", "host: a.b\nx-google-endpoints:\n- {name: a.b, allow_cors: true}\n", Deployment{}, "/x-google-endpoints/0/allow_cors"},
		{"quoted true is true for protobuf's JSON parser", "host: a.b\nx-google-endpoints:\n- {name: a.b, allowCors: \"true\"}\n", Deployment{}, "/x-google-endpoints/0/allowCors"},
		{"quoted True is not", "host: a.b\nx-google-endpoints:\n- {name: a.b, allowCors: \"True\"}\n", Deployment{}, ""},
		{"false", "host: a.b\nx-google-endpoints:\n- {name: a.b, allowCors: false}\n", Deployment{}, ""},
		{"name differs in case only: ESPv2 compares exactly", "host: a.b\nx-google-endpoints:\n- {name: A.b, allowCors: true}\n", Deployment{}, ""},
		{"second entry matches", "host: a.b\nx-google-endpoints:\n- {name: x.y, allowCors: true}\n- {name: a.b, allowCors: true}\n", Deployment{}, "/x-google-endpoints/1/allowCors"},
		{"no host", "x-google-endpoints:\n- {name: a.b, allowCors: true}\n", Deployment{}, ""},
		{"gateway: managed form", "x-google-endpoints:\n- {name: " + managed + ", allowCors: true}\n", Deployment{Gateway: true}, "/x-google-endpoints/0/allowCors"},
		{"gateway: gateway.dev name", "host: o.uc.gateway.dev\nx-google-endpoints:\n- {name: o.uc.gateway.dev, allowCors: true}\n", Deployment{Gateway: true}, ""},
		{"gateway: exact name given", "x-google-endpoints:\n- {name: " + managed + ", allowCors: true}\n", Deployment{Gateway: true, ServiceName: "other-1a2b3c.apigateway.my-project.cloud.goog"}, ""},
		{"given name wins over host", "host: a.b\nx-google-endpoints:\n- {name: c.d, allowCors: true}\n", Deployment{ServiceName: "c.d"}, "/x-google-endpoints/0/allowCors"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := mustGoogle(t, "swagger: \"2.0\"\n"+tc.src)
			ep, v := g.PassThrough(tc.dep)
			got := ""
			if ep != nil {
				got = v.Ptr()
			}
			if got != tc.want {
				t.Errorf("PassThrough = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPassThroughOpenAPI3: allowCors lives on the x-google-endpoint server;
// x-google-api-management.allowCors counts only when that server writes
// none (corsgate's choice, UNVERIFIED).
func TestPassThroughOpenAPI3(t *testing.T) {
	const server = "servers:\n- url: https://a.endpoints.p-123.cloud.goog/v1\n  x-google-endpoint: "
	tests := []struct {
		name string
		src  string
		want string // pointer of the allowCors member that turns it on; "" = off
	}{
		{"on the server", server + "{allowCors: true}\n", "/servers/0/x-google-endpoint/allowCors"},
		{"off on the server", server + "{allowCors: false}\n", ""},
		{"management only", server + "{}\nx-google-api-management: {allowCors: true}\n", "/x-google-api-management/allowCors"},
		{"management quoted true, as protobuf's JSON parser reads it", server + "{}\nx-google-api-management: {allowCors: \"true\"}\n", "/x-google-api-management/allowCors"},
		{"management false", server + "{}\nx-google-api-management: {allowCors: false}\n", ""},
		{"the server's false wins over management", server + "{allowCors: false}\nx-google-api-management: {allowCors: true}\n", ""},
		{"the server's true wins over management", server + "{allowCors: true}\nx-google-api-management: {allowCors: false}\n", "/servers/0/x-google-endpoint/allowCors"},
		{"management without an x-google-endpoint server", "servers:\n- url: https://a.endpoints.p-123.cloud.goog\nx-google-api-management: {allowCors: true}\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := mustGoogle(t, "openapi: 3.0.4\n"+tc.src)
			ep, v := g.PassThrough(Deployment{})
			got := ""
			if ep != nil {
				got = v.Ptr()
			}
			if got != tc.want {
				t.Errorf("PassThrough = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestAllowAllOpenAPI3: x-google-allow is not supported in 3.x, so it adds
// no catch-all method there.
func TestAllowAllOpenAPI3(t *testing.T) {
	for src, want := range map[string]bool{
		"swagger: \"2.0\"\nx-google-allow: All\n":        true,
		"swagger: \"2.0\"\nx-google-allow: configured\n": false,
		"openapi: 3.0.4\nx-google-allow: all\n":          false,
		"openapi: 3.1.0\nx-google-allow: all\n":          false,
	} {
		if got := mustGoogle(t, src).AllowAll(); got != want {
			t.Errorf("AllowAll() of %q = %v, want %v", src, got, want)
		}
	}
}

func TestIsManagedServiceName(t *testing.T) {
	for name, want := range map[string]bool{
		"orders-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog": true,
		"my-api-abc.apigateway.p-123.cloud.goog":                true,
		"orders.apigateway.my-project.cloud.goog":               false, // no hash
		"orders-.apigateway.my-project.cloud.goog":              false,
		"orders-1a2b.apigateway.my.project.cloud.goog":          false,
		"orders-1a2b3c.uc.gateway.dev":                          false,
		"api.endpoints.my-project.cloud.goog":                   false,
		"orders-1a2b.apigateway..cloud.goog":                    false,
	} {
		if got := IsManagedServiceName(name); got != want {
			t.Errorf("IsManagedServiceName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestGoogleSecurity(t *testing.T) {
	g := mustGoogle(t, `swagger: "2.0"
securityDefinitions:
  api_key: {type: apiKey, name: key, in: query}
  jwt: {type: oauth2, x-google-issuer: https://issuer.example}
  basic: {type: basic}
security:
- api_key: []
paths:
  /a:
    get:
      responses: {}
    post:
      security:
      - jwt: []
      - api_key: []
        undefined: []
      responses: {}
    put:
      security: []
      responses: {}
`)
	if got := len(g.Schemes); got != 3 || g.Scheme("jwt") == nil || !g.Scheme("jwt").IsOAuth2() || !g.Scheme("api_key").IsAPIKey() {
		t.Fatalf("schemes: %d %+v", got, g.Schemes)
	}
	if g.Scheme("jwt").Issuer.Text() != "https://issuer.example" || !g.Scheme("jwt").HasIssuer() {
		t.Errorf("issuer not read")
	}
	ops := map[string]*Op{}
	for _, op := range g.Ops {
		ops[op.Method] = op
	}
	if l := g.EffectiveSecurity(ops["get"]); l != g.Security || !l.RequiresAPIKey() || l.Where() != "the top-level security" {
		t.Errorf("get inherits the top-level list: %+v", l)
	}
	post := g.EffectiveSecurity(ops["post"])
	if post.Op != ops["post"] || post.RequiresAPIKey() || post.Where() != "Operation 'post' in path '/a'" {
		t.Errorf("post has its own list: %+v", post)
	}
	names := [][]string{post.Reqs[0].NameList(), post.Reqs[1].NameList()}
	if d := cmp.Diff([][]string{{"jwt"}, {"api_key", "undefined"}}, names); d != "" {
		t.Errorf("requirement names (-want +got):\n%s", d)
	}
	if post.Reqs[1].Names[1].Scheme != nil || post.Reqs[1].Names[0].Scheme != g.Scheme("api_key") {
		t.Errorf("names not linked to schemes")
	}
	if put := g.EffectiveSecurity(ops["put"]); put.RequiresAPIKey() || len(put.Reqs) != 0 {
		t.Errorf("security: [] requires nothing")
	}
	if got := len(g.SecLists()); got != 3 {
		t.Errorf("SecLists: %d lists, want root + post + put", got)
	}
}

func TestGoogleBackends(t *testing.T) {
	g := mustGoogle(t, `swagger: "2.0"
x-google-backend:
  address: https://root.example
  path_translation: APPEND_PATH_TO_ADDRESS
paths:
  /a:
    get:
      x-google-backend: {address: https://op.example, pathTranslation: CONSTANT_ADDRESS, jwtAudience: aud}
      responses: {}
    post:
      responses: {}
`)
	if len(g.Backends) != 2 || g.Backends[0] != g.RootBackend || g.Backends[1].Op == nil {
		t.Fatalf("backends: %+v", g.Backends)
	}
	get, post := g.Ops[0], g.Ops[1]
	if b := g.EffectiveBackend(get); b.Address().Text() != "https://op.example" || b.Field("path_translation").Text() != "CONSTANT_ADDRESS" || b.Field("jwt_audience").Ptr() != "/paths/~1a/get/x-google-backend/jwtAudience" {
		t.Errorf("operation backend fields (either spelling): %+v", b)
	}
	if b := g.EffectiveBackend(post); b != g.RootBackend || b.Field("path_translation").Text() != "APPEND_PATH_TO_ADDRESS" || b.Where() != "top-level x-google-backend" {
		t.Errorf("post inherits the top-level backend")
	}
}

func TestGoogleParamsAndRefs(t *testing.T) {
	g := mustGoogle(t, `swagger: "2.0"
parameters:
  trace: {name: X-Trace, in: header, type: string}
definitions:
  Pet:
    properties:
      owner: {$ref: "#/definitions/Owner"}
paths:
  /pets/{id}:
    parameters:
    - {name: id, in: path, required: true, type: string}
    - $ref: "#/parameters/trace"
    get:
      parameters:
      - {name: id, in: path, required: true, type: integer}
      responses:
        200: {description: ok, schema: {$ref: "#/definitions/Pet"}}
`)
	op := g.Ops[0]
	type row struct {
		Name, In, Ref string
		Shared        bool
		Ptr           string
	}
	var got []row
	for _, p := range g.Params(op) {
		got = append(got, row{p.Name, p.In, p.Ref, p.Shared, p.NamePtr(op)})
	}
	want := []row{
		{"id", "path", "", false, "/paths/~1pets~1{id}/get/parameters/0/name"},
		{"X-Trace", "header", "#/parameters/trace", true, "/paths/~1pets~1{id}/parameters/1/$ref"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("params (-want +got):\n%s", d)
	}
	var refs []string
	for _, r := range g.Refs() {
		refs = append(refs, r.Place.String()+" "+r.Ref+" "+r.Ptr())
	}
	wantRefs := []string{
		"definition #/definitions/Owner /definitions/Pet/properties/owner/$ref",
		"parameter #/parameters/trace /paths/~1pets~1{id}/parameters/1/$ref",
		"response schema #/definitions/Pet /paths/~1pets~1{id}/get/responses/200/schema/$ref",
	}
	if d := cmp.Diff(wantRefs, refs); d != "" {
		t.Errorf("refs (-want +got):\n%s", d)
	}
}

// TestValuePositions: a value written as an alias is reported where the
// alias is written; a missing value knows its pointer.
func TestValuePositions(t *testing.T) {
	g := mustGoogle(t, "swagger: \"2.0\"\nx-a: &t true\nhost: h\nx-google-endpoints:\n- name: h\n  allowCors: *t\n")
	a := g.Endpoints[0].AllowCors[0]
	if a.Pos() != (Position{6, 14}) || a.Ptr() != "/x-google-endpoints/0/allowCors" {
		t.Errorf("alias value at %+v %s", a.Pos(), a.Ptr())
	}
	if on, _ := g.Endpoints[0].CorsOn(); !on {
		t.Errorf("an alias to true is true")
	}
	if m := g.Endpoints[0].Target; m.Present() || m.Ptr() != "/x-google-endpoints/0/target" {
		t.Errorf("missing target: %+v %s", m, m.Ptr())
	}
}

func TestGoogleOpenAPI3(t *testing.T) {
	g := mustGoogle(t, `openapi: 3.0.4
info: {title: Orders, version: 1.0.0}
servers:
- url: https://orders.example.com
- url: https://User@Orders.Endpoints.My-Project.cloud.goog:8443/v1
  x-google-endpoint:
    allowCors: true
x-google-api-management:
  apiName: orders
  backends:
    main: {address: https://main.example, pathTranslation: APPEND_PATH_TO_ADDRESS}
    legacy: {address: https://legacy.example, path_translation: CONSTANT_ADDRESS}
x-google-backend: main
components:
  securitySchemes:
    api_key: {type: apiKey, name: x-api-key, in: header}
    firebase:
      type: oauth2
      flows: {implicit: {authorizationUrl: "", scopes: {}}}
      x-google-auth:
        issuer: https://securetoken.google.com/p
        audiences: [p]
    oidc:
      type: openIdConnect
      openIdConnectUrl: https://accounts.example/.well-known/openid-configuration
    basic: {type: http, scheme: basic}
security:
- api_key: []
paths:
  /orders:
    get:
      operationId: list
      responses: {"200": {description: ok}}
    post:
      operationId: create
      x-google-backend: legacy
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"2XX": {description: ok}}
    trace:
      operationId: trace
      x-google-backend: missing
      responses: {default: {description: ok}}
`)
	if g.Version != OpenAPI30 {
		t.Errorf("version %v", g.Version)
	}
	if g.ServiceName != "orders.endpoints.my-project.cloud.goog" || g.BasePathText != "/v1" || g.Service.Ptr() != "/servers/1/url" {
		t.Errorf("service %q base %q at %s", g.ServiceName, g.BasePathText, g.Service.Ptr())
	}
	if len(g.Endpoints) != 1 || g.Endpoints[0].Ptr() != "/servers/1/x-google-endpoint" || g.Endpoints[0].NameText() != g.ServiceName {
		t.Fatalf("endpoints: %+v", g.Endpoints)
	}
	if ep, v := g.PassThrough(Deployment{}); ep == nil || v.Ptr() != "/servers/1/x-google-endpoint/allowCors" {
		t.Errorf("pass-through on Cloud Endpoints: %v %s", ep, v.Ptr())
	}
	if ep, _ := g.PassThrough(Deployment{Gateway: true}); ep != nil {
		t.Errorf("on API Gateway the server host is not the managed service")
	}
	if g.APIName.Text() != "orders" {
		t.Errorf("apiName %q", g.APIName.Text())
	}
	for name, jwt := range map[string]bool{"api_key": false, "firebase": true, "oidc": true, "basic": false} {
		if s := g.Scheme(name); s == nil || s.IsOAuth2() != jwt {
			t.Errorf("scheme %s: JWT provider = %v, want %v", name, s != nil && s.IsOAuth2(), jwt)
		}
	}
	if fb := g.Scheme("firebase"); !fb.HasIssuer() || fb.Issuer.Ptr() != "/components/securitySchemes/firebase/x-google-auth/issuer" || !fb.Audiences.IsSeq() {
		t.Errorf("x-google-auth not read: %+v", fb)
	}
	if len(g.Ops) != 3 || g.Ops[2].Method != "trace" {
		t.Fatalf("ops: %d (trace is an OpenAPI 3.x operation)", len(g.Ops))
	}
	get, post, trace := g.Ops[0], g.Ops[1], g.Ops[2]
	if b := g.EffectiveBackend(get); b == nil || b.Name != "main" || b.Where() != "backend 'main' of x-google-api-management" {
		t.Errorf("get: root backend: %+v", b)
	}
	if b := g.EffectiveBackend(post); b == nil || b.Name != "legacy" || b.Field("path_translation").Text() != "CONSTANT_ADDRESS" || g.EffectiveBackendRef(post).Ptr() != "/paths/~1orders/post/x-google-backend" {
		t.Errorf("post: named backend: %+v", b)
	}
	if trace.Backend != nil || g.EffectiveBackendRef(trace).Text() != "missing" {
		t.Errorf("a name that is no backend resolves to nothing")
	}
	if !post.RequestBody.IsMap() || get.RequestBody.Present() {
		t.Errorf("request bodies")
	}
	if l := g.EffectiveSecurity(get); l == nil || !l.RequiresAPIKey() {
		t.Errorf("security")
	}
}

func TestServerURL(t *testing.T) {
	for raw, want := range map[string][2]string{
		"https://api.example.com":             {"api.example.com", ""},
		"https://My-API.x.cloud.goog:8443/v1": {"my-api.x.cloud.goog", "/v1"},
		"https://user:pw@a.example/base/":     {"a.example", "/base/"},
		"/v1":                                 {"", "/v1"},
		"api.example.com/v1":                  {"", "api.example.com/v1"},
		"https://{tenant}.example.com":        {"{tenant}.example.com", ""}, // taken literally, as urlparse does
		"https://[::1]:8080/x?q=1":            {"::1", "/x"},
		" https://a.example ":                 {"a.example", ""},
	} {
		name, path := ServerURL(raw)
		if name != want[0] || path != want[1] {
			t.Errorf("ServerURL(%q) = %q, %q; want %q, %q", raw, name, path, want[0], want[1])
		}
	}
}

func TestParamsOpenAPI3(t *testing.T) {
	g := mustGoogle(t, `openapi: 3.1.0
components:
  parameters:
    trace: {name: X-Trace, in: header, schema: {type: string}}
paths:
  /a:
    get:
      parameters:
      - $ref: "#/components/parameters/trace"
      - {name: q, in: query}
      - $ref: "#/parameters/trace"
      responses: {}
`)
	var got []string
	for _, p := range g.Params(g.Ops[0]) {
		got = append(got, p.In+" "+p.Name+" "+p.Ref)
	}
	if d := cmp.Diff([]string{"header X-Trace #/components/parameters/trace", "query q "}, got); d != "" {
		t.Errorf("params (-want +got):\n%s", d)
	}
}

func TestRefsOpenAPI3(t *testing.T) {
	g := mustGoogle(t, `openapi: 3.0.3
components:
  schemas:
    Pet: {properties: {owner: {$ref: "#/components/schemas/Owner"}, tags: {oneOf: [{$ref: "#/definitions/Tag"}]}}}
  parameters:
    trace: {name: X-Trace, in: header, schema: {$ref: "#/components/schemas/Trace"}}
  requestBodies:
    PetBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
paths:
  /pets:
    post:
      parameters: [{$ref: "#/components/parameters/trace"}]
      requestBody: {$ref: "#/components/requestBodies/PetBody"}
      responses:
        "201": {description: ok, headers: {Location: {schema: {$ref: "#/components/schemas/Url"}}}}
        default: {$ref: "#/components/responses/Error"}
`)
	var got []string
	for _, r := range g.Refs() {
		got = append(got, r.Place.String()+" "+r.Section()+" "+r.Ptr())
	}
	want := []string{
		"definition #/components/schemas/ /components/schemas/Pet/properties/owner/$ref",
		"definition #/components/schemas/ /components/schemas/Pet/properties/tags/oneOf/0/$ref",
		"parameter schema #/components/schemas/ /components/parameters/trace/schema/$ref",
		"request body schema #/components/schemas/ /components/requestBodies/PetBody/content/application~1json/schema/$ref",
		"parameter #/components/parameters/ /paths/~1pets/post/parameters/0/$ref",
		"request body #/components/requestBodies/ /paths/~1pets/post/requestBody/$ref",
		"response schema #/components/schemas/ /paths/~1pets/post/responses/201/headers/Location/schema/$ref",
		"response #/components/responses/ /paths/~1pets/post/responses/default/$ref",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("refs (-want +got):\n%s", d)
	}
}
