package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "security-empty-requirement",
		Category: lint.CategorySecurity,
		Severity: lint.Warning,
		Doc:      "Checks for an empty requirement {} OR-ed with other requirements, which makes them optional.",
		Details: `An empty requirement object means "no authentication". Next to an API key it makes the key
optional (and Service Management stops requiring it for everyone); next to an oauth2 scheme it is
documented as unsupported by API Gateway. To make an operation public, write security: [] instead.`,
		Sources: []lint.Source{docGatewayLimits, srcIsAPIKeyRequired},
		SecList: func(p *lint.Pass, l *spec.SecList) {
			if len(l.Reqs) < 2 {
				return
			}
			var others []string
			empty, oauth := -1, false
			for i, r := range l.Reqs {
				if r.IsMap && len(r.Names) == 0 {
					if empty < 0 {
						empty = i
					}
					continue
				}
				oauth = oauth || r.Has((*spec.Scheme).IsOAuth2)
				others = append(others, r.NameList()...)
			}
			if empty < 0 || len(others) == 0 {
				return
			}
			why := "it makes the API key optional: Service Management then does not require a key from anyone"
			if oauth {
				why = "an optional JWT (empty requirement OR-ed with oauth2) is not supported by API Gateway, and ESPv2 then accepts calls without a token"
			}
			p.ReportAt(requirement(l, empty), "%s: the empty requirement {} is OR-ed with %s; %s. Write security: [] to make the operation public, or drop {}", l.Where(), quoteList(others), why)
		},
	})
}
