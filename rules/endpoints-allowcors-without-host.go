package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "endpoints-allowcors-without-host",
		Category: lint.CategoryEndpoints,
		Severity: lint.Error,
		Versions: swagger2,
		Doc:      "Checks that a spec that sets allowCors also has a host for the endpoint name to match.",
		Details: `allowCors takes effect only when the entry's name equals the service name. Without host there is
nothing to match (on API Gateway the managed service name is not in the file), so allowCors is
silently ignored.`,
		Sources: []lint.Source{srcProcessEndpoint, srcESPAllowCors},
		Endpoint: func(p *lint.Pass, e *spec.Endpoint) {
			if p.G.Service.Present() || p.Target == lint.TargetAPIGateway || looksLikeGateway(p) {
				return // on API Gateway the service name is not host (endpoints-name-matches-host)
			}
			if on, a := e.CorsOn(); on {
				key := a.Key.Value
				p.ReportAt(a, "%s is set but the spec has no host: ESP and ESPv2 enable allowCors only when an endpoint name equals the service name (host), so it is silently ignored; add host: <the endpoint name>", key)
			}
		},
	})
}
