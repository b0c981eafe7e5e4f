package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "server-service-name",
		Category: lint.CategoryService,
		Severity: lint.Error,
		Versions: openapi3,
		Doc:      "Checks that the host of the x-google-endpoint server's url is a valid service name, not a placeholder, and on API Gateway the managed service when allowCors is on.",
		Details: `On Cloud Endpoints the host of that url is the service name, so the service-name rules of host in
Swagger 2.0 apply to it: DNS labels of lower-case letters, digits and hyphens, no unsubstituted
placeholder. On API Gateway the service is the gateway's managed service
(API_ID-HASH.apigateway.PROJECT_ID.cloud.goog); whether the compiled endpoint is named after the
server host in 3.x is not verified, so with allowCors on a host that is not the managed service (or
the --service-name given) gets a warning: ESPv2 would then ignore allowCors.`,
		Sources: []lint.Source{srcGcloudDeploy, docEndpointsLimits3, srcProcessEndpoint},
		Endpoint: func(p *lint.Pass, e *spec.Endpoint) {
			name := e.NameText()
			if m := placeholderRE.FindString(e.URL.Text()); m != "" && p.Target != lint.TargetAPIGateway {
				p.ReportAt(e.URL, "server url %q still holds the placeholder %q; substitute the service name before deploy (its host is the Cloud Endpoints service name)", e.URL.Text(), m)
				return
			}
			if name == "" || spec.ServerHostProblems(e.URL.Text()) != "" {
				return // server-endpoint-url reports it
			}
			if p.Target == lint.TargetAPIGateway {
				if on, _ := e.CorsOn(); !on {
					return
				}
				want, known := p.G.ServiceConfigName(p.Deployment)
				if known && name != want || !known && !spec.IsManagedServiceName(name) {
					p.ReportAtSeverity(lint.Warning, e.URL, "allowCors is on, but on API Gateway the proxy compares endpoint names with the managed service (API_ID-HASH.apigateway.PROJECT_ID.cloud.goog; %s), and this server's host %q is not it: allowCors may be silently ignored (not verified for OpenAPI 3.x)", findManagedService, name)
				}
				return
			}
			if msg := serviceNameProblem(name); msg != "" {
				p.ReportAt(e.URL, "the host %q of the server url is the service name and is not a valid one: %s", name, msg)
			}
		},
	})
}
