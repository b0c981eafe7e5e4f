package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-regex-empty",
		Category: lint.CategoryFlags,
		Severity: lint.Error,
		External: true,
		Doc:      "--cors_preset=cors_with_regex needs a non-empty --cors_allow_origin_regex.",
		Details:  "ESPv2 refuses to start. ESP v1 inserts the empty regex as () and allows every origin.",
		Sources: []lint.Source{
			srcRegexOrigin,
			srcESPNginxCORS,
		},
	})
}
