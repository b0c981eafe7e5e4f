package rules_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// fixtures3 lists a rule folder's fixtures: each spec file and each
// deployment folder (spec rules), or each run with specs (flag rules).
func fixtures3(r *lint.Rule, dir string) ([]fixture3, error) {
	if r.Category == lint.CategoryFlags {
		var out []fixture3
		for _, path := range flagFixturePaths(dir) {
			ffx, err := readFlagFixture(path, r.ID)
			if err != nil {
				return nil, err
			}
			if len(ffx.specs) == 0 {
				continue
			}
			fx := fixture3{path: path, findings: countWants(ffx.wants, r.ID)}
			for _, s := range ffx.specs {
				fx.findings += countWants(ffx.specWants[s], r.ID)
				if err := fx.add(s, nil); err != nil {
					return nil, err
				}
			}
			out = append(out, fx)
		}
		return out, nil
	}
	deps, err := readDeployments(dir, r.ID)
	if err != nil {
		return nil, err
	}
	var out []fixture3
	for _, dep := range deps {
		fx := fixture3{path: dep[0].path}
		if dep[0].deployment != "" {
			fx.path = dep[0].deployment
		}
		for _, f := range dep {
			fx.findings += countWants(f.wants, r.ID)
			if err := fx.add(f.path, f.wants); err != nil {
				return nil, err
			}
		}
		out = append(out, fx)
	}
	return out, nil
}

// add records one spec file of the fixture: the version of the first one
// decides (the files of one deployment share it, or
// servers-same-across-files reports them).
func (fx *fixture3) add(path string, wants []want) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	isJSON := filepath.Ext(path) == ".json"
	if fx.files == 0 {
		fx.version, fx.is3 = sniffVersion(path, data)
		fx.yaml = !isJSON
	}
	fx.files++
	if isJSON {
		fx.json = true
		fx.minified = fx.minified || !bytes.Contains(bytes.TrimRight(data, "\r\n"), []byte("\n"))
		for _, w := range wants {
			if w.col == 0 {
				fx.colless++
			}
		}
	}
	return nil
}

// openapiRE finds a top-level openapi 3.0/3.1 member in a file that does not
// load (spec-parse's fixtures: a syntax error, a duplicate key).
var openapiRE = regexp.MustCompile(`(?m)(^|[{,]\s*)"?openapi"?\s*:\s*["']?3\.([01])\b`)

// sniffVersion returns the version of a spec fixture: what the loader says,
// or for a file that does not load, what its openapi member says.
func sniffVersion(path string, data []byte) (spec.Version, bool) {
	doc, err := spec.Parse(path, data, spec.Options{})
	if err == nil {
		return doc.Version, doc.Version.IsOpenAPI3()
	}
	if _, ok := errors.AsType[*spec.LoadError](err); ok {
		if m := openapiRE.FindSubmatch(data); m != nil {
			if string(m[2]) == "0" {
				return spec.OpenAPI30, true
			}
			return spec.OpenAPI31, true
		}
	}
	return spec.Swagger2, false
}

func countWants(ws []want, rule string) int {
	return len(slices.DeleteFunc(slices.Clone(ws), func(w want) bool { return w.rule != rule }))
}
