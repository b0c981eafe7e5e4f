package rules

import (
	"slices"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "extension-unknown",
		Category: lint.CategoryExtensions,
		Severity: lint.Warning,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that every x-google-* extension is one Google reads, and suggests the nearest known name for a typo.",
		Details: `Vendor extensions are allowed anywhere by the Swagger schema, so Service Management accepts a
misspelled x-google-backends and simply ignores it: the backend, quota or auth you meant is not applied.`,
		Sources: []lint.Source{docEndpointsExtensions, apiCompiler("aspects/utils/ExtensionNames.java", "ExtensionNames")},
		Check: func(p *lint.Pass) {
			for _, e := range p.G.GoogleExtensions() {
				name := e.Key.Value
				if _, oas3 := oas3OnlyExtensions[name]; oas3 || slices.Contains(knownGoogleExtensions, name) {
					continue // extension-oas3-only reports the OpenAPI 3.x names
				}
				if s := lint.Suggest(name, knownGoogleExtensions); s != "" {
					p.ReportKeyAt(e, "unknown Google extension %q, ignored by Service Management; did you mean %q?", name, s)
					continue
				}
				p.ReportKeyAt(e, "unknown Google extension %q, ignored by Service Management (known: %s)", name, strings.Join(knownGoogleExtensions, ", "))
			}
		},
	})
}
