package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "swagger-version",
		Category: lint.CategoryStructure,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      `Checks that the document is Swagger 2.0: a top-level swagger key whose value is the string "2.0".`,
		Details: `gcloud identifies an OpenAPI 2 file by its top-level swagger key, and Service Management requires
swagger: "2.0" ("Cannot find a valid OpenAPI 2.0 spec in the input files"). An unquoted 2.0 is a YAML
number, which the Swagger 2.0 schema rejects. OpenAPI 3.x documents get one diagnostic saying that
corsgate checks only Swagger 2.0.`,
		Sources: []lint.Source{
			gcloud("lib/surface/endpoints/services/deploy.py", "Run"),
			apiCompiler("MultiOpenApiParser.java", "validateInputFiles"),
			swagger2Schema("swagger"),
		},
		Check: func(p *lint.Pass) {
			k, v := spec.MapGet(p.Doc.Root, "swagger")
			if k == nil {
				return // reported by the loader (LoadDiagnostic)
			}
			switch v = spec.Deref(v); {
			case spec.IsString(v) && v.Value == "2.0":
			case spec.IsNumber(v):
				p.Report("/swagger", `swagger must be the string "2.0"; the unquoted %s is a number, which the Swagger 2.0 schema rejects: write swagger: "2.0"`, v.Value)
			default:
				p.Report("/swagger", `swagger must be "2.0", not %s; Service Management reports "Cannot find a valid OpenAPI 2.0 spec in the input files"`, spec.Describe(v))
			}
		},
	})
}
