package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-max-age-invalid",
		Category: lint.CategoryFlags,
		Severity: lint.Error,
		External: true,
		Doc:      "--cors_max_age must be a Go duration.",
		Sources: []lint.Source{
			srcMaxAgeFlag,
			doc("Go package time: ParseDuration", "https://pkg.go.dev/time#ParseDuration"),
		},
	})
}
