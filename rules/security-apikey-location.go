package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "security-apikey-location",
		Category: lint.CategorySecurity,
		Severity: lint.Warning,
		Doc:      "Checks that apiKey definitions use a location the proxy reads: query key, query api_key or header x-api-key.",
		Details: `ESPv2 (and ESP) look for an API key in the query parameters key and api_key and in the header
x-api-key. The open-source api-compiler ignored other apiKey definitions with the warning "apiKey '%s'
is ignored. Only apiKey with 'name' as 'key' and 'in' as 'query' are supported"; whether today's Service
Management maps other names is not verified, so corsgate warns: callers sending the key elsewhere may be
rejected, or the key not checked. A location the version's schema refuses (in: cookie in Swagger 2.0,
in: body anywhere) and, in OpenAPI 3.x, a missing name or in are structure-schema's errors, reported
once there.`,
		Sources: []lint.Source{
			apiCompiler("aspects/auth/AuthBuilder.java", "isValidApiKeyDefinition"),
			espv2("src/envoy/http/service_control/config_parser.cc", "FilterConfigParser::FilterConfigParser"),
			esp("src/api_manager/context/request_context.cc", "RequestContext::ExtractApiKey"),
		},
		Scheme: func(p *lint.Pass, s *spec.Scheme) {
			if !s.IsAPIKey() {
				return
			}
			v3 := p.G.Version.IsOpenAPI3()
			creds := s.Credentials()
			if len(creds) == 0 {
				if !v3 { // the 2.0 schema check leaves this to this rule
					p.ReportKeyAt(s.Value, "apiKey definition %q needs string name and in (query or header); ESPv2 reads the key from query key, query api_key or header x-api-key", s.Name)
				}
				return
			}
			if c := creds[0]; !c.IsAPIKeyDefault() && schemaAllowsIn(c.In, v3) {
				p.ReportAt(s.ParamName, "apiKey '%s' (in: %s) is not a location ESP/ESPv2 read API keys from (query key, query api_key, header x-api-key); the historical converter said \"apiKey '%s' is ignored. Only apiKey with 'name' as 'key' and 'in' as 'query' are supported\"; use name: key, in: query (or name: x-api-key, in: header)",
					c.Name, c.In, c.Name)
			}
		},
	})
}

// schemaAllowsIn reports whether the version's schema allows an apiKey in
// value; structure-schema reports any other.
func schemaAllowsIn(in string, v3 bool) bool {
	return in == "query" || in == "header" || v3 && in == "cookie"
}
