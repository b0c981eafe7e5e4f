package safewrite

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, p, s string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// leftovers reports temporary files left in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if strings.Contains(e.Name(), ".corsgate-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestReplaceKeepsMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.yaml")
	write(t, p, "old", 0o640)
	if err := Replace(p, []byte("old"), []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, p); got != "new" {
		t.Errorf("content %q", got)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st.Mode().Perm())
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

func TestReplaceSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.yaml")
	link := filepath.Join(dir, "link.yaml")
	write(t, real, "old", 0o600)
	if err := os.Symlink("real.yaml", link); err != nil {
		t.Skip("symlinks not supported:", err)
	}
	if err := Replace(link, []byte("old"), []byte("new")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("link is no longer a symlink (%v)", err)
	}
	if got := read(t, real); got != "new" {
		t.Errorf("target content %q", got)
	}
}

func TestReplaceErrorsLeaveOriginal(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir, p string) (path string, old []byte)
		want  error
	}{
		{"directory given as file", func(t *testing.T, dir, p string) (string, []byte) {
			return dir, []byte("old")
		}, nil},
		{"missing file", func(t *testing.T, dir, p string) (string, []byte) {
			return filepath.Join(dir, "nope.yaml"), []byte("old")
		}, fs.ErrNotExist},
		{"changed since read", func(t *testing.T, dir, p string) (string, []byte) {
			return p, []byte("something else")
		}, ErrChanged},
		{"unwritable directory", func(t *testing.T, dir, p string) (string, []byte) {
			createTemp = func(string, string) (*os.File, error) { return nil, fs.ErrPermission }
			t.Cleanup(func() { createTemp = os.CreateTemp })
			return p, []byte("old")
		}, fs.ErrPermission},
		{"removed mid-run", func(t *testing.T, dir, p string) (string, []byte) {
			createTemp = func(d, pat string) (*os.File, error) {
				os.Rename(p, p+".moved") // someone removes the file while we write
				return os.CreateTemp(d, pat)
			}
			t.Cleanup(func() { createTemp = os.CreateTemp; os.Rename(p+".moved", p) })
			return p, []byte("old")
		}, ErrChanged},
		{"read-only file", func(t *testing.T, dir, p string) (string, []byte) {
			os.Chmod(p, 0o444)
			t.Cleanup(func() { os.Chmod(p, 0o644) })
			return p, []byte("old")
		}, fs.ErrPermission},
		{"rename fails", func(t *testing.T, dir, p string) (string, []byte) {
			rename = func(string, string) error { return fs.ErrPermission }
			t.Cleanup(func() { rename = os.Rename })
			return p, []byte("old")
		}, fs.ErrPermission},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "a.yaml")
			write(t, p, "old", 0o644)
			path, old := tt.setup(t, dir, p)
			err := Replace(path, old, []byte("new"))
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			if _, serr := os.Stat(p + ".moved"); serr == nil {
				if got := read(t, p+".moved"); got != "old" {
					t.Errorf("original now holds %q", got)
				}
				if _, serr := os.Stat(p); serr == nil {
					t.Error("a removed file was recreated")
				}
			} else if got := read(t, p); got != "old" {
				t.Errorf("original now holds %q", got)
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("temporary files left: %v", l)
			}
		})
	}
}

// TestReplaceUnwritableDirReal uses real permissions; root ignores them, so
// it only runs for other users (TestReplaceErrorsLeaveOriginal covers root).
func TestReplaceUnwritableDirReal(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "a.yaml")
	write(t, p, "old", 0o644)
	os.Chmod(dir, 0o555)
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if err := Replace(p, []byte("old"), []byte("new")); err == nil {
		t.Fatal("no error writing into a read-only directory")
	}
	if got := read(t, p); got != "old" {
		t.Errorf("original now holds %q", got)
	}
}
