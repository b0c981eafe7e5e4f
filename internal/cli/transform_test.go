package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/spf13/cobra"
)

func TestTransformExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	on := write("on.yaml", cleanSpec+"x-google-endpoints:\n- name: a.endpoints.my-project.cloud.goog\n  allowCors: true\n")
	off := write("off.yaml", cleanSpec)
	noHost := write("nohost.yaml", "swagger: '2.0'\npaths: {}\n")
	notList := write("notlist.yaml", cleanSpec+"x-google-endpoints: {name: a}\n")
	broken := write("broken.yaml", "swagger: [\n")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"check unchanged", []string{"transform", "allow-cors", "on", "--check", on}, ExitOK},
		{"check changed", []string{"transform", "allow-cors", "on", "--check", on, off}, ExitFindings},
		{"no host", []string{"transform", "allow-cors", "on", noHost}, ExitUsage},
		{"refused layout", []string{"transform", "allow-cors", "on", notList}, ExitUsage},
		{"missing file", []string{"transform", "sync-name", filepath.Join(dir, "missing.yaml")}, ExitInput},
		{"does not parse", []string{"transform", "sync-name", broken}, ExitInput},
		{"worst code wins", []string{"transform", "allow-cors", "on", "--check", noHost, broken, off}, ExitInput},
		{"no name", []string{"transform"}, ExitUsage},
		{"unknown transform", []string{"transform", "nope", on}, ExitUsage},
		{"bad from", []string{"transform", "sync-name", "--from", "path", on}, ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, "", tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.want, stderr)
			}
		})
	}
	// Files are never touched without -w.
	if b, _ := os.ReadFile(off); string(b) != cleanSpec {
		t.Error("a run without -w modified a file")
	}
}

func TestTransformWriteSeveralFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yaml")
	b := filepath.Join(dir, "b.yaml")
	os.WriteFile(a, []byte(cleanSpec), 0o600)
	os.WriteFile(b, []byte(cleanSpec), 0o644)
	code, stdout, stderr := run(t, "", "transform", "allow-cors", "on", "-w", a, filepath.Join(dir, "gone.yaml"), b)
	if code != ExitInput || stdout != "" || !strings.Contains(stderr, "gone.yaml") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, p := range []string{a, b} {
		got, _ := os.ReadFile(p)
		if !strings.Contains(string(got), "allowCors: true") {
			t.Errorf("%s not rewritten:\n%s", p, got)
		}
	}
	if st, _ := os.Stat(a); st.Mode().Perm() != 0o600 {
		t.Errorf("mode of a.yaml is %v, want 0600", st.Mode().Perm())
	}
}

func lintFiles(t *testing.T, paths ...string) ([]*spec.Document, []lint.Diagnostic) {
	t.Helper()
	var docs []*spec.Document
	for _, p := range paths {
		d, err := spec.Open(spec.Input{Name: p, Path: p}, nil, spec.Options{})
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	ds, err := lint.Run(context.Background(), docs, rules.All(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return docs, ds
}

func TestApplyFixes(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "fix.yaml")
	src := cleanSpec + "x-google-endpoints:\n- name: A.endpoints.my-project.cloud.goog  # case typo\n  allow_cors: \"true\"\n"
	os.WriteFile(p, []byte(src), 0o644)
	for _, tc := range []struct {
		name     string
		spelling bool
		want     string
	}{
		{"without spelling", false, "- name: a.endpoints.my-project.cloud.goog  # case typo\n  allow_cors: true\n"},
		{"with spelling", true, "- name: a.endpoints.my-project.cloud.goog  # case typo\n  allowCors: true\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile(p, []byte(src), 0o644)
			docs, diags := lintFiles(t, p)
			var errb bytes.Buffer
			cmd := &cobra.Command{}
			cmd.SetErr(&errb)
			remaining, err := applyFixes(cmd, docs, diags, tc.spelling)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(p)
			if !strings.HasSuffix(string(got), tc.want) {
				t.Errorf("file:\n%s\nwant it to end with:\n%s", got, tc.want)
			}
			if !strings.Contains(errb.String(), "fixed: "+p) {
				t.Errorf("stderr does not report the fix:\n%s", errb.String())
			}
			// What remains is exactly what lint reports on the new file.
			_, again := lintFiles(t, p)
			if len(remaining) != len(again) {
				t.Errorf("remaining %d diagnostics, lint on the fixed file finds %d:\n%v\n%v", len(remaining), len(again), remaining, again)
			}
			for _, d := range remaining {
				if d.RuleID == "endpoints-name-matches-host" || d.RuleID == "endpoints-allowcors-boolean" {
					t.Errorf("still remaining: %s", d.RuleID)
				}
			}
			if !tc.spelling && !strings.Contains(errb.String(), "--fix-spelling") {
				t.Errorf("stderr does not say how to fix the spelling:\n%s", errb.String())
			}
		})
	}
}

func TestApplyFixesRefusesStdin(t *testing.T) {
	doc, err := spec.Parse(spec.StdinName, []byte(cleanSpec), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = applyFixes(&cobra.Command{}, []*spec.Document{doc}, nil, false)
	if exitCode(err) != ExitUsage {
		t.Errorf("err = %v (exit %d), want a usage error", err, exitCode(err))
	}
}

func TestApplyFixesUnwritable(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "fix.yaml")
	src := cleanSpec + "x-google-endpoints:\n- name: b.endpoints.my-project.cloud.goog\n"
	os.WriteFile(p, []byte(src), 0o644)
	docs, diags := lintFiles(t, p)
	os.WriteFile(p, []byte(src+"# edited meanwhile\n"), 0o644)
	var errb bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetErr(&errb)
	remaining, err := applyFixes(cmd, docs, diags, false)
	if exitCode(err) != ExitInput {
		t.Errorf("err = %v, want exit %d", err, ExitInput)
	}
	if len(remaining) != len(diags) {
		t.Errorf("remaining %d, want all %d", len(remaining), len(diags))
	}
	if got, _ := os.ReadFile(p); !strings.HasSuffix(string(got), "# edited meanwhile\n") {
		t.Error("a file changed since it was read was overwritten")
	}
	if !strings.Contains(errb.String(), "changed on disk") {
		t.Errorf("stderr: %s", errb.String())
	}
}

func TestRemapLines(t *testing.T) {
	old := []byte("a\nb\nc\nd\ne\nf\n")
	updated := []byte("a\nB1\nB2\nc\nD\nE\n")
	ds := []lint.Diagnostic{{Line: 1}, {Line: 2}, {Line: 3}, {Line: 4}, {Line: 5}, {Line: 6}}
	got := remapLines(old, updated, ds)
	// b became two lines (c moves down one); d and e were rewritten in place;
	// f was removed, so its finding moves to the last line.
	want := []int{1, 2, 4, 5, 6, 6}
	for i, d := range got {
		if d.Line != want[i] {
			t.Errorf("old line %d -> %d, want %d", ds[i].Line, d.Line, want[i])
		}
	}
}
