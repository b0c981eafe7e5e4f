package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-value-spaces",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "Spaces around a flag or its value are kept; ESPv2_ARGS pieces are not trimmed.",
		Sources:  []lint.Source{srcEnvArgs},
	})
}
