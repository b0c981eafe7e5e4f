package spec

import (
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/grow"
	"go.yaml.in/yaml/v3"
)

// RefPlace says where a $ref was found.
type RefPlace int

// Places a $ref can stand in Swagger 2.0.
const (
	RefInDefinition  RefPlace = iota // a schema under definitions
	RefInBody                        // a body parameter's schema
	RefInResponse                    // a response's schema
	RefParameter                     // a parameters entry that is a $ref
	RefResponse                      // a response object that is a $ref
	RefRequestBody                   // a request body that is a $ref (3.x)
	RefInRequestBody                 // a request body's schema (3.x)
	RefInParameter                   // a parameter's schema (3.x)
)

func (c RefPlace) String() string {
	switch c {
	case RefInDefinition:
		return "definition"
	case RefInBody:
		return "body parameter schema"
	case RefInResponse:
		return "response schema"
	case RefParameter:
		return "parameter"
	case RefRequestBody:
		return "request body"
	case RefInRequestBody:
		return "request body schema"
	case RefInParameter:
		return "parameter schema"
	}
	return "response"
}

// IsSchema reports whether the place is a schema (not a parameter or
// response object reference).
func (c RefPlace) IsSchema() bool {
	return c == RefInDefinition || c == RefInBody || c == RefInResponse || c == RefInRequestBody || c == RefInParameter
}

// Ref is one $ref of the document: an edge of the reference graph.
type Ref struct {
	Ref   string     // the reference as written
	Node  *yaml.Node // the $ref value node
	Place RefPlace
	ptr   string
	v3    bool
}

// Ptr is the JSON pointer of the $ref value.
func (r Ref) Ptr() string { return r.ptr }

// Section is where a local $ref of this place must point: the section of
// the document that holds what it names ("#/definitions/" for a 2.0 schema,
// "#/components/schemas/" for a 3.x one, and so on).
func (r Ref) Section() string {
	if r.v3 {
		switch r.Place {
		case RefParameter:
			return "#/components/parameters/"
		case RefResponse:
			return "#/components/responses/"
		case RefRequestBody:
			return "#/components/requestBodies/"
		}
		return "#/components/schemas/"
	}
	switch r.Place {
	case RefParameter:
		return "#/parameters/"
	case RefResponse:
		return "#/responses/"
	}
	return "#/definitions/"
}

// Refs returns every $ref in the places Swagger 2.0 allows one: schemas
// (definitions, body parameters, responses, recursively through properties,
// items, additionalProperties and allOf), parameter entries and response
// objects, in document order. Examples, defaults, enums and extensions are
// not walked. Computed once.
func (g *Google) Refs() []Ref {
	g.refsOnce.Do(func() {
		v3 := g.Version.IsOpenAPI3()
		w := &refWalker{toks: make([]string, 0, 32), v3: v3, fn: func(r Ref) { g.refs = grow.Append(g.refs, r) }}
		if v3 {
			w.document3(g.Doc.Root)
		} else {
			w.document(g.Doc.Root)
		}
	})
	return g.refs
}

// refWalker walks the places a $ref may stand, keeping the pointer as a token
// stack so that pointers are built only for the $refs found.
type refWalker struct {
	toks []string
	v3   bool
	fn   func(Ref)
	// walked are the anchored nodes already walked through an alias, per
	// place: the $refs inside are found once (at the first path's pointer),
	// however many aliases copy them.
	walked map[aliasWalk]bool
}

type aliasWalk struct {
	n     *yaml.Node
	place RefPlace
}

// again reports whether n is an alias whose target was already walked in
// place, and records it otherwise.
func (w *refWalker) again(n *yaml.Node, place RefPlace) bool {
	if n == nil || n.Kind != yaml.AliasNode {
		return false
	}
	k := aliasWalk{Deref(n), place}
	if w.walked[k] {
		return true
	}
	if w.walked == nil {
		w.walked = map[aliasWalk]bool{}
	}
	w.walked[k] = true
	return false
}

func (w *refWalker) push(t ...string) { w.toks = append(w.toks, t...) }
func (w *refWalker) pop(n int)        { w.toks = w.toks[:len(w.toks)-n] }

func (w *refWalker) emit(r *yaml.Node, place RefPlace) {
	w.push("$ref")
	w.fn(Ref{Ref: r.Value, Node: r, Place: place, ptr: Pointer(w.toks...), v3: w.v3})
	w.pop(1)
}

func (w *refWalker) document(root *yaml.Node) {
	Pairs(Get(root, "definitions"), func(k, v *yaml.Node) {
		w.push("definitions", k.Value)
		w.schema(v, RefInDefinition, 0)
		w.pop(2)
	})
	Pairs(Get(root, "parameters"), func(k, v *yaml.Node) {
		w.push("parameters", k.Value)
		w.param(v)
		w.pop(2)
	})
	Pairs(Get(root, "responses"), func(k, v *yaml.Node) {
		w.push("responses", k.Value)
		w.response(v)
		w.pop(2)
	})
	Pairs(Get(root, "paths"), func(pk, item *yaml.Node) {
		if !strings.HasPrefix(pk.Value, "/") {
			return
		}
		w.push("paths", pk.Value)
		Pairs(item, func(mk, op *yaml.Node) {
			switch {
			case mk.Value == "parameters":
				w.push("parameters")
				w.paramList(op)
				w.pop(1)
			case IsMethod(mk.Value):
				w.push(mk.Value, "parameters")
				w.paramList(Get(op, "parameters"))
				w.pop(1)
				w.push("responses")
				Pairs(Get(op, "responses"), func(rk, rv *yaml.Node) {
					if strings.HasPrefix(rk.Value, "x-") {
						return
					}
					w.push(rk.Value)
					w.response(rv)
					w.pop(1)
				})
				w.pop(2)
			}
		})
		w.pop(2)
	})
}

func (w *refWalker) paramList(list *yaml.Node) {
	list = Deref(list)
	if !IsSeq(list) {
		return
	}
	for i, e := range list.Content {
		w.push(strconv.Itoa(i))
		w.param(e)
		w.pop(1)
	}
}

func (w *refWalker) param(p *yaml.Node) {
	p = Deref(p)
	if r := Deref(Get(p, "$ref")); IsString(r) {
		w.emit(r, RefParameter)
		return
	}
	if s := Get(p, "schema"); s != nil {
		w.push("schema")
		w.schema(s, RefInBody, 0)
		w.pop(1)
	}
}

func (w *refWalker) response(r *yaml.Node) {
	r = Deref(r)
	if ref := Deref(Get(r, "$ref")); IsString(ref) {
		w.emit(ref, RefResponse)
		return
	}
	if s := Get(r, "schema"); s != nil {
		w.push("schema")
		w.schema(s, RefInResponse, 0)
		w.pop(1)
	}
}

func (w *refWalker) schema(s *yaml.Node, place RefPlace, depth int) {
	if w.again(s, place) {
		return
	}
	s = Deref(s)
	if s == nil || s.Kind != yaml.MappingNode || depth > 64 {
		return
	}
	if r := Deref(Get(s, "$ref")); IsString(r) {
		w.emit(r, place)
		return // siblings of $ref are ignored in Swagger 2.0
	}
	for k, v := range Members(s) {
		v = Deref(v)
		switch k.Value {
		case "properties":
			if v == nil || v.Kind != yaml.MappingNode {
				continue
			}
			w.push("properties")
			for name, prop := range Members(v) {
				w.push(name.Value)
				w.schema(prop, place, depth+1)
				w.pop(1)
			}
			w.pop(1)
		case "oneOf", "anyOf", "not":
			if !w.v3 {
				continue // OpenAPI 3.x schema keywords
			}
			fallthrough
		case "items", "additionalProperties", "allOf":
			w.push(k.Value)
			if v != nil && v.Kind == yaml.SequenceNode {
				for j, it := range v.Content {
					w.push(strconv.Itoa(j))
					w.schema(it, place, depth+1)
					w.pop(1)
				}
			} else if k.Value != "allOf" && k.Value != "oneOf" && k.Value != "anyOf" {
				w.schema(v, place, depth+1)
			}
			w.pop(1)
		}
	}
}

// Lookup finds the entries of one top-level mapping (definitions,
// parameters, responses) by name; a large mapping gets an index on first use
// so that resolving every $ref of a big spec stays linear. Not safe for
// concurrent use: make one per goroutine.
type Lookup struct {
	n *yaml.Node
	m map[string]*yaml.Node
}

// NewLookup indexes the mapping at key of the document root (nil when it is
// missing or not a mapping).
func NewLookup(doc *Document, key string) *Lookup { return newLookupAt(Get(doc.Root, key)) }

// NewLookupAt indexes the mapping at the keys path from the document root
// (components, schemas), as NewLookup.
func NewLookupAt(doc *Document, keys ...string) *Lookup {
	n := doc.Root
	for _, k := range keys {
		n = Get(n, k)
	}
	return newLookupAt(n)
}

func newLookupAt(n *yaml.Node) *Lookup {
	n = Deref(n)
	if n != nil && n.Kind != yaml.MappingNode {
		n = nil
	}
	return &Lookup{n: n}
}

// Exists reports whether the mapping itself is present.
func (l *Lookup) Exists() bool { return l != nil && l.n != nil }

// Get returns the value named name (aliases followed), or nil.
func (l *Lookup) Get(name string) *yaml.Node {
	if l == nil || l.n == nil {
		return nil
	}
	if len(l.n.Content) < 32 {
		return Deref(Get(l.n, name))
	}
	if l.m == nil {
		l.m = make(map[string]*yaml.Node, len(l.n.Content)/2)
		for k, v := range Members(l.n) {
			if _, dup := l.m[k.Value]; !dup {
				l.m[k.Value] = Deref(v)
			}
		}
	}
	return l.m[name]
}

// Names returns the keys of the mapping in source order.
func (l *Lookup) Names() []string {
	if l == nil || l.n == nil {
		return nil
	}
	out := make([]string, 0, len(l.n.Content)/2)
	for k := range Members(l.n) {
		out = append(out, k.Value)
	}
	return out
}

// UnescapeToken unescapes one JSON pointer token (~1 → /, ~0 → ~).
func UnescapeToken(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
}
