package cli

import (
	"context"

	"github.com/corsgate/corsgate/internal/spec"
)

// skipNonSpecsHelp documents --skip-non-specs of lint and transform.
const skipNonSpecsHelp = "skip named files that are not Swagger or OpenAPI specs (no top-level swagger or openapi key), as the directory search does; for hooks that pass every changed YAML/JSON file"

// specArgs is --skip-non-specs: it expands args and keeps only the specs
// (spec.KeepSpecs), as arguments again. It may return none.
func specArgs(ctx context.Context, args []string) ([]string, error) {
	inputs, err := spec.Expand(ctx, args)
	if err != nil {
		return nil, usageError("%v", err)
	}
	out := []string{}
	for _, in := range spec.KeepSpecs(inputs) {
		if in.Path == "" {
			out = append(out, "-")
			continue
		}
		out = append(out, in.Path)
	}
	return out, nil
}
