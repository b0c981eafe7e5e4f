package rules

import (
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "host-project-id",
		Category: lint.CategoryService,
		Severity: lint.Error,
		Doc:      "Checks that the project ID inside a Google-managed host (API_NAME.endpoints.PROJECT_ID.cloud.goog, PROJECT_ID.appspot.com) is a valid project ID.",
		Details: `A project ID has 6 to 30 characters: lower-case letters, digits and hyphens, starting with a letter
and not ending with a hyphen. A host that embeds anything else cannot belong to your project, so
the deploy fails the ownership check. The most common cause is a project name or number typed in
place of the ID. Same verdict for every target. OpenAPI 3.x: the host of the x-google-endpoint
server's url.`,
		Sources: []lint.Source{doc("Creating and managing projects (project ID)", "https://cloud.google.com/resource-manager/docs/creating-managing-projects"), doc("Cloud Endpoints: Configuring Endpoints (host)", "https://cloud.google.com/endpoints/docs/openapi/configure-endpoints")},
		Check: func(p *lint.Pass) {
			h, ok := validHost(p.G)
			if !ok {
				return
			}
			kind, id := classify(h)
			if kind != domainEndpoints && kind != domainAPIGateway && kind != domainAppspot {
				return
			}
			if msg := projectIDProblem(id); msg != "" {
				p.ReportAt(p.G.Service, "%s %q embeds the project ID %q, which is not a valid project ID: %s", hostWord(p.G), h, id, msg)
			}
		},
	})
}
