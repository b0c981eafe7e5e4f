package rules

import (
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "allow-openapi3",
		Category: lint.CategoryExtensions,
		Severity: lint.Error,
		Versions: openapi3,
		Doc:      "Checks that x-google-allow is not used in an OpenAPI 3.x document, where it is not supported.",
		Details: `Both products list x-google-allow among the features OpenAPI 3.x does not support: the unknown
paths it would let through are not routed. Declare every path, or keep the API in Swagger 2.0.`,
		Sources: []lint.Source{docEndpointsLimits3, docGatewayLimits3},
		Check: func(p *lint.Pass) {
			if p.G.Allow.Present() {
				p.ReportKeyAt(p.G.Allow, "x-google-allow is not supported in OpenAPI 3.x (Cloud Endpoints and API Gateway feature limitations): declare every path, or keep this API in Swagger 2.0")
			}
		},
	})
}
