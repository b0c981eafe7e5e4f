package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// swagger2Keys maps each top-level Swagger 2.0 key to where OpenAPI 3.x
// says the same thing (reference openapi3.md §6).
var swagger2Keys = map[string]string{
	"host":                "the url of a server (servers[].url), with x-google-endpoint on it for Cloud Endpoints",
	"basePath":            "the path of that server url",
	"schemes":             "the scheme of that server url",
	"consumes":            "the media types of each requestBody.content",
	"produces":            "the media types of each response's content",
	"definitions":         "components.schemas (and $ref: \"#/components/schemas/NAME\")",
	"securityDefinitions": "components.securitySchemes",
	"parameters":          "components.parameters",
	"responses":           "components.responses",
}

func init() {
	register(&lint.Rule{
		ID:       "openapi3-swagger2-keys",
		Category: lint.CategoryStructure,
		Severity: lint.Error,
		Versions: openapi3,
		Doc:      "Checks that an OpenAPI 3.x document does not carry Swagger 2.0 top-level keys (host, basePath, schemes, consumes, produces, definitions, securityDefinitions, parameters, responses).",
		Details: `A document that says openapi: 3.x is read as OpenAPI 3.x, where these keys do not exist: the
OpenAPI 3.x schema rejects them, and what they say (the service name in host, above all) is not read.
Documents converted by hand or produced by older generators often mix the two (Google's own
java-docs-samples had such a file, with a note to change the version to 2.0 by hand).`,
		Sources: []lint.Source{docEndpointsMigrate, doc("OpenAPI Specification 3.0.3 (OpenAPI Object)", "https://spec.openapis.org/oas/v3.0.3#openapi-object")},
		Check: func(p *lint.Pass) {
			p.G.Root().Pairs(func(key string, v spec.Value) {
				if place, ok := swagger2Keys[key]; ok {
					p.ReportKeyAt(v, "%s is Swagger 2.0; this is an %s document, where it is not read: write %s", key, p.G.Version, place)
				}
			})
		},
	})
}
