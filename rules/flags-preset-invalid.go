package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-preset-invalid",
		Category: lint.CategoryFlags,
		Severity: lint.Error,
		External: true,
		Doc:      "--cors_preset must be exactly basic or cors_with_regex.",
		Details:  "ESPv2 refuses to start with any other value (wrong case, trailing comma from ESPv2_ARGS splitting). ESP v1 does not check and silently handles no CORS.",
		Sources: []lint.Source{
			srcCORSPolicy,
			srcCORSRoutes,
			srcESPNginxCORS,
		},
	})
}
