package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-max-age-negative",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "A negative --cors_max_age is sent as a negative Max-Age, which browsers ignore.",
		Sources: []lint.Source{
			srcCORSPolicy,
			doc("WHATWG Fetch: Access-Control-Max-Age", "https://fetch.spec.whatwg.org/#http-access-control-max-age"),
		},
	})
}
