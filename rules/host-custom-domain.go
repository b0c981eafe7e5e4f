package rules

import (
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "host-custom-domain",
		Category: lint.CategoryService,
		Severity: lint.Info,
		Doc:      "Reports a host that is a custom domain, whose ownership must be verified for the project before deploy.",
		Details: `Cloud Endpoints accepts a custom domain as the service name only after you verify ownership of it
in the project (Search Console); otherwise gcloud endpoints services deploy fails with
"PERMISSION_DENIED: Ownership for domain name %s on project %s cannot be verified". corsgate cannot
check this offline, so it reports an info. Hosts under cloud.goog, appspot.com and other
Google-operated domains (run.app, cloudfunctions.net, gateway.dev, …) are not reported.
Target api-gateway: not reported (host is not the service name there).
OpenAPI 3.x: the host of the x-google-endpoint server's url.`,
		Sources: []lint.Source{doc("Cloud Endpoints: Troubleshooting Endpoints configuration deployment", "https://cloud.google.com/endpoints/docs/openapi/troubleshoot-config-deployment")},
		Check: func(p *lint.Pass) {
			if p.Target == lint.TargetAPIGateway {
				return
			}
			h, ok := validHost(p.G)
			if !ok {
				return
			}
			if kind, _ := classify(h); kind == domainCustom {
				p.ReportAt(p.G.Service, "%s %q is a custom domain: the deploy succeeds only if its ownership is verified for the project (otherwise: PERMISSION_DENIED: Ownership for domain name %s on project ... cannot be verified); or use API_NAME.endpoints.PROJECT_ID.cloud.goog", hostWord(p.G), h, h)
			}
		},
	})
}
