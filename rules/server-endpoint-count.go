package rules

import (
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "server-endpoint-count",
		Category: lint.CategoryEndpoints,
		Severity: lint.Error,
		Versions: openapi3,
		Doc:      "Checks that at most one server carries x-google-endpoint, and on Cloud Endpoints exactly one.",
		Details: `In OpenAPI 3.x the server that carries x-google-endpoint names the service (its url's host) and the
base path; Google ignores the other servers. gcloud endpoints services deploy refuses a file with two
such servers and a deployment with none. API Gateway needs no server (its service is the managed
service) but still allows at most one.`,
		Sources: []lint.Source{srcGcloudDeploy, docEndpointsLimits3, docGatewayLimits3},
		Check: func(p *lint.Pass) {
			eps := p.G.Endpoints
			switch {
			case len(eps) > 1:
				p.ReportKeyAt(eps[1].Value, `Malformed input. Found OpenAPI service config in file [%s], but multiple servers were specified with the "x-google-endpoint" extension. At most one server can have the "x-google-endpoint" extension per file.`, fileName(p.Doc))
			case len(eps) == 0 && p.Target != lint.TargetAPIGateway && !looksLikeGateway(p):
				p.ReportKeyAt(p.G.EndpointsValue, `Malformed input. No servers were specified with the "x-google-endpoint" extension in the provided OpenAPI file(s). Add a servers specification to at least one config file with exactly one server configured with the "x-google-endpoint" extension. (Cloud Endpoints takes the service name from that server's url; with API Gateway, lint with --target api-gateway)`)
			}
		},
	})
}
