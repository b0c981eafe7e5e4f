package proxy

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/google/go-cmp/cmp"
)

// The same API in Swagger 2.0, OpenAPI 3.0 (YAML) and OpenAPI 3.1 (JSON):
// base path /v1, pass-through on, an API key required at the top level, a
// Firebase JWT on one operation, security removed on another, and an
// explicit options operation that keeps the key.
const routes20 = `swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.test
basePath: /v1
x-google-endpoints:
  - name: api.example.test
    allowCors: true
securityDefinitions:
  api_key: {type: apiKey, name: x-api-key, in: header}
  fb:
    type: oauth2
    authorizationUrl: ""
    flow: implicit
    x-google-issuer: https://securetoken.google.com/p
    x-google-audiences: "p, q"
security: [{api_key: []}]
paths:
  /shelves:
    get: {responses: {200: {description: ok}}}
    post:
      security: [{fb: []}]
      responses: {200: {description: ok}}
  /shelves/{shelfId}:
    get:
      security: []
      responses: {200: {description: ok}}
    options:
      responses: {200: {description: ok}}
`

const routes30 = `openapi: 3.0.3
info: {title: t, version: "1"}
servers:
  - url: https://api.example.test/v1
    x-google-endpoint: {allowCors: true}
components:
  securitySchemes:
    api_key: {type: apiKey, name: x-api-key, in: header}
    fb:
      type: oauth2
      flows: {implicit: {authorizationUrl: "", scopes: {}}}
      x-google-auth:
        issuer: https://securetoken.google.com/p
        audiences: [p, q]
security: [{api_key: []}]
paths:
  /shelves:
    get: {responses: {"200": {description: ok}}}
    post:
      security: [{fb: []}]
      responses: {"200": {description: ok}}
  /shelves/{shelfId}:
    get:
      security: []
      responses: {"200": {description: ok}}
    options:
      responses: {"200": {description: ok}}
`

const routes31 = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "servers": [{"url": "https://api.example.test/v1", "x-google-endpoint": {"allowCors": true}}],
  "components": {"securitySchemes": {
    "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
    "fb": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "", "scopes": {}}},
           "x-google-auth": {"issuer": "https://securetoken.google.com/p", "audiences": ["p", "q"]}}}},
  "security": [{"api_key": []}],
  "paths": {
    "/shelves": {
      "get": {"responses": {"200": {"description": "ok"}}},
      "post": {"security": [{"fb": []}], "responses": {"200": {"description": "ok"}}}},
    "/shelves/{shelfId}": {
      "get": {"security": [], "responses": {"200": {"description": "ok"}}},
      "options": {"responses": {"200": {"description": "ok"}}}}
  }
}`

func tableFor(t *testing.T, name, src string, dep spec.Deployment) *Table {
	t.Helper()
	doc, err := spec.Parse(name, []byte(src), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := BuildTable(doc, dep)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// summary is a table in words: its routes in order with each method's
// requirement, pass-through, the service name and the providers.
func summary(tb *Table) []string {
	out := []string{fmt.Sprintf("allowCors=%v allowAll=%v service=%q apiKeys=%v", tb.AllowCors, tb.AllowAll, tb.ServiceName, tb.APIKeys)}
	for _, pr := range tb.Paths {
		var ms []string
		for m, r := range pr.methods {
			ms = append(ms, m+" "+describeReq(r.auth))
		}
		sort.Strings(ms)
		out = append(out, pr.tmpl.Display+": "+strings.Join(ms, "; "))
	}
	for _, p := range tb.Providers {
		var aud []string
		for a := range p.audESPv2 {
			aud = append(aud, a)
		}
		sort.Strings(aud)
		out = append(out, fmt.Sprintf("provider %s issuer=%s audiences=%v espv2=%v headers=%v params=%v", p.Name, p.Issuer, p.Audiences, aud, p.headers, p.params))
	}
	return out
}

func describeReq(a *authReq) string {
	if a == nil {
		return "open"
	}
	var parts []string
	for _, p := range a.providers {
		parts = append(parts, "jwt:"+p.Name)
	}
	if a.apiKey {
		for _, l := range a.keyLocs {
			parts = append(parts, fmt.Sprintf("key:%v:%s", l.query, l.name))
		}
	}
	return strings.Join(parts, ",")
}

// TestTableSameAcrossVersions: the three documents give one table.
func TestTableSameAcrossVersions(t *testing.T) {
	want := []string{
		`allowCors=true allowAll=false service="api.example.test" apiKeys=true`,
		"/v1/shelves: GET key:false:X-Api-Key; POST jwt:fb",
		"/v1/shelves/{shelf_id}: GET open; OPTIONS key:false:X-Api-Key",
		"provider fb issuer=https://securetoken.google.com/p audiences=[p q] espv2=[p q] headers=[{Authorization Bearer } {X-Goog-Iap-Jwt-Assertion }] params=[access_token]",
	}
	for name, src := range map[string]string{"2.0.yaml": routes20, "3.0.yaml": routes30, "3.1.json": routes31} {
		t.Run(name, func(t *testing.T) {
			tb := tableFor(t, name, src, spec.Deployment{})
			if diff := cmp.Diff(want, summary(tb)); diff != "" {
				t.Errorf("table (-want +got):\n%s", diff)
			}
			for _, tc := range []struct {
				method, path string
				op, options  bool
			}{
				{"GET", "/v1/shelves", true, false},
				{"GET", "/v1/shelves/", true, false},
				{"OPTIONS", "/v1/shelves", false, true},
				{"OPTIONS", "/v1/shelves/7", true, false},
				{"GET", "/shelves", false, false},
			} {
				l := tb.lookupESPv2(tc.method, tc.path)
				if (l.op != nil) != tc.op || l.options != tc.options {
					t.Errorf("%s %s: operation %v allowCors %v, want %v %v", tc.method, tc.path, l.op != nil, l.options, tc.op, tc.options)
				}
			}
		})
	}
}

// TestTablePassThroughDeployment: pass-through is the model's decision for
// the deployment (spec.Google.PassThrough), the rule lint's
// endpoints-name-matches-host checks.
func TestTablePassThroughDeployment(t *testing.T) {
	const managed = "orders-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog"
	gateway := func(name string) string {
		return strings.Replace(routes20, "  - name: api.example.test", "  - name: "+name, 1)
	}
	server3 := func(url string) string {
		return strings.Replace(routes30, "https://api.example.test/v1", url, 1)
	}
	tests := []struct {
		name    string
		src     string
		dep     spec.Deployment
		on      bool
		service string
	}{
		{"endpoints: name equals host", routes20, spec.Deployment{}, true, "api.example.test"},
		{"endpoints: name differs from host", gateway("API.example.test"), spec.Deployment{}, false, "api.example.test"},
		{"endpoints: the given service name wins", routes20, spec.Deployment{ServiceName: "other.example.test"}, false, "other.example.test"},
		{"gateway: managed-service form", gateway(managed), spec.Deployment{Gateway: true}, true, ""},
		{"gateway: the gateway's address", gateway("orders-abc.uc.gateway.dev"), spec.Deployment{Gateway: true}, false, ""},
		{"gateway: given and equal", gateway(managed), spec.Deployment{Gateway: true, ServiceName: managed}, true, managed},
		{"gateway: given and different", gateway(managed), spec.Deployment{Gateway: true, ServiceName: "x-1.apigateway.p.cloud.goog"}, false, "x-1.apigateway.p.cloud.goog"},
		{"3.x gateway: server host is the managed service", server3("https://" + managed + "/v1"), spec.Deployment{Gateway: true}, true, ""},
		{"3.x gateway: relative url", server3("/v1"), spec.Deployment{Gateway: true}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := tableFor(t, "a.yaml", tt.src, tt.dep)
			if tb.AllowCors != tt.on || tb.ServiceName != tt.service {
				t.Errorf("allowCors %v service %q, want %v %q", tb.AllowCors, tb.ServiceName, tt.on, tt.service)
			}
			if l := tb.lookupESPv2("GET", "/v1/shelves"); l.op == nil {
				t.Errorf("GET /v1/shelves not routed (base path from the %s)", tt.name)
			}
		})
	}
}

// TestTableDefaultAudience: without x-google-audiences ESPv2 allows
// https://SERVICE_NAME (and so the service name, as CheckAudience strips
// the scheme); an unknown service name allows any audience.
func TestTableDefaultAudience(t *testing.T) {
	src := strings.Replace(routes20, `    x-google-audiences: "p, q"`+"\n", "", 1)
	tb := tableFor(t, "a.yaml", src, spec.Deployment{})
	if p := tb.Providers[0]; !cmp.Equal(p.audESPv2, map[string]bool{"api.example.test": true}) || len(p.audESP) != 0 {
		t.Errorf("audiences %v (ESP %v)", p.audESPv2, p.audESP)
	}
	tb = tableFor(t, "a.yaml", src, spec.Deployment{Gateway: true})
	if p := tb.Providers[0]; p.audESPv2 != nil {
		t.Errorf("unknown service name: audiences %v, want any", p.audESPv2)
	}
}

// TestTableAllowAll: x-google-allow: all adds /** in Swagger 2.0 (with the
// top-level security) and is ignored in OpenAPI 3.x, which does not
// support it.
func TestTableAllowAll(t *testing.T) {
	tb := tableFor(t, "a.yaml", strings.Replace(routes20, "basePath: /v1\n", "basePath: /v1\nx-google-allow: all\n", 1), spec.Deployment{})
	l := tb.lookupESPv2("PATCH", "/anything/else")
	if !tb.AllowAll || l.op == nil || describeReq(l.op.auth) != "key:false:X-Api-Key" {
		t.Errorf("2.0 x-google-allow: all: %v %+v", tb.AllowAll, l)
	}
	tb = tableFor(t, "a.yaml", strings.Replace(routes30, "servers:", "x-google-allow: all\nservers:", 1), spec.Deployment{})
	if tb.AllowAll || tb.lookupESPv2("PATCH", "/anything/else").op != nil {
		t.Errorf("3.x x-google-allow: all took effect")
	}
}

// TestTableKeyLocations: the key is read where the operation's apiKey
// schemes put it, queries first; without a location, the defaults.
func TestTableKeyLocations(t *testing.T) {
	src := `swagger: "2.0"
info: {title: t, version: "1"}
host: h
securityDefinitions:
  hk: {type: apiKey, name: X-Key, in: header}
  qk: {type: apiKey, name: k, in: query}
  nameless: {type: apiKey, in: query}
paths:
  /both:
    get:
      security: [{hk: []}, {qk: []}]
      responses: {200: {description: ok}}
  /default:
    get:
      security: [{nameless: []}]
      responses: {200: {description: ok}}
`
	tb := tableFor(t, "a.yaml", src, spec.Deployment{})
	got := map[string]string{}
	for _, path := range []string{"/both", "/default"} {
		got[path] = describeReq(tb.lookupESPv2("GET", path).op.auth)
	}
	want := map[string]string{"/both": "key:true:k,key:false:X-Key", "/default": "key:true:key,key:true:api_key,key:false:X-Api-Key"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
}
