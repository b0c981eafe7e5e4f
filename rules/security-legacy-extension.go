package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "security-legacy-extension",
		Category: lint.CategorySecurity,
		Severity: lint.Warning,
		Versions: []spec.Version{spec.Swagger2}, // x-issuer and x-jwks_uri are 2.0 extensions
		Doc:      "Checks for the deprecated x-issuer and x-jwks_uri spellings, and for both spellings on one definition.",
		Details: `Service Management still reads x-issuer and x-jwks_uri but warns that they are deprecated. When a
definition has both the legacy and the current name, the deploy fails ("multiple extension definitions …
for the same extension are used"): error.`,
		Sources: []lint.Source{
			apiCompiler("aspects/utils/VendorExtensionUtils.java", "usedExtension"),
			apiCompiler("aspects/utils/ExtensionNames.java", "OAUTH_ISSUER_SWAGGER_EXTENSION_LEGACY"),
		},
		Scheme: func(p *lint.Pass, s *spec.Scheme) {
			for _, e := range [...]struct {
				legacy, current spec.Value
				rename          string
			}{{s.LegacyIssuer, s.Issuer, "x-google-issuer"}, {s.LegacyJWKS, s.JWKS, "x-google-jwks_uri"}} {
				if !e.legacy.Present() {
					continue
				}
				name := e.legacy.Key.Value
				if e.current.Present() {
					p.ReportKeyAtSeverity(lint.Error, e.legacy, "OpenAPI spec is invalid since multiple extension definitions '%s,%s' for the same extension are used; keep only %s", name, e.rename, e.rename)
					continue
				}
				p.ReportKeyAt(e.legacy, "Extension name %s has been deprecated, please rename it to %s.", name, e.rename)
			}
		},
	})
}
