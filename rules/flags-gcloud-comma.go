package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-gcloud-comma",
		Category: lint.CategoryFlags,
		Severity: lint.Error,
		External: true,
		Doc:      "A comma in ESPv2_ARGS breaks gcloud's --set-env-vars unless the value starts with gcloud's ^DELIM^ escape.",
		Sources: []lint.Source{
			doc("gcloud topic escaping", "https://cloud.google.com/sdk/gcloud/reference/topic/escaping"),
			srcEnvArgs,
		},
	})
}
