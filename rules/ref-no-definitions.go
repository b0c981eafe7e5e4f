package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "ref-no-definitions",
		Category: lint.CategoryTypes,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that a document with #/definitions/ references has a definitions section.",
		Details: `api-compiler reports "Reference path %s found, but no Definitions section in OpenApi File." when a
schema refers to #/definitions/… and the document has no definitions at all (often a definitions
block indented under the wrong parent). Error in definitions and body parameter schemas; warning in
response schemas, where Service Management now falls back to google.protobuf.Value (esp-v2
examples deploy with dangling response references). Same verdict for every target.`,
		Sources: []lint.Source{apiCompiler("aspects/type/TypeBuilder.java", "getTypeInfo"), srcDanglingExample},
		Check: func(p *lint.Pass) {
			if spec.Get(p.Doc.Root, "definitions") != nil {
				return
			}
			for _, r := range p.G.Refs() {
				if !r.Place.IsSchema() || !strings.HasPrefix(r.Ref, defsPrefix) {
					continue
				}
				sev := lint.Error
				if r.Place == spec.RefInResponse {
					sev = lint.Warning
				}
				p.ReportNode(sev, r.Node, r.Ptr(), "Reference path %s found, but no Definitions section in OpenApi File. Add a top-level definitions: section with %s", r.Ref, strings.TrimPrefix(r.Ref, defsPrefix))
			}
		},
	})
}
