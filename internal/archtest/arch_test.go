package archtest

import (
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/corsgate/corsgate/"

// allowed lists, for each package of the module, the packages of the module
// it may import (docs/architecture.md). A package missing here fails the
// test: new packages declare their place.
var allowed = map[string][]string{
	"cmd/corsgate":         {"internal/cli"},
	"internal/cli":         {"*"},
	"internal/format":      {"lint", "internal/probe", "cors"},
	"internal/probe":       {"cors", "internal/proxy", "internal/spec", "lint"},
	"internal/proxy":       {"cors", "internal/spec"},
	"rules":                {"lint", "cors", "internal/spec", "internal/oasschema"},
	"transform":            {"lint", "cors", "internal/spec", "internal/yamledit"},
	"lint":                 {"internal/spec"},
	"cors":                 {"internal/spec"},
	"internal/yamledit":    {"internal/spec"},
	"internal/spec":        {"internal/grow"},
	"internal/oasschema":   {"internal/spec", "lint", "internal/grow"},
	"internal/grow":        {},
	"internal/hugeheap":    {},
	"internal/safewrite":   {},
	"internal/archtest":    {},
	"internal/browsertest": {},
	"internal/precommit":   {},
	"action":               {},
	// Test support: what tests need from outside the repository; the
	// summary make test prints.
	"internal/testenv":         {},
	"internal/testenv/summary": {},
	// Generators run by go generate and the release: commands of their own.
	"internal/tools/gendocs":   {"internal/cli"},
	"internal/tools/genschema": {"lint", "rules"},
	"bench/gen":                {"bench/gen/specgen"},
	"bench/gen/specgen":        {},
	"bench/gen/cputime":        {},
	"bench/lint":               {},
	"bench/serve/backend":      {},
	"bench/probe/backend":      {},
	"bench/probe/analyze":      {},
}

// onlyIn names third-party imports (and calls) that belong to one place.
var onlyIn = map[string][]string{
	"github.com/spf13/cobra": {"internal/cli"},    // commands and flags
	"github.com/fatih/color": {"internal/format"}, // colour is output formatting
}

func packages(t *testing.T) map[string]*build.Package {
	t.Helper()
	root := filepath.Join("..", "..")
	out := map[string]*build.Package{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(p, 0)
		if err != nil {
			return nil // no Go files here
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = pkg
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLayering(t *testing.T) {
	pkgs := packages(t)
	if len(pkgs) < 10 {
		t.Fatalf("found %d packages; the walk is broken", len(pkgs))
	}
	for rel, pkg := range pkgs {
		rules, ok := allowed[rel]
		if !ok {
			t.Errorf("package %s has no place in the layering: add it to allowed (and to docs/architecture.md)", rel)
			continue
		}
		for _, imp := range pkg.Imports { // production code only, not tests
			dep, ok := strings.CutPrefix(imp, module)
			if ok && !slices.Contains(rules, "*") && !slices.Contains(rules, dep) {
				t.Errorf("%s imports %s, which the layering does not allow", rel, dep)
			}
			if places, ok := onlyIn[imp]; ok && !slices.Contains(places, rel) {
				t.Errorf("%s imports %s, which belongs only in %v", rel, imp, places)
			}
		}
	}
}

// TestOnlyMainExits: library packages never exit; a command's main (cmd/corsgate
// turns cli.Main's code into the process's exit status) is the only place.
func TestOnlyMainExits(t *testing.T) {
	for rel, pkg := range packages(t) {
		if pkg.Name == "main" { // commands: cmd/corsgate, the generators, bench tools
			continue
		}
		if strings.HasPrefix(rel, "bench/") {
			continue
		}
		for _, f := range pkg.GoFiles {
			src, err := os.ReadFile(filepath.Join(pkg.Dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(src), "os.Exit(") {
				t.Errorf("%s/%s calls os.Exit; return an error (internal/cli maps it to an exit code)", rel, f)
			}
		}
	}
}
