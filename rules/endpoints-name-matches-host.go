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
		Versions: swagger2,
		Doc:      "Checks that every x-google-endpoints[].name equals the service name exactly: host on Cloud Endpoints, the managed service on API Gateway.",
		Details: `ESP and ESPv2 turn allowCors on only when an endpoint entry's name equals the service config's name
exactly (ESPv2 compares case-sensitively). Any other name makes them ignore allowCors without a word
(ESPv2 logs only "Not adding Proxy CORS route gen because the feature is disabled by config."), and the
browser reports a CORS error. On Cloud Endpoints the service name is host, and Service Management also
rejects a mismatch (comparing without case). Fix: corsgate transform sync-name FILE (or lint --fix).
Target api-gateway: the service name is the gateway's managed service,
API_ID-HASH.apigateway.PROJECT_ID.cloud.goog (gcloud api-gateway apis describe API_ID
--format='value(managedService)'), not host and not the gateway's *.gateway.dev address; with
allowCors on, a name that is not of that form (or not the --service-name / service_name: given) is
reported, since preflights then get 405 from the gateway. A placeholder name is reported once, as a
placeholder.`,
		Sources: []lint.Source{srcEndpointBuilder, srcProcessEndpoint, doc("API Gateway: Getting started with Cloud Endpoints OpenAPI specs (host)", "https://cloud.google.com/api-gateway/docs/endpoints-apis")},
		Fix:     "sync-name",
		Endpoint: func(p *lint.Pass, e *spec.Endpoint) {
			if p.Target == lint.TargetAPIGateway {
				checkGatewayName(p, e)
				return
			}
			if !p.G.Service.Present() {
				return // endpoints-allowcors-without-host / host-required report this
			}
			host := p.G.Service.Text()
			name := e.NameText()
			if e.Name.Key != nil && name == host {
				return
			}
			cors := " ESP and ESPv2 use this entry (allowCors, target) only when name equals host."
			if on, _ := e.CorsOn(); on {
				cors = " allowCors is silently ignored by ESP and ESPv2 until they match."
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

const findManagedService = "gcloud api-gateway apis describe API_ID --format='value(managedService)'"

// checkGatewayName checks an entry's name against API Gateway's managed
// service: the exact name when configured, else its form.
func checkGatewayName(p *lint.Pass, e *spec.Endpoint) {
	if on, _ := e.CorsOn(); !on {
		return // only allowCors depends on the name on API Gateway
	}
	at := e.Name
	if at.Key == nil {
		at = e.Value
	}
	name := e.NameText()
	want, known := p.G.ServiceConfigName(p.Deployment)
	switch {
	case e.Name.Key == nil:
		p.ReportAt(at, "the x-google-endpoints entry has no name: on API Gateway it must be the managed service API_ID-HASH.apigateway.PROJECT_ID.cloud.goog (%s), or allowCors is silently ignored and preflights get 405", findManagedService)
	case placeholderRE.MatchString(name):
		p.ReportAt(at, "x-google-endpoints name %q still holds the placeholder %q: substitute the API Gateway managed service name, API_ID-HASH.apigateway.PROJECT_ID.cloud.goog (%s)", name, placeholderRE.FindString(name), findManagedService)
	case known && name != want:
		p.ReportAt(at, "x-google-endpoints name %q is not the managed service %q given as the service name: API Gateway's proxy turns allowCors on only when they are equal, so preflights get 405 instead of reaching the backend; write name: %s", name, want, want)
	case !known && !spec.IsManagedServiceName(name):
		p.ReportAt(at, "x-google-endpoints name %q is not an API Gateway managed service name: on API Gateway the proxy compares it with the managed service API_ID-HASH.apigateway.PROJECT_ID.cloud.goog (not host, not the gateway's *.gateway.dev address), so allowCors is silently ignored and preflights get 405; find the name with %s, and give it to corsgate with --service-name to check it exactly", name, findManagedService)
	}
}
