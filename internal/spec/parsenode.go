package spec

import "go.yaml.in/yaml/v3"

// Which parser builds the tree. Variables so that tests can compare Parse
// with and without the fast parsers.
var (
	useJSONParser  = true
	useBlockParser = true
)

// parseNode returns the tree yaml.Unmarshal builds for data, and yaml.v3's
// error for data it refuses. data is valid UTF-8 without NUL bytes. The fast
// parsers (jsonparse.go, yamlparse.go) build the tree when they can; any
// input they leave is parsed by yaml.v3, in chunks on several CPUs when it is
// large block YAML (parallel.go), so errors are always yaml.v3's own.
func parseNode(f Format, data []byte) (*yaml.Node, error) {
	var top *yaml.Node
	switch {
	case f == JSON && useJSONParser:
		top, _ = parseJSON(data)
	case f == YAML && useBlockParser:
		top, _ = parseBlockYAML(data)
	}
	if top != nil {
		return top, nil
	}
	return parseValidYAMLNode(data)
}
