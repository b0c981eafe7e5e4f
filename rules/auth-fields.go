package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "auth-fields",
		Category: lint.CategorySecurity,
		Severity: lint.Error,
		Versions: openapi3,
		Doc:      "Checks x-google-auth on a security scheme: an object with an issuer string, jwksUri a string, audiences a list of strings and jwtLocations a list of header or query locations.",
		Details: `x-google-auth replaces Swagger 2.0's x-google-issuer, x-google-jwks_uri, x-google-audiences and
x-google-jwt-locations. Google's samples write jwksUri and audiences as a list (in 2.0 audiences was
one comma-separated string); whether jwks_uri or a string of audiences are also accepted is not
verified, so corsgate asks for the documented forms. Each jwtLocations item sets exactly one of
header or query, with valuePrefix only on header (ESPv2 refuses to start on a prefix for a query).`,
		Sources: []lint.Source{docEndpointsExt3, docGatewayExt3, doc("API Gateway: Authenticating users with Auth0 (audiences as a list in 3.x)", "https://cloud.google.com/api-gateway/docs/authenticating-users-auth0")},
		Scheme: func(p *lint.Pass, s *spec.Scheme) {
			a := s.Auth
			if !a.Present() || !p.WantMap(a, "x-google-auth must be an object such as {issuer: https://securetoken.google.com/PROJECT_ID}") {
				return
			}
			a.Pairs(func(key string, v spec.Value) {
				switch key {
				case "issuer", "jwksUri":
					p.WantString(v, "x-google-auth %s must be a string", key)
				case "audiences":
					checkAudiences(p, v)
				case "jwtLocations":
					if items, ok := p.WantList(v, "x-google-auth jwtLocations must be a list of {header: NAME, valuePrefix: PREFIX} or {query: NAME} items"); ok {
						for _, it := range items {
							checkJWTLocation3(p, it)
						}
					}
				default:
					valid := []string{"issuer", "jwksUri", "audiences", "jwtLocations"}
					if key == "jwks_uri" {
						p.ReportKeyAt(v, "x-google-auth writes jwksUri, not jwks_uri (the Swagger 2.0 spelling; whether Google also accepts it in 3.x is not verified)")
						return
					}
					msg := "x-google-auth has no field %s; its fields are issuer, jwksUri, audiences and jwtLocations"
					if s := lint.Suggest(key, valid); s != "" {
						p.ReportKeyAt(v, msg+" (did you mean %s?)", key, s)
						return
					}
					p.ReportKeyAt(v, msg, key)
				}
			})
			if !a.Get("issuer").Present() {
				p.ReportKeyAt(a, "x-google-auth of scheme %q has no issuer (the JWT iss value, e.g. https://securetoken.google.com/PROJECT_ID or a service account email): tokens cannot be matched to this provider", s.Name)
			}
		},
	})
}

func checkAudiences(p *lint.Pass, v spec.Value) {
	if s, ok := v.Str(); ok {
		p.ReportAt(v, "x-google-auth audiences is a list in OpenAPI 3.x (the comma-separated string is the Swagger 2.0 x-google-audiences form): write audiences: [%s]", s)
		return
	}
	items, ok := p.WantList(v, "x-google-auth audiences must be a list of strings")
	if !ok {
		return
	}
	for _, it := range items {
		p.WantString(it, "each audience must be a string")
	}
}

func checkJWTLocation3(p *lint.Pass, it spec.Value) {
	if !p.WantMap(it, "a jwtLocations item must be an object such as {header: Authorization, valuePrefix: \"Bearer \"} or {query: access_token}") {
		return
	}
	var kinds []spec.Value
	var prefix spec.Value
	it.Pairs(func(key string, v spec.Value) {
		switch key {
		case "header", "query":
			kinds = append(kinds, v)
			if s, ok := p.WantString(v, "jwtLocations %s must be a non-empty string", key); ok && s == "" {
				p.ReportAt(v, "jwtLocations %s must be a non-empty string", key)
			}
		case "valuePrefix":
			prefix = v
			p.WantString(v, "jwtLocations valuePrefix must be a string such as \"Bearer \"")
		default:
			p.ReportKeyAt(v, "jwtLocations items have header or query and valuePrefix, not %s", key)
		}
	})
	switch {
	case len(kinds) == 0:
		p.ReportAt(it, "this jwtLocations item sets neither header nor query; set exactly one")
	case len(kinds) > 1:
		p.ReportKeyAt(kinds[1], "this jwtLocations item sets both header and query; set exactly one per item (use two items for two locations)")
	case prefix.Present() && kinds[0].Key.Value == "query":
		p.ReportKeyAt(prefix, "JwtLocation type [Query] should be set without valuePrefix, but it was set to [%s]; ESPv2 refuses to start. Remove valuePrefix from the query location", prefix.Text())
	}
}
