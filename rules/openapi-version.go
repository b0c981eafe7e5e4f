package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "openapi-version",
		Category: lint.CategoryStructure,
		Severity: lint.Error,
		Versions: []spec.Version{spec.OpenAPI30, spec.OpenAPI31},
		Doc:      `Checks that an OpenAPI 3.x document's openapi value is a 3.0.x or 3.1.x version string.`,
		Details: `Cloud Endpoints and API Gateway accept OpenAPI 2.0, 3.0.x and 3.1.x (every patch release) since
2025-11-12; OpenAPI 3.2 and other versions are not accepted (reported when the file is read: nothing
else is checked). The OpenAPI JSON Schemas require a string matching 3.0.n or 3.1.n: an unquoted
openapi: 3.0 is a YAML number and is rejected, while Google's samples write openapi: 3.0.4, which YAML
reads as a string.`,
		Sources: []lint.Source{doc("Cloud Endpoints: OpenAPI overview (supported versions)", "https://cloud.google.com/endpoints/docs/openapi/openapi-overview"), doc("API Gateway: OpenAPI overview (supported versions)", "https://cloud.google.com/api-gateway/docs/openapi-overview")},
		Check: func(p *lint.Pass) {
			k, v := spec.MapGet(p.Doc.Root, "openapi")
			if k == nil || !spec.IsNumber(v) {
				return
			}
			v = spec.Deref(v)
			p.Report("/openapi", `openapi must be a version string such as "%s.0"; the unquoted %s is a number, which the OpenAPI schema rejects: write openapi: "%s.0"`, v.Value, v.Value, v.Value)
		},
	})
}
