package spec

import (
	"testing"
)

// FuzzGoogleModel: whatever loads, Swagger 2.0 or OpenAPI 3.x, builds its
// Google model without a panic, and every element of the model points at
// the node it holds, so that findings about it land where it is written.
func FuzzGoogleModel(f *testing.F) {
	for _, s := range []string{
		// 2.0.
		"swagger: \"2.0\"\nhost: a.endpoints.p.cloud.goog\nbasePath: /v1\nx-google-endpoints: [{name: a.endpoints.p.cloud.goog, allowCors: true}]\nsecurityDefinitions: {k: {type: apiKey, name: key, in: query}, j: {type: oauth2, flow: implicit, authorizationUrl: \"\", x-google-issuer: i, x-google-jwt-locations: [{header: X-T, value_prefix: \"B \"}]}}\nsecurity: [{k: []}]\nx-google-backend: {address: https://b.run.app}\npaths: {/a/{id}: {parameters: [{name: id, in: path, type: string}], get: {security: [{j: []}], x-google-backend: {address: https://c.run.app}, responses: {200: {$ref: \"#/responses/ok\"}}}}}\nresponses: {ok: {description: ok}}\n",
		// 3.0: the x-google-endpoint server, named backends, x-google-auth, components refs.
		"openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\nservers: [{url: \"https://a.endpoints.p.cloud.goog/v1\", x-google-endpoint: {allowCors: true}}]\nx-google-api-management: {allowCors: true, backends: {b: {address: https://b.run.app, jwtAudience: x}}, metrics: [{name: m}], quota: {limits: [{name: l, metric: m, values: {STANDARD: 1}}]}}\nx-google-backend: b\npaths: {/a/{id}: {parameters: [{$ref: \"#/components/parameters/Id\"}], post: {x-google-backend: b, x-google-quota: {m: 1}, security: [{jwt: []}], requestBody: {$ref: \"#/components/requestBodies/B\"}, responses: {\"200\": {$ref: \"#/components/responses/R\"}}}}}\ncomponents: {parameters: {Id: {name: id, in: path, required: true, schema: {type: string}}}, requestBodies: {B: {content: {application/json: {schema: {$ref: \"#/components/schemas/S\"}}}}}, responses: {R: {description: ok}}, schemas: {S: {type: object}}, securitySchemes: {jwt: {type: oauth2, flows: {implicit: {authorizationUrl: \"\", scopes: {}}}, x-google-auth: {issuer: i, audiences: [a], jwtLocations: [{query: t}]}}}}\n",
		// 3.1 on API Gateway: a relative server url, two servers, a cookie key.
		"openapi: 3.1.0\ninfo: {title: t, version: \"1\"}\nservers: [{url: /v1}, {url: \"https://B.example:8443\", x-google-endpoint: {}}]\nsecurity: [{c: []}]\npaths: {/x: {get: {responses: {default: {description: d}}}}}\ncomponents: {securitySchemes: {c: {type: apiKey, name: s, in: cookie}}}\n",
		// Shapes that are wrong where the model reads.
		"openapi: 3.0.0\nservers: {url: x}\nx-google-api-management: [1]\npaths: {/a: {get: {x-google-backend: {address: x}, security: k}}}\ncomponents: {securitySchemes: [x]}\n",
		"swagger: \"2.0\"\nx-google-endpoints: {name: x}\nsecurityDefinitions: [a]\npaths: {/a: &p {get: {security: [{missing: []}]}}, /b: *p}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("fuzz", data, Options{MaxSize: 1 << 20})
		if err != nil {
			return
		}
		g := d.Google()
		same := func(what string, v Value) {
			t.Helper()
			if !v.Present() {
				return
			}
			if got := d.Node(v.Ptr()); Deref(got) != v.Node {
				t.Fatalf("%s: pointer %q names another node", what, v.Ptr())
			}
		}
		same("service", g.Service)
		same("base path", g.BasePath)
		for _, e := range g.Endpoints {
			same("endpoint", e.Value)
			same("endpoint name", e.Name)
			same("server url", e.URL)
			same("target", e.Target)
			for _, a := range e.AllowCors {
				same("allowCors", a)
			}
		}
		for _, s := range g.Schemes {
			same("scheme", s.Value)
			same("issuer", s.Issuer)
			same("audiences", s.Audiences)
			same("jwt locations", s.JWTLocations)
			for _, c := range s.Credentials() {
				if c.Name == "" && !c.Default {
					t.Fatalf("scheme %s: a credential without a name: %+v", s.Name, c)
				}
			}
		}
		for _, b := range g.Backends {
			same("backend", b.Value)
			same("backend address", b.Address())
		}
		deployments := []Deployment{{}, {Gateway: true}, {ServiceName: g.ServiceName}}
		for _, op := range g.Ops {
			same("operation", op.Object())
			same("operationId", op.OperationID)
			same("request body", op.RequestBody)
			same("backend reference", op.BackendRef)
			if l := g.EffectiveSecurity(op); l != nil {
				for _, r := range l.Reqs {
					for _, n := range r.Names {
						if n.Scheme != nil && g.Scheme(n.Name) != n.Scheme {
							t.Fatalf("%s: security names %q but the model's scheme of that name differs", op.Where(), n.Name)
						}
					}
				}
			}
			for _, p := range g.Params(op) {
				if got := d.Node(p.Ptr(op)); got != p.Entry && Deref(got) != Deref(p.Entry) {
					t.Fatalf("%s: parameter %q: pointer %q names another node", op.Where(), p.Name, p.Ptr(op))
				}
			}
			g.EffectiveBackend(op)
		}
		for _, r := range g.Refs() {
			if got := d.Node(r.Ptr()); Deref(got) != Deref(r.Node) {
				t.Fatalf("$ref %q: pointer %q names another node", r.Ref, r.Ptr())
			}
		}
		for _, dep := range deployments {
			g.ServiceConfigName(dep)
			if ep, allow := g.PassThrough(dep); ep != nil {
				same("pass-through allowCors", allow)
			}
		}
		g.ConvertedOps()
		g.GoogleExtensions()
	})
}
