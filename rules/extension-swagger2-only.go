package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// swagger2Extensions maps each Swagger 2.0-only Google extension to where
// OpenAPI 3.x keeps what it said (reference openapi3.md §2.8 and §6).
var swagger2Extensions = map[string]string{
	"x-google-endpoints":     "servers[].x-google-endpoint on the server whose url is the service name (allowCors goes there)",
	"x-google-management":    "x-google-api-management (metrics and quota, as maps keyed by name)",
	"x-google-api-name":      "x-google-api-management.apiName",
	"x-google-issuer":        "x-google-auth.issuer on the security scheme",
	"x-google-jwks_uri":      "x-google-auth.jwksUri on the security scheme",
	"x-google-audiences":     "x-google-auth.audiences (a list) on the security scheme",
	"x-google-jwt-locations": "x-google-auth.jwtLocations on the security scheme",
	"x-issuer":               "x-google-auth.issuer on the security scheme",
	"x-jwks_uri":             "x-google-auth.jwksUri on the security scheme",
	"x-security":             "security requirements on the operation",
}

func init() {
	register(&lint.Rule{
		ID:       "extension-swagger2-only",
		Category: lint.CategoryExtensions,
		Severity: lint.Warning,
		Versions: openapi3,
		Doc:      "Checks that Swagger 2.0-only Google extensions are not used in an OpenAPI 3.x document, and names the 3.x place for each.",
		Details: `OpenAPI 3.x moves Google's settings: x-google-endpoints becomes x-google-endpoint on a server,
x-google-management and x-google-api-name move into x-google-api-management, and the JWT extensions of
a security scheme into x-google-auth. Google documents only the new places; whether the converter
ignores the old ones or rejects them is not verified, so corsgate warns: the setting you wrote is at
best ignored. (x-google-allow, unsupported in 3.x, and an object x-google-backend have rules of their
own.)`,
		Sources: []lint.Source{docEndpointsMigrate, docEndpointsExt3},
		Check: func(p *lint.Pass) {
			report := func(v spec.Value) {
				if place, ok := swagger2Extensions[v.Key.Value]; ok {
					p.ReportKeyAt(v, "%s is a Swagger 2.0 extension; in OpenAPI 3.x write %s", v.Key.Value, place)
				}
			}
			p.G.Root().Pairs(func(_ string, v spec.Value) { report(v) })
			for _, s := range p.G.Schemes {
				s.Pairs(func(_ string, v spec.Value) { report(v) })
			}
			for _, op := range p.G.Ops {
				if v := op.Object().Get("x-security"); v.Present() {
					report(v)
				}
			}
		},
	})
}
