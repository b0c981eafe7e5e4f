package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-credentials-explicit-value",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "--cors_allow_credentials is a bare switch; start_proxy.py refuses =true.",
		Sources: []lint.Source{
			srcStartProxyArgs,
			srcStartESPArgs,
		},
	})
}
