package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "ref-parameter-unresolved",
		Category: lint.CategoryTypes,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that every parameter $ref resolves to an entry of the top-level parameters section.",
		Details: `A parameters entry may be a $ref to #/parameters/NAME. When it does not resolve, Service Management
only warns ("Reference %s cannot be resolved") and drops the parameter: the path variable, query
parameter or body it described is silently missing from the generated method, and every other
Swagger tool rejects the document. corsgate reports an error, unlike a dangling response reference
(ref-dangling), which Service Management handles with a documented fallback. Same verdict for every
target.`,
		Sources: []lint.Source{apiCompiler("aspects/ProtoApiFromOpenApi.java", "getResolvedParameters")},
		Check: func(p *lint.Pass) {
			params := spec.NewLookup(p.Doc, "parameters")
			for _, r := range p.G.Refs() {
				if r.Place != spec.RefParameter || isExternalRef(r.Ref) {
					continue
				}
				name, ok := strings.CutPrefix(r.Ref, "#/parameters/")
				if !ok {
					p.ReportNode(lint.Error, r.Node, r.Ptr(), "Reference %s cannot be resolved as a parameter: a parameter $ref must point into #/parameters/; Service Management drops the parameter", r.Ref)
					continue
				}
				if name = spec.UnescapeToken(name); !spec.IsMap(params.Get(name)) {
					p.ReportNode(lint.Error, r.Node, r.Ptr(), "Reference %s cannot be resolved: the top-level parameters section has no %q, and Service Management drops the parameter (with only a warning)", r.Ref, name)
				}
			}
		},
	})
}
