package spec

import "go.yaml.in/yaml/v3"

// Has reports whether the backend writes the proto field (e.g. "address")
// in either spelling. Unlike Field it builds no pointer, for checks that run
// on every operation.
func (b *Backend) Has(proto string) bool {
	n := b.Node
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	has := false
	eachMember(n, func(k, _ *yaml.Node) { has = has || BackendFields[k.Value] == proto })
	return has
}
