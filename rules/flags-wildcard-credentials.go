package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-wildcard-credentials",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "Any-origin CORS must not be combined with --cors_allow_credentials.",
		Details:  "ESPv2 echoes every Origin with Allow-Credentials: true (any site can make credentialed calls); ESP v1 sends * with true, which browsers refuse.",
		Sources: []lint.Source{
			srcEnvoyResponse,
			srcBasicOrigin,
			srcESPNginxCORS,
		},
	})
}
