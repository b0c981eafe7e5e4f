package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-origin-empty",
		Category: lint.CategoryFlags,
		Severity: lint.Error,
		External: true,
		Doc:      "--cors_preset=basic needs a non-empty --cors_allow_origin.",
		Sources: []lint.Source{
			srcBasicOrigin,
			srcESPNginxCORS,
		},
	})
}
