package spec

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// GoogleExtensions returns every x-google-* key written where keys are
// fields of the specification, in document order: not inside user data
// (example, examples, enum, default), not under the names a user chooses
// (property, definition and header names; a path, parameter, response or
// security definition named x-google-… is reported as an extension, since
// Swagger 2.0 allows extensions there) and not inside another vendor's
// extension. The document is walked once, and a node that YAML anchors is
// walked once however many aliases refer to it (an alias adds no key that
// its anchor does not have), so aliases cannot multiply the work. Computed
// once; the slice is shared and read-only.
func (g *Google) GoogleExtensions() []Value {
	g.extOnce.Do(func() {
		w := &extWalker{path: make([]string, 0, 32)}
		if g.Doc.Aliases > 0 {
			w.seen = map[*yaml.Node]bool{}
		}
		w.walk(g.Doc.Root, 0)
		g.ext = w.out
	})
	return g.ext
}

type extWalker struct {
	path []string // pointer tokens of the mapping being walked
	seen map[*yaml.Node]bool
	out  []Value
}

// first reports whether n (aliases followed) is walked for the first time.
func (w *extWalker) first(n *yaml.Node) bool {
	if w.seen == nil || n.Anchor == "" {
		return true
	}
	if w.seen[n] {
		return false
	}
	w.seen[n] = true
	return true
}

// found records key k (value v as written) of the mapping at w.path.
func (w *extWalker) found(k, v *yaml.Node) {
	w.out = append(w.out, Value{Key: k, Node: Deref(v), at: v, parent: Pointer(w.path...), tok: k.Value})
}

func (w *extWalker) walk(n *yaml.Node, depth int) {
	n = Deref(n)
	if n == nil || depth > 64 || !w.first(n) {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for k, v := range Members(n) {
			if strings.HasPrefix(k.Value, "x-") {
				if strings.HasPrefix(k.Value, "x-google-") {
					w.found(k, v)
				}
				continue // another vendor's extension: its content is theirs
			}
			switch k.Value {
			case "example", "examples", "enum", "default":
				continue // user data
			case "properties", "definitions", "securityDefinitions", "parameters", "responses", "paths", "headers":
				if names := Deref(v); names != nil && names.Kind == yaml.MappingNode {
					w.path = append(w.path, k.Value)
					if w.first(names) {
						w.names(names, k.Value, depth)
					}
					w.path = w.path[:len(w.path)-1]
					continue
				}
			}
			if v.Kind == yaml.ScalarNode {
				continue
			}
			w.path = append(w.path, k.Value)
			w.walk(v, depth+1)
			w.path = w.path[:len(w.path)-1]
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if c.Kind == yaml.ScalarNode {
				continue
			}
			w.path = append(w.path, strconv.Itoa(i))
			w.walk(c, depth+1)
			w.path = w.path[:len(w.path)-1]
		}
	}
}

// names walks a mapping whose keys are names: user-chosen names for
// properties, definitions and headers; names that may also be x- extensions
// for the others.
func (w *extWalker) names(n *yaml.Node, container string, depth int) {
	userNames := container == "properties" || container == "definitions" || container == "headers"
	for k, v := range Members(n) {
		if !userNames && strings.HasPrefix(k.Value, "x-google-") {
			w.found(k, v)
			continue
		}
		w.path = append(w.path, k.Value)
		w.walk(v, depth+2)
		w.path = w.path[:len(w.path)-1]
	}
}
