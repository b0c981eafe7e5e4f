package oasschema

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// swagger wraps paths (and optional top-level extras) into a Swagger 2.0
// document that is valid apart from them.
func swagger(extra, paths string) string {
	return "swagger: \"2.0\"\ninfo: {title: T, version: \"1\"}\nhost: t.endpoints.p.cloud.goog\n" + extra + "paths:\n" + paths
}

// op is one GET operation on /a/{id} with the given parameter list and
// responses (YAML flow style).
func op(params, responses string) string {
	return "  /a/{id}:\n    get:\n      operationId: a\n      parameters: " + params + "\n      responses: " + responses + "\n"
}

const idParam = "{name: id, in: path, required: true, type: string}"

func TestSwagger20Problems(t *testing.T) {
	ok := "{200: {description: ok}}"
	p := "/paths/~1a~1{id}/get"
	tests := []struct {
		name string
		doc  string
		want []Problem
	}{
		{"valid", swagger("", op("["+idParam+"]", ok)), nil},
		{"top-level OpenAPI 3.x key", swagger("servers: [{url: https://x}]\n", op("["+idParam+"]", ok)), []Problem{
			{"/servers", `unknown key "servers" at the top level: Swagger 2.0 does not allow it (servers is OpenAPI 3.x; use host and basePath)`, UnknownKey}}},
		{"top-level unknown key with a near miss", swagger("securityDefinition: {}\n", op("["+idParam+"]", ok)), []Problem{
			{"/securityDefinition", `unknown key "securityDefinition" at the top level: Swagger 2.0 does not allow it; did you mean securityDefinitions?`, UnknownKey}}},
		{"schemes", swagger("schemes: [https, ftp]\n", op("["+idParam+"]", ok)), []Problem{
			{"/schemes/1", `schemes entries must be one of http, https, ws or wss, not "ftp"`, BadValue}}},
		{"in: cookie", swagger("", op("["+idParam+", {name: s, in: cookie, type: string}]", ok)), []Problem{
			{p + "/parameters/1/in", `in must be one of query, header, path, formData or body, not "cookie"`, BadValue}}},
		{"query parameter type typo", swagger("", op("["+idParam+", {name: s, in: query, type: strin}]", ok)), []Problem{
			{p + "/parameters/1/type", `type must be one of string, number, integer, boolean or array, not "strin"; did you mean string?`, BadValue}}},
		{"file outside formData", swagger("", op("["+idParam+", {name: s, in: query, type: file}]", ok)), []Problem{
			{p + "/parameters/1/type", `type must be one of string, number, integer, boolean or array, not "file"`, BadValue}}},
		{"body parameter without schema", swagger("", op("["+idParam+", {name: b, in: body}]", ok)), []Problem{
			{p + "/parameters/1", `a body parameter needs a schema`, Missing}}},
		{"parameter without in", swagger("", op("["+idParam+", {name: s, type: string}]", ok)), []Problem{
			{p + "/parameters/1", `a parameter needs in (one of query, header, path, formData or body)`, Missing}}},
		{"schema on a query parameter", swagger("", op("["+idParam+", {name: s, in: query, type: string, schema: {type: string}}]", ok)), []Problem{
			{p + "/parameters/1/schema", `unknown key "schema" in a query parameter (only in: body parameters have a schema; give the type here, e.g. type: string)`, UnknownKey}}},
		{"sibling of a parameter $ref", swagger("", op("["+idParam+", {$ref: '#/parameters/q', description: d}]", ok)), []Problem{
			{p + "/parameters/1/description", `unknown key "description" next to $ref: a reference holds only $ref (move description into the object it points to)`, UnknownKey}}},
		{"same parameter twice", swagger("", op("["+idParam+", "+idParam+"]", ok)), []Problem{
			{p + "/parameters", `parameters lists the same entry twice (entries 0 and 1); remove one`, Invalid}}},
		{"response without description", swagger("", op("["+idParam+"]", "{200: {schema: {type: string}}}")), []Problem{
			{p + "/responses/200", `a response needs a description`, Missing}}},
		{"response schema type typo", swagger("", op("["+idParam+"]", "{200: {description: ok, schema: {type: strin}}}")), []Problem{
			{p + "/responses/200/schema/type", `type must be one of string, number, integer, boolean, array, object or file, not "strin"; did you mean string?`, BadValue}}},
		{"OpenAPI 3.x content in a response", swagger("", op("["+idParam+"]", "{200: {description: ok, content: {}}}")), []Problem{
			{p + "/responses/200/content", `unknown key "content" in a response (content is OpenAPI 3.x; put the body's schema in schema)`, UnknownKey}}},
		{"requestBody", swagger("", "  /a:\n    post:\n      operationId: a\n      requestBody: {}\n      responses: "+ok+"\n"), []Problem{
			{"/paths/~1a/post/requestBody", `unknown key "requestBody" in an operation (requestBody is OpenAPI 3.x; use a parameter with in: body)`, UnknownKey}}},
		{"responses with only extensions", swagger("", op("["+idParam+"]", "{x-note: n}")), []Problem{
			{p + "/responses", `responses needs at least one response code or default; x- extensions alone do not count`, Invalid}}},
		{"definition type typo", swagger("definitions:\n  A: {type: strin}\n", op("["+idParam+"]", ok)), []Problem{
			{"/definitions/A/type", `type must be one of string, number, integer, boolean, array or object, not "strin"; did you mean string?`, BadValue}}},
		{"definition unknown key", swagger("definitions:\n  A: {type: object, requird: [a]}\n", op("["+idParam+"]", ok)), []Problem{
			{"/definitions/A/requird", `unknown key "requird" in a schema; did you mean required?`, UnknownKey}}},
		{"info.version a number", strings.Replace(swagger("", op("["+idParam+"]", ok)), `version: "1"`, "version: 1.0", 1), []Problem{
			{"/info/version", `version must be a string, not the number 1.0: quote it ("1.0")`, WrongType}}},
		{"tags not a list", swagger("", "  /a:\n    get:\n      operationId: a\n      tags: pets\n      responses: "+ok+"\n"), []Problem{
			{"/paths/~1a/get/tags", `tags must be a list, not the string "pets"`, WrongType}}},
		{"apiKey in cookie", swagger("securityDefinitions:\n  k: {type: apiKey, name: k, in: cookie}\n", op("["+idParam+"]", ok)), []Problem{
			{"/securityDefinitions/k/in", `in must be query or header, not "cookie"`, BadValue}}},
		{"oauth2 without flow", swagger("securityDefinitions:\n  o: {type: oauth2, authorizationUrl: \"\", x-google-issuer: i}\n", op("["+idParam+"]", ok)), []Problem{
			{"/securityDefinitions/o", `a security definition needs flow (one of implicit, password, application or accessCode)`, Missing}}},
		{"oauth2 flow typo", swagger("securityDefinitions:\n  o: {type: oauth2, flow: implict, authorizationUrl: \"\"}\n", op("["+idParam+"]", ok)), []Problem{
			{"/securityDefinitions/o/flow", `flow must be one of implicit, password, application or accessCode, not "implict"; did you mean implicit?`, BadValue}}},
		{"flow on basic", swagger("securityDefinitions:\n  b: {type: basic, flow: implicit}\n", op("["+idParam+"]", ok)), []Problem{
			{"/securityDefinitions/b/flow", `unknown key "flow" in a basic security definition; allowed: description, type and x- extensions`, UnknownKey}}},
		{"scope not a string", swagger("security: [{k: [1]}]\n", op("["+idParam+"]", ok)), []Problem{
			{"/security/0/k/0", `k entries must be a string, not the number 1: quote it ("1")`, WrongType}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, mustValidate(t, tt.doc)); diff != "" {
				t.Errorf("problems differ (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGoogleIdioms: what Google's samples and Service Management accept is
// never reported.
func TestGoogleIdioms(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"echo sample security definitions", swagger(`securityDefinitions:
  api_key: {type: apiKey, name: key, in: query}
  google_jwt:
    authorizationUrl: ""
    flow: "implicit"
    type: "oauth2"
    x-google-issuer: "jwt-client.endpoints.sample.google.com"
    x-google-jwks_uri: "https://www.googleapis.com/service_accounts/v1/jwk/account"
    x-google-audiences: "echo.endpoints.sample.google.com"
  firebase:
    authorizationUrl: ""
    flow: implicit
    type: oauth2
    scopes: {}
    x-google-issuer: https://securetoken.google.com/p
`, op("["+idParam+"]", "{200: {description: ok}}"))},
		{"unquoted integer response keys", swagger("", op("["+idParam+"]", "{200: {description: ok}, 404: {description: no}, default: {description: d}}"))},
		{"x-google extensions wherever x- is allowed", swagger(`x-google-endpoints: [{name: t.endpoints.p.cloud.goog, allowCors: true}]
x-google-backend: {address: https://b.run.app}
x-google-management: {metrics: [{name: m}]}
x-google-allow: all
`, `  x-google-note: n
  /a/{id}:
    x-google-backend: {address: https://b.run.app}
    get:
      operationId: a
      x-google-quota: {metricCosts: {m: 1}}
      x-google-backend: {address: https://c.run.app, path_translation: APPEND_PATH_TO_ADDRESS}
      parameters: [{name: id, in: path, required: true, type: string, x-google-x: 1}]
      responses: {200: {description: ok, x-google-y: 2, schema: {type: object, x-google-z: 3}}, x-google-r: 4}
`)},
		{"path parameter without required", swagger("", op("[{name: id, in: path, type: string}]", "{200: {description: ok}}"))},
		{"empty response object", swagger("", op("["+idParam+"]", "{200: {}, 404: {}}"))},
		{"formats are not checked", swagger("", op("["+idParam+", {name: q, in: query, type: string, format: whatever, pattern: '(?<x>a)'}]", "{200: {description: ok}}"))},
		{"3.x oauth2 flow without scopes", `openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  securitySchemes:
    firebase:
      type: oauth2
      flows: {implicit: {authorizationUrl: ""}}
      x-google-auth: {issuer: https://securetoken.google.com/p, audiences: [p]}
`},
		{"3.1 oauth2 flow without scopes", `openapi: 3.1.0
info: {title: T, version: "1"}
paths: {}
components:
  securitySchemes:
    firebase:
      type: oauth2
      flows: {implicit: {authorizationUrl: ""}}
      x-google-auth: {issuer: https://securetoken.google.com/p}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ps := mustValidate(t, tt.doc); len(ps) != 0 {
				t.Errorf("Google's idiom is reported: %v", ps)
			}
		})
	}
}

func TestOpenAPI3Problems(t *testing.T) {
	head30 := "openapi: 3.0.3\ninfo: {title: T, version: \"1\"}\n"
	head31 := "openapi: 3.1.0\ninfo: {title: T, version: \"1\"}\n"
	get := func(params, responses string) string {
		return "paths:\n  /a/{id}:\n    get:\n      parameters: " + params + "\n      responses: " + responses + "\n"
	}
	id := "{name: id, in: path, required: true, schema: {type: string}}"
	ok := "{'200': {description: ok}}"
	p := "/paths/~1a~1{id}/get"
	tests := []struct {
		name string
		doc  string
		want []Problem
	}{
		{"3.0 valid, with 2XX and default", head30 + get("["+id+"]", "{2XX: {description: ok}, default: {description: d}}"), nil},
		{"3.1 valid", head31 + get("["+id+"]", ok), nil},
		{"3.0 missing info.version", "openapi: 3.0.3\ninfo: {title: T}\npaths: {}\n", []Problem{
			{"/info", `info needs a version`, Missing}}},
		{"3.0 missing paths", head30, []Problem{
			{"", `the document needs paths`, Missing}}},
		{"3.0 in: body", head30 + get("["+id+", {name: b, in: body, schema: {type: string}}]", ok), []Problem{
			{p + "/parameters/1/in", `in must be one of query, header, path or cookie, not "body"`, BadValue}}},
		{"3.1 in typo", head31 + get("["+id+", {name: b, in: cookies, schema: {type: string}}]", ok), []Problem{
			{p + "/parameters/1/in", `in must be one of query, header, path or cookie, not "cookies"; did you mean cookie?`, BadValue}}},
		{"3.0 type outside schema", head30 + get("["+id+", {name: q, in: query, type: string}]", ok), []Problem{
			{p + "/parameters/1/type", `unknown key "type" in a parameter (in OpenAPI 3.x the type goes inside schema: schema: {type: ...})`, UnknownKey}}},
		{"3.1 parameter without schema", head31 + get("["+id+", {name: q, in: query}]", ok), []Problem{
			{p + "/parameters/1", `a parameter needs schema or content`, Missing}}},
		{"3.0 path parameter not required", head30 + get("[{name: id, in: path, schema: {type: string}}]", ok), []Problem{
			{p + "/parameters/0", `a path parameter needs required: true`, Missing}}},
		{"3.0 response key", head30 + get("["+id+"]", "{ok: {description: ok}}"), []Problem{
			{p + "/responses/ok", `response key "ok" must be an HTTP status code such as 200, a range such as 2XX, or default`, UnknownKey}}},
		{"3.1 response key", head31 + get("["+id+"]", "{'700': {description: ok}}"), []Problem{
			{p + "/responses/700", `response key "700" must be an HTTP status code such as 200, a range such as 2XX, or default`, UnknownKey}}},
		{"3.1 responses with only extensions", head31 + get("["+id+"]", "{x-note: n}"), []Problem{
			{p + "/responses", `responses needs at least one response: an HTTP status code such as 200, a range such as 2XX, or default`, Missing}}},
		{"3.1 empty responses", head31 + get("["+id+"]", "{}"), []Problem{
			{p + "/responses", `responses must not be empty`, Invalid}}},
		{"3.0 response without description", head30 + get("["+id+"]", "{'200': {content: {}}}"), []Problem{
			{p + "/responses/200", `a response needs a description`, Missing}}},
		{"3.0 Swagger 2.0 response schema", head30 + get("["+id+"]", "{'200': {description: ok, schema: {}}}"), []Problem{
			{p + "/responses/200/schema", `unknown key "schema" in a response (OpenAPI 3.x puts the body's schema under content: {application/json: {schema: ...}})`, UnknownKey}}},
		{"3.0 unresolved $ref", head30 + get("["+id+", {$ref: '#/components/parameters/Q'}]", ok) + "components:\n  parameters:\n    P: {name: p, in: query, schema: {type: string}}\n", []Problem{
			{p + "/parameters/1/$ref", `$ref "#/components/parameters/Q" does not resolve: components.parameters has no "Q"; did you mean P?`, BadRef}}},
		{"3.0 $ref into the wrong section", head30 + get("["+id+", {$ref: '#/components/schemas/S'}]", ok) + "components:\n  schemas:\n    S: {type: string}\n", []Problem{
			{p + "/parameters/1/$ref", `$ref "#/components/schemas/S" must point into #/components/parameters/ here`, BadRef}}},
		{"3.0 $ref not a string", head30 + get("["+id+"]", "{'200': {$ref: 5}}"), []Problem{
			{p + "/responses/200/$ref", `$ref must be a string, not the number 5: quote it ("5")`, WrongType}}},
		{"3.0 Swagger 2.0 oauth2 definition", head30 + "paths: {}\ncomponents:\n  securitySchemes:\n    o: {type: oauth2, flow: implicit, authorizationUrl: \"\"}\n", []Problem{
			{"/components/securitySchemes/o/flow", `unknown key "flow" in an oauth2 security scheme (flow is Swagger 2.0; use flows: {implicit: {authorizationUrl: ..., scopes: {}}})`, UnknownKey}}},
		{"3.0 apiKey in body", head30 + "paths: {}\ncomponents:\n  securitySchemes:\n    k: {type: apiKey, name: k, in: body}\n", []Problem{
			{"/components/securitySchemes/k/in", `in must be one of query, header or cookie, not "body"`, BadValue}}},
		{"3.1 apiKey without in", head31 + "paths: {}\ncomponents:\n  securitySchemes:\n    k: {type: apiKey, name: k}\n", []Problem{
			{"/components/securitySchemes/k", `an apiKey security scheme needs in (one of query, header or cookie)`, Missing}}},
		{"3.1 unknown key in a security scheme", head31 + "paths: {}\ncomponents:\n  securitySchemes:\n    k: {type: apiKey, name: k, in: query, flow: implicit}\n", []Problem{
			{"/components/securitySchemes/k/flow", `unknown key "flow" in a security scheme (flow is Swagger 2.0; use flows: {implicit: {authorizationUrl: ..., scopes: {}}})`, UnknownKey}}},
		{"3.1 component names", head31 + "paths: {}\ncomponents:\n  securitySchemes: {'8$': {type: http, scheme: basic}}\n  schemas: {a b: {}, ok: {}}\n", []Problem{
			{"/components/schemas/a b", `the name "a b" may only use letters, digits, ".", "-" and "_"`, BadKey},
			{"/components/securitySchemes/8$", `the name "8$" may only use letters, digits, ".", "-" and "_"`, BadKey}}},
		{"3.0 bearerFormat without bearer", head30 + "paths: {}\ncomponents:\n  securitySchemes:\n    h: {type: http, scheme: basic, bearerFormat: JWT}\n", []Problem{
			{"/components/securitySchemes/h", `bearerFormat is only allowed with scheme: bearer`, Invalid}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, mustValidate(t, tt.doc)); diff != "" {
				t.Errorf("problems differ (-want +got):\n%s", diff)
			}
		})
	}
}
