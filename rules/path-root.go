package rules

import (
	"slices"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "path-root",
		Category: lint.CategoryPaths,
		Severity: lint.Warning,
		Doc:      "Checks for operations on the root path /, which ESP v1 does not serve and which break under a basePath.",
		Details: `Service Management accepts operations on /, and ESPv2 special-cases the template "/". ESP v1 does not:
requests fail with "Invalid HTTP template: /" (cloudendpoints/esp #569), so target endpoints-esp
gets a warning. With a basePath other than / (in 3.x the path of the x-google-endpoint server's url), the generated template is basePath + "/" (for example
/v1/), which ends with a slash that Google's path-template grammar has no segment for; corsgate warns
for every target then (UNVERIFIED: whether Service Management normalises it). Targets
endpoints-espv2 and api-gateway without a basePath: not reported.`,
		Sources: []lint.Source{
			docEndpointsLimits,
			esp("src/api_manager/path_matcher.h", "PathMatcherBuilder::Register"),
			doc("cloudendpoints/esp issue #569 (Invalid HTTP template: /)", "https://github.com/cloudendpoints/esp/issues/569"),
			srcURITemplate,
		},
		Check: func(p *lint.Pass) {
			i := slices.IndexFunc(p.G.Ops, func(op *spec.Op) bool { return op.Path == "/" })
			if i < 0 {
				return
			}
			root := p.G.Ops[i]
			// BasePathText: basePath in 2.0, the path of the x-google-endpoint
			// server's url in 3.x (BasePath is that whole url there).
			if bp := p.G.BasePathText; bp != "" && bp != "/" {
				what := "basePath"
				if p.G.Version.IsOpenAPI3() {
					what = "the server url's base path"
				}
				p.ReportKey(root.PathPtr, "operations on / under %s %q become the template %q, which ends with a slash that Google's path templates cannot express; move them to a named path such as /status", what, bp, strings.TrimRight(bp, "/")+"/")
				return
			}
			if p.Target == lint.TargetESP {
				p.ReportKey(root.PathPtr, "ESP v1 rejects requests to operations on / (\"Invalid HTTP template: /\"); move them to a named path such as /status, or deploy with ESPv2")
			}
		},
	})
}
