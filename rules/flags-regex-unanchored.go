package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-regex-unanchored",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "An origin regex should be anchored with ^ and $.",
		Details:  "ESPv2 matches the whole Origin anyway (info); ESP v1 matches anywhere, ignoring case (warning).",
		Sources: []lint.Source{
			srcESPNginxCORS,
			srcCORSPolicy,
		},
	})
}
