package rules

import (
	"fmt"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// describe renders a node's value for messages: strings quoted, other scalars
// as written, collections by type.
func describe(n *yaml.Node) string {
	n = spec.Deref(n)
	if n == nil {
		return "missing"
	}
	if n.Kind == yaml.ScalarNode {
		if spec.IsString(n) {
			return fmt.Sprintf("%q", n.Value)
		}
		if n.ShortTag() == "!!null" {
			return "null"
		}
		return fmt.Sprintf("%s %s", spec.TypeName(n), n.Value)
	}
	return spec.TypeName(n)
}
