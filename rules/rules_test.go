package rules_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
)

// TestRegistry checks the registry's invariants: sorted, unique, kebab-case
// IDs, complete documentation, and one file per rule named after it.
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
		if r.Category == "" || r.Severity == lint.SeverityNone {
			t.Errorf("%s: needs a category and a default severity", r.ID)
		}
		if r.Sources == nil {
			t.Errorf("%s: needs the upstream Sources it mirrors", r.ID)
			continue
		}
		for _, s := range r.Sources {
			if s.Link() == "" || s.String() == "" || s.Repo.Name != "" && s.Path == "" {
				t.Errorf("%s: incomplete source %+v", r.ID, s)
			}
		}
		hasCheck := r.Check != nil || r.CheckSet != nil || r.Endpoint != nil || r.Op != nil ||
			r.SecList != nil || r.Scheme != nil || r.Backend != nil
		if !hasCheck && !r.External {
			t.Errorf("%s: has no check and is not external", r.ID)
		}
		src, err := os.ReadFile(r.ID + ".go")
		if err != nil {
			t.Errorf("%s: a rule lives in its own file %s.go: %v", r.ID, r.ID, err)
			continue
		}
		if !strings.Contains(string(src), `ID:       "`+r.ID+`"`) && !strings.Contains(string(src), `"`+r.ID+`"`) {
			t.Errorf("%s.go does not declare rule %s", r.ID, r.ID)
		}
	}
}

// TestRuleFilesSmall keeps rule files to one concern: no file in rules/
// over 200 lines.
func TestRuleFilesSmall(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(data), "\n"); n > 200 {
			t.Errorf("%s has %d lines; a rule file should be small (split it)", f, n)
		}
	}
}

// TestContributingExample keeps the rule shown in CONTRIBUTING.md equal to
// the file it shows.
func TestContributingExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "CONTRIBUTING.md"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("endpoints-target-ipv4.go")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(doc), "   ```go\n")
	block, _, ok2 := strings.Cut(block, "   ```\n")
	if !ok || !ok2 {
		t.Fatal("CONTRIBUTING.md has no Go example")
	}
	var b strings.Builder
	for _, l := range strings.SplitAfter(block, "\n") {
		b.WriteString(strings.TrimPrefix(l, "   "))
	}
	if b.String() != string(src) {
		t.Errorf("the example in CONTRIBUTING.md differs from rules/endpoints-target-ipv4.go; copy the file into it")
	}
}
