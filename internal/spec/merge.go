package spec

import (
	"iter"

	"go.yaml.in/yaml/v3"
)

// YAML merge keys (<<: *anchor, or <<: [*a, *b]) are applied by the YAML
// loader gcloud uses before the spec is sent to Service Management, so Google
// reads the merged mapping. Everything here reads a mapping that way, as if
// the merged members were written in place: keys written in the mapping win
// over merged ones, and an earlier source wins over a later one (YAML 1.1's
// merge key type). The tree itself is not changed: transforms edit the bytes
// where each member is written, which for a merged member is under its
// anchor.
//
// This file is the one place that rule lives. The accessors (MapGet, Pairs,
// Value.Get, Value.Pairs, pointers, the model's walkers) read mappings
// through Members and mergedGet; the JSON writer (MarshalJSON, JSONValue)
// and internal/oasschema's converter and splitter, which bound the work
// aliases and merges add, walk them with a MergeWalk.

// IsMergeKey reports whether k is a merge key: an unquoted <<. A quoted "<<"
// is an ordinary key.
func IsMergeKey(k *yaml.Node) bool { return k.Kind == yaml.ScalarNode && k.Tag == "!!merge" }

// mergeSources calls fn with each mapping the value v of a merge key brings
// in, in precedence order: v when it is a mapping, else each mapping of the
// sequence v, aliases followed. Anything else (gcloud's loader refuses it)
// brings nothing. fn returns false to stop; mergeSources reports whether it
// ran to the end.
func mergeSources(v *yaml.Node, fn func(src *yaml.Node) bool) bool {
	v = Deref(v)
	if v == nil {
		return true
	}
	switch v.Kind {
	case yaml.MappingNode:
		return fn(v)
	case yaml.SequenceNode:
		for _, it := range v.Content {
			if it = Deref(it); it != nil && it.Kind == yaml.MappingNode && !fn(it) {
				return false
			}
		}
	}
	return true
}

// mergedGet looks key up in what the merge keys of mapping n bring in: the
// first source (in precedence order) that has it, its own merges applied.
func mergedGet(n *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !IsMergeKey(n.Content[i]) {
			continue
		}
		mergeSources(n.Content[i+1], func(src *yaml.Node) bool {
			k, v = MapGet(src, key)
			return k == nil
		})
		if k != nil {
			return k, v
		}
	}
	return nil, nil
}

// Members yields the members of mapping n as Google reads them: the written
// members in source order, each merge key replaced by the members its
// sources bring in that are not written in n or brought in before.
func Members(n *yaml.Node) iter.Seq2[*yaml.Node, *yaml.Node] {
	return func(yield func(k, v *yaml.Node) bool) {
		MergeWalk{}.Members(n, func(k, v *yaml.Node, _ int) bool { return yield(k, v) })
	}
}

// A MergeWalk walks the members of a mapping as Google reads them, for the
// walkers that bound the work merge keys add (the JSON writer,
// internal/oasschema's converter and splitter): they see each merge source
// before its members and how deep in merges each member was found.
type MergeWalk struct {
	// WrittenFirst visits the written members first and then, merge key by
	// merge key, the members the sources bring, so that the first member
	// visited with a given key is the one that wins (the order the JSON
	// writer writes). Otherwise a merge key's members are visited in its
	// place, as Members yields them.
	WrittenFirst bool
	// Source, when set, is called before the members of each merge source
	// with the source and how many merges deep it is (1 for the sources of
	// the walked mapping's own merge keys). false leaves the source out: its
	// members and the sources it merges in turn.
	Source func(src *yaml.Node, depth int) bool
}

// Members calls fn with each member of mapping n as Google reads it and how
// many merges deep it was found (0: written in n). Every member written in
// n is visited (a repeated key too: the loader refuses those); a member a
// merge source brings is visited when its key is not written in n and not
// brought in before, sources taken in precedence order, each with its own
// merges applied the same way. fn returns false to stop; Members reports
// whether the walk ran to the end.
func (w MergeWalk) Members(n *yaml.Node, fn func(k, v *yaml.Node, depth int) bool) bool {
	// Most mappings have no merge key: this loop is all.
	c := n.Content
	for i := 1; i < len(c); i += 2 {
		if IsMergeKey(c[i-1]) {
			return w.merged(n, i-1, fn)
		}
		if !fn(c[i-1], c[i], 0) {
			return false
		}
	}
	return true
}

// merged continues Members from the first merge key of n, at index i.
func (w MergeWalk) merged(n *yaml.Node, i int, fn func(k, v *yaml.Node, depth int) bool) bool {
	m := mergeWalk{MergeWalk: w, fn: fn, taken: map[string]bool{}}
	return m.mapping(n, 0, i)
}

// mergeWalk is one MergeWalk.Members walk of a mapping with merge keys.
type mergeWalk struct {
	MergeWalk
	fn    func(k, v *yaml.Node, depth int) bool
	taken map[string]bool // keys written or brought in so far
}

// mapping walks mapping n, depth merges deep, from its member at index from
// (those before were visited already). Its written keys are taken before
// any of its merges is walked, so they win over what those bring in.
func (w *mergeWalk) mapping(n *yaml.Node, depth, from int) bool {
	var fresh []bool // in a source: written member i/2 was not taken before
	if depth > 0 {
		fresh = make([]bool, len(n.Content)/2)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !IsMergeKey(k) {
			key, ok := memberKey(k)
			if depth > 0 {
				fresh[i/2] = !ok || !w.taken[key]
			}
			if ok {
				w.taken[key] = true
			}
		}
	}
	for i := from; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case IsMergeKey(k):
			if !w.WrittenFirst && !w.sources(v, depth+1) {
				return false
			}
		case depth == 0 || fresh[i/2]:
			if !w.fn(k, v, depth) {
				return false
			}
		}
	}
	if w.WrittenFirst {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if IsMergeKey(n.Content[i]) && !w.sources(n.Content[i+1], depth+1) {
				return false
			}
		}
	}
	return true
}

// sources walks the sources of merge value v, depth merges deep.
func (w *mergeWalk) sources(v *yaml.Node, depth int) bool {
	return mergeSources(v, func(src *yaml.Node) bool {
		if w.Source != nil && !w.Source(src, depth) {
			return true
		}
		return w.mapping(src, depth, 0)
	})
}

// memberKey is the text a member is known by, aliases followed; a mapping
// or sequence used as a key (which the loader refuses) has none.
func memberKey(k *yaml.Node) (string, bool) {
	if k = Deref(k); k != nil && k.Kind == yaml.ScalarNode {
		return k.Value, true
	}
	return "", false
}
