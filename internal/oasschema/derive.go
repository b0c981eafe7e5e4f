package oasschema

import (
	"fmt"

	"github.com/corsgate/corsgate/internal/spec"
)

// The skeleton schema validates the top level and the path items once the
// units inside them are cut out (split.go). It is the official schema with
// the places where units are cut accepting anything ({}), nothing else
// changed: the top level's path items and named schemas, and in the path
// item, its operations and their responses, the parameter entries and the
// response values. Where the official definitions of path item, operation
// and responses are used elsewhere too (3.x callbacks, webhooks,
// components.pathItems), the skeleton uses patched copies under new names,
// so that those other places keep the full checks. The embedded files are
// never edited; this is done on the decoded schema when it is compiled.

// pathItemDefs names, per version, the definitions a path item's skeleton
// goes through.
type pathItemDefs struct {
	defs                           string // "definitions" or "$defs"
	pathItem, operation, responses string
	responseCode                   string // patternProperties key of response codes
}

// skeletonPatches returns the fixed patches of the top level of version v.
func skeletonPatches(v Version) (top []string, items pathItemDefs) {
	switch v {
	case Swagger20:
		return []string{
				"/definitions/paths/patternProperties/^~1",
				"/definitions/definitions/additionalProperties",
			}, pathItemDefs{defs: "definitions", pathItem: "pathItem", operation: "operation", responses: "responses",
				responseCode: "^([0-9]{3})$|^(default)$"}
	case OpenAPI30:
		return []string{
				"/definitions/Paths/patternProperties/^\\~1",
				"/definitions/Components/properties/schemas/patternProperties/^[a-zA-Z0-9\\.\\-_]+$",
			}, pathItemDefs{defs: "definitions", pathItem: "PathItem", operation: "Operation", responses: "Responses",
				responseCode: "^[1-5](?:\\d{2}|XX)$"}
	}
	return []string{
			"/$defs/paths/patternProperties/^~1",
		}, pathItemDefs{defs: "$defs", pathItem: "path-item", operation: "operation", responses: "responses",
			responseCode: "^[1-5](?:[0-9]{2}|XX)$"}
}

// deriveSkeleton returns the skeleton schema of version v from its decoded
// official schema (which it does not modify).
func deriveSkeleton(v Version, raw any) (any, error) {
	doc := deepCopy(raw)
	top, d := skeletonPatches(v)
	for _, p := range top {
		if err := setAt(doc, p, map[string]any{}); err != nil {
			return nil, err
		}
	}
	if v == Swagger20 {
		// pathItem, operation, parametersList and responses are used only
		// inside paths, so they are patched where they are.
		if err := setAt(doc, "/definitions/parametersList/items", map[string]any{}); err != nil {
			return nil, err
		}
		for _, m := range layouts[v.index()].methods {
			if err := setAt(doc, "/definitions/pathItem/properties/"+m, map[string]any{}); err != nil {
				return nil, err
			}
		}
		return doc, setAt(doc, "/definitions/responses/patternProperties/"+escape(d.responseCode), map[string]any{})
	}
	defs, _ := doc.(map[string]any)[d.defs].(map[string]any)
	name := func(n string) string { return "corsgate-" + n }
	ref := func(n string) map[string]any { return map[string]any{"$ref": "#/" + d.defs + "/" + name(n)} }
	item, op, resp := deepCopy(defs[d.pathItem]), deepCopy(defs[d.operation]), deepCopy(defs[d.responses])
	for _, m := range layouts[v.index()].methods {
		if err := setAt(item, "/properties/"+m, map[string]any{}); err != nil {
			return nil, err
		}
	}
	for _, p := range []struct {
		in  any
		ptr string
		val any
	}{
		{item, "/properties/parameters/items", map[string]any{}},
		{op, "/properties/parameters/items", map[string]any{}},
		{op, "/properties/responses", ref(d.responses)},
		{resp, "/properties/default", map[string]any{}},
		{resp, "/patternProperties/" + escape(d.responseCode), map[string]any{}},
	} {
		if err := setAt(p.in, p.ptr, p.val); err != nil {
			return nil, err
		}
	}
	defs[name(d.pathItem)], defs[name(d.operation)], defs[name(d.responses)] = item, op, resp
	return doc, nil
}

func escape(tok string) string { return spec.Pointer(tok)[1:] }

// setAt replaces the existing value at ptr in a decoded JSON document.
func setAt(doc any, ptr string, val any) error {
	toks := spec.SplitPointer(ptr)
	if len(toks) == 0 {
		return fmt.Errorf("oasschema: cannot replace the whole schema")
	}
	cur := doc
	for _, t := range toks[:len(toks)-1] {
		m, ok := cur.(map[string]any)
		if !ok || m[t] == nil {
			return fmt.Errorf("oasschema: skeleton patch %s: no %q in the schema", ptr, t)
		}
		cur = m[t]
	}
	m, ok := cur.(map[string]any)
	last := toks[len(toks)-1]
	if !ok || m[last] == nil {
		return fmt.Errorf("oasschema: skeleton patch %s: no %q in the schema", ptr, last)
	}
	m[last] = val
	return nil
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, c := range v {
			m[k] = deepCopy(c)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, c := range v {
			l[i] = deepCopy(c)
		}
		return l
	}
	return v
}
