package rules

import (
	"strings"

	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "host-service-name",
		Category: lint.CategoryService,
		Severity: lint.Error,
		Versions: swagger2,
		Doc:      "Checks that host is a valid service name (DNS rules of Cloud Endpoints) and not an unsubstituted placeholder.",
		Details: `A service name is at most 253 characters, starts with a lower-case letter, and each dot-separated
label starts with a lower-case letter, holds only [a-z0-9-], does not end with - and is at most 63
characters. Samples ship placeholders such as YOUR-PROJECT-ID, ${PROJECT_ID} or "CLOUD RUN APP HOSTNAME"
that must be substituted before deploy; a placeholder is reported once, here.`,
		Sources: []lint.Source{doc("Cloud Endpoints: Configuring Endpoints (host)", "https://cloud.google.com/endpoints/docs/openapi/configure-endpoints")},
		Check: func(p *lint.Pass) {
			h, ok := p.G.Service.Str()
			if !ok || h == "" {
				return
			}
			if m := placeholderRE.FindString(h); m != "" {
				p.ReportAt(p.G.Service, "host %q still holds the placeholder %q; substitute the real value before deploy (the service name must be lower-case letters, digits, hyphens and dots)", h, m)
				return
			}
			if strings.ContainsAny(h, "/: \t{}\\") {
				return // host-format reports it
			}
			if msg := serviceNameProblem(h); msg != "" {
				p.ReportAt(p.G.Service, "host %q is not a valid service name: %s", h, msg)
			}
		},
	})
}
