package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-unknown-cors-flag",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "A --cors_* flag the proxy does not know (typo).",
		Sources: []lint.Source{
			srcStartProxyArgs,
			srcStartESPArgs,
		},
	})
}
