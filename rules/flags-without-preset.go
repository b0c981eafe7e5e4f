package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-without-preset",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "--cors_* flags without --cors_preset are ignored.",
		Sources: []lint.Source{
			srcStartProxyPass,
			srcESPNginxCORS,
		},
	})
}
