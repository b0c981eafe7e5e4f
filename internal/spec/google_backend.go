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
	for i := 0; i+1 < len(n.Content); i += 2 {
		if BackendFields[n.Content[i].Value] == proto {
			return true
		}
	}
	return false
}
