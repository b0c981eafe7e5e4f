package rules_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/google/go-cmp/cmp"
)

// Fixture layout: rules/testdata/<rule-id>/*.yaml|*.yml|*.json.
//
// A YAML line carrying a comment "# want" expects one finding of the folder's
// rule on that line; "# want :7" also pins the column; "# want other-id"
// expects a finding of another rule (only used by external rules). A JSON
// fixture lists its expected "line[:col]" entries, one per line, in a sibling
// file with the extra suffix ".want". A first-line comment "# target: NAME"
// selects the target profile. Every file of a rule that has CheckSet is linted
// together, as one run.
var wantRE = regexp.MustCompile(`#\s*want\b(.*)$`)
var targetRE = regexp.MustCompile(`^#\s*target:\s*(\S+)`)

type finding struct {
	File string
	Line int
	Col  int // 0 = not pinned
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
		t.Run(id, func(t *testing.T) { runFixtureDir(t, r, filepath.Join("testdata", id)) })
	}
	for _, r := range rules.All() {
		if r.Category == lint.CategoryFlags || r.Deprecated {
			continue // proxy-flag rules are tested with their inputs in package cors
		}
		if !seen[r.ID] {
			t.Errorf("rule %s has no fixture folder rules/testdata/%s", r.ID, r.ID)
		}
	}
}

func runFixtureDir(t *testing.T, r *lint.Rule, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var docs []*spec.Document
	var loadDiags []lint.Diagnostic
	want := map[string][]finding{}
	targets := map[string]lint.Target{}
	positives, negatives := 0, 0
	for _, f := range files {
		ext := filepath.Ext(f)
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ws, target := expectations(t, f, data)
		if len(ws) > 0 {
			positives++
		} else {
			negatives++
		}
		want[f] = ws
		targets[f] = target
		doc, err := spec.Parse(f, data, spec.Options{})
		if err != nil {
			var le *spec.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("%s: %v", f, err)
			}
			loadDiags = append(loadDiags, rules.LoadDiagnostic(le))
			continue
		}
		docs = append(docs, doc)
	}
	if positives == 0 || negatives == 0 {
		t.Errorf("%s: need at least one file with # want (positive) and one without (negative); have %d and %d", dir, positives, negatives)
	}
	got := map[string][]finding{}
	record := func(ds []lint.Diagnostic) {
		for _, d := range ds {
			if d.RuleID != r.ID {
				continue
			}
			got[d.File] = append(got[d.File], finding{d.File, d.Line, d.Column})
		}
	}
	record(loadDiags)
	if r.CheckSet != nil {
		ds, err := lint.Run(context.Background(), docs, []*lint.Rule{r}, &lint.Config{Target: targets[files[0]]}, nil)
		if err != nil {
			t.Fatal(err)
		}
		record(ds)
	} else {
		for _, doc := range docs {
			ds, err := lint.Run(context.Background(), []*spec.Document{doc}, []*lint.Rule{r}, &lint.Config{Target: targets[doc.Name]}, nil)
			if err != nil {
				t.Fatal(err)
			}
			record(ds)
		}
	}
	for f := range want {
		w, g := want[f], got[f]
		// Columns are compared only where the fixture pins them.
		pinned := map[int]bool{}
		for _, x := range w {
			if x.Col != 0 {
				pinned[x.Line] = true
			}
		}
		for i := range g {
			if !pinned[g[i].Line] {
				g[i].Col = 0
			}
		}
		sortFindings(w)
		sortFindings(g)
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s: findings of %s differ (-want +got):\n%s\nmessages:\n%s", f, r.ID, diff, messages(r, f, docs, loadDiags))
		}
	}
}

func messages(r *lint.Rule, f string, docs []*spec.Document, extra []lint.Diagnostic) string {
	var b strings.Builder
	for _, d := range extra {
		if d.File == f {
			fmt.Fprintf(&b, "  %d:%d %s %s\n", d.Line, d.Column, d.RuleID, d.Message)
		}
	}
	for _, doc := range docs {
		if doc.Name != f {
			continue
		}
		ds, _ := lint.Run(context.Background(), []*spec.Document{doc}, []*lint.Rule{r}, nil, nil)
		for _, d := range ds {
			fmt.Fprintf(&b, "  %d:%d %s %s\n", d.Line, d.Column, d.RuleID, d.Message)
		}
	}
	return b.String()
}

func sortFindings(fs []finding) {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Line != fs[j].Line {
			return fs[i].Line < fs[j].Line
		}
		return fs[i].Col < fs[j].Col
	})
}

func expectations(t *testing.T, f string, data []byte) ([]finding, lint.Target) {
	t.Helper()
	var ws []finding
	target := lint.TargetESPv2
	if strings.HasSuffix(f, ".json") {
		wf, err := os.ReadFile(f + ".want")
		if err != nil {
			return nil, target
		}
		for _, line := range strings.Fields(string(wf)) {
			if strings.HasPrefix(line, "target=") {
				target = lint.Target(strings.TrimPrefix(line, "target="))
				continue
			}
			l, c, _ := strings.Cut(line, ":")
			ln, err := strconv.Atoi(l)
			if err != nil {
				t.Fatalf("%s.want: bad line %q", f, line)
			}
			cn, _ := strconv.Atoi(c)
			ws = append(ws, finding{f, ln, cn})
		}
		return ws, target
	}
	for i, line := range strings.Split(string(data), "\n") {
		if i == 0 || i == 1 {
			if m := targetRE.FindStringSubmatch(strings.TrimPrefix(line, "\ufeff")); m != nil {
				target = lint.Target(m[1])
			}
		}
		m := wantRE.FindStringSubmatch(strings.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		fields := strings.Fields(m[1])
		if len(fields) == 0 {
			ws = append(ws, finding{f, i + 1, 0})
			continue
		}
		for _, fl := range fields {
			col := 0
			if j := strings.IndexByte(fl, ':'); j >= 0 {
				col, _ = strconv.Atoi(fl[j+1:])
			}
			ws = append(ws, finding{f, i + 1, col})
		}
	}
	return ws, target
}

// TestRegistry checks the registry's invariants: sorted, unique, kebab-case
// IDs, and complete documentation.
func TestRegistry(t *testing.T) {
	idRE := regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	all := rules.All()
	if len(all) == 0 {
		t.Fatal("no rules registered")
	}
	for i, r := range all {
		if i > 0 && all[i-1].ID >= r.ID {
			t.Errorf("registry not sorted/unique at %s", r.ID)
		}
		if !idRE.MatchString(r.ID) {
			t.Errorf("%s: ID is not kebab-case", r.ID)
		}
		if r.Doc == "" || !strings.HasSuffix(r.Doc, ".") {
			t.Errorf("%s: Doc must be one sentence ending with a period", r.ID)
		}
		if r.Bad == "" || r.Good == "" {
			t.Errorf("%s: needs Bad and Good examples", r.ID)
		}
		if r.Source == "" {
			t.Errorf("%s: needs the upstream Source it mirrors", r.ID)
		}
		if r.Category == "" || r.Severity == lint.SeverityNone {
			t.Errorf("%s: needs a category and a default severity", r.ID)
		}
		if r.Check == nil && r.CheckSet == nil && !r.External {
			t.Errorf("%s: has no check and is not external", r.ID)
		}
	}
}
