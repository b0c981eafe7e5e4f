package rules

import (
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

func init() {
	register(&lint.Rule{
		ID:       "security-extension-type",
		Category: lint.CategorySecurity,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2}, // the 2.0 extensions; 3.x writes x-google-auth
		Doc:      "Checks that x-google-issuer, x-google-jwks_uri and x-google-audiences are strings (several audiences are one comma-separated string, not a list).",
		Details: `Service Management reads these extensions as Java strings and fails with "Extension %s has invalid
type. Valid type is java.lang.String" for a YAML list or a number.`,
		Sources: []lint.Source{apiCompiler("aspects/utils/VendorExtensionUtils.java", "getExtensionValue"), docEndpointsExtensions},
		Scheme: func(p *lint.Pass, s *spec.Scheme) {
			// The scalar auth extensions api-compiler reads with
			// getExtensionValue(String.class).
			for _, ext := range [...]spec.Value{s.Issuer, s.JWKS, s.Audiences, s.LegacyIssuer, s.LegacyJWKS} {
				if !ext.Present() || ext.IsString() {
					continue
				}
				name := ext.Key.Value
				fix := ""
				if name == "x-google-audiences" && ext.IsSeq() {
					var auds []string
					for _, a := range ext.Node.Content {
						if a.Kind == yaml.ScalarNode {
							auds = append(auds, a.Value)
						}
					}
					fix = "; write the audiences as one comma-separated string: x-google-audiences: " + strconv.Quote(strings.Join(auds, ","))
				}
				report := p.ReportAt
				if ext.Node.Kind != yaml.ScalarNode {
					report = p.ReportKeyAt // a block list starts on the next line
				}
				report(ext, "Extension %s has invalid type. Valid type is java.lang.String (found %s)%s", name, spec.TypeName(ext.Node), fix)
			}
		},
	})
}
