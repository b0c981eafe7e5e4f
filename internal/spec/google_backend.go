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
	for k := range Members(n) {
		if BackendFields[k.Value] == proto {
			return true
		}
	}
	return false
}
