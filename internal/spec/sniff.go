package spec

// KeepSpecs drops the named files whose content is not a spec by the test the
// directory search applies (a top-level swagger or openapi key), so that a
// caller handed every changed YAML or JSON file (a pre-commit hook) lints
// only the specs. Standard input and files that cannot be read are kept:
// they are reported where they are read, never skipped silently.
func KeepSpecs(inputs []Input) []Input {
	var out []Input
	for _, in := range inputs {
		if in.Path != "" && in.Err == nil {
			if ok, err := looksLikeSpec(in.Path); err == nil && !ok {
				continue
			}
		}
		out = append(out, in)
	}
	return out
}
