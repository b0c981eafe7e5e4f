package oasschema

import "go.yaml.in/yaml/v3"

// ValidateUnfiltered is Validate without dropping idioms and delegated
// findings (for the external tests).
func ValidateUnfiltered(root *yaml.Node, v Version) ([]Problem, error) {
	return validate(root, v, true, false)
}
