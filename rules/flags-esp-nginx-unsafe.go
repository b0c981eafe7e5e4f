package rules

import "github.com/corsgate/corsgate/lint"

// Findings come from the flag readers and cors.Validate; LintFlags (and the
// flags and serve commands) report them with this registration.
func init() {
	register(&lint.Rule{
		ID:       "flags-esp-nginx-unsafe",
		Category: lint.CategoryFlags,
		Severity: lint.Warning,
		External: true,
		Doc:      "ESP v1 writes CORS values into nginx.conf unescaped; ; { } break it.",
		Sources: []lint.Source{
			srcESPNginxCORS,
			esp("start_esp/start_esp.py", "write_nginx_conf"),
		},
	})
}
