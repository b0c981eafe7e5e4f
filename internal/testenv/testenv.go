// Package testenv gives tests what lies outside the repository (the shared
// folder of upstream data next to it, installed programs) and makes a test
// that cannot have it say so: it skips with the reason, or fails when the
// environment variable CI is "true", because a CI run must test everything.
// `make test` prints every skip with its reason.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Unavailable ends t because something it needs is missing: a skip with
// the reason, or a failure when CI=true.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: this fails instead of skipping)", msg)
	}
	t.Skip(msg)
}

// Shared returns the path of rel inside the shared folder kept next to the
// repository (../shared from its root), which holds upstream data (Google's
// sample specs, Service Management's test corpus, the SARIF schema) that the
// repository does not copy. When it is missing, t is Unavailable.
func Shared(t testing.TB, rel ...string) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(append([]string{filepath.Dir(root), "shared"}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		Unavailable(t, "needs ../shared/%s next to the repository: %v", filepath.ToSlash(filepath.Join(rel...)), err)
	}
	return p
}

// Program returns the path of an installed program; when it is not on the
// PATH, t is Unavailable.
func Program(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Unavailable(t, "needs the program %s: %v", name, err)
	}
	return p
}

var root struct {
	once sync.Once
	dir  string
	err  error
}

// repoRoot is the directory holding go.mod, found from the working
// directory (a test runs in its package's directory).
func repoRoot() (string, error) {
	root.once.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			root.err = err
			return
		}
		for d := dir; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				root.dir = d
				return
			}
			if filepath.Dir(d) == d {
				root.err = fmt.Errorf("no go.mod above %s", dir)
				return
			}
		}
	})
	return root.dir, root.err
}
