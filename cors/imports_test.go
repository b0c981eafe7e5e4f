package cors

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoLintEngine keeps the lint engine out of cors and of the packages it
// builds on (serve and flags use cors without it): package rules turns flag
// findings into lint diagnostics.
func TestNoLintEngine(t *testing.T) {
	for _, dir := range []string{".", filepath.Join("..", "internal", "spec")} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == "github.com/corsgate/corsgate/lint" || p == "github.com/corsgate/corsgate/rules" {
					t.Errorf("%s imports %s", f, p)
				}
			}
		}
	}
}
