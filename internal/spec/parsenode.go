package spec

import "go.yaml.in/yaml/v3"

// parserChoice selects the parsers, for comparisons: "fast" (the default)
// tries parseJSON and parseBlockYAML first; "yaml.v3" uses yaml.v3 alone (in
// chunks on several CPUs for large block YAML, as before the fast parsers);
// "sequential" uses yaml.v3 alone on one CPU. Benchmarks build a corsgate
// binary with another choice:
//
//	go build -ldflags "-X github.com/corsgate/corsgate/internal/spec.parserChoice=yaml.v3" ./cmd/corsgate
var parserChoice = "fast"

// parseNode returns the tree yaml.Unmarshal builds for data, and yaml.v3's
// error for data it refuses. data is valid UTF-8 without NUL bytes. The fast
// parsers (jsonparse.go, yamlparse.go) build the tree when they can; any
// input they leave is parsed by yaml.v3, in chunks on several CPUs when it is
// large block YAML (parallel.go), so errors are always yaml.v3's own.
func parseNode(f Format, data []byte) (*yaml.Node, error) {
	if parserChoice == "fast" {
		var top *yaml.Node
		if f == JSON {
			top, _ = parseJSON(data)
		} else {
			top, _ = parseBlockYAML(data)
		}
		if top != nil {
			return top, nil
		}
	}
	return parseValidYAMLNode(data)
}
