package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-esp-no-max-age",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "ESP v1 has no --cors_max_age (Max-Age is fixed at 1728000).",
		Sources: []lint.Source{
			srcStartESPArgs,
			srcESPNginxCORS,
		},
	})
}
