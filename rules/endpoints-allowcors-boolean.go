package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "endpoints-allowcors-boolean",
		Category: lint.CategoryEndpoints,
		Severity: lint.Error,
		Doc:      "Checks that allowCors is a real boolean, not a quoted string or a number.",
		Details: `Google documents allowCors: true. Whether Service Management's proto-JSON parser accepts the string
"true" is not verified; a quoted value is at best fragile, so corsgate requires a YAML/JSON boolean.
Fix: lint --fix rewrites "true" and "false" as booleans.`,
		Sources: []lint.Source{docEndpointsCORS, proto("endpoint.proto", "Endpoint.allow_cors")},
		Fix:     "allow-cors-boolean",
		Endpoint: func(p *lint.Pass, e *spec.Endpoint) {
			for _, a := range e.AllowCors {
				if _, ok := a.Bool(); !ok {
					key := a.Key.Value
					p.ReportAt(a, "%s must be a boolean (true or false), not %s; write %s: true without quotes", key, spec.Describe(a.Node), key)
				}
			}
		},
	})
}
