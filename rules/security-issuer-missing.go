package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "security-issuer-missing",
		Category: lint.CategorySecurity,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2}, // x-google-issuer; 3.x writes x-google-auth
		Doc:      "Checks that every oauth2 security definition has x-google-issuer.",
		Details: `Each oauth2 definition becomes a JWT provider whose issuer comes from x-google-issuer (legacy
x-issuer). Without it tokens cannot be matched to the provider, and ESPv2 cannot find the signing keys by
OpenID Connect discovery when x-google-jwks_uri is also missing. Error when an operation or the top-level
security uses the definition; warning when it is unused. authorizationUrl: "" and flow: implicit are
Google's documented idiom and are not reported.`,
		Sources: []lint.Source{srcAddAuthProvider, docEndpointsExtensions},
		Scheme: func(p *lint.Pass, s *spec.Scheme) {
			if !s.IsOAuth2() || s.HasIssuer() {
				return
			}
			sev, tail := lint.Error, "JWTs for operations that require it cannot be validated"
			if !schemeUsed(p.G, s) {
				sev, tail = lint.Warning, "no operation uses it yet, but it is still turned into a JWT provider"
			}
			p.ReportKeyAtSeverity(sev, s.Value, "oauth2 security definition %q has no x-google-issuer (the JWT iss value, e.g. https://securetoken.google.com/PROJECT_ID or a service account email); %s", s.Name, tail)
		},
	})
}

// schemeUsed reports whether some security list names the scheme.
func schemeUsed(g *spec.Google, s *spec.Scheme) bool {
	for _, l := range g.SecLists() {
		for _, r := range l.Reqs {
			if r.Has(func(n *spec.Scheme) bool { return n == s }) {
				return true
			}
		}
	}
	return false
}
