package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// TestVersionInfo checks each source of the version: release ldflags win,
// else the module build info (go install …@vX.Y.Z, a build in a checkout),
// else placeholders.
func TestVersionInfo(t *testing.T) {
	installed := &debug.BuildInfo{Main: debug.Module{Path: "github.com/corsgate/corsgate", Version: "v1.4.2"}}
	checkout := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/corsgate/corsgate", Version: "v0.0.0-20261125101500-0123456789ab+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-11-25T10:15:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	devel := &debug.BuildInfo{Main: debug.Module{Path: "github.com/corsgate/corsgate", Version: "(devel)"}}
	tests := []struct {
		name                string
		env                 Env
		info                *debug.BuildInfo // nil: no build info
		version, commit, at string
	}{
		{"go install at a tag", Env{}, installed, "v1.4.2", "unknown", "unknown"},
		{"build in a checkout", Env{}, checkout, "v0.0.0-20261125101500-0123456789ab+dirty", "0123456789abcdef0123456789abcdef01234567", "2026-11-25T10:15:00Z"},
		{"release ldflags win", Env{Version: "1.5.0", Commit: "abc1234", Date: "2026-12-01T00:00:00Z"}, checkout, "1.5.0", "abc1234", "2026-12-01T00:00:00Z"},
		{"ldflags version only", Env{Version: "1.5.0"}, checkout, "1.5.0", "0123456789abcdef0123456789abcdef01234567", "2026-11-25T10:15:00Z"},
		{"devel build", Env{}, devel, "(devel)", "unknown", "unknown"},
		{"no build info", Env{}, nil, "(devel)", "unknown", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := readBuildInfo
			t.Cleanup(func() { readBuildInfo = old })
			readBuildInfo = func() (*debug.BuildInfo, bool) { return tt.info, tt.info != nil }
			v, c, d := versionInfo(&tt.env)
			if v != tt.version || c != tt.commit || d != tt.at {
				t.Errorf("versionInfo = %q, %q, %q; want %q, %q, %q", v, c, d, tt.version, tt.commit, tt.at)
			}
			var out bytes.Buffer
			env := tt.env
			env.Stdout, env.Stderr, env.Context = &out, &out, context.Background()
			if code := Main([]string{"version"}, env); code != ExitOK {
				t.Fatalf("exit %d: %s", code, out.String())
			}
			if first, _, _ := strings.Cut(out.String(), "\n"); first != "corsgate "+tt.version {
				t.Errorf("first line %q, want %q", first, "corsgate "+tt.version)
			}
		})
	}
}

// TestVersionGoInstall installs corsgate the way users do, `go install
// github.com/corsgate/corsgate/cmd/corsgate@vX.Y.Z`, from a module proxy on
// disk that serves this checkout at a made-up tag, and checks that `corsgate
// version` reports the tag. Dependencies come from the local module cache
// read as a file proxy, so nothing is downloaded; the checksum database is
// off because nothing comes from the network (the cache was verified against
// go.sum when it was filled).
func TestVersionGoInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds corsgate from a module zip; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	const (
		modPath = "github.com/corsgate/corsgate"
		tag     = "v1.99.7" // made up; major version 0 or 1, as the module path has no /vN
	)
	root := moduleRoot(t)
	modCache := goEnv(t, "GOMODCACHE")
	proxy := t.TempDir()
	dir := filepath.Join(proxy, modPath, "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	goMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	info := `{"Version":"` + tag + `","Time":"` + time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC).Format(time.RFC3339) + `"}`
	for name, data := range map[string][]byte{"list": []byte(tag + "\n"), tag + ".info": []byte(info), tag + ".mod": goMod} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeModuleZip(t, root, modPath+"@"+tag, filepath.Join(dir, tag+".zip"))

	gobin := t.TempDir()
	cmd := exec.Command(goBin, "install", modPath+"/cmd/corsgate@"+tag)
	cmd.Env = append(os.Environ(),
		"GOBIN="+gobin,
		"GOMODCACHE="+t.TempDir(),
		"GOPROXY=file://"+filepath.ToSlash(proxy)+",file://"+filepath.ToSlash(filepath.Join(modCache, "cache", "download")),
		"GOSUMDB=off", "GOPRIVATE=", "GONOPROXY=", "GOTOOLCHAIN=local",
		// -trimpath and no cgo, as the release and the Action build: the
		// dependencies, unpacked into a new module cache each run, then
		// hit the build cache.
		"GOFLAGS=-modcacherw -trimpath", "CGO_ENABLED=0",
	)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(gobin, "corsgate"), "version").CombinedOutput()
	if err != nil {
		t.Fatalf("corsgate version: %v\n%s", err, out)
	}
	if first, _, _ := strings.Cut(string(out), "\n"); first != "corsgate "+tag {
		t.Errorf("corsgate version printed %q first, want %q:\n%s", first, "corsgate "+tag, out)
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	gomod := goEnv(t, "GOMOD")
	if gomod == "" || gomod == os.DevNull {
		t.Fatal("not inside the module")
	}
	return filepath.Dir(gomod)
}

func goEnv(t *testing.T, key string) string {
	t.Helper()
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", key, err)
	}
	return strings.TrimSpace(string(out))
}

// writeModuleZip writes the module zip the proxy protocol serves: every file
// of the checkout that git tracks or would track, under prefix/.
func writeModuleZip(t *testing.T, root, prefix, dst string) {
	t.Helper()
	ls := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	ls.Dir = root
	list, err := ls.Output()
	if err != nil {
		t.Skipf("git ls-files (needed to pick the module's files): %v", err)
	}
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(prefix + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
