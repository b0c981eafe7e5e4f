package spec

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// found is what Expand returned, relative to dir: the name, and for inputs
// that cannot be read, the reason Read gives.
func found(t *testing.T, dir string, ins []Input) []string {
	t.Helper()
	var out []string
	for _, in := range ins {
		name := strings.TrimPrefix(filepath.ToSlash(in.Name), filepath.ToSlash(dir)+"/")
		if _, err := Read(in, nil, 0); err != nil {
			re, ok := errors.AsType[*ReadError](err)
			if !ok || !errors.Is(err, ErrUnreadable) || re.File != in.Name {
				t.Errorf("%s: Read error %T %v is not a ReadError naming the file", name, err, err)
				continue
			}
			name += ": " + re.Reason()
		}
		out = append(out, name)
	}
	return out
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// TestExpandReportsUnreadable: a directory scan returns every file it could
// not read with the reason (it used to skip them silently), and still skips
// what is not a spec.
func TestExpandReportsUnreadable(t *testing.T) {
	dir := t.TempDir()
	api := filepath.Join(dir, "api")
	if err := os.MkdirAll(filepath.Join(api, "dir.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"a.yaml": minimal, "k8s.yaml": "kind: Deployment\n"} {
		if err := os.WriteFile(filepath.Join(api, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	symlink(t, "gone.yaml", filepath.Join(api, "broken.yaml")) // dangling link
	symlink(t, "loop.yml", filepath.Join(api, "loop.yml"))     // link to itself
	symlink(t, "dir.yaml", filepath.Join(api, "to-dir.json"))  // link to a directory: not a file
	got, err := Expand(t.Context(), []string{api})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"api/a.yaml",
		"api/broken.yaml: " + syscall.ENOENT.Error(),
		"api/loop.yml: " + syscall.ELOOP.Error(),
	}
	if diff := cmp.Diff(want, found(t, dir, got)); diff != "" {
		t.Errorf("Expand (-want +got):\n%s", diff)
	}
}

// TestExpandPermissionDenied: files and directories without read permission
// inside a scanned directory are reported (root reads them anyway, so the
// test needs another user; the dangling links above take the same path).
func TestExpandPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, which reads files without read permission")
	}
	dir := t.TempDir()
	for _, p := range []string{"a.yaml", "secret.yaml", "locked/b.yaml"} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(minimal), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"secret.yaml", "locked"} {
		if err := os.Chmod(filepath.Join(dir, p), 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(filepath.Join(dir, p), 0o755) })
	}
	got, err := Expand(t.Context(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	denied := fs.ErrPermission.Error()
	want := []string{"a.yaml", "locked: " + denied, "secret.yaml: " + denied}
	if diff := cmp.Diff(want, found(t, dir, got)); diff != "" {
		t.Errorf("Expand (-want +got):\n%s", diff)
	}
}

// TestExpandSymlinkedDir: a symbolic link to a directory is searched like
// the directory, with or without a trailing slash, and findings name the
// path through the link.
func TestExpandSymlinkedDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "real", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "real", "sub", "a.yaml"), []byte(minimal), 0o644); err != nil {
		t.Fatal(err)
	}
	symlink(t, "real", filepath.Join(dir, "link"))
	for _, arg := range []string{"link", "link" + string(filepath.Separator)} {
		got, err := Expand(t.Context(), []string{filepath.Join(dir, arg)})
		if err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		if diff := cmp.Diff([]string{"link/sub/a.yaml"}, found(t, dir, got)); diff != "" {
			t.Errorf("%s: Expand (-want +got):\n%s", arg, diff)
		}
	}
}

// TestExpandCancelled: a cancelled search stops with the context's error.
func TestExpandCancelled(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(minimal), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, arg := range []string{dir, filepath.Join(dir, "a.yaml")} {
		if _, err := Expand(ctx, []string{arg}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", arg, err)
		}
	}
}

// TestLooksLikeSpec: the directory search and --skip-non-specs keep files
// with a top-level swagger or openapi key that holds a version, in YAML or
// JSON, and nothing else.
func TestLooksLikeSpec(t *testing.T) {
	cases := map[string]bool{
		"swagger: \"2.0\"\ninfo: {}\n":                                      true,
		"\xef\xbb\xbfswagger: '2.0'\n":                                      true,
		"info: {}\nopenapi: 3.0.3\n":                                        true,
		"'openapi': 3.1.0\n":                                                true,
		"{\"openapi\": \"3.1.0\", \"info\": {}}":                            true,
		"{\n  \"swagger\" : \"2.0\"\n}":                                     true,
		"{\"name\": \"web\", \"scripts\": {\"openapi\": \"redocly lint\"}}": false,
		"repos: []\n":                           false,
		"jobs:\n  openapi: {runs-on: ubuntu}\n": false,
		"# openapi: 3.0.0\nname: x\n":           false,
	}
	dir := t.TempDir()
	i := 0
	for content, want := range cases {
		i++
		p := filepath.Join(dir, fmt.Sprintf("f%d.yaml", i))
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := looksLikeSpec(p)
		if err != nil || got != want {
			t.Errorf("looksLikeSpec(%q) = %v, %v; want %v", content, got, err, want)
		}
	}
}
