package spec

import "go.yaml.in/yaml/v3"

// YAML merge keys (<<: *anchor, or <<: [*a, *b]) are applied by the YAML
// loader gcloud uses before the spec is sent to Service Management, so Google
// reads the merged mapping. The accessors (MapGet, Pairs, Value.Get,
// Value.Pairs, pointers) therefore see merged members as if they were
// written in place: keys written in the mapping win over merged ones, and an
// earlier source wins over a later one (YAML 1.1's merge key type). The
// tree itself is not changed: transforms edit the bytes where each member is
// written, which for a merged member is under its anchor.

// isMergeKey reports whether k is a merge key (an unquoted <<).
func isMergeKey(k *yaml.Node) bool { return k.Kind == yaml.ScalarNode && k.Tag == "!!merge" }

// hasMerge reports whether mapping n has a merge key.
func hasMerge(n *yaml.Node) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if isMergeKey(n.Content[i]) {
			return true
		}
	}
	return false
}

// mergeSources returns the mappings a merge key's value brings in, in
// precedence order; anything else there (gcloud's loader refuses it) brings
// nothing.
func mergeSources(v *yaml.Node) []*yaml.Node {
	v = Deref(v)
	if v == nil {
		return nil
	}
	switch v.Kind {
	case yaml.MappingNode:
		return []*yaml.Node{v}
	case yaml.SequenceNode:
		var out []*yaml.Node
		for _, it := range v.Content {
			if it = Deref(it); it != nil && it.Kind == yaml.MappingNode {
				out = append(out, it)
			}
		}
		return out
	}
	return nil
}

// mergedGet looks key up in what the merge keys of mapping n bring in.
func mergedGet(n *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !isMergeKey(n.Content[i]) {
			continue
		}
		for _, src := range mergeSources(n.Content[i+1]) {
			if k, v := MapGet(src, key); k != nil {
				return k, v
			}
		}
	}
	return nil, nil
}

// eachMember calls fn for every member of mapping n as Google reads it: the
// written members in source order, each merge key replaced by the members it
// brings in that are not written or brought in before.
func eachMember(n *yaml.Node, fn func(k, v *yaml.Node)) {
	if !hasMerge(n) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			fn(n.Content[i], n.Content[i+1])
		}
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !isMergeKey(k) {
			seen[k.Value] = true
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !isMergeKey(k) {
			fn(k, n.Content[i+1])
			continue
		}
		for _, src := range mergeSources(n.Content[i+1]) {
			eachMember(src, func(mk, mv *yaml.Node) {
				if !seen[mk.Value] {
					seen[mk.Value] = true
					fn(mk, mv)
				}
			})
		}
	}
}
