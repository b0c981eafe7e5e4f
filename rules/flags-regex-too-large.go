package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-regex-too-large",
		Category: lint.CategoryFlags,
		Severity: lint.Error,
		External: true,
		Doc:      "The simplified origin regex program must have at most 1000 instructions.",
		Sources: []lint.Source{
			srcRegexSize,
			srcRegexOrigin,
			espv2("src/go/util/util.go", "GoogleRE2MaxProgramSize"),
		},
	})
}
