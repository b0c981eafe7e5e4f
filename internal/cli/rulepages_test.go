package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/rules"
)

// TestRulePages keeps docs/rules/ID.md (what SARIF's helpUri links to) equal
// to the registry: one page per rule, no stale page. Refresh with
// UPDATE_DOCS=1 go test ./internal/cli -run TestRulePages.
func TestRulePages(t *testing.T) {
	dir := filepath.Join("..", "..", "docs", "rules")
	update := os.Getenv("UPDATE_DOCS") == "1"
	if update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]bool{}
	for _, r := range rules.All() {
		name := r.ID + ".md"
		want[name] = true
		page := RulePage(r)
		p := filepath.Join(dir, name)
		got, err := os.ReadFile(p)
		if string(got) == page {
			continue
		}
		if update {
			if err := os.WriteFile(p, []byte(page), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v (run UPDATE_DOCS=1 go test ./internal/cli -run TestRulePages)", p, err)
			continue
		}
		t.Errorf("%s is out of date (run UPDATE_DOCS=1 go test ./internal/cli -run TestRulePages)", p)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !want[e.Name()] && strings.HasSuffix(e.Name(), ".md") {
			if update {
				_ = os.Remove(filepath.Join(dir, e.Name()))
				continue
			}
			t.Errorf("docs/rules/%s names no rule; remove it", e.Name())
		}
	}
}
