package rules_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
)

// Every rule that reads specs and runs on OpenAPI 3.x is tested on 3.x
// documents, not only on the Swagger 2.0 ones it was first written for: the
// Google model reads other places in 3.x (servers[].url,
// components.securitySchemes, x-google-api-management.backends …), and a
// rule that is right on 2.0 may be silent, wrong or worded for 2.0 there.
// TestFixturesOpenAPI3 requires, in each such rule's fixture folder:
//
//   - an OpenAPI 3.0 YAML fixture pinning at least one finding of the rule;
//   - an OpenAPI 3.1 fixture (a good or a bad one);
//   - a 3.x fixture on which the rule is silent (the correct 3.x form);
//
// (by custom openapi30.yaml and openapi31.yaml, or openapi30/ and
// openapi31/ folders for rules about several files or flags), and across
// all rules at least min3JSON rules with a 3.x JSON fixture that
// pins findings, min3Minified of them minified onto one line (where columns
// run into the hundreds), every JSON expectation with its column.
//
// Proxy-flag rules count when their fixture folders hold specs (the spec ×
// flags cross-checks); their findings may be in the flag input or in a
// spec.
const (
	min3JSON     = 20
	min3Minified = 8
)

// no3Fixture lists the rules that run on every version but cannot report
// anything on an OpenAPI 3.x document, with the reason. Keep it short: a rule
// that has nothing to say about 3.x should declare Versions instead.
var no3Fixture = map[string]string{}

// fixture3 is what TestFixturesOpenAPI3 needs to know of one fixture (a
// file, or a folder deployed or linted together).
type fixture3 struct {
	path     string
	version  spec.Version
	is3      bool
	yaml     bool // the (first) spec is YAML
	json     bool // some spec is JSON
	minified bool // that JSON is on one line
	findings int  // expected findings of the folder's rule
	colless  int  // JSON expectations without a column
	files    int
}

func TestFixturesOpenAPI3(t *testing.T) {
	var withJSON, withMinified []string
	for _, r := range rules.All() {
		if r.Deprecated || !r.AppliesTo(spec.OpenAPI30) && !r.AppliesTo(spec.OpenAPI31) {
			continue
		}
		dir := filepath.Join("testdata", r.ID)
		fxs, err := fixtures3(r, dir)
		if err != nil {
			t.Fatal(err)
		}
		if r.Category == lint.CategoryFlags && len(fxs) == 0 {
			continue // a proxy-flag rule with argument files only
		}
		_, excepted := no3Fixture[r.ID]
		cov := coverage3(fxs)
		for _, p := range cov.problems(dir, excepted) {
			t.Errorf("%s: %s", r.ID, p)
		}
		if cov.json {
			withJSON = append(withJSON, r.ID)
		}
		if cov.minified {
			withMinified = append(withMinified, r.ID)
		}
	}
	for id := range no3Fixture {
		if _, ok := rules.ByID(id); !ok {
			t.Errorf("no3Fixture lists %s, which is not a rule", id)
		}
	}
	if len(withJSON) < min3JSON {
		t.Errorf("%d rules have a 3.x JSON fixture with findings (%s), want at least %d", len(withJSON), strings.Join(withJSON, ", "), min3JSON)
	}
	if len(withMinified) < min3Minified {
		t.Errorf("%d rules have a minified 3.x JSON fixture with findings (%s), want at least %d", len(withMinified), strings.Join(withMinified, ", "), min3Minified)
	}
}
