package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "extension-oas3-only",
		Heavy:    true,
		Category: lint.CategoryExtensions,
		Severity: lint.Warning,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that OpenAPI 3.x-only Google extensions (x-google-endpoint, x-google-api-management, x-google-auth) are not used in a Swagger 2.0 document.",
		Details:  `In a Swagger 2.0 document these names are unknown and ignored, so the CORS, backend or auth settings they carry do not apply.`,
		Sources: []lint.Source{
			doc("Cloud Endpoints: OpenAPI 3.x extensions", "https://cloud.google.com/endpoints/docs/openapi/oasv3-extensions"),
			docEndpointsExtensions,
		},
		Check: func(p *lint.Pass) {
			for _, e := range p.G.GoogleExtensions() {
				if use, ok := oas3OnlyExtensions[e.Key.Value]; ok {
					p.ReportKeyAt(e, "%s is an OpenAPI 3.x extension and is ignored in a Swagger 2.0 document; in Swagger 2.0 use %s", e.Key.Value, use)
				}
			}
		},
	})
}
