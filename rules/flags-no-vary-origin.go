package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-no-vary-origin",
		Category: lint.CategoryFlags,
		Severity: lint.Info,
		External: true,
		Doc:      "ESPv2 echoes the Origin but never sends Vary: Origin.",
		Sources: []lint.Source{
			srcEnvoyResponse,
			doc("WHATWG Fetch: CORS protocol and HTTP caches", "https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches"),
		},
	})
}
