package rules

import (
	"sort"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

func init() {
	register(&lint.Rule{
		ID:       "ref-circular",
		Heavy:    true,
		Category: lint.CategoryTypes,
		Severity: lint.Error,
		Versions: []spec.Version{spec.Swagger2},
		Doc:      "Checks for circular definitions that Service Management cannot turn into types.",
		Details: `api-compiler's TypeBuilder converts definitions in name order, depth first. A plain object
definition (properties, no additionalProperties) is registered before its fields are converted, so
recursion through an object (a Node whose children are Nodes, a Person with a spouse) is fine and is
not reported. Every other kind is registered only after what it refers to: a definition that is only
a $ref, an array (type: array, items), or a map (additionalProperties without properties). When the
walk comes back to such a definition before it is registered, the deploy fails with "Invalid circular
reference detected for type '%s'". corsgate replays that walk exactly (same order, same rules), so
it reports what the converter reports and nothing more: for example A: {type: array, items: {$ref:
A}}, A: {$ref: B} with B: {$ref: A}, or an array definition that is reached, through an object, from
itself. allOf definitions become google.protobuf.Value and stop the walk. Same verdict for every target.`,
		Sources: []lint.Source{srcTypeBuilder, apiCompiler("aspects/type/TypeBuilder.java", "addFromSwagger")},
		Check:   checkRefCircular,
	})
}

// checkRefCircular replays TypeBuilder.addFromSwagger: every definition in
// name order, each walk with a fresh visited set.
func checkRefCircular(p *lint.Pass) {
	defs := spec.Deref(spec.Get(p.Doc.Root, "definitions"))
	if defs == nil || defs.Kind != yaml.MappingNode {
		return
	}
	names := make([]string, 0, len(defs.Content)/2)
	byName := make(map[string]*yaml.Node, len(defs.Content)/2)
	for i := 0; i+1 < len(defs.Content); i += 2 {
		k := defs.Content[i]
		if _, dup := byName[k.Value]; !dup {
			names = append(names, k.Value)
		}
		byName[k.Value] = spec.Deref(defs.Content[i+1])
	}
	sort.Strings(names) // Java TreeSet order (same as byte order for ASCII names)
	processed := make(map[string]bool, len(names))
	visited := make(map[string]bool)
	reported := map[string]bool{}
	var stack []string
	var addModel func(name string, model *yaml.Node, depth int)
	var addProperty func(prop *yaml.Node, depth int)
	addRef := func(ref string, depth int) {
		if !strings.HasPrefix(ref, defsPrefix) {
			return // ref-definitions-prefix; TypeBuilder returns null
		}
		t := spec.UnescapeToken(strings.TrimPrefix(ref, defsPrefix))
		addModel(t, byName[t], depth+1)
	}
	addProperty = func(prop *yaml.Node, depth int) {
		prop = spec.Deref(prop)
		if prop == nil || prop.Kind != yaml.MappingNode || depth > 200 {
			return
		}
		if r := spec.Deref(spec.Get(prop, "$ref")); spec.IsString(r) {
			addRef(r.Value, depth)
			return
		}
		if t := spec.Deref(spec.Get(prop, "type")); spec.IsString(t) && t.Value == "array" {
			addProperty(spec.Get(prop, "items"), depth+1)
			return
		}
		if ap := spec.Deref(spec.Get(prop, "additionalProperties")); ap != nil && ap.Kind == yaml.MappingNode {
			addProperty(ap, depth+1) // MapProperty: the value type is built first
		}
		// Other object properties become google.protobuf.Struct: no recursion.
	}
	addModel = func(name string, model *yaml.Node, depth int) {
		if processed[name] || depth > 200 {
			return
		}
		if visited[name] {
			if !reported[name] {
				reported[name] = true
				cycle := name
				for i := len(stack) - 1; i >= 0; i-- {
					cycle = stack[i] + " → " + cycle
					if stack[i] == name {
						break
					}
				}
				ptr := spec.Pointer("definitions", name)
				if byName[name] != nil {
					p.ReportKey(ptr, "Invalid circular reference detected for type '%s' (%s): only plain objects may refer back to themselves; make one definition on the cycle an object with properties", name, cycle)
				}
			}
			return
		}
		visited[name] = true
		stack = append(stack, name)
		defer func() { stack = stack[:len(stack)-1] }()
		if model != nil && model.Kind == yaml.MappingNode {
			switch {
			case spec.Get(model, "$ref") != nil: // RefModel
				if r := spec.Deref(spec.Get(model, "$ref")); spec.IsString(r) {
					addRef(r.Value, depth)
				}
			case spec.Get(model, "allOf") != nil: // ComposedModel → Value
			case schemaTypeIs(model, "array"): // ArrayModel
				addProperty(spec.Get(model, "items"), depth+1)
			default: // ModelImpl
				props := spec.Get(model, "properties")
				ap := spec.Deref(spec.Get(model, "additionalProperties"))
				switch {
				case props == nil && ap == nil && primitiveType(model):
					// wrapper of a primitive type
				case ap != nil && props != nil:
					// google.protobuf.Struct
				case ap != nil:
					if ap.Kind == yaml.MappingNode {
						addProperty(ap, depth+1)
					}
				default:
					// A message: registered before its fields are built.
					processed[name] = true
					spec.Pairs(props, func(_, pv *yaml.Node) { addProperty(pv, depth+1) })
				}
			}
		}
		processed[name] = true
	}
	for _, name := range names {
		if processed[name] {
			continue
		}
		clear(visited)
		addModel(name, byName[name], 0)
	}
}

// primitiveType mirrors TypeBuilder.isPrimitiveTypeWrapper's type test.
func primitiveType(n *yaml.Node) bool {
	v := spec.Deref(spec.Get(n, "type"))
	if !spec.IsString(v) {
		return false
	}
	switch v.Value {
	case "string", "integer", "number", "boolean":
		return true
	}
	return false
}
