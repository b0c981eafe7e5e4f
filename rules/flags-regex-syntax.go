package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-regex-syntax",
		Category: lint.CategoryFlags,
		Severity: lint.Error,
		External: true,
		Doc:      "The origin regex must parse with Go regexp/syntax and Perl extensions off.",
		Details:  `ESPv2 pre-checks the regex with syntax.Parse(re, 0), so valid RE2 such as \d, \w, \s, \b, \pL, \Q…\E, (?:…) and (?i) stop it from starting.`,
		Sources: []lint.Source{
			srcRegexSize,
			srcRegexOrigin,
		},
	})
}
