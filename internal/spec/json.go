package spec

import "go.yaml.in/yaml/v3"

// MarshalJSON writes a node tree as compact JSON, keeping the order of mapping
// keys (aliases and merge keys resolved, as JSONValue reads them).
func MarshalJSON(n *yaml.Node) ([]byte, error) { return MarshalJSONIndent(n, "") }

// MarshalJSONIndent is MarshalJSON with each member and item on a line of its
// own, indented by indent per level, as json.Indent would lay it out.
func MarshalJSONIndent(n *yaml.Node, indent string) ([]byte, error) {
	w := &jsonWriter{budget: 1 << 22, indent: indent}
	if err := w.node(n, 0); err != nil {
		return nil, err
	}
	return w.buf.Bytes(), nil
}
