package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// Legacy backend extensions (reference endpoints-rules.md §1.2, last bullet):
// the open-source api-compiler read x-google-backend-url (string) and
// x-google-backend-deadline (number) on operations. Current documentation
// only describes x-google-backend.

// legacyBackendExtensions maps each legacy name to the x-google-backend field
// that replaces it.
var legacyBackendExtensions = [][2]string{
	{"x-google-backend-url", "address"},
	{"x-google-backend-deadline", "deadline"},
}

// BackendLegacyExtension reports x-google-backend-url and x-google-backend-deadline.
var BackendLegacyExtension = &lint.Rule{
	ID:       "backend-legacy-extension",
	Category: lint.CategoryBackend,
	Severity: lint.Warning,
	Doc:      "Checks for the legacy x-google-backend-url and x-google-backend-deadline extensions.",
	Details: `These predecessors of x-google-backend appear in the historical api-compiler but not in current
Cloud Endpoints or API Gateway documentation; ESPv2 routes by x-google-backend. Write
x-google-backend: {address: URL, deadline: SECONDS} instead.`,
	Bad:    "x-google-backend-url: https://backend.example.com\nx-google-backend-deadline: 30\n",
	Good:   "x-google-backend:\n  address: https://backend.example.com\n  deadline: 30\n",
	Source: "api-compiler ExtensionNames (x-google-backend-url, x-google-backend-deadline); Cloud Endpoints docs, OpenAPI extensions",
	Check: func(p *lint.Pass) {
		check := func(node *yaml.Node, ptr string) {
			for _, l := range legacyBackendExtensions {
				if k, _ := spec.MapGet(node, l[0]); k != nil {
					p.ReportKey(spec.Append(ptr, l[0]), "%s is a legacy extension not described in current Google documentation; use x-google-backend: {%s: …} instead", l[0], l[1])
				}
			}
		}
		check(p.Doc.Root, "")
		ops, exts := secOperations(p.Doc), secExts(p.Doc)
		for i := range ops {
			if exts[i].legacy {
				check(ops[i].Node, ops[i].Ptr)
			}
		}
	},
}

func init() {
	register(BackendLegacyExtension)
}
