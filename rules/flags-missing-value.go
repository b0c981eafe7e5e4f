package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-missing-value",
		Category: lint.CategoryFlags,
		Severity: lint.Error,
		External: true,
		Doc:      "A CORS string flag needs a value.",
		Sources: []lint.Source{
			srcStartProxyArgs,
			srcStartESPArgs,
		},
	})
}
