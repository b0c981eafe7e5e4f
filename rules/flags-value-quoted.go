package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-value-quoted",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "Quotes around a flag value stay in the value when no shell runs (ESPv2_ARGS, Kubernetes args).",
		Sources: []lint.Source{
			srcEnvArgs,
			srcESPNginxCORS,
			doc("esp issue #786: unexpected \"h\" in nginx.conf", "https://github.com/cloudendpoints/esp/issues/786"),
		},
	})
}
