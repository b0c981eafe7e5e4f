package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-regex-re2-invalid",
		Category: lint.CategoryFlags,
		Severity: lint.Error,
		External: true,
		Doc:      "The origin regex must also compile as RE2, which Envoy uses.",
		Details:  "ESPv2's Go pre-check (flags 0) accepts nested repetition such as a** that RE2 rejects, so the generated Envoy configuration would be refused (UNVERIFIED end to end: checked against Go's RE2-syntax parser, not a running Envoy).",
		Sources: []lint.Source{
			srcRegexSize,
			srcCORSPolicy,
			doc("RE2 syntax", "https://github.com/google/re2/wiki/Syntax"),
		},
	})
}
