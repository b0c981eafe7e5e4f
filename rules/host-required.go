package rules

import (
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "host-required",
		Category: lint.CategoryService,
		Severity: lint.Error,
		Versions: swagger2,
		Doc:      "Checks that host is present, because it is the Endpoints service name (not required for API Gateway).",
		Details: `gcloud endpoints services deploy reads the service name from host and refuses a spec without one.
Target api-gateway: not reported, since API Gateway specs may omit host (the managed service name is
used instead). With the default target, a spec that looks like an API Gateway config gets one
target-api-gateway-likely hint instead.`,
		Sources: []lint.Source{gcloud("lib/surface/endpoints/services/deploy.py", "Deploy.Run"), apiCompiler("TopLevelBuilder.java", "setServiceName")},
		Check: func(p *lint.Pass) {
			if p.Target == lint.TargetAPIGateway || p.G.Service.Present() || looksLikeGateway(p) {
				return
			}
			p.ReportAt(p.G.Service, "Malformed input. Found Swagger service config, but no host was specified. Add a host specification to the config file (the Endpoints service name, e.g. API_NAME.endpoints.PROJECT_ID.cloud.goog); use --target api-gateway if this spec is for API Gateway")
		},
	})
}
