package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// legacyBackendExtensions maps each predecessor of x-google-backend to the
// field that replaces it.
var legacyBackendExtensions = [][2]string{
	{"x-google-backend-url", "address"},
	{"x-google-backend-deadline", "deadline"},
}

func init() {
	register(&lint.Rule{
		ID:       "backend-legacy-extension",
		Category: lint.CategoryBackend,
		Severity: lint.Warning,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks for the legacy x-google-backend-url and x-google-backend-deadline extensions.",
		Details: `These predecessors of x-google-backend appear in the historical api-compiler but not in current
Cloud Endpoints or API Gateway documentation; ESPv2 routes by x-google-backend. Write
x-google-backend: {address: URL, deadline: SECONDS} instead.`,
		Sources: []lint.Source{apiCompiler("aspects/backend/BackendBuilder.java", "addFromSwagger"),
			apiCompiler("aspects/utils/ExtensionNames.java", "BACKEND_URL_EXTENSION"), docEndpointsExtensions},
		Check: func(p *lint.Pass) { reportLegacyBackend(p, p.Doc.Root, "") },
		Op: func(p *lint.Pass, op *spec.Op) {
			if op.LegacyBackend {
				reportLegacyBackend(p, op.Node, op.Ptr)
			}
		},
	})
}

// reportLegacyBackend reports the legacy extensions written on the object
// node, whose pointer is ptr.
func reportLegacyBackend(p *lint.Pass, node *yaml.Node, ptr string) {
	for _, l := range legacyBackendExtensions {
		if k, _ := spec.MapGet(node, l[0]); k != nil {
			p.ReportKey(spec.Append(ptr, l[0]), "%s is a legacy extension not described in current Google documentation; use x-google-backend: {%s: …} instead", l[0], l[1])
		}
	}
}
