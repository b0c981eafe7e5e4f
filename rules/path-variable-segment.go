package rules

import "github.com/corsgate/corsgate/lint"

func init() {
	register(&lint.Rule{
		ID:       "path-variable-segment",
		Category: lint.CategoryPaths,
		Severity: lint.Error,
		Doc:      "Checks that every path template variable is a whole path segment.",
		Details: `Cloud Endpoints and API Gateway list this among their OpenAPI limitations: /items/{id} is
supported, /items/overview.{format} and /items/prefix_{id}_suffix are not. Google's path-template
grammar has no way to express them, so ESPv2 fails to start ("invalid uri template"). Move the
variable into its own segment, or make the whole segment the variable and parse it in the backend.
Same verdict for every target.`,
		Sources: []lint.Source{docEndpointsLimits, docGatewayLimits, srcURITemplate},
		Check: func(p *lint.Pass) {
			for _, it := range p.G.Paths() {
				if t := parseTemplate(it.Template); t.Kind == templatePartial {
					p.ReportKeyAt(it.Value, "path %q: template variables must be whole segments: %s; ESPv2 rejects it (invalid uri template %s)", it.Template, t.Problem, it.Template)
				}
			}
		},
	})
}
