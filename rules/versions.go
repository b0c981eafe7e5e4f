package rules

import "github.com/corsgate/corsgate/internal/spec"

// Version sets for Rule.Versions.
var (
	// swagger2 is for rules that read syntax only Swagger 2.0 has.
	swagger2 = []spec.Version{spec.Swagger2}
	// openapi3 is for rules about what only OpenAPI 3.x has.
	openapi3 = []spec.Version{spec.OpenAPI30, spec.OpenAPI31}
)

// fileName is the base name gcloud's messages show for a file ([{}]).
func fileName(d *spec.Document) string {
	name := d.Name
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' || name[i] == '\\' {
			return name[i+1:]
		}
	}
	return name
}
