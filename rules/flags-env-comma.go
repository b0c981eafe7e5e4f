package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-env-comma",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "A comma inside an ESPv2_ARGS value splits it unless a custom ^DELIM^ is used.",
		Sources:  []lint.Source{srcEnvArgs},
	})
}
