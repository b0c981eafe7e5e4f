package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-duplicate",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "A CORS flag given twice: only the last one counts.",
		Sources: []lint.Source{
			srcStartProxyArgs,
			doc("Python argparse: the default action store keeps the last value", "https://docs.python.org/3/library/argparse.html#action"),
		},
	})
}
