package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "allowcors-agree",
		Category: lint.CategoryEndpoints,
		Severity: lint.Warning,
		Versions: openapi3,
		Doc:      "Checks that x-google-api-management.allowCors and the x-google-endpoint server's allowCors do not disagree.",
		Details: `Google documents allowCors in two places for OpenAPI 3.x: on the server's x-google-endpoint (the
CORS page, with a sample) and, on a newer version of the Endpoints extension page, in
x-google-api-management. No precedence is documented. corsgate reads x-google-endpoint.allowCors when
it is written and x-google-api-management.allowCors otherwise (its own choice), and warns when both are
written with different values, because Service Management may read the other one.`,
		Sources: []lint.Source{docEndpointsCORS, docEndpointsExt3},
		Endpoint: func(p *lint.Pass, e *spec.Endpoint) {
			m := p.G.ManagementAllowCors
			if !m.Present() || len(e.AllowCors) == 0 {
				return
			}
			if a := e.AllowCors[0]; spec.IsTrue(a) != spec.IsTrue(m) {
				p.ReportAt(m, "x-google-api-management.allowCors is %s but x-google-endpoint.allowCors (line %d) is %s; which one Service Management honours is not documented: write one of them", m.Text(), a.Pos().Line, a.Text())
			}
		},
	})
}
