package rules

import (
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "target-api-gateway-likely",
		Category: lint.CategoryService,
		Severity: lint.Warning,
		Doc:      "Reports, when no target was chosen, a spec that looks like an API Gateway config, once, instead of the Cloud Endpoints errors about host.",
		Details: `The default target is Cloud Endpoints with ESPv2, where host is the service name and required. An
API Gateway config has no host (the gateway's managed service is the service name) and routes every
operation to an x-google-backend address. When a spec has no host and every operation has a backend
address, or its file name contains "gateway", corsgate reports this once and skips the host checks
that would fail only because of the target. Choose the target with --target or target: in
.corsgate.yaml to silence it.`,
		Sources: []lint.Source{doc("API Gateway: Creating an API config", "https://cloud.google.com/api-gateway/docs/creating-api-config"), docGatewayLimits},
		Check: func(p *lint.Pass) {
			if !looksLikeGateway(p) {
				return
			}
			why := "its file name says gateway"
			if !p.G.Service.Present() {
				why = "it has no host and every operation has an x-google-backend address"
				if p.G.Version.IsOpenAPI3() {
					why = "it has no server with x-google-endpoint and every operation has a backend with an address"
				}
			}
			p.Report("", "this spec looks like an API Gateway config (%s) but is linted for Cloud Endpoints with ESPv2, the default: lint it with --target api-gateway (or target: api-gateway in .corsgate.yaml); corsgate skips the Cloud Endpoints checks about host meanwhile", why)
		},
	})
}
