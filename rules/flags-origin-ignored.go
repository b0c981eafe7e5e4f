package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-origin-ignored",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "--cors_allow_origin is ignored with --cors_preset=cors_with_regex.",
		Sources: []lint.Source{
			srcCORSPolicy,
			srcRegexOrigin,
		},
	})
}
