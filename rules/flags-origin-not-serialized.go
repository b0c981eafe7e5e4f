package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-origin-not-serialized",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "--cors_allow_origin must be one serialized origin: scheme://host[:port], lower case, no path, slash or default port.",
		Details:  "The proxy compares it byte for byte with the Origin header, so anything else never matches (ESPv2) or is sent as an invalid header (ESP).",
		Sources: []lint.Source{
			docOriginSerialize,
			srcCORSPolicy,
			srcESPNginxCORS,
		},
	})
}
