package rules_test

import (
	"fmt"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
)

// cover3 is what a rule's fixtures cover of OpenAPI 3.x.
type cover3 struct {
	bad30, any31, good3 bool
	json, minified      bool     // a 3.x JSON (minified) fixture pins findings
	colless             []string // JSON fixtures with expectations without a column
}

func coverage3(fxs []fixture3) cover3 {
	var c cover3
	for _, fx := range fxs {
		if !fx.is3 {
			continue
		}
		c.bad30 = c.bad30 || fx.version == spec.OpenAPI30 && fx.yaml && fx.findings > 0
		c.any31 = c.any31 || fx.version == spec.OpenAPI31
		c.good3 = c.good3 || fx.findings == 0
		if fx.json && fx.findings > 0 {
			c.json = true
			c.minified = c.minified || fx.minified
		}
		if fx.colless > 0 {
			c.colless = append(c.colless, fmt.Sprintf("%s: %d expectations without a column: pin LINE:COL in JSON fixtures", fx.path, fx.colless))
		}
	}
	return c
}

// problems lists what the rule's fixture folder dir lacks; excepted rules
// (no3Fixture) must have no 3.0 finding.
func (c cover3) problems(dir string, excepted bool) []string {
	out := c.colless
	switch {
	case excepted && c.bad30:
		out = append(out, "listed in no3Fixture but has a 3.0 fixture with findings: remove it from the list")
	case excepted:
	case !c.bad30:
		out = append(out, "runs on OpenAPI 3.x but "+dir+" has no OpenAPI 3.0 YAML fixture with a finding of it")
	}
	if !c.any31 {
		out = append(out, "runs on OpenAPI 3.1 but "+dir+" has no OpenAPI 3.1 fixture")
	}
	if !c.good3 {
		out = append(out, dir+" has no OpenAPI 3.x fixture on which the rule is silent")
	}
	return out
}

// TestCoverage3 pins what TestFixturesOpenAPI3 demands of one rule: a rule
// with only Swagger 2.0 fixtures (a rule added without 3.x ones) fails.
func TestCoverage3(t *testing.T) {
	v2bad := fixture3{path: "bad.yaml", version: spec.Swagger2, yaml: true, findings: 1, files: 1}
	v30bad := fixture3{path: "openapi30.yaml", version: spec.OpenAPI30, is3: true, yaml: true, findings: 2, files: 1}
	v31good := fixture3{path: "openapi31.yaml", version: spec.OpenAPI31, is3: true, yaml: true, files: 1}
	v30json := fixture3{path: "openapi30.json", version: spec.OpenAPI30, is3: true, json: true, findings: 1, files: 1}
	tests := []struct {
		name     string
		fxs      []fixture3
		excepted bool
		want     int // problems
	}{
		{"no fixture at all", nil, false, 3},
		{"Swagger 2.0 fixtures only", []fixture3{v2bad}, false, 3},
		{"a 3.0 bad fixture only", []fixture3{v30bad}, false, 2},
		{"3.0 bad and 3.1 good", []fixture3{v2bad, v30bad, v31good}, false, 0},
		{"a 3.0 JSON fixture does not replace the YAML one", []fixture3{v30json, v31good}, false, 1},
		{"excepted with a 3.1 good fixture", []fixture3{v31good}, true, 0},
		{"excepted but reporting on 3.0", []fixture3{v30bad, v31good}, true, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := coverage3(tc.fxs).problems("testdata/r", tc.excepted); len(got) != tc.want {
				t.Errorf("problems = %q, want %d", got, tc.want)
			}
		})
	}
	colless := v30json
	colless.colless = 1
	if got := coverage3([]fixture3{v30bad, v31good, colless}).problems("testdata/r", false); len(got) != 1 {
		t.Errorf("a JSON expectation without column: problems = %q, want 1", got)
	}
}
