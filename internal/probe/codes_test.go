package probe

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCodeDocsMatchCheckerDoc keeps CodeDocs (SARIF rule texts) and the
// code tables of docs/checker.md listing the same codes.
func TestCodeDocsMatchCheckerDoc(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "checker.md"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z][A-Z_]+)` \\|").FindAllStringSubmatch(string(data), -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			documented = append(documented, m[1])
		}
	}
	sort.Strings(documented)
	if diff := cmp.Diff(documented, Codes()); diff != "" {
		t.Errorf("codes in docs/checker.md (-) and CodeDocs (+):\n%s", diff)
	}
	for kind, code := range hostileCode {
		if CodeDocs[code] == "" {
			t.Errorf("%s (origin %s) has no doc", code, kind)
		}
	}
}
