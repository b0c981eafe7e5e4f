package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-regex-ignored",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "--cors_allow_origin_regex is ignored with --cors_preset=basic.",
		Sources: []lint.Source{
			srcCORSPolicy,
			srcBasicOrigin,
		},
	})
}
