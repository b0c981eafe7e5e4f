package spec

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Param is one parameter of an operation, after following a $ref into the
// top-level parameters section.
type Param struct {
	Name  string
	In    string
	Node  *yaml.Node // the parameter object (resolved)
	Entry *yaml.Node // the list entry as written (the $ref object when Ref is set)
	Ref   string     // the $ref text, if the entry was a reference
	// Shared is true for a parameter of the path item (not the operation).
	Shared bool
	// Index is the entry's index in its parameters list.
	Index int
}

// Ptr returns the pointer of the entry in the operation's or the path item's
// parameters list.
func (prm Param) Ptr(op *Op) string {
	base := op.Ptr
	if prm.Shared {
		base = op.PathPtr
	}
	return Append(base, "parameters", strconv.Itoa(prm.Index))
}

// NamePtr points at the parameter's name, or at its $ref when it is one.
func (prm Param) NamePtr(op *Op) string {
	if prm.Ref != "" {
		return Append(prm.Ptr(op), "$ref")
	}
	return Append(prm.Ptr(op), "name")
}

// Params returns each operation's parameters the way
// api-compiler's getAllResolvedParameters does: the operation's own, then the
// path item's that the operation does not override (same name and in).
// Entries that do not resolve (a $ref outside #/parameters/ — in 3.x
// #/components/parameters/ — or to nothing, a malformed entry) are left out:
// the $ref rules report them. Computed once.
func (g *Google) Params(op *Op) []Param {
	g.paramsOnce.Do(func() {
		prefix, lookup := "#/parameters/", NewLookup(g.Doc, "parameters")
		if g.Version.IsOpenAPI3() {
			prefix, lookup = "#/components/parameters/", newLookupAt(Get(Get(g.Doc.Root, "components"), "parameters"))
		}
		g.params = make([][]Param, len(g.Ops))
		for i, o := range g.Ops {
			g.params[i] = opParams(lookup, prefix, o)
		}
	})
	return g.params[op.Index]
}

func opParams(lookup *Lookup, prefix string, op *Op) []Param {
	var out []Param
	if list := Deref(Get(op.Node, "parameters")); IsSeq(list) {
		for i, e := range list.Content {
			if prm, ok := resolveParam(lookup, prefix, e); ok {
				prm.Index = i
				out = append(out, prm)
			}
		}
	}
	own := len(out)
	if shared := Deref(Get(op.Item, "parameters")); IsSeq(shared) {
	next:
		for i, e := range shared.Content {
			prm, ok := resolveParam(lookup, prefix, e)
			if !ok {
				continue
			}
			for _, o := range out[:own] {
				if o.Name == prm.Name && o.In == prm.In {
					continue next
				}
			}
			prm.Index, prm.Shared = i, true
			out = append(out, prm)
		}
	}
	return out
}

func resolveParam(lookup *Lookup, prefix string, entry *yaml.Node) (Param, bool) {
	entry = Deref(entry)
	if !IsMap(entry) {
		return Param{}, false
	}
	prm := Param{Node: entry, Entry: entry}
	if r := Deref(Get(entry, "$ref")); r != nil {
		if !IsString(r) || !strings.HasPrefix(r.Value, prefix) {
			return Param{}, false
		}
		prm.Ref = r.Value
		target := lookup.Get(UnescapeToken(strings.TrimPrefix(r.Value, prefix)))
		if !IsMap(target) {
			return Param{}, false
		}
		prm.Node = target
	}
	name := Deref(Get(prm.Node, "name"))
	in := Deref(Get(prm.Node, "in"))
	if name == nil || name.Kind != yaml.ScalarNode || in == nil || in.Kind != yaml.ScalarNode {
		return Param{}, false
	}
	prm.Name, prm.In = name.Value, in.Value
	return prm, true
}
