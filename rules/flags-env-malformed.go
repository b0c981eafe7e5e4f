package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-env-malformed",
		Category: lint.CategoryFlags,
		Severity: lint.Error,
		External: true,
		Doc:      "ESPv2_ARGS must not start with an empty custom delimiter (^^).",
		Sources:  []lint.Source{srcEnvArgs},
	})
}
