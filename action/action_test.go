// Package action holds the GitHub Action's shell steps (action.yml at the
// repository root runs them). The tests run each script with bash as a
// subprocess, with fake GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_OS and
// RUNNER_ARCH, against a corsgate built from this checkout.
package action

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/corsgate/corsgate/internal/testenv"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// needTools skips (or, with CI=true, fails) when a program the scripts need
// is missing.
func needTools(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		testenv.Program(t, n)
	}
	if runtime.GOOS == "windows" {
		t.Skip("the scripts are tested with Linux's bash")
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// corsgateBinary builds corsgate from this checkout once per test run.
func corsgateBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "corsgate-action-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "corsgate")
		cmd := exec.Command("go", "build", "-o", binPath, "../cmd/corsgate")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// result is what one script run left behind.
type result struct {
	code           int
	stdout, stderr string
	outputs        map[string]string // GITHUB_OUTPUT
	summary        string            // GITHUB_STEP_SUMMARY
	path           string            // GITHUB_PATH
}

// runScript runs action/<script> with bash in dir, with the process
// environment minus anything GitHub Actions would set, plus env.
func runScript(t *testing.T, script, dir string, env map[string]string) result {
	t.Helper()
	abs, err := filepath.Abs(script)
	if err != nil {
		t.Fatal(err)
	}
	files := t.TempDir()
	gh := map[string]string{
		"GITHUB_OUTPUT":       filepath.Join(files, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(files, "summary"),
		"GITHUB_PATH":         filepath.Join(files, "path"),
		"RUNNER_TEMP":         t.TempDir(),
		"RUNNER_OS":           "Linux",
		"RUNNER_ARCH":         "X64",
	}
	for k, v := range env {
		gh[k] = v
	}
	var environ []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GITHUB_") || strings.HasPrefix(k, "RUNNER_") || strings.HasPrefix(k, "INPUT_") || strings.HasPrefix(k, "CORSGATE") {
			continue
		}
		environ = append(environ, kv)
	}
	for k, v := range gh {
		environ = append(environ, k+"="+v)
	}
	cmd := exec.Command("bash", abs)
	cmd.Dir = dir
	cmd.Env = environ
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), outputs: map[string]string{}}
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("bash %s: %v", script, err)
	}
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, line := range strings.Split(read(gh["GITHUB_OUTPUT"]), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			if _, dup := r.outputs[k]; dup {
				t.Errorf("output %s written twice", k)
			}
			r.outputs[k] = v
		}
	}
	r.summary = read(gh["GITHUB_STEP_SUMMARY"])
	r.path = read(gh["GITHUB_PATH"])
	return r
}

// workspace copies the shared sample specs into a new directory, with extra
// files, and returns it.
func workspace(t *testing.T, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{}
	for _, name := range []string{"sample.yaml", "mismatch.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "specs", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	for k, v := range extra {
		files[k] = v
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sarifResults returns "ruleId@line" for every result of a SARIF file.
func sarifResults(t *testing.T, p string) []string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("SARIF file: %v", err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatalf("SARIF file is not JSON: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("SARIF version %q with %d runs", log.Version, len(log.Runs))
	}
	out := []string{}
	for _, r := range log.Runs[0].Results {
		line := 0
		if len(r.Locations) > 0 {
			line = r.Locations[0].PhysicalLocation.Region.StartLine
		}
		out = append(out, fmt.Sprintf("%s@%d", r.RuleID, line))
	}
	return out
}

const (
	nameRow = "| error | `endpoints-name-matches-host` | [mismatch.yaml:11:9](https://github.com/octo/api/blob/0123abc/mismatch.yaml#L11) | OpenAPI spec is invalid. The endpoint name: 'echo-api.endpoints.corsgate-dmeo.cloud.goog' defined"
	boolRow = "| warning | `endpoints-allowcors-boolean` | [mismatch.yaml:12:14](https://github.com/octo/api/blob/0123abc/mismatch.yaml#L12) | allowCors is the string \"true\": Service Management accepts it as the boolean, but other tools and readers take it for a string; write allowCors: true without quotes |"
	infoRow = "| info | `cors-preflight-headers` | [sample.yaml:13:3](https://github.com/octo/api/blob/0123abc/sample.yaml#L13) | allowCors sends preflights"
	header  = "| severity | rule | location | message |\n|---|---|---|---|\n"
)

func TestLint(t *testing.T) {
	needTools(t, "bash", "jq")
	bin := corsgateBinary(t)
	repo := map[string]string{"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "octo/api", "GITHUB_SHA": "0123abc"}
	tests := []struct {
		name     string
		extra    map[string]string // files added to the workspace
		env      map[string]string
		outputs  map[string]string // sarif-file is checked separately
		sarif    []string          // nil: no SARIF file
		stdout   []string          // substrings of the log
		summary  []string          // substrings of the job summary
		noTable  bool
		noSARIF  bool
		noStdout []string
	}{
		{
			name:    "spec with findings",
			env:     map[string]string{"INPUT_FILES": "mismatch.yaml"},
			outputs: map[string]string{"errors": "1", "warnings": "1", "infos": "0", "exit-code": "1"},
			sarif:   []string{"endpoints-name-matches-host@11", "endpoints-allowcors-boolean@12"},
			stdout: []string{
				"::error file=mismatch.yaml,line=11,col=9,title=corsgate endpoints-name-matches-host::",
				"::warning file=mismatch.yaml,line=12,col=14,title=corsgate endpoints-allowcors-boolean::",
			},
			summary: []string{"## corsgate lint\n", "**1 error, 1 warning, 0 infos**: failed: findings at or above `error`\n", header, nameRow, boolRow},
		},
		{
			name:     "clean spec",
			env:      map[string]string{"INPUT_FILES": "sample.yaml"},
			outputs:  map[string]string{"errors": "0", "warnings": "0", "infos": "1", "exit-code": "0"},
			sarif:    []string{"cors-preflight-headers@13"},
			summary:  []string{"**0 errors, 0 warnings, 1 info**: passed\n", header, infoRow},
			noStdout: []string{"::error", "::warning"},
		},
		{
			name:    "fail-on info fails the clean spec",
			env:     map[string]string{"INPUT_FILES": "sample.yaml", "INPUT_FAIL_ON": "info"},
			outputs: map[string]string{"errors": "0", "warnings": "0", "infos": "1", "exit-code": "1"},
			sarif:   []string{"cors-preflight-headers@13"},
			summary: []string{"**0 errors, 0 warnings, 1 info**: failed: findings at or above `info`\n"},
		},
		{
			name: "default files: the directory search finds both specs and skips package.json",
			// Each spec is a deployment of its own: the two share a host but are
			// not compared.
			extra:   map[string]string{"package.json": `{"name": "web"}`},
			env:     map[string]string{},
			outputs: map[string]string{"errors": "1", "warnings": "1", "infos": "1", "exit-code": "1"},
			sarif:   []string{"endpoints-name-matches-host@11", "endpoints-allowcors-boolean@12", "cors-preflight-headers@13"},
			summary: []string{"**1 error, 1 warning, 1 info**", nameRow, boolRow, infoRow},
		},
		{
			name:    "a ** glob spans directories",
			extra:   map[string]string{"api/v1/openapi.yaml": "swagger: \"2.0\"\ninfo: {title: t, version: 1.0.0}\nhost: a.endpoints.my-project.cloud.goog\npaths: {}\n", "api/v2/deep/openapi.yaml": "swagger: \"2.0\"\ninfo: {title: t, version: 2.0.0}\nhost: b.endpoints.my-project.cloud.goog\nx-google-endpoints:\n- name: c.endpoints.my-project.cloud.goog\npaths: {}\n"},
			env:     map[string]string{"INPUT_FILES": "api/**/*.yaml"},
			outputs: map[string]string{"errors": "1", "warnings": "0", "infos": "0", "exit-code": "1"},
			sarif:   []string{"endpoints-name-matches-host@5"},
			summary: []string{"[api/v2/deep/openapi.yaml:5:9](https://github.com/octo/api/blob/0123abc/api/v2/deep/openapi.yaml#L5)"},
		},
		{
			name: "several files, target and text format",
			env:  map[string]string{"INPUT_FILES": "sample.yaml\n  mismatch.yaml", "INPUT_FORMAT": "text", "INPUT_TARGET": "api-gateway"},
			// API Gateway needs a backend address, and its service is the managed
			// service, not host: neither entry name is one.
			outputs: map[string]string{"errors": "4", "warnings": "1", "infos": "0", "exit-code": "1"},
			sarif:   []string{"backend-address-required@5", "backend-address-required@5", "endpoints-name-matches-host@11", "endpoints-name-matches-host@12", "endpoints-allowcors-boolean@12"},
			stdout:  []string{"mismatch.yaml:11:9: error: ", "sample.yaml:5:1: error: API Gateway has no backend", "4 errors, 1 warning, 0 infos in 2 files"},
		},
		{
			name:    "proxy flags are checked with the spec",
			env:     map[string]string{"INPUT_FILES": "sample.yaml", "INPUT_PROXY_ARGS": "--cors_preset=basic --cors_allow_origin=https://app.example.com"},
			outputs: map[string]string{"errors": "0", "warnings": "1", "infos": "2", "exit-code": "0"},
			sarif:   []string{"flags-no-vary-origin@0", "cors-preflight-headers@13", "cors-preset-with-allowcors@13"},
			summary: []string{"**0 errors, 1 warning, 2 infos**: passed", "| warning | `cors-preset-with-allowcors` |"},
		},
		{
			name:    "configuration from .corsgate.yaml turns the rules off",
			extra:   map[string]string{".corsgate.yaml": "rules:\n  endpoints-name-matches-host: off\n  endpoints-allowcors-boolean: warning\n"},
			env:     map[string]string{"INPUT_FILES": "mismatch.yaml"},
			outputs: map[string]string{"errors": "0", "warnings": "1", "infos": "0", "exit-code": "0"},
			sarif:   []string{"endpoints-allowcors-boolean@12"},
		},
		{
			name:    "configuration error: no counts, no SARIF, exit 2",
			extra:   map[string]string{"bad.yaml": "rules:\n  no-such-rule: off\n"},
			env:     map[string]string{"INPUT_FILES": "mismatch.yaml", "INPUT_CONFIG": "bad.yaml"},
			outputs: map[string]string{"errors": "", "warnings": "", "infos": "", "exit-code": "2"},
			summary: []string{"**no findings could be counted**: failed: usage or configuration error"},
			noTable: true,
			noSARIF: true,
		},
		{
			name:    "unreadable input: exit 3, the readable spec still counted",
			env:     map[string]string{"INPUT_FILES": "mismatch.yaml missing.yaml"},
			outputs: map[string]string{"errors": "1", "warnings": "1", "infos": "0", "exit-code": "3"},
			sarif:   []string{"endpoints-name-matches-host@11", "endpoints-allowcors-boolean@12"},
			summary: []string{"failed: an input could not be read", nameRow},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := workspace(t, tt.extra)
			env := map[string]string{"CORSGATE": bin}
			for k, v := range repo {
				env[k] = v
			}
			for k, v := range tt.env {
				env[k] = v
			}
			r := runScript(t, "lint.sh", dir, env)
			if r.code != 0 {
				t.Fatalf("lint.sh exited %d (it must leave the verdict to verdict.sh)\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			sarifFile := r.outputs["sarif-file"]
			delete(r.outputs, "sarif-file")
			if diff := cmp.Diff(tt.outputs, r.outputs); diff != "" {
				t.Errorf("outputs (-want +got):\n%s\nstderr:\n%s", diff, r.stderr)
			}
			if tt.noSARIF {
				if sarifFile != "" {
					t.Errorf("sarif-file = %q, want none", sarifFile)
				}
			} else {
				if !strings.HasPrefix(sarifFile, env["RUNNER_TEMP"]) && !filepath.IsAbs(sarifFile) {
					t.Errorf("sarif-file = %q, want a path under RUNNER_TEMP", sarifFile)
				}
				if diff := cmp.Diff(tt.sarif, sarifResults(t, sarifFile), sortStrings); diff != "" {
					t.Errorf("SARIF results (-want +got):\n%s", diff)
				}
			}
			for _, s := range tt.stdout {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("log lacks %q:\n%s", s, r.stdout)
				}
			}
			for _, s := range tt.noStdout {
				if strings.Contains(r.stdout, s) {
					t.Errorf("log has %q:\n%s", s, r.stdout)
				}
			}
			for _, s := range tt.summary {
				if !strings.Contains(r.summary, s) {
					t.Errorf("summary lacks %q:\n%s", s, r.summary)
				}
			}
			if tt.noTable && strings.Contains(r.summary, "| severity |") {
				t.Errorf("summary has a table:\n%s", r.summary)
			}
		})
	}
}

var sortStrings = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

// TestLintJSONShapes runs lint.sh with a stand-in corsgate that prints other
// JSON shapes: one without summary (counts come from the diagnostics), with
// an extra list of input failures, and with Markdown and HTML in messages
// and file names, which the summary table must escape.
func TestLintJSONShapes(t *testing.T) {
	needTools(t, "bash", "jq")
	tests := []struct {
		name    string
		json    string
		outputs map[string]string
		summary []string
	}{
		{
			name: "no summary, extra field",
			json: `{"version": 2, "files": ["a.yaml"], "input_failures": [{"file": "b.yaml", "error": "unreadable"}],
			        "diagnostics": [
			          {"rule": "r-one", "severity": "error", "message": "a | b <script> & c\nnext", "file": "a.yaml", "line": 3, "column": 1},
			          {"rule": "r-two", "severity": "warning", "message": "w", "file": "<proxy-args>#2", "line": 0, "column": 0},
			          {"rule": "r-three", "severity": "warning", "message": "w2", "file": "a.yaml"}
			        ]}`,
			outputs: map[string]string{"errors": "1", "warnings": "2", "infos": "0", "exit-code": "1"},
			summary: []string{
				"**1 error, 2 warnings, 0 infos**",
				"| error | `r-one` | [a.yaml:3:1](https://github.com/octo/api/blob/0123abc/a.yaml#L3) | a \\| b &lt;script&gt; &amp; c next |",
				"| warning | `r-two` | &lt;proxy-args&gt;#2 | w |",
				"| warning | `r-three` | a.yaml | w2 |",
			},
		},
		{
			name:    "summary wins over the diagnostics",
			json:    `{"summary": {"errors": 7, "warnings": 0, "infos": 0}, "diagnostics": []}`,
			outputs: map[string]string{"errors": "7", "warnings": "0", "infos": "0", "exit-code": "1"},
			summary: []string{"**7 errors, 0 warnings, 0 infos**"},
		},
		{
			name:    "not JSON",
			json:    `corsgate: something went wrong`,
			outputs: map[string]string{"errors": "", "warnings": "", "infos": "", "exit-code": "1"},
			summary: []string{"**no findings could be counted**"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "out.json"), []byte(tt.json), 0o644); err != nil {
				t.Fatal(err)
			}
			// The stand-in prints the JSON for --format json, nothing
			// otherwise, and always exits 1 (findings).
			fake := filepath.Join(dir, "corsgate")
			script := "#!/usr/bin/env bash\ncase \" $* \" in *' --format json '*) cat '" + filepath.Join(dir, "out.json") + "' ;; esac\nexit 1\n"
			if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			r := runScript(t, "lint.sh", dir, map[string]string{"CORSGATE": fake, "INPUT_FILES": "a.yaml",
				"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "octo/api", "GITHUB_SHA": "0123abc"})
			if r.code != 0 {
				t.Fatalf("lint.sh exited %d: %s", r.code, r.stderr)
			}
			delete(r.outputs, "sarif-file")
			if diff := cmp.Diff(tt.outputs, r.outputs); diff != "" {
				t.Errorf("outputs (-want +got):\n%s", diff)
			}
			for _, s := range tt.summary {
				if !strings.Contains(r.summary, s) {
					t.Errorf("summary lacks %q:\n%s", s, r.summary)
				}
			}
		})
	}
}

func TestVerdict(t *testing.T) {
	needTools(t, "bash")
	tests := []struct {
		code, want int
		message    string
	}{
		{0, 0, ""},
		{1, 1, "::error title=corsgate::findings at or above fail-on"},
		{2, 2, "::error title=corsgate::usage or configuration error"},
		{3, 3, "::error title=corsgate::an input could not be read"},
		{-1, 3, "::error title=corsgate::the lint step reported no exit code"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			env := map[string]string{"CORSGATE_EXIT_CODE": fmt.Sprint(tt.code)}
			if tt.code < 0 {
				env["CORSGATE_EXIT_CODE"] = ""
			}
			r := runScript(t, "verdict.sh", t.TempDir(), env)
			if r.code != tt.want {
				t.Errorf("exit %d, want %d", r.code, tt.want)
			}
			if tt.message == "" && r.stdout != "" || !strings.Contains(r.stdout, tt.message) {
				t.Errorf("stdout %q, want %q", r.stdout, tt.message)
			}
		})
	}
}

// release is a fake release directory laid out like goreleaser's dist/:
// archives named by .goreleaser.yaml's name_template and checksums.txt.
type release struct {
	base  string
	dir   string
	sums  map[string]string // archive name -> sha256
	order []string
}

// newRelease makes base/TAG/ in a new directory; base is the download URL
// the install script appends the tag to.
func newRelease(t *testing.T, tag string) *release {
	base := t.TempDir()
	dir := filepath.Join(base, tag)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &release{base: base, dir: dir, sums: map[string]string{}}
}

// add writes an archive holding the test's corsgate binary as exe.
func (rel *release) add(t *testing.T, name, exe string) {
	t.Helper()
	bin, err := os.ReadFile(corsgateBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if strings.HasSuffix(name, ".zip") {
		zw := zip.NewWriter(&buf)
		for fname, data := range map[string][]byte{exe: bin, "README.md": []byte("readme\n")} {
			h := &zip.FileHeader{Name: fname, Method: zip.Deflate}
			h.SetMode(0o755)
			w, err := zw.CreateHeader(h)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(data)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	} else {
		gz := gzip.NewWriter(&buf)
		tw := tar.NewWriter(gz)
		for _, f := range []struct {
			name string
			data []byte
		}{{exe, bin}, {"README.md", []byte("readme\n")}, {"completions/corsgate.bash", []byte("# bash\n")}} {
			if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.data)), Typeflag: tar.TypeReg}); err != nil {
				t.Fatal(err)
			}
			tw.Write(f.data)
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		gz.Close()
	}
	if err := os.WriteFile(filepath.Join(rel.dir, name), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	rel.sums[name] = hex.EncodeToString(sum[:])
	rel.order = append(rel.order, name)
}

// writeSums writes checksums.txt as goreleaser does ("<sha256>  <name>"),
// with override replacing the sums of some archives.
func (rel *release) writeSums(t *testing.T, override map[string]string) {
	t.Helper()
	var b strings.Builder
	for _, name := range rel.order {
		sum := rel.sums[name]
		if o, ok := override[name]; ok {
			if o == "" {
				continue
			}
			sum = o
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, name)
	}
	if err := os.WriteFile(filepath.Join(rel.dir, "checksums.txt"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestInstallRelease(t *testing.T) {
	needTools(t, "bash", "curl", "tar", "unzip", "sha256sum")
	rel := newRelease(t, "v1.2.3")
	rel.add(t, "corsgate_1.2.3_linux_amd64.tar.gz", "corsgate")
	rel.add(t, "corsgate_1.2.3_darwin_arm64.tar.gz", "corsgate")
	rel.add(t, "corsgate_1.2.3_windows_amd64.zip", "corsgate.exe")
	rel.add(t, "corsgate_1.2.3_linux_arm64.tar.gz", "corsgate")
	bad := strings.Repeat("0", 64)
	srv := httptest.NewServer(http.FileServer(http.Dir(rel.base)))
	defer srv.Close()
	tests := []struct {
		name     string
		env      map[string]string
		sums     map[string]string // overrides in checksums.txt ("" drops the line)
		code     int
		exe      string // installed file, when code is 0
		messages []string
	}{
		{name: "linux amd64 over HTTP", env: map[string]string{"CORSGATE_VERSION": "v1.2.3"}, exe: "corsgate",
			messages: []string{"verified corsgate_1.2.3_linux_amd64.tar.gz: sha256 "}},
		{name: "version without v", env: map[string]string{"CORSGATE_VERSION": "1.2.3"}, exe: "corsgate"},
		{name: "macOS arm64", env: map[string]string{"CORSGATE_VERSION": "v1.2.3", "RUNNER_OS": "macOS", "RUNNER_ARCH": "ARM64"}, exe: "corsgate",
			messages: []string{"verified corsgate_1.2.3_darwin_arm64.tar.gz"}},
		{name: "windows zip", env: map[string]string{"CORSGATE_VERSION": "v1.2.3", "RUNNER_OS": "Windows"}, exe: "corsgate.exe",
			messages: []string{"verified corsgate_1.2.3_windows_amd64.zip"}},
		{name: "file URL", env: map[string]string{"CORSGATE_VERSION": "v1.2.3", "CORSGATE_DOWNLOAD_URL": "file://" + rel.base + "/"}, exe: "corsgate"},
		{name: "checksum mismatch", env: map[string]string{"CORSGATE_VERSION": "v1.2.3"}, sums: map[string]string{"corsgate_1.2.3_linux_amd64.tar.gz": bad}, code: 1,
			messages: []string{"::error title=corsgate install::checksum mismatch for corsgate_1.2.3_linux_amd64.tar.gz: checksums.txt says " + bad + ", the download is " + rel.sums["corsgate_1.2.3_linux_amd64.tar.gz"] + "; not installing it"}},
		{name: "another archive's mismatch does not matter", env: map[string]string{"CORSGATE_VERSION": "v1.2.3"}, sums: map[string]string{"corsgate_1.2.3_linux_arm64.tar.gz": bad}, exe: "corsgate"},
		{name: "archive missing from checksums.txt", env: map[string]string{"CORSGATE_VERSION": "v1.2.3"}, sums: map[string]string{"corsgate_1.2.3_linux_amd64.tar.gz": ""}, code: 1,
			messages: []string{"checksums.txt of v1.2.3 has no entry for corsgate_1.2.3_linux_amd64.tar.gz"}},
		{name: "unknown version", env: map[string]string{"CORSGATE_VERSION": "v9.9.9"}, code: 1,
			messages: []string{"::error title=corsgate install::could not download " + srv.URL + "/v9.9.9/checksums.txt"}},
		{name: "unsupported architecture", env: map[string]string{"CORSGATE_VERSION": "v1.2.3", "RUNNER_ARCH": "X86"}, code: 1,
			messages: []string{"no corsgate release for RUNNER_ARCH='X86' (X64 or ARM64); leave version empty to build from source"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rel.writeSums(t, tt.sums)
			temp := t.TempDir()
			env := map[string]string{"CORSGATE_DOWNLOAD_URL": srv.URL, "RUNNER_TEMP": temp}
			for k, v := range tt.env {
				env[k] = v
			}
			r := runScript(t, "install.sh", t.TempDir(), env)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, m := range tt.messages {
				if !strings.Contains(r.stdout+r.stderr, m) {
					t.Errorf("output lacks %q\nstdout:\n%s\nstderr:\n%s", m, r.stdout, r.stderr)
				}
			}
			binDir := filepath.Join(temp, "corsgate-bin")
			if tt.code != 0 {
				if entries, _ := os.ReadDir(binDir); len(entries) > 0 {
					t.Errorf("a failed install left %v in %s", entries, binDir)
				}
				if r.path != "" || len(r.outputs) > 0 {
					t.Errorf("a failed install wrote GITHUB_PATH %q, outputs %v", r.path, r.outputs)
				}
				return
			}
			exe := filepath.Join(binDir, tt.exe)
			if diff := cmp.Diff(map[string]string{"path": exe}, r.outputs); diff != "" {
				t.Errorf("outputs (-want +got):\n%s", diff)
			}
			if r.path != binDir+"\n" {
				t.Errorf("GITHUB_PATH = %q, want %q", r.path, binDir+"\n")
			}
			out, err := exec.Command(exe, "version").CombinedOutput()
			if err != nil || !strings.HasPrefix(string(out), "corsgate ") {
				t.Errorf("installed binary: %v\n%s", err, out)
			}
			if !strings.Contains(r.stdout, string(out)) {
				t.Errorf("install.sh did not print the installed version %q:\n%s", out, r.stdout)
			}
		})
	}
}

// TestInstallFromSource is the action without a version: go install at the
// action's own ref (here, this checkout), named after GITHUB_ACTION_REF.
func TestInstallFromSource(t *testing.T) {
	needTools(t, "bash", "go")
	if testing.Short() {
		t.Skip("builds corsgate; skipped with -short")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	temp := t.TempDir()
	r := runScript(t, "install.sh", t.TempDir(), map[string]string{
		"CORSGATE_SOURCE_DIR": root, "GITHUB_ACTION_REF": "v0.0.0-from-source", "RUNNER_TEMP": temp,
	})
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	exe := filepath.Join(temp, "corsgate-bin", "corsgate")
	if r.outputs["path"] != exe {
		t.Errorf("path output %q, want %q", r.outputs["path"], exe)
	}
	if !strings.Contains(r.stdout, "building corsgate from "+root+" (ref v0.0.0-from-source)") || !strings.Contains(r.stdout, "corsgate v0.0.0-from-source\n") {
		t.Errorf("stdout:\n%s", r.stdout)
	}

	// Without a Go toolchain the script says what to do instead.
	tools := t.TempDir()
	for _, name := range []string{"mkdir", "dirname"} {
		p, err := exec.LookPath(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(p, filepath.Join(tools, name)); err != nil {
			t.Fatal(err)
		}
	}
	r = runScript(t, "install.sh", t.TempDir(), map[string]string{"CORSGATE_SOURCE_DIR": root, "PATH": tools})
	if want := "::error title=corsgate install::no Go toolchain to build corsgate from source; set the version input to a release tag"; r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("without go: exit %d, stderr %q; want 1 and %q", r.code, r.stderr, want)
	}
}

// TestActionYAML checks that action.yml and the scripts agree: every input is
// used, every run step is a script of this directory that reads the
// variables the step sets, every output is one the scripts write, and the
// SARIF upload is guarded by its input.
func TestActionYAML(t *testing.T) {
	data, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs  map[string]struct{ Description, Default string }
		Outputs map[string]struct{ Description, Value string }
		Runs    struct {
			Using string
			Steps []struct {
				ID, If, Uses, Run, Shell string
				Env                      map[string]string
				With                     map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	if action.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", action.Runs.Using)
	}
	used := map[string]bool{}
	inputRef := regexp.MustCompile(`inputs\.([a-z-]+)`)
	scriptRef := regexp.MustCompile(`^bash "\$GITHUB_ACTION_PATH/action/([a-z]+\.sh)"$`)
	written := map[string]bool{}
	var uploadIf string
	for i, st := range action.Runs.Steps {
		var texts []string
		texts = append(texts, st.If)
		for _, v := range st.Env {
			texts = append(texts, v)
		}
		for _, v := range st.With {
			texts = append(texts, v)
		}
		for _, s := range texts {
			for _, m := range inputRef.FindAllStringSubmatch(s, -1) {
				used[m[1]] = true
			}
		}
		if strings.HasPrefix(st.Uses, "github/codeql-action/upload-sarif@") {
			uploadIf = st.If
			if st.With["sarif_file"] != "${{ steps.lint.outputs.sarif-file }}" {
				t.Errorf("upload-sarif gets sarif_file %q", st.With["sarif_file"])
			}
		}
		if st.Run == "" {
			continue
		}
		m := scriptRef.FindStringSubmatch(st.Run)
		if m == nil || st.Shell != "bash" {
			t.Errorf("step %d runs %q with shell %q; want a script of action/ run by bash", i, st.Run, st.Shell)
			continue
		}
		script, err := os.ReadFile(m[1])
		if err != nil {
			t.Errorf("step %d: %v", i, err)
			continue
		}
		for name := range st.Env {
			if !bytes.Contains(script, []byte(name)) {
				t.Errorf("step %d sets %s, which %s does not read", i, name, m[1])
			}
		}
		if st.ID == "lint" {
			for _, m := range regexp.MustCompile(`echo "([a-z-]+)=`).FindAllSubmatch(script, -1) {
				written[string(m[1])] = true
			}
		}
	}
	for name := range action.Inputs {
		if !used[name] {
			t.Errorf("input %s is never passed to a step", name)
		}
	}
	for name := range used {
		if _, ok := action.Inputs[name]; !ok {
			t.Errorf("steps use inputs.%s, which is not declared", name)
		}
	}
	for name, o := range action.Outputs {
		want := "${{ steps.lint.outputs." + name + " }}"
		if o.Value != want || !written[name] {
			t.Errorf("output %s = %q; want %q, written by lint.sh (it writes %v)", name, o.Value, want, written)
		}
	}
	if !strings.Contains(uploadIf, "inputs.upload-sarif == 'true'") {
		t.Errorf("the upload-sarif step is not guarded by the upload-sarif input: if %q", uploadIf)
	}
}

// yamlBlocks returns the ```yaml blocks of README.md that contain marker.
func yamlBlocks(t *testing.T, marker string) []string {
	t.Helper()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, part := range strings.Split(string(readme), "```yaml\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		if strings.Contains(block, marker) {
			blocks = append(blocks, block)
		}
	}
	return blocks
}

// TestReadmeWorkflows: the README's copy-paste workflows parse, use only
// inputs action.yml declares (commented ones included), and the one without
// the Action uploads SARIF with the codeql-action major that action.yml uses.
func TestReadmeWorkflows(t *testing.T) {
	data, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]any
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	upload := regexp.MustCompile(`github/codeql-action/upload-sarif@v\d+`).FindString(string(data))
	blocks := yamlBlocks(t, "runs-on:")
	if len(blocks) != 2 {
		t.Fatalf("README has %d workflows, want 2 (the Action, and go install with SARIF)", len(blocks))
	}
	withKey := regexp.MustCompile(`^\s+#?\s*([a-z][a-z-]*):`)
	for i, b := range blocks {
		var wf struct {
			Jobs map[string]struct {
				Steps []struct {
					Uses string
					Run  string
				}
			}
		}
		if err := yaml.Unmarshal([]byte(b), &wf); err != nil {
			t.Fatalf("workflow %d does not parse: %v\n%s", i, err, b)
		}
		if len(wf.Jobs) == 0 {
			t.Errorf("workflow %d has no job", i)
		}
		if _, after, ok := strings.Cut(b, "uses: corsgate/corsgate@"); ok {
			_, with, _ := strings.Cut(after, "with:\n")
			for _, line := range strings.Split(with, "\n") {
				m := withKey.FindStringSubmatch(line)
				if m == nil {
					break
				}
				if _, ok := action.Inputs[m[1]]; !ok {
					t.Errorf("the README's Action workflow sets %q, which action.yml does not declare", m[1])
				}
			}
		} else if !strings.Contains(b, "go install github.com/corsgate/corsgate/cmd/corsgate@") || !strings.Contains(b, "corsgate lint --format sarif") || !strings.Contains(b, upload) {
			t.Errorf("workflow %d neither uses the Action nor installs corsgate and uploads SARIF with %s:\n%s", i, upload, b)
		}
	}
}
