package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-regex-unescaped-dot",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "A '.' in the host part of an origin regex must be escaped.",
		Sources: []lint.Source{
			doc("RE2 syntax", "https://github.com/google/re2/wiki/Syntax"),
			docOriginSerialize,
		},
	})
}
