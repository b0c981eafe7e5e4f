package spec

import (
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Position is a 1-based line and character column; 0 means unknown.
type Position struct {
	Line   int
	Column int
}

// Pointer builds an RFC 6901 JSON pointer from unescaped reference tokens:
// Pointer("paths", "/a/{id}", "get") == "/paths/~1a~1{id}/get".
func Pointer(tokens ...string) string { return Append("", tokens...) }

// Append adds unescaped tokens to an existing pointer. The result is built
// in one allocation of its exact size: pointers are made for every $ref and
// reported value of a large spec, while a lint runs without collection.
func Append(ptr string, tokens ...string) string {
	if len(tokens) == 0 {
		return ptr
	}
	n := len(ptr)
	for _, t := range tokens {
		n += 1 + len(t)
		for i := 0; i < len(t); i++ {
			if t[i] == '~' || t[i] == '/' {
				n++ // escaped as ~0 or ~1
			}
		}
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(ptr)
	for _, t := range tokens {
		b.WriteByte('/')
		start := 0
		for i := 0; i < len(t); i++ {
			if c := t[i]; c == '~' || c == '/' {
				b.WriteString(t[start:i])
				if c == '~' {
					b.WriteString("~0")
				} else {
					b.WriteString("~1")
				}
				start = i + 1
			}
		}
		b.WriteString(t[start:])
	}
	return b.String()
}

// SplitPointer returns the unescaped tokens of a JSON pointer.
func SplitPointer(ptr string) []string {
	if ptr == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		if strings.Contains(p, "~") {
			p = strings.ReplaceAll(p, "~1", "/")
			parts[i] = strings.ReplaceAll(p, "~0", "~")
		}
	}
	return parts
}

// index resolves JSON pointers against the node tree. Large mappings get a
// key→pair-index map the first time they are searched, so resolving a pointer
// costs one map lookup per large mapping on the way instead of a scan.
type index struct {
	root *yaml.Node
	mu   sync.Mutex
	big  map[*yaml.Node]map[string]int
}

const bigMapping = 16 // pairs; below this a linear scan is faster than a map

func newIndex(root *yaml.Node) *index {
	return &index{root: root, big: make(map[*yaml.Node]map[string]int)}
}

func (ix *index) child(n *yaml.Node, tok string) (key, val *yaml.Node) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		pairs := len(n.Content) / 2
		if pairs >= bigMapping {
			ix.mu.Lock()
			m, ok := ix.big[n]
			if !ok {
				m = make(map[string]int, pairs)
				for i := 0; i+1 < len(n.Content); i += 2 {
					if _, dup := m[n.Content[i].Value]; !dup && !IsMergeKey(n.Content[i]) {
						m[n.Content[i].Value] = i
					}
				}
				ix.big[n] = m
			}
			ix.mu.Unlock()
			if i, ok := m[tok]; ok {
				return n.Content[i], n.Content[i+1]
			}
			return mergedGet(n, tok)
		}
		return MapGet(n, tok)
	case yaml.SequenceNode:
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i >= len(n.Content) || strconv.Itoa(i) != tok {
			return nil, nil
		}
		return nil, n.Content[i]
	}
	return nil, nil
}

// Resolve returns the key node (nil for sequence items and the root) and value
// node at ptr, and the deepest node that exists on the way (the parent when the
// pointer names a missing member).
func (d *Document) Resolve(ptr string) (key, val, deepest *yaml.Node) {
	if d.Root == nil {
		return nil, nil, nil
	}
	n := d.Root
	if ptr == "" {
		return nil, n, n
	}
	deepest = n
	var k *yaml.Node
	for _, tok := range SplitPointer(ptr) {
		k, n = d.index.child(n, tok)
		if n == nil {
			if k != nil {
				return k, nil, k
			}
			return nil, nil, deepest
		}
		deepest = n
	}
	return k, n, n
}

// Node returns the value node at ptr, or nil.
func (d *Document) Node(ptr string) *yaml.Node {
	_, v, _ := d.Resolve(ptr)
	return v
}

// Pos returns the position for a diagnostic at ptr: the value node, else the
// key node, else the nearest existing parent.
func (d *Document) Pos(ptr string) Position {
	k, v, deep := d.Resolve(ptr)
	switch {
	case v != nil:
		return nodePos(v)
	case k != nil:
		return nodePos(k)
	case deep != nil:
		return nodePos(deep)
	}
	return Position{}
}

// KeyPos returns the position of the key at ptr (for "unknown key" and
// "missing value" reports), falling back to Pos.
func (d *Document) KeyPos(ptr string) Position {
	if k, _, _ := d.Resolve(ptr); k != nil {
		return nodePos(k)
	}
	return d.Pos(ptr)
}

func nodePos(n *yaml.Node) Position { return Position{Line: n.Line, Column: n.Column} }

// NodePos returns a node's position.
func NodePos(n *yaml.Node) Position {
	if n == nil {
		return Position{}
	}
	return nodePos(n)
}

// MapGet returns the key and value nodes of key in mapping n (aliases followed),
// or nils.
func MapGet(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil {
		return nil, nil
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return nil, nil
	}
	merges := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k := n.Content[i]; {
		case IsMergeKey(k):
			merges = true
		case k.Value == key && k.Kind == yaml.ScalarNode:
			return k, n.Content[i+1]
		}
	}
	if merges {
		return mergedGet(n, key)
	}
	return nil, nil
}

// Get returns the value node of key in mapping n, or nil.
func Get(n *yaml.Node, key string) *yaml.Node {
	_, v := MapGet(n, key)
	return v
}

// Deref follows an alias node to its anchor.
func Deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// Pairs calls fn for every key/value pair of mapping n, in source order.
func Pairs(n *yaml.Node, fn func(k, v *yaml.Node)) {
	n = Deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for k, v := range Members(n) {
		fn(k, Deref(v))
	}
}

// IsMap reports whether n is a mapping node.
func IsMap(n *yaml.Node) bool { n = Deref(n); return n != nil && n.Kind == yaml.MappingNode }

// IsSeq reports whether n is a sequence node.
func IsSeq(n *yaml.Node) bool { n = Deref(n); return n != nil && n.Kind == yaml.SequenceNode }

// IsString reports whether n is a scalar that YAML (and so the JSON model)
// reads as a string.
func IsString(n *yaml.Node) bool {
	n = Deref(n)
	return n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str"
}

// IsBool reports whether n is a real YAML/JSON boolean (not a quoted "true").
func IsBool(n *yaml.Node) bool {
	n = Deref(n)
	return n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool"
}

// BoolValue returns the boolean value of a real boolean node.
func BoolValue(n *yaml.Node) (value, ok bool) {
	n = Deref(n)
	if !IsBool(n) {
		return false, false
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		return false, false
	}
	return b, true
}

// IsNumber reports whether n is an integer or float scalar.
func IsNumber(n *yaml.Node) bool {
	n = Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return false
	}
	t := n.ShortTag()
	return t == "!!int" || t == "!!float"
}

// TypeName describes a node's JSON type for messages ("a string", "a list", …).
func TypeName(n *yaml.Node) string {
	n = Deref(n)
	if n == nil {
		return "missing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return "a string"
		case "!!int", "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		case "!!null":
			return "null"
		}
		return "a scalar"
	}
	return "a value"
}

// Methods are the HTTP methods a Swagger 2.0 path item can hold, in spec order.
var Methods = []string{"get", "put", "post", "delete", "options", "head", "patch"}

// IsMethod reports whether key is a Swagger 2.0 operation key.
func IsMethod(key string) bool {
	switch key {
	case "get", "put", "post", "delete", "options", "head", "patch":
		return true
	}
	return false
}

// Operation is one operation found in the paths object.
type Operation struct {
	Path    string     // the path template as written
	Method  string     // lower-case key, e.g. "get"
	Ptr     string     // JSON pointer of the operation object
	Node    *yaml.Node // the operation mapping (may be a non-mapping if malformed)
	Key     *yaml.Node // the method key node
	PathPtr string     // JSON pointer of the path item
	Item    *yaml.Node // the path item mapping
}

// Operations returns every operation in source order. The slice is computed
// once and shared: callers must not modify it.
func (d *Document) Operations() []Operation {
	d.opsOnce.Do(func() { d.ops = d.operations() })
	return d.ops
}

func (d *Document) operations() []Operation {
	paths := Get(d.Root, "paths")
	var ops []Operation
	trace := d.Version.IsOpenAPI3() // OpenAPI 3.x adds the trace operation
	Pairs(paths, func(pk, item *yaml.Node) {
		pathPtr := Pointer("paths", pk.Value)
		Pairs(item, func(mk, op *yaml.Node) {
			if !IsMethod(mk.Value) && !(trace && mk.Value == "trace") {
				return
			}
			ops = append(ops, Operation{Path: pk.Value, Method: mk.Value, Ptr: Append(pathPtr, mk.Value),
				Node: op, Key: mk, PathPtr: pathPtr, Item: item})
		})
	})
	return ops
}

// Host returns the host value and whether a host key is present.
func (d *Document) Host() (string, bool) {
	_, v := MapGet(d.Root, "host")
	if v == nil {
		return "", false
	}
	return Deref(v).Value, true
}

// Describe renders a node's value for messages: strings quoted, other
// scalars with their type, collections by type ("a string" is TypeName's).
func Describe(n *yaml.Node) string {
	n = Deref(n)
	if n == nil {
		return "missing"
	}
	if n.Kind == yaml.ScalarNode {
		if IsString(n) {
			return strconv.Quote(n.Value)
		}
		if n.ShortTag() == "!!null" {
			return "null"
		}
		return TypeName(n) + " " + n.Value
	}
	return TypeName(n)
}
