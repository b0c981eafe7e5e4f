package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "structure-path-keys",
		Category: lint.CategoryStructure,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that every key of paths starts with / (or is an x- extension).",
		Sources:  []lint.Source{srcValidateSchema, swagger2Schema("paths")},
		Check: func(p *lint.Pass) {
			p.G.PathsValue().Pairs(func(key string, v spec.Value) {
				switch {
				case strings.HasPrefix(key, "/") || strings.HasPrefix(key, "x-"):
				case key == "":
					p.ReportKeyAt(v, `empty path key: Service Management reports "object instance has properties which are not allowed by the schema: [\"\"]"`)
				default:
					p.ReportKeyAt(v, "path %q must start with /: write %q", key, "/"+key)
				}
			})
		},
	})
}
