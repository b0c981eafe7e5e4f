package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnavailableSkipsOrFails runs this test binary again on a test that
// needs something missing: it must skip with the reason, and fail with
// CI=true.
func TestUnavailableSkipsOrFails(t *testing.T) {
	if os.Getenv("TESTENV_CHILD") == "1" {
		Program(t, "no-such-program-corsgate")
		t.Fatal("Program returned for a missing program")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, ci := range []string{"", "true"} {
		cmd := exec.Command(exe, "-test.run", "^TestUnavailableSkipsOrFails$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTENV_CHILD=1", "CI="+ci)
		out, err := cmd.CombinedOutput()
		text := string(out)
		if !strings.Contains(text, "needs the program no-such-program-corsgate") {
			t.Errorf("CI=%q: the reason is not in the output:\n%s", ci, text)
		}
		switch ci {
		case "true":
			if err == nil || !strings.Contains(text, "--- FAIL") || !strings.Contains(text, "fails instead of skipping") {
				t.Errorf("CI=true: want a failure, got err=%v:\n%s", err, text)
			}
		default:
			if err != nil || !strings.Contains(text, "--- SKIP") {
				t.Errorf("CI unset: want a skip, got err=%v:\n%s", err, text)
			}
		}
	}
}

// TestShared finds the folder next to the repository root (when it is
// there), from a package directory.
func TestShared(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repoRoot %s has no go.mod", root)
	}
	p := Shared(t, "schemas")
	if filepath.Dir(p) != filepath.Join(filepath.Dir(root), "shared") {
		t.Errorf("Shared = %s, want it in %s", p, filepath.Join(filepath.Dir(root), "shared"))
	}
}
