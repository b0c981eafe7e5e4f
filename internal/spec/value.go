package spec

import (
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Value is one member of the document as the Google model sees it: the key
// and value nodes as written (aliases followed) and where it is. The JSON
// pointer is built only when asked for (Ptr), because most values are never
// reported. A missing member has nil nodes and still knows where it would be.
type Value struct {
	Key  *yaml.Node // the key node; nil for list items and missing members
	Node *yaml.Node // the value node, aliases followed; nil when missing
	// at is the value node as written (an alias node where an alias is
	// written): findings point there.
	at *yaml.Node
	// parent is the JSON pointer of the containing object or list, tok the
	// member's key or index (unescaped).
	parent, tok string
}

// member returns the member key of mapping n, whose pointer is ptr.
func member(n *yaml.Node, ptr, key string) Value {
	k, v := MapGet(n, key)
	return Value{Key: k, Node: Deref(v), at: v, parent: ptr, tok: key}
}

// item returns item i of sequence n, whose pointer is ptr.
func item(n *yaml.Node, ptr string, i int) Value {
	return Value{Node: Deref(n.Content[i]), at: n.Content[i], parent: ptr, tok: strconv.Itoa(i)}
}

// Ptr is the value's RFC 6901 JSON pointer.
func (v Value) Ptr() string {
	if v.tok == "" && v.parent == "" {
		return ""
	}
	return Append(v.parent, v.tok)
}

// Present reports whether the member is written (its value may be null).
func (v Value) Present() bool { return v.Key != nil || v.Node != nil }

// Text is the scalar's text, or "" for missing values and collections.
func (v Value) Text() string {
	if v.Node == nil || v.Node.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Node.Value
}

// Str returns the value when it is a string (as YAML types it).
func (v Value) Str() (string, bool) {
	if !IsString(v.Node) {
		return "", false
	}
	return v.Node.Value, true
}

// Bool returns the value when it is a real boolean.
func (v Value) Bool() (value, ok bool) { return BoolValue(v.Node) }

// IsMap, IsSeq and IsString say what the value is.
func (v Value) IsMap() bool    { return IsMap(v.Node) }
func (v Value) IsSeq() bool    { return IsSeq(v.Node) }
func (v Value) IsString() bool { return IsString(v.Node) }

// Get returns member key of this value (when it is a mapping).
func (v Value) Get(key string) Value { return member(v.Node, v.Ptr(), key) }

// At returns the pointer of a member of this value without looking it up.
func (v Value) At(tokens ...string) string { return Append(v.Ptr(), tokens...) }

// Items returns the items of a sequence value.
func (v Value) Items() []Value {
	if !IsSeq(v.Node) {
		return nil
	}
	ptr := v.Ptr()
	out := make([]Value, len(v.Node.Content))
	for i := range v.Node.Content {
		out[i] = item(v.Node, ptr, i)
	}
	return out
}

// Pairs calls fn for every member of a mapping value, in source order
// (merge keys applied).
func (v Value) Pairs(fn func(key string, m Value)) {
	if !IsMap(v.Node) {
		return
	}
	ptr := v.Ptr()
	for k, val := range Members(v.Node) {
		fn(k.Value, Value{Key: k, Node: Deref(val), at: val, parent: ptr, tok: k.Value})
	}
}

// Pos is the position to report the value at: the value as written, else
// the key.
func (v Value) Pos() Position {
	switch {
	case v.at != nil:
		return nodePos(v.at)
	case v.Node != nil:
		return nodePos(v.Node)
	case v.Key != nil:
		return nodePos(v.Key)
	}
	return Position{}
}

// Written is the value node as written: an alias node where the value is an
// alias (edits must not go through it), else Node.
func (v Value) Written() *yaml.Node {
	if v.at != nil {
		return v.at
	}
	return v.Node
}
