package rules_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
)

// Fixture layout: rules/testdata/<rule-id>/, one folder per rule, holding
// bad.* (the example users see as Bad: at least one finding), good.* (the
// Good example: none) and any other cases. Proxy-flag rules have argument
// files instead of specs (flagfixtures_test.go).
//
// Spec fixtures (.yaml, .yml, .json) pin each expected finding with a
// comment on its line, in the manner of golangci-lint's "// want":
//
//	host: Example.com  # want "must be lower case"
//	- {name: x}        # want :5 "differs" :12 other-rule "needs"
//
// Each expectation is an optional ":COL", an optional rule ID (default: the
// folder's rule) and a Go-quoted or back-quoted regular expression that the
// message must match. JSON fixtures list their expectations, one per line
// as "LINE[:COL] [rule-id] REGEXP", in a sibling file with the extra suffix
// ".want". A comment "# target: NAME" or "# service-name: NAME" on the first
// two lines selects the target profile or the configured service name. The
// files of a subfolder are one deployment, linted together (rules about
// files deployed together); the first file's header configures the run.

var (
	wantRE    = regexp.MustCompile(`#\s*want\b(.*)$`)
	headerRE  = regexp.MustCompile(`^#\s*(target|service-name):\s*(\S+)`)
	specFiles = []string{".yaml", ".yml", ".json"}
)

// want is one expected finding.
type want struct {
	line, col int // col 0: not pinned
	rule      string
	re        *regexp.Regexp
}

// fixture is one test file of a rule's folder.
type fixture struct {
	path  string
	data  []byte
	wants []want
	cfg   lint.Config
	// deployment is the folder of files deployed together this fixture
	// belongs to; "" for a file deployed on its own.
	deployment string
}

func TestFixtures(t *testing.T) {
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		id := d.Name()
		seen[id] = true
		r, ok := rules.ByID(id)
		if !ok {
			t.Errorf("testdata/%s: no rule with that ID", id)
			continue
		}
		if r.Category == lint.CategoryFlags {
			t.Run(id, func(t *testing.T) { runFlagFixtureDir(t, r, filepath.Join("testdata", id)) })
			continue
		}
		t.Run(id, func(t *testing.T) { runFixtureDir(t, r, filepath.Join("testdata", id)) })
	}
	for _, r := range rules.All() {
		if r.Deprecated {
			continue
		}
		if !seen[r.ID] {
			t.Errorf("rule %s has no fixture folder rules/testdata/%s", r.ID, r.ID)
		}
	}
}

func runFixtureDir(t *testing.T, r *lint.Rule, dir string) {
	deployments, err := readDeployments(dir, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkExamples(t, dir, deployments)
	for _, dep := range deployments {
		got := lintFixtures(t, r, dep)
		for _, fx := range dep {
			if msg := compare(fx.wants, got[fx.path]); msg != "" {
				t.Errorf("%s: findings differ from the # want comments:\n%s", fx.path, msg)
			}
		}
	}
}

// checkExamples requires the Bad and Good examples that users see: files
// bad.* and good.*, or folders bad/ and good/ for rules about several files.
func checkExamples(t *testing.T, dir string, deployments [][]*fixture) {
	t.Helper()
	var bad, good []*fixture
	for _, dep := range deployments {
		name := filepath.Base(dep[0].path)
		if dep[0].deployment != "" {
			name = filepath.Base(dep[0].deployment)
		}
		switch strings.TrimSuffix(name, filepath.Ext(name)) {
		case "bad":
			bad = dep
		case "good":
			good = dep
		}
	}
	wants := func(dep []*fixture) (n int) {
		for _, fx := range dep {
			n += len(fx.wants)
		}
		return n
	}
	switch {
	case bad == nil || good == nil:
		t.Errorf("%s: needs bad.yaml (or .json, or a bad/ folder) and good.yaml: they are the examples users see", dir)
	case wants(bad) == 0:
		t.Errorf("%s: the Bad example expects no finding", dir)
	case wants(good) != 0:
		t.Errorf("%s: the Good example expects findings", dir)
	}
}

// lintFixtures lints one deployment's fixtures with the one rule and
// returns its findings (and those of rules the wants name) by file. The
// configuration comes from the first file's header.
func lintFixtures(t *testing.T, r *lint.Rule, dep []*fixture) map[string][]lint.Diagnostic {
	t.Helper()
	named := map[string]bool{r.ID: true}
	for _, fx := range dep {
		for _, w := range fx.wants {
			named[w.rule] = true
		}
	}
	got := map[string][]lint.Diagnostic{}
	record := func(ds []lint.Diagnostic) {
		for _, d := range ds {
			if named[d.RuleID] {
				got[d.File] = append(got[d.File], d)
			}
		}
	}
	var docs []*spec.Document
	var loadDiags []lint.Diagnostic
	for _, fx := range dep {
		doc, err := spec.Parse(fx.path, fx.data, spec.Options{})
		if err != nil {
			le, ok := errors.AsType[*spec.LoadError](err)
			if !ok {
				t.Fatalf("%s: %v", fx.path, err)
			}
			loadDiags = append(loadDiags, rules.LoadDiagnostic(le))
			continue
		}
		doc.Deployment = fx.deployment
		docs = append(docs, doc)
	}
	record(loadDiags)
	ds, err := lint.Run(context.Background(), docs, []*lint.Rule{r}, &dep[0].cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	record(ds)
	return got
}
