package spec

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/testenv"
)

// filesUnder returns the files under root whose names end in one of exts,
// .git and node_modules left out.
func filesUnder(root string, exts ...string) []string {
	var out []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
		case d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules"):
			return filepath.SkipDir
		case !d.IsDir():
			for _, e := range exts {
				if strings.HasSuffix(p, e) {
					out = append(out, p)
					break
				}
			}
		}
		return nil
	})
	return out
}

// Extensions of the inputs the file-based tests read.
var (
	jsonExts = []string{".json"}
	yamlExts = []string{".yaml", ".yml"}
	specExts = []string{".json", ".yaml", ".yml"}
)

// eachFileSet runs fn on the repository's files with one of exts (subtest
// and set "repo") and on the shared corpus's (subtest and set "corpus",
// which skips with the reason, or fails under CI=true, without ../shared).
func eachFileSet(t *testing.T, exts []string, fn func(t *testing.T, set string, files []string)) {
	t.Run("repo", func(t *testing.T) { fn(t, "repo", filesUnder(filepath.Join("..", ".."), exts...)) })
	t.Run("corpus", func(t *testing.T) { fn(t, "corpus", filesUnder(testenv.Shared(t, "corpus"), exts...)) })
}

// fuzzSeeds adds the repository's files with one of exts, and the shared
// corpus's when it is there (seeds are extras: a fuzz target runs without
// them), that are at most maxFuzzInput bytes.
func fuzzSeeds(f *testing.F, exts ...string) {
	files := filesUnder(filepath.Join("..", ".."), exts...)
	files = append(files, filesUnder(filepath.Join("..", "..", "..", "shared", "corpus"), exts...)...)
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && len(data) <= maxFuzzInput {
			f.Add(data)
		}
	}
}
