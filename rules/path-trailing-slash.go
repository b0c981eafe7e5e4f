package rules

import (
	"strings"

	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "path-trailing-slash",
		Category: lint.CategoryPaths,
		Severity: lint.Error,
		Doc:      "Checks that no path other than / ends with a slash.",
		Details: `The Cloud Endpoints known-issues page says paths with a trailing slash are rejected by gcloud
endpoints services deploy; Google's path-template grammar has no empty segment, so ESPv2 would not
accept the template either. Remove the slash (requests to /items/ are then not matched: clients must
call /items). Same verdict for every target.`,
		Sources: []lint.Source{
			doc("Cloud Endpoints: Known issues (paths with trailing slashes)", "https://cloud.google.com/endpoints/docs/openapi/known-issues"),
			doc("openreferral/api-specification pull request #18 (trailing slashes rejected on deploy)", "https://github.com/openreferral/api-specification/pull/18"),
			srcURITemplate,
		},
		Check: func(p *lint.Pass) {
			for _, it := range p.G.Paths() {
				if it.Template != "/" && strings.HasSuffix(it.Template, "/") {
					p.ReportKeyAt(it.Value, "path %q ends with a slash, which gcloud endpoints services deploy rejects; write %q", it.Template, strings.TrimRight(it.Template, "/"))
				}
			}
		},
	})
}
