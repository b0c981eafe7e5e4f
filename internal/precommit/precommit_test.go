// Package precommit tests the pre-commit hooks of .pre-commit-hooks.yaml with
// the real pre-commit: `pre-commit try-repo` builds corsgate from a copy of
// this checkout (language: golang) and runs the hooks in a temporary
// repository.
package precommit

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/testenv"
	"go.yaml.in/yaml/v3"
)

// need fails with CI=true, and skips otherwise, when a program is missing.
func need(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		testenv.Program(t, n)
	}
}

// gitEnv is the environment for git and pre-commit: no user configuration
// needed, and a Go build that reuses the build cache although pre-commit
// builds in a new directory each time (-trimpath keeps paths out of the
// cache keys; no cgo, as the release and the Action build) and the module
// cache although it sets its own GOPATH.
func gitEnv(t *testing.T) []string {
	t.Helper()
	modCache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || k == "GOFLAGS" || k == "PRE_COMMIT_HOME" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"GIT_AUTHOR_NAME=test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=test", "GIT_COMMITTER_EMAIL=test@example.com",
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GOFLAGS=-trimpath", "CGO_ENABLED=0", "GOMODCACHE="+strings.TrimSpace(string(modCache)), "GOTOOLCHAIN=local",
		"PRE_COMMIT_HOME="+t.TempDir(), "NO_COLOR=1",
	)
}

func run(t *testing.T, env []string, dir, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		return out.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return out.String(), 0
}

func mustRun(t *testing.T, env []string, dir, name string, args ...string) {
	t.Helper()
	if out, code := run(t, env, dir, name, args...); code != 0 {
		t.Fatalf("%s %v: exit %d\n%s", name, args, code, out)
	}
}

// hookRepo commits a copy of this checkout (the files git tracks or would
// track, so uncommitted work is tested too) into a new repository.
func hookRepo(t *testing.T, env []string) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	ls := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	ls.Dir = root
	list, err := ls.Output()
	if err != nil {
		t.Fatalf("git ls-files in %s: %v", root, err)
	}
	dst := t.TempDir()
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		src := filepath.Join(root, name)
		st, err := os.Lstat(src)
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if !st.Mode().IsRegular() {
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, env, dst, "git", "init", "-q")
	mustRun(t, env, dst, "git", "add", "-A")
	mustRun(t, env, dst, "git", "commit", "-q", "-m", "hooks")
	return dst
}

// project makes a repository holding files (name -> content), all staged.
func project(t *testing.T, env []string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, env, dir, "git", "init", "-q")
	mustRun(t, env, dir, "git", "add", "-A")
	return dir
}

func spec(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "specs", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTryRepo runs both hooks with `pre-commit try-repo` on a repository
// that also holds files that are not specs (pre-commit passes them too).
func TestTryRepo(t *testing.T) {
	need(t, "pre-commit", "git", "go")
	env := gitEnv(t)
	hooks := hookRepo(t, env)
	others := map[string]string{
		"package.json":             `{"name": "web", "version": "1.0.0"}` + "\n",
		".github/workflows/ci.yml": "on: push\njobs: {}\n",
		"README.md":                "# api\n",
	}
	with := func(extra map[string]string) map[string]string {
		files := map[string]string{}
		for k, v := range others {
			files[k] = v
		}
		for k, v := range extra {
			files[k] = v
		}
		return files
	}
	tests := []struct {
		name     string
		files    map[string]string
		code     int
		want     []string // in the output
		dontWant []string
	}{
		{
			name:  "mismatched spec fails and shows the finding",
			files: with(map[string]string{"api/openapi.yaml": spec(t, "mismatch.yaml")}),
			code:  1,
			want: []string{
				"corsgate lint",
				"api/openapi.yaml:11:9: error: OpenAPI spec is invalid. The endpoint name: 'echo-api.endpoints.corsgate-dmeo.cloud.goog'",
				"[endpoints-name-matches-host]",
				"api/openapi.yaml:12:14: warning: allowCors is the string \"true\"",
				"corsgate sync-name (fix with corsgate transform sync-name -w FILE)",
			},
			dontWant: []string{"package.json", "ci.yml", "not an OpenAPI document", "Passed"},
		},
		{
			name:     "clean spec passes",
			files:    with(map[string]string{"api/openapi.yaml": spec(t, "sample.yaml")}),
			code:     0,
			want:     []string{"corsgate lint", "Passed", "corsgate sync-name"},
			dontWant: []string{"Failed", "error:"},
		},
		{
			name: ".corsgate.yaml at the root is read",
			files: with(map[string]string{
				"api/openapi.yaml": spec(t, "sample.yaml"),
				".corsgate.yaml":   "rules:\n  cors-preflight-headers: error\n",
			}),
			code: 1,
			want: []string{"api/openapi.yaml:13:3: error: allowCors sends preflights to your backend", "[cors-preflight-headers]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := project(t, env, tt.files)
			out, code := run(t, env, dir, "pre-commit", "try-repo", hooks, "--all-files", "--color", "never")
			if code != tt.code {
				t.Errorf("pre-commit try-repo: exit %d, want %d\n%s", code, tt.code, out)
			}
			for _, s := range tt.want {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q\n%s", s, out)
				}
			}
			// The config and the hooks' own names are echoed at the top.
			_, report, _ := strings.Cut(out, "\n====")
			for _, s := range tt.dontWant {
				if strings.Contains(report, s) {
					t.Errorf("output has %q\n%s", s, out)
				}
			}
		})
	}
}

// TestReadmeConfig: the README's .pre-commit-config.yaml names every hook of
// .pre-commit-hooks.yaml and no other.
func TestReadmeConfig(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "```yaml\n# .pre-commit-config.yaml\n")
	if !ok {
		t.Fatal("README.md has no .pre-commit-config.yaml block")
	}
	block, _, _ := strings.Cut(after, "```")
	var cfg struct {
		Repos []struct {
			Repo  string
			Hooks []struct{ ID string }
		}
	}
	if err := yaml.Unmarshal([]byte(block), &cfg); err != nil {
		t.Fatal(err)
	}
	var hooks []struct{ ID string }
	data, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, r := range cfg.Repos {
		if r.Repo != "https://github.com/corsgate/corsgate" {
			t.Errorf("repo %q", r.Repo)
		}
		for _, h := range r.Hooks {
			got = append(got, h.ID)
		}
	}
	for _, h := range hooks {
		want = append(want, h.ID)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("README hooks %v, .pre-commit-hooks.yaml %v", got, want)
	}
}
