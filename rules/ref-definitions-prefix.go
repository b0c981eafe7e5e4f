package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "ref-definitions-prefix",
		Heavy:    true,
		Category: lint.CategoryTypes,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that every local schema $ref points into #/definitions/.",
		Details: `Service Management builds a protobuf type for each schema and only knows how to follow schema
references into definitions: "Type definition reference path '%s' must begin with '#/definitions/'".
References of parameter entries to #/parameters/… and of response objects to #/responses/… are valid
Swagger 2.0 and are resolved by the parser before types are built, so they are not reported here
(ref-parameter-unresolved and ref-dangling check that they resolve). Same verdict for every target.`,
		Sources: []lint.Source{
			apiCompiler("aspects/type/TypeBuilder.java", "getRefModelTypeInfo"),
			apiCompiler("aspects/type/TypeBuilder.java", "getTypeInfo"),
		},
		Check: func(p *lint.Pass) {
			for _, r := range p.G.Refs() {
				if !r.Place.IsSchema() || isExternalRef(r.Ref) || strings.HasPrefix(r.Ref, defsPrefix) {
					continue
				}
				hint := ""
				if i := strings.LastIndexByte(r.Ref, '/'); i >= 0 && i+1 < len(r.Ref) {
					hint = "; move the schema under definitions and write '" + defsPrefix + r.Ref[i+1:] + "'"
				}
				p.ReportNode(lint.Error, r.Node, r.Ptr(), "Type definition reference path '%s' must begin with '#/definitions/' (in a %s)%s", r.Ref, r.Place, hint)
			}
		},
	})
}
