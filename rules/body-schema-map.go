package rules

import (
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

func init() {
	register(&lint.Rule{
		ID:       "body-schema-map",
		Heavy:    true,
		Category: lint.CategoryTypes,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks that a body parameter's schema is not a pure map (additionalProperties without properties).",
		Details: `Service Management turns a schema with additionalProperties and no properties into a repeated map
entry, and the HTTP rule's body field must be a single message: "http: body field path '%s' must be
a non-repeated message." The check follows $ref chains into definitions. Add at least one property,
or wrap the map in an object (properties: {values: {type: object, additionalProperties: …}}). An
object with both properties and additionalProperties is fine (it becomes google.protobuf.Struct).
Same verdict for every target.`,
		Sources: []lint.Source{
			srcTypeBuilder,
			lint.Code(lint.APICompiler, "src/main/java/com/google/api/tools/framework/aspects/http/validators/HttpConfigAspectValidator.java", "checkBodyConstraints"),
		},
		Check: func(p *lint.Pass) {
			defs := spec.NewLookup(p.Doc, "definitions")
			reported := map[*yaml.Node]bool{} // a path item's parameter is reported once
			for _, op := range p.G.ConvertedOps() {
				if _, ok := op.MethodID(); !ok {
					continue
				}
				for _, prm := range p.G.Params(op) {
					if prm.In == "body" && !reported[prm.Entry] && bodyMap(p, defs, op, prm) {
						reported[prm.Entry] = true
					}
				}
			}
		},
	})
}

// bodyMap reports the body parameter prm when its schema, $refs followed,
// is a pure map.
func bodyMap(p *lint.Pass, defs *spec.Lookup, op *spec.Op, prm spec.Param) bool {
	schema := spec.Deref(spec.Get(prm.Node, "schema"))
	via := ""
	for i := 0; i < 32 && schema != nil; i++ {
		r := spec.Deref(spec.Get(schema, "$ref"))
		if !spec.IsString(r) || !strings.HasPrefix(r.Value, defsPrefix) {
			break
		}
		via = r.Value
		schema = defs.Get(spec.UnescapeToken(strings.TrimPrefix(r.Value, defsPrefix)))
	}
	if schema == nil || schema.Kind != yaml.MappingNode || spec.Get(schema, "$ref") != nil ||
		spec.Get(schema, "allOf") != nil || schemaTypeIs(schema, "array") ||
		spec.Get(schema, "properties") != nil || !spec.IsMap(spec.Get(schema, "additionalProperties")) {
		return false
	}
	ptr := spec.Append(prm.Ptr(op), "schema")
	if prm.Ref != "" {
		ptr = spec.Append(prm.Ptr(op), "$ref")
	}
	through := ""
	if via != "" {
		through = " (" + via + " is a map)"
	}
	p.Report(ptr, "http: body field path '%s' must be a non-repeated message.%s The body of %s is a pure map (additionalProperties without properties); wrap it in an object with a property", smFieldName(prm.Name), through, op.Where())
	return true
}
