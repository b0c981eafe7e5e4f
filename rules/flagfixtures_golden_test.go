package rules_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/google/go-cmp/cmp"
)

// TestFlagFixturesGolden pins every finding of every proxy-flag fixture,
// whole messages and severities included, in testdata/flags.golden
// (refresh with go test ./rules -run TestFlagFixturesGolden -update).
func TestFlagFixturesGolden(t *testing.T) {
	var b strings.Builder
	for _, r := range rules.All() {
		if r.Category != lint.CategoryFlags {
			continue
		}
		for _, f := range flagFixturePaths(filepath.Join("testdata", r.ID)) {
			fx, err := readFlagFixture(f, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, _, all := lintFlagFixture(t, fx)
			fmt.Fprintf(&b, "== %s\n", filepath.ToSlash(f))
			for _, d := range all {
				loc := fmt.Sprintf("%s:%d:%d", filepath.ToSlash(d.File), d.Line, d.Column)
				if d.Arg > 0 || d.Line == 0 {
					loc = fmt.Sprintf("%s#%d", d.File, d.Arg)
				}
				fmt.Fprintf(&b, "%s %s %s: %s\n", loc, d.Severity, d.RuleID, d.Message)
			}
		}
	}
	path := filepath.Join("testdata", "flags.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./rules -run TestFlagFixturesGolden -update)", err)
	}
	if d := cmp.Diff(string(want), b.String()); d != "" {
		t.Errorf("%s differs (-want +got); refresh with -update if intended:\n%s", path, d)
	}
}
