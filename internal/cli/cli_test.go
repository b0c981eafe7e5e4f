package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/hugeheap"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/rules"
)

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }, Context: context.Background()})
	return code, out.String(), errb.String()
}

const cleanSpec = "swagger: \"2.0\"\ninfo: {title: t, version: 1.0.0}\nhost: a.endpoints.my-project.cloud.goog\npaths: {}\n"

// TestExitCodes pins the documented exit codes.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	clean := write("clean.yaml", cleanSpec)
	warn := write("warn.yaml", cleanSpec+"x-google-endpoints:\n- name: a.endpoints.my-project.cloud.goog\n  target: lb.example.com\n")
	bad := write("bad.yaml", cleanSpec+"x-google-endpoints:\n- name: b.endpoints.my-project.cloud.goog\n")
	broken := write("broken.yaml", "swagger: [\n")
	badCfg := write("bad-config.yaml", "rules:\n  no-such-rule: off\n")
	offCfg := write("off.yaml", "rules:\n  endpoints-name-matches-host: off\n")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"clean", []string{"lint", clean}, ExitOK},
		{"warning below fail-on", []string{"lint", warn}, ExitOK},
		{"warning at fail-on", []string{"lint", "--fail-on", "warning", warn}, ExitFindings},
		{"error", []string{"lint", bad}, ExitFindings},
		{"error with fail-on none", []string{"lint", "--fail-on", "none", bad}, ExitOK},
		{"parse error is a finding", []string{"lint", broken}, ExitFindings},
		{"unreadable", []string{"lint", filepath.Join(dir, "missing.yaml")}, ExitInput},
		{"unreadable among others", []string{"lint", clean, filepath.Join(dir, "missing.yaml")}, ExitInput},
		{"unknown flag", []string{"lint", "--nope", clean}, ExitUsage},
		{"bad format", []string{"lint", "--format", "xml", clean}, ExitUsage},
		{"bad fail-on", []string{"lint", "--fail-on", "fatal", clean}, ExitUsage},
		{"bad target", []string{"lint", "--target", "espv3", clean}, ExitUsage},
		{"unknown rule in config", []string{"lint", "--config", badCfg, clean}, ExitUsage},
		{"rule turned off in config", []string{"lint", "--config", offCfg, bad}, ExitOK},
		{"no args", []string{"lint"}, ExitUsage},
		{"glob without match", []string{"lint", filepath.Join(dir, "*.nomatch")}, ExitUsage},
		{"unknown command", []string{"lnit"}, ExitUsage},
		{"rules list", []string{"rules"}, ExitOK},
		{"rules unknown id", []string{"rules", "nope"}, ExitUsage},
		{"version", []string{"version"}, ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, "", tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, out, errs)
			}
		})
	}
}

func TestLintStdinAndFormats(t *testing.T) {
	code, out, _ := run(t, cleanSpec+"x-google-endpoints:\n- name: b.endpoints.my-project.cloud.goog\n", "lint", "--format", "json", "-")
	if code != ExitFindings || !strings.Contains(out, `"file": "<stdin>"`) || !strings.Contains(out, `"rule": "endpoints-name-matches-host"`) {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	for _, f := range []string{"sarif", "github", "junit", "text"} {
		if code, out, errs := run(t, cleanSpec, "lint", "--format", f, "-"); code != 0 || (out == "") != (f == "github") {
			t.Errorf("format %s: exit %d, stdout %q, stderr %q", f, code, out, errs)
		}
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	Main([]string{"version"}, Env{Stdout: &out, Stderr: &out, Version: "v1.2.3", Commit: "abc", Date: "2026-11-25", Context: context.Background()})
	for _, want := range []string{"corsgate v1.2.3", "commit: abc", "built: 2026-11-25"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("version output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestHelpHasExamples(t *testing.T) {
	root := newRoot(&Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}})
	if root.Example == "" {
		t.Error("root command has no examples")
	}
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("command %q has no examples in its help", c.Name())
		}
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, errs := run(t, "", "completion", shell)
		if code != 0 || !strings.Contains(out, "corsgate") {
			t.Errorf("completion %s: exit %d, stderr %s", shell, code, errs)
		}
	}
}

// TestReadmeRuleTable keeps README.md's rule table equal to the registry.
func TestReadmeRuleTable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- rules:begin -->\n", "<!-- rules:end -->"
	s := string(readme)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q … %q markers", begin, end)
	}
	got := s[i+len(begin) : j]
	want := RulesMarkdown(rules.All())
	if got != want {
		if os.Getenv("UPDATE_README") == "1" {
			s = s[:i+len(begin)] + want + s[j:]
			if err := os.WriteFile(filepath.Join("..", "..", "README.md"), []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README.md rule table is out of date; run: UPDATE_README=1 go test ./internal/cli -run TestReadmeRuleTable")
	}
}

// TestReadmeFlagsSample keeps README.md's "flags in every format" block equal
// to what corsgate flags prints for the shipped sample spec.
func TestReadmeFlagsSample(t *testing.T) {
	var b strings.Builder
	for _, f := range []string{"args", "shell", "docker", "k8s", "cloudrun", "json", "envoy"} {
		var out, errb bytes.Buffer
		code := Main([]string{"flags", "../../testdata/specs/sample.yaml", "--derive", "--cors_allow_origin=https://app.example.com", "--format", f},
			Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Context: context.Background()})
		if code != 0 {
			t.Fatalf("flags --format %s: exit %d: %s", f, code, errb.String())
		}
		lang := "sh"
		switch f {
		case "k8s", "envoy":
			lang = "yaml"
		case "json":
			lang = "json"
		}
		b.WriteString("`--format " + f + "`:\n\n```" + lang + "\n" + strings.ReplaceAll(out.String(), "../../testdata", "testdata") + "```\n\n")
	}
	syncReadmeBlock(t, "flags-sample", b.String())
}

func syncReadmeBlock(t *testing.T, name, want string) {
	t.Helper()
	path := filepath.Join("..", "..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	begin, end := "<!-- "+name+":begin -->\n", "<!-- "+name+":end -->"
	s := string(readme)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q … %q markers", begin, end)
	}
	if s[i+len(begin):j] == want {
		return
	}
	if os.Getenv("UPDATE_README") == "1" {
		s = s[:i+len(begin)] + want + s[j:]
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md block %q is out of date; run: UPDATE_README=1 go test ./internal/cli -run TestReadme", name)
}

// TestReadmeExamples: the lint outputs README.md quotes are what corsgate
// prints for the shipped specs.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "", "lint", "../../testdata/specs/mismatch.yaml")
	if code != ExitFindings {
		t.Errorf("mismatch.yaml: exit %d, want 1", code)
	}
	want := "$ corsgate lint testdata/specs/mismatch.yaml\n" + strings.ReplaceAll(out, "../../testdata", "testdata")
	if !strings.Contains(string(readme), want) {
		t.Errorf("README.md does not show the current output:\n%s", want)
	}
	if code, _, _ := run(t, "", "lint", "../../testdata/specs/sample.yaml"); code != ExitOK {
		t.Errorf("the quick-start command exits %d on the sample spec, want 0", code)
	}
}

func TestExpectedHeap(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b, big := write("a.yaml", 1000), write("b.yaml", 3000), write("big.yaml", 9000)
	inputs := []spec.Input{
		{Name: "a.yaml", Path: a},
		{Name: "b.yaml", Path: b},
		{Name: "big.yaml", Path: big},                              // over maxSize: refused unread
		{Name: spec.StdinName},                                     // size unknown
		{Name: "gone.yaml", Path: filepath.Join(dir, "gone.yaml")}, // cannot be read
		{Name: "dir", Path: dir},                                   // not a regular file
	}
	if got, want := expectedHeap(inputs, 5000, true), int64(4000*hugeheap.HeapPerInputByte); got != want {
		t.Errorf("expectedHeap(together) = %d, want %d", got, want)
	}
	if got, want := expectedHeap(inputs, 5000, false), int64(3000*hugeheap.HeapPerInputByte); got != want {
		t.Errorf("expectedHeap(one at a time) = %d, want %d", got, want)
	}
}
