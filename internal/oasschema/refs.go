package oasschema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// refProblems checks the $ref values of a 3.x document, which the 3.x
// schemas only require to be strings: a local reference must resolve, and a
// parameter, response or request body must refer into its own section of
// components. (For Swagger 2.0 the ref-* rules do this.) Google rejects
// references outside the uploaded files (OpenAPI 3.x reference, 3T2); those
// are left to a rule that knows which files are deployed together.
func refProblems(root *yaml.Node, filter bool) []Problem {
	w := &refWalker{root: root, filter: filter, seen: map[*yaml.Node]bool{}, keys: map[*yaml.Node]map[string]*yaml.Node{}}
	w.walk(root, nil, 0)
	return w.out
}

type refWalker struct {
	root   *yaml.Node
	filter bool                // leave what ref-dangling reports to it
	seen   map[*yaml.Node]bool // alias targets already walked
	keys   map[*yaml.Node]map[string]*yaml.Node
	out    []Problem
}

func (w *refWalker) walk(n *yaml.Node, toks []string, depth int) {
	if n == nil || depth > maxDepth {
		return
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil || w.seen[n.Alias] {
			return
		}
		w.seen[n.Alias] = true
		n = n.Alias
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for i, c := range n.Content {
			w.walk(c, append(toks, strconv.Itoa(i)), depth+1)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := keyString(n.Content[i])
			v := n.Content[i+1]
			if key == "$ref" {
				if r := spec.Deref(v); spec.IsString(r) {
					w.check(r.Value, toks)
				}
				continue
			}
			w.walk(v, append(toks, key), depth+1)
		}
	}
}

// check reports a local reference found in the object at toks.
func (w *refWalker) check(ref string, toks []string) {
	if !strings.HasPrefix(ref, "#") {
		return
	}
	ptr := func() string { return spec.Append(spec.Pointer(toks...), "$ref") }
	if want := refSection(toks); want != "" && !strings.HasPrefix(ref, "#/components/"+want+"/") {
		w.out = append(w.out, Problem{Pointer: ptr(), Kind: BadRef,
			Message: fmt.Sprintf("$ref %q must point into #/components/%s/ here", ref, want)})
		return
	}
	if w.filter && refDangling(ref, toks) {
		return
	}
	toksRef := spec.SplitPointer(strings.TrimPrefix(ref, "#"))
	n := spec.Deref(w.root)
	for i, tok := range toksRef {
		next := w.child(n, tok)
		if next == nil {
			w.out = append(w.out, Problem{Pointer: ptr(), Kind: BadRef, Message: unresolved(ref, toksRef[:i], tok, n)})
			return
		}
		n = next
	}
}

// refDangling reports the references rule ref-dangling checks (where
// spec.Google.Refs walks: components' schemas, parameters, request bodies and
// responses, and paths outside callbacks): a reference into
// components.schemas or components.responses, whose verdict there depends
// on where it is (a warning where Service Management falls back to
// google.protobuf.Value).
func refDangling(ref string, toks []string) bool {
	if !strings.HasPrefix(ref, "#/components/schemas/") && !strings.HasPrefix(ref, "#/components/responses/") {
		return false
	}
	if slices.Contains(toks, "callbacks") {
		return false
	}
	if len(toks) > 0 && toks[0] == "paths" {
		return true
	}
	if len(toks) > 1 && toks[0] == "components" {
		switch toks[1] {
		case "schemas", "parameters", "requestBodies", "responses":
			return true
		}
	}
	return false
}

func unresolved(ref string, parent []string, tok string, n *yaml.Node) string {
	where := "the document"
	if len(parent) > 0 {
		where = strings.Join(parent, ".")
	}
	msg := fmt.Sprintf("$ref %q does not resolve: %s has no %q", ref, where, tok)
	if n != nil && n.Kind == yaml.MappingNode {
		var keys []string
		spec.Pairs(n, func(k, _ *yaml.Node) { keys = append(keys, k.Value) })
		if s := lint.Suggest(tok, keys); s != "" {
			msg += "; did you mean " + s + "?"
		}
	}
	return msg
}

// child returns the value at tok under n; large mappings (components.schemas
// of a big document) get a key index the first time, so that resolving every
// $ref stays linear.
func (w *refWalker) child(n *yaml.Node, tok string) *yaml.Node {
	n = spec.Deref(n)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) < 32 {
			return spec.Deref(spec.Get(n, tok))
		}
		idx, ok := w.keys[n]
		if !ok {
			idx = make(map[string]*yaml.Node, len(n.Content)/2)
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k := n.Content[i].Value; idx[k] == nil {
					idx[k] = n.Content[i+1]
				}
			}
			w.keys[n] = idx
		}
		return spec.Deref(idx[tok])
	case yaml.SequenceNode:
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i >= len(n.Content) {
			return nil
		}
		return spec.Deref(n.Content[i])
	}
	return nil
}

// refSection names the components section a $ref in the object at toks must
// point into, where the place says it for sure: a parameter of a path item
// or an operation, a response of an operation, a request body, or an entry
// of a components section.
func refSection(toks []string) string {
	n := len(toks)
	switch {
	case n == 4 && toks[0] == "paths" && toks[2] == "parameters",
		n == 5 && toks[0] == "paths" && toks[3] == "parameters":
		return "parameters"
	case n == 5 && toks[0] == "paths" && toks[3] == "responses":
		return "responses"
	case n == 4 && toks[0] == "paths" && toks[3] == "requestBody":
		return "requestBodies"
	case n == 3 && toks[0] == "components":
		switch toks[1] {
		case "schemas", "responses", "parameters", "examples", "requestBodies", "headers", "securitySchemes", "links", "callbacks":
			return toks[1]
		}
	}
	return ""
}
