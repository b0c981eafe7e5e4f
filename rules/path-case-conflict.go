package rules

import (
	"strings"

	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "path-case-conflict",
		Category: lint.CategoryPaths,
		Severity: lint.Warning,
		// x-google-allow is not supported in OpenAPI 3.x (rule
		// allow-openapi3), so no catch-all method exists there.
		Versions: swagger2,
		Doc:      "Checks that, with x-google-allow: all, no two paths differ only in letter case.",
		Details: `ESP and ESPv2 match paths case-sensitively. With x-google-allow: all every unmatched request goes to
the generated catch-all methods on /**, which carry no security, so a request to /Widgets bypasses
the API key or JWT checks defined for /widgets. Two paths that differ only in case suggest the API
expects case-insensitive routing that the proxy does not do; the backend should reject (or the spec
should not rely on) case variants. Same verdict for every target.`,
		Sources: []lint.Source{
			docEndpointsExtensions,
			apiCompiler("aspects/ProtoApiFromOpenApi.java", "constructReservedOperation"),
		},
		Check: func(p *lint.Pass) {
			if !p.G.AllowAll() {
				return
			}
			first := map[string]string{} // lower-cased path → the path as first written
			for _, it := range p.G.Paths() {
				low := strings.ToLower(it.Template)
				if f, ok := first[low]; ok && f != it.Template {
					p.ReportKeyAt(it.Value, "path %q differs from %q only in letter case: paths are matched case-sensitively, and with x-google-allow: all other case variants reach the backend through the catch-all methods on /**, without security", it.Template, f)
					continue
				}
				first[low] = it.Template
			}
		},
	})
}
