package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "endpoints-name-matches-host",
		Category: lint.CategoryEndpoints,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that every x-google-endpoints[].name equals host exactly, case included.",
		Details: `ESP and ESPv2 turn allowCors on only when an endpoint entry's name equals the service name (the
host) exactly; ESPv2 compares case-sensitively. Any other name makes them ignore allowCors without a
word (ESPv2 logs only "Not adding Proxy CORS route gen because the feature is disabled by config."),
and the browser reports a CORS error. Service Management also rejects the mismatch, comparing without
case. Fix: corsgate transform sync-name FILE (or lint --fix).`,
		Sources: []lint.Source{srcEndpointBuilder, srcProcessEndpoint},
		Fix:     "sync-name",
		Endpoint: func(p *lint.Pass, e *spec.Endpoint) {
			if !p.G.Service.Present() {
				return // endpoints-allowcors-without-host / host-required report this
			}
			host := p.G.Service.Text()
			name := e.NameText()
			if e.Name.Key != nil && name == host {
				return
			}
			cors := " ESP and ESPv2 use this entry (allowCors, target) only when name equals host."
			for _, a := range e.AllowCors {
				if on, _ := boolish(a.Node); on {
					cors = " allowCors is silently ignored by ESP and ESPv2 until they match."
				}
			}
			if e.Name.Key == nil {
				p.ReportAt(e.Value, "OpenAPI spec is invalid. The endpoint entry in the extension 'x-google-endpoints' has no name; it must equal the host name: '%s'.%s Add name: %s.", host, cors, host)
				return
			}
			caseOnly := ""
			if strings.EqualFold(name, host) {
				caseOnly = " They differ only in letter case, which ESPv2 still treats as a mismatch."
			}
			p.ReportAt(e.Name, "OpenAPI spec is invalid. The endpoint name: '%s' defined in the extension 'x-google-endpoints' is different than the host name: '%s'. Please use the host name as the endpoint name.%s%s", name, host, caseOnly, cors)
		},
	})
}
