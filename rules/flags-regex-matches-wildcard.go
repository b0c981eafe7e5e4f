package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-regex-matches-wildcard",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      `An origin regex that matches the literal "*" makes Envoy allow every origin.`,
		Sources:  []lint.Source{srcEnvoyOrigin},
	})
}
