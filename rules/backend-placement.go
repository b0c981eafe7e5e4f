package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

func init() {
	register(&lint.Rule{
		ID:       "backend-placement",
		Category: lint.CategoryBackend,
		Severity: lint.Error,
		// The evidence is for 2.0; where OpenAPI 3.x reads x-google-backend
		// is not documented beyond the top level and operations.
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that x-google-backend is not placed on a path item, where Google silently ignores it.",
		Details: `x-google-backend is read at the top level and on operations only. On a path item (next to get:,
post:) it is ignored without a word, and ESPv2 sends the requests to its local backend (esp-v2 issue
#437). Move it into each operation, or to the top level.`,
		Sources: []lint.Source{doc("esp-v2 issue #437: OpenAPI compiler does not support x-google-backend at path level", "https://github.com/GoogleCloudPlatform/esp-v2/issues/437"),
			docEndpointsExtensions},
		Check: func(p *lint.Pass) {
			spec.Pairs(spec.Get(p.Doc.Root, "paths"), func(pk, item *yaml.Node) {
				if k, _ := spec.MapGet(item, "x-google-backend"); k == nil {
					return
				}
				var methods []string
				spec.Pairs(item, func(mk, _ *yaml.Node) {
					if spec.IsMethod(mk.Value) {
						methods = append(methods, mk.Value)
					}
				})
				where := "move it into each operation"
				if len(methods) > 0 {
					where = "move it into " + strings.Join(methods, ", ")
				}
				p.ReportKey(spec.Pointer("paths", pk.Value, "x-google-backend"), "x-google-backend on the path item %q is silently ignored by Service Management (only the top level and operations are read), so its requests go to ESPv2's local backend; %s, or to the top level", pk.Value, where)
			})
		},
	})
}
