package rules_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
)

// familyPrefixes are the rule families of security.go, backend.go,
// management.go, cors.go and legacy.go.
var familyPrefixes = []string{"security-", "backend-", "management-", "quota-", "cors-"}

func familyRules() []*lint.Rule {
	var out []*lint.Rule
	for _, r := range rules.All() {
		for _, p := range familyPrefixes {
			if strings.HasPrefix(r.ID, p) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// TestFamilyCorpus runs these families over the real-world corpus (Google's
// own deployable samples) and checks that none of them reports an error on
// the files Google deployed successfully, and that every finding carries a
// position. Findings are logged with -v for review.
func TestFamilyCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus", "real-world")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Skip("real-world corpus not present")
	}
	rs := familyRules()
	if len(rs) == 0 {
		t.Fatal("no rules of these families registered")
	}
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".json" && ext != ".yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := spec.Parse(filepath.Base(f), data, spec.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		ds, err := lint.Run([]*spec.Document{doc}, rs, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			t.Logf("%s:%d:%d %s %s: %s", d.File, d.Line, d.Column, d.Severity, d.RuleID, d.Message)
			if d.Line == 0 {
				t.Errorf("%s: %s finding without a position", d.File, d.RuleID)
			}
			if d.Severity == lint.Error && !strings.HasPrefix(filepath.Base(f), "api-compiler_") {
				t.Errorf("%s:%d: %s reports an error on a spec Google deployed: %s", d.File, d.Line, d.RuleID, d.Message)
			}
		}
	}
}
