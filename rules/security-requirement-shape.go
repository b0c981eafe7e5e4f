package rules

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "security-requirement-shape",
		Category: lint.CategorySecurity,
		Severity: lint.Error,
		Doc:      "Checks that security (top level and per operation) is a list of requirement objects mapping scheme names to scope lists.",
		Details: `The Swagger 2.0 schema requires security to be an array of objects whose values are arrays of scopes
(empty for apiKey and for Google's JWT providers). A bare name such as "- api_key" or a mapping instead of
a list fails schema validation, and corsgate's other security rules cannot see the requirement.`,
		Sources: []lint.Source{swaggerSchema("security"), swaggerSchema("securityRequirement")},
		SecList: func(p *lint.Pass, l *spec.SecList) {
			if !l.IsSeq() {
				p.ReportAt(l.Value, "security must be a list of requirement objects such as [{api_key: []}], not %s", spec.TypeName(l.Node))
				return
			}
			for _, r := range l.Reqs {
				if !r.IsMap {
					req := requirement(l, r.Index)
					hint := ""
					if s, ok := req.Str(); ok {
						hint = "; write - " + s + ": []"
					}
					p.ReportAt(req, "security requirement must be an object mapping scheme names to scope lists, not %s%s", spec.Describe(req.Node), hint)
					continue
				}
				for _, n := range r.Names {
					if !spec.IsSeq(n.Scopes) {
						p.ReportAt(requirement(l, r.Index).Get(n.Name), "scopes of %q must be a list (write %s: [] for apiKey and JWT providers), not %s", n.Name, n.Name, spec.Describe(n.Scopes))
					}
				}
			}
		},
	})
}
