package rules_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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
	if r.Sources != nil { // ported to the structured form (all rules soon)
		checkExamples(t, dir, deployments)
	}
	for _, dep := range deployments {
		got := lintFixtures(t, r, dep)
		for _, fx := range dep {
			if msg := compare(fx.wants, got[fx.path]); msg != "" {
				t.Errorf("%s: findings differ from the # want comments:\n%s", fx.path, msg)
			}
		}
	}
}

// readDeployments reads a rule's folder: each spec file directly in it is a
// deployment of its own; each subfolder is one deployment of several files
// (for rules about files deployed together).
func readDeployments(dir, rule string) ([][]*fixture, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out [][]*fixture
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if !e.IsDir() {
			if slices.Contains(specFiles, filepath.Ext(p)) {
				fx, err := readFixture(p, rule)
				if err != nil {
					return nil, err
				}
				out = append(out, []*fixture{fx})
			}
			continue
		}
		files, _ := filepath.Glob(filepath.Join(p, "*"))
		var dep []*fixture
		for _, f := range files {
			if !slices.Contains(specFiles, filepath.Ext(f)) {
				continue
			}
			fx, err := readFixture(f, rule)
			if err != nil {
				return nil, err
			}
			fx.deployment = p
			dep = append(dep, fx)
		}
		out = append(out, dep)
	}
	return out, nil
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
	ds, err := lint.Run(docs, []*lint.Rule{r}, &dep[0].cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	record(ds)
	return got
}

// compare matches findings to expectations one to one; it returns a
// description of every mismatch, or "".
func compare(wants []want, got []lint.Diagnostic) string {
	used := make([]bool, len(got))
	var b strings.Builder
	for _, w := range wants {
		found := false
		for i, d := range got {
			if used[i] || d.Line != w.line || w.col != 0 && d.Column != w.col || d.RuleID != w.rule || !w.re.MatchString(d.Message) {
				continue
			}
			used[i], found = true, true
			break
		}
		if !found {
			col := ""
			if w.col != 0 {
				col = ":" + strconv.Itoa(w.col)
			}
			fmt.Fprintf(&b, "  missing: line %d%s %s %q\n", w.line, col, w.rule, w.re)
		}
	}
	for i, d := range got {
		if !used[i] {
			fmt.Fprintf(&b, "  unexpected: %d:%d %s %s\n", d.Line, d.Column, d.RuleID, d.Message)
		}
	}
	return b.String()
}

// readFixture reads a spec fixture and its expectations.
func readFixture(path, rule string) (*fixture, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fx := &fixture{path: path, data: data}
	lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n")
	for _, line := range lines[:min(2, len(lines))] {
		if m := headerRE.FindStringSubmatch(line); m != nil {
			switch m[1] {
			case "target":
				fx.cfg.Target = lint.Target(m[2])
			case "service-name":
				fx.cfg.ServiceName = m[2]
			}
		}
	}
	if filepath.Ext(path) == ".json" {
		wf, err := os.ReadFile(path + ".want")
		if errors.Is(err, os.ErrNotExist) {
			return fx, nil
		}
		if err != nil {
			return nil, err
		}
		for n, line := range strings.Split(string(wf), "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if t, ok := strings.CutPrefix(line, "target="); ok {
				fx.cfg.Target = lint.Target(t)
				continue
			}
			pos, rest, _ := strings.Cut(line, " ")
			l, c, _ := strings.Cut(pos, ":")
			ln, err := strconv.Atoi(l)
			if err != nil {
				return nil, fmt.Errorf("%s.want:%d: bad line number %q", path, n+1, l)
			}
			ws, err := parseWants(":"+c+" "+rest, rule)
			if err != nil || len(ws) != 1 {
				return nil, fmt.Errorf("%s.want:%d: want LINE[:COL] [rule] REGEXP: %v", path, n+1, err)
			}
			ws[0].line = ln
			fx.wants = append(fx.wants, ws...)
		}
		return fx, nil
	}
	for i, line := range lines {
		m := wantRE.FindStringSubmatch(strings.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		ws, err := parseWants(m[1], rule)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		for j := range ws {
			ws[j].line = i + 1
		}
		fx.wants = append(fx.wants, ws...)
	}
	return fx, nil
}

// parseWants parses the text after "want": a sequence of [:COL] [rule-id]
// REGEXP.
func parseWants(s, rule string) ([]want, error) {
	var out []want
	cur := want{rule: rule}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		switch s[0] {
		case ':':
			end := strings.IndexAny(s, " \t")
			if end < 0 {
				end = len(s)
			}
			if end > 1 {
				c, err := strconv.Atoi(s[1:end])
				if err != nil {
					return nil, fmt.Errorf("bad column %q", s[:end])
				}
				cur.col = c
			}
			s = s[end:]
		case '"', '`':
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, fmt.Errorf("bad quoted regexp in %q: %w", s, err)
			}
			text, _ := strconv.Unquote(q)
			re, err := regexp.Compile(text)
			if err != nil {
				return nil, fmt.Errorf("bad regexp %s: %w", q, err)
			}
			cur.re = re
			out = append(out, cur)
			cur = want{rule: rule}
			s = s[len(q):]
		default:
			end := strings.IndexAny(s, " \t")
			if end < 0 {
				end = len(s)
			}
			cur.rule = s[:end]
			s = s[end:]
		}
	}
	if cur.col != 0 || cur.rule != rule {
		return nil, fmt.Errorf("want ends without a message regexp: pin each finding's message with \"regexp\"")
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("want without a message regexp: pin each finding's message with \"regexp\"")
	}
	return out, nil
}
