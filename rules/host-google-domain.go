package rules

import (
	"strings"

	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "host-google-domain",
		Category: lint.CategoryService,
		Severity: lint.Warning,
		Doc:      "Checks that a host under cloud.goog or appspot.com follows the Google-managed pattern API_NAME.endpoints.PROJECT_ID.cloud.goog or PROJECT_ID.appspot.com.",
		Details: `Cloud Endpoints lets a project use names under endpoints.PROJECT_ID.cloud.goog (GCE, GKE,
Kubernetes; Service Management can create the DNS record from x-google-endpoints target) and, on
App Engine, PROJECT_ID.appspot.com. Other names under these domains are not owned by the project,
so the deploy cannot verify them. API Gateway managed service names (NAME.apigateway.PROJECT_ID.cloud.goog)
are accepted. Cloud Run (*.run.app) and other Google-operated hosts are not checked: ESPv2 on Cloud
Run deploys with its run.app host. Target api-gateway: not reported (host is not the service name
there; the managed service name is). OpenAPI 3.x: the host of the x-google-endpoint server's url.`,
		Sources: []lint.Source{doc("Cloud Endpoints: Configuring Endpoints (host)", "https://cloud.google.com/endpoints/docs/openapi/configure-endpoints"), docEndpointsDNS},
		Check: func(p *lint.Pass) {
			if p.Target == lint.TargetAPIGateway {
				return
			}
			h, ok := validHost(p.G)
			if !ok {
				return
			}
			switch kind, _ := classify(h); kind {
			case domainCloudGoog:
				p.ReportAt(p.G.Service, "%s %q is under cloud.goog but does not follow API_NAME.endpoints.PROJECT_ID.cloud.goog: a project may only use names under endpoints.PROJECT_ID.cloud.goog, so the deploy cannot verify this one; use e.g. %s", hostWord(p.G), h, endpointsExample(h))
			case domainAppspotSub:
				p.ReportAt(p.G.Service, "%s %q is under appspot.com but is not PROJECT_ID.appspot.com: Endpoints on App Engine uses the project's own PROJECT_ID.appspot.com name (cloud.goog names are not supported there)", hostWord(p.G), h)
			}
		},
	})
}

// endpointsExample suggests an endpoints.PROJECT.cloud.goog name for a
// cloud.goog host that lacks the endpoints label.
func endpointsExample(h string) string {
	labels := strings.Split(strings.TrimSuffix(h, ".cloud.goog"), ".")
	if len(labels) == 2 {
		return labels[0] + ".endpoints." + labels[1] + ".cloud.goog"
	}
	return labels[0] + ".endpoints.PROJECT_ID.cloud.goog"
}
