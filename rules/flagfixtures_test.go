package rules_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
)

// Proxy-flag fixtures (rules of category flags) are linted through
// rules.LintFlags, as `corsgate lint` does. Each is one run:
//
//   - NAME.args is an args file as --proxy-args-file reads it (shell words,
//     # comments allowed, or a Kubernetes manifest). Expected findings are
//     "# want" comments on the argument's line, as in spec fixtures.
//   - NAME.env is an ESPv2_ARGS=… value as --cloudrun-env reads it (the file
//     without its final newline). Its expectations are in NAME.env.want,
//     one per line: "#ARG [rule-id] REGEXP", ARG being the 1-based argument
//     index (0: the value as a whole).
//   - NAME/ is a folder holding one .args file and the specs (.yaml, .yml,
//     .json) it is checked with, for the spec × flags cross-checks; the
//     specs' "# want" comments are expected too. Only this harness reads
//     these specs: the spec harness does not look into flag rule folders.
//
// Settings are header comments on the first lines of an .args file, or
// "KEY=VALUE" lines in an .env.want file: proxy (espv2 or esp), target and
// service-name. NAME bad and good are the examples users see.

// flagFixture is one lint run: a flag input, its settings, its specs and
// what it must report.
type flagFixture struct {
	path      string // the .args or .env file, or the folder
	input     string // the .args or .env file
	src       rules.FlagSource
	cfg       lint.Config
	specs     []string
	env       bool   // findings are located by argument index
	wants     []want // in the flag input
	specWants map[string][]want
}

// flagFixturePaths lists the runs of a rule folder.
func flagFixturePaths(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if n := e.Name(); e.IsDir() || strings.HasSuffix(n, ".args") || strings.HasSuffix(n, ".env") {
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out
}

func runFlagFixtureDir(t *testing.T, r *lint.Rule, dir string) {
	var bad, good *flagFixture
	for _, path := range flagFixturePaths(dir) {
		fx, err := readFlagFixture(path, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		input, inSpec, all := lintFlagFixture(t, fx)
		named := map[string]bool{r.ID: true}
		nwants := len(fx.wants)
		for _, w := range fx.wants {
			named[w.rule] = true
		}
		for _, ws := range fx.specWants {
			nwants += len(ws)
			for _, w := range ws {
				named[w.rule] = true
			}
		}
		if msg := compare(fx.wants, only(input, named)); msg != "" {
			t.Errorf("%s: findings differ from the expectations:\n%s", fx.input, msg)
		}
		for _, s := range fx.specs {
			if msg := compare(fx.specWants[s], only(inSpec[s], named)); msg != "" {
				t.Errorf("%s: findings differ from the # want comments:\n%s", s, msg)
			}
		}
		switch strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) {
		case "bad":
			bad = fx
			if nwants == 0 {
				t.Errorf("%s: the Bad example expects no finding", path)
			}
		case "good":
			good = fx
			if nwants != 0 {
				t.Errorf("%s: the Good example expects findings", path)
			}
			// The Good example users copy is clean for every rule.
			for _, d := range all {
				if d.Severity >= lint.Warning {
					t.Errorf("%s: the Good example has a %s finding: %s [%s]", path, d.Severity, d.Message, d.RuleID)
				}
			}
		}
	}
	if bad == nil || good == nil {
		t.Errorf("%s: needs bad.args (or .env, or a bad/ folder) and good.args: they are the examples users see", dir)
	}
}

// only keeps the findings of the named rules.
func only(ds []lint.Diagnostic, named map[string]bool) []lint.Diagnostic {
	var out []lint.Diagnostic
	for _, d := range ds {
		if named[d.RuleID] {
			out = append(out, d)
		}
	}
	return out
}

// lintFlagFixture lints one fixture and splits the findings into those
// about the flag input (an .env fixture's located by argument index, in
// Line) and those in each spec; all holds every finding as reported.
func lintFlagFixture(t *testing.T, fx *flagFixture) (input []lint.Diagnostic, inSpec map[string][]lint.Diagnostic, all []lint.Diagnostic) {
	t.Helper()
	var docs []*spec.Document
	for _, s := range fx.specs {
		data, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := spec.Parse(s, data, spec.Options{})
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		docs = append(docs, doc)
	}
	all, err := rules.LintFlags(fx.src, docs, &fx.cfg)
	if err != nil {
		t.Fatalf("%s: %v", fx.path, err)
	}
	inSpec = map[string][]lint.Diagnostic{}
	for _, d := range all {
		switch {
		case slices.Contains(fx.specs, d.File):
			inSpec[d.File] = append(inSpec[d.File], d)
		case fx.env:
			d.Line, d.Column = d.Arg, 0
			input = append(input, d)
		default:
			input = append(input, d)
		}
	}
	return input, inSpec, all
}
