package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// srcDanglingExample is an esp-v2 example whose response schema refers to an
// undefined definition: its generated service config shows the
// google.protobuf.Value fallback.
var srcDanglingExample = espv2("examples/dynamic_routing/service_config_generated.json", "")

func init() {
	register(&lint.Rule{
		ID:       "ref-dangling",
		Heavy:    true,
		Category: lint.CategoryTypes,
		Severity: lint.Warning,
		Doc:      "Checks that every #/definitions/ and #/responses/ reference (3.x: #/components/schemas/ and #/components/responses/) names an entry that exists.",
		Details: `Service Management tolerates a dangling reference in a response schema: it types the response as
google.protobuf.Value (the esp-v2 examples dynamic_routing and service_control refer to an undefined
listShelvesResponse and their generated service configs show this fallback), so corsgate reports a
warning there, and for response objects that refer to a missing #/responses/ entry. In a definition
or a body parameter schema the same fallback silently drops the type (api-compiler's own test
type_reference_object_self_reference converts such a spec without an error), and every other Swagger
tool rejects the document: a warning too, since the deploy succeeds. A reference into a definition (#/definitions/A/properties/b)
is a valid JSON pointer, but Service Management looks the whole rest up as a definition name and
falls back to google.protobuf.Value: warning. OpenAPI 3.x: the same verdicts for #/components/schemas/
and #/components/responses/ references (that Google's 3.x import falls back the same way is
UNVERIFIED; corsgate keeps one verdict for both versions, so that a converted spec lints the same).
Same verdict for every target.`,
		Sources: []lint.Source{srcTypeBuilder, srcDanglingExample, apiCompilerTest("type_reference_object_self_reference.baseline")},
		Check: func(p *lint.Pass) {
			d := newDanglingCheck(p)
			for _, r := range p.G.Refs() {
				switch {
				case r.Place == spec.RefResponse:
					d.response(r)
				case r.Place.IsSchema() && strings.HasPrefix(r.Ref, d.defsPrefix) && (d.defs.Exists() || p.G.Version.IsOpenAPI3()):
					// (2.0 without definitions: ref-no-definitions)
					d.schema(r)
				}
			}
		},
	})
}

type danglingCheck struct {
	p                           *lint.Pass
	defs, responses             *spec.Lookup
	defsPrefix, responsesPrefix string
	defsName, responsesName     string // the sections, in words
}

func newDanglingCheck(p *lint.Pass) *danglingCheck {
	if p.G.Version.IsOpenAPI3() {
		return &danglingCheck{p: p,
			defs: spec.NewLookupAt(p.Doc, "components", "schemas"), responses: spec.NewLookupAt(p.Doc, "components", "responses"),
			defsPrefix: "#/components/schemas/", responsesPrefix: "#/components/responses/",
			defsName: "components.schemas", responsesName: "components.responses"}
	}
	return &danglingCheck{p: p,
		defs: spec.NewLookup(p.Doc, "definitions"), responses: spec.NewLookup(p.Doc, "responses"),
		defsPrefix: defsPrefix, responsesPrefix: "#/responses/",
		defsName: "definitions", responsesName: "the top-level responses section"}
}

func (d *danglingCheck) response(r spec.Ref) {
	name, ok := strings.CutPrefix(r.Ref, d.responsesPrefix)
	switch {
	case !ok && !isExternalRef(r.Ref):
		d.p.ReportNode(lint.Warning, r.Node, r.Ptr(), "response $ref %q must point into %s; the response cannot be resolved", r.Ref, d.responsesPrefix)
	case ok && d.responses.Get(spec.UnescapeToken(name)) == nil:
		d.p.ReportNode(lint.Warning, r.Node, r.Ptr(), "Reference %s cannot be resolved: %s has no such entry", r.Ref, d.responsesName)
	}
}

func (d *danglingCheck) schema(r spec.Ref) {
	rest := strings.TrimPrefix(r.Ref, d.defsPrefix)
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		if first := spec.UnescapeToken(rest[:i]); d.defs.Get(first) != nil {
			// A valid JSON pointer into a definition, but Service Management
			// looks the whole rest up as a name.
			d.p.ReportNode(lint.Warning, r.Node, r.Ptr(), "Reference %s points inside the definition %q: Service Management only resolves references to whole definitions and types this schema as google.protobuf.Value; make the nested schema a definition of its own", r.Ref, first)
			return
		}
	}
	name := spec.UnescapeToken(rest)
	if d.defs.Get(name) != nil {
		return
	}
	hint := ""
	if s := lint.Suggest(name, d.defs.Names()); s != "" {
		hint = "; did you mean " + d.defsPrefix + s + "?"
	}
	if r.Place == spec.RefInResponse {
		d.p.ReportNode(lint.Warning, r.Node, r.Ptr(), "Reference %s cannot be resolved: %s has no %q; Service Management types this response as google.protobuf.Value%s", r.Ref, d.defsName, name, hint)
		return
	}
	d.p.ReportNode(lint.Warning, r.Node, r.Ptr(), "Reference %s cannot be resolved: %s has no %q (in a %s); Service Management silently types it as google.protobuf.Value and other OpenAPI tools reject the document%s", r.Ref, d.defsName, name, r.Place, hint)
}
