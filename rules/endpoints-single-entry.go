package rules

import (
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "endpoints-single-entry",
		Category: lint.CategoryEndpoints,
		Severity: lint.Error,
		Versions: swagger2,
		Doc:      "Checks that x-google-endpoints has at most one entry.",
		Sources:  []lint.Source{srcEndpointBuilder},
		Check: func(p *lint.Pass) {
			v := p.G.EndpointsValue
			if !v.IsSeq() || len(v.Node.Content) <= 1 {
				return
			}
			p.ReportAt(v.Items()[1], "OpenAPI spec is invalid. Multiple endpoint entries are defined in the extension 'x-google-endpoints'. At most one entry is allowed (found %d); keep the entry whose name equals host.", len(v.Node.Content))
		},
	})
}
