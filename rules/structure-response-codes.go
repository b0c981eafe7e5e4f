package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

func init() {
	register(&lint.Rule{
		ID:       "structure-response-codes",
		Category: lint.CategoryStructure,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that response keys are three-digit HTTP status codes or default.",
		Details:  `Unquoted integer keys such as 200: are fine (YAML reads them as numbers; Google's samples use them).`,
		Sources:  []lint.Source{srcValidateSchema, swagger2Schema("responses")},
		Op: func(p *lint.Pass, op *spec.Op) {
			spec.Pairs(spec.Get(op.Node, "responses"), func(k, _ *yaml.Node) {
				if k.Value == "default" || strings.HasPrefix(k.Value, "x-") || isStatusCode(k.Value) {
					return
				}
				p.ReportKey(op.At("responses", k.Value), "%s: response key %q must be an HTTP status code (100–599) or default", op.Where(), k.Value)
			})
		},
	})
}

// isStatusCode reports whether key is a status code from 100 to 599, three
// digits (the schema's pattern, narrowed to real status classes).
func isStatusCode(key string) bool {
	return len(key) == 3 && key[0] >= '1' && key[0] <= '5' &&
		key[1] >= '0' && key[1] <= '9' && key[2] >= '0' && key[2] <= '9'
}
