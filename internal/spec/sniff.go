package spec

import "os"

// KeepSpecs drops the named files whose content is not a spec by the test the
// directory search applies (a top-level swagger key), so that a caller handed
// every changed YAML or JSON file (a pre-commit hook) lints only the specs.
// Standard input and files that cannot be opened are kept: they are reported
// where they are read, never skipped silently.
func KeepSpecs(inputs []Input) []Input {
	var out []Input
	for _, in := range inputs {
		if in.Path != "" && readable(in.Path) && !looksLikeSwagger(in.Path) {
			continue
		}
		out = append(out, in)
	}
	return out
}

func readable(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	f.Close()
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
