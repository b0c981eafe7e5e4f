package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRun(t *testing.T) {
	out := t.TempDir()
	if err := run(out, "1.2.3", "2026-11-25T10:00:00Z"); err != nil {
		t.Fatal(err)
	}
	// Each completion script is the one cobra makes for that shell.
	starts := map[string]string{
		"corsgate.bash": "# bash completion V2 for corsgate",
		"_corsgate":     "#compdef corsgate",
		"corsgate.fish": "# fish completion for corsgate",
		"corsgate.ps1":  "# powershell completion for corsgate",
	}
	for name, start := range starts {
		b, err := os.ReadFile(filepath.Join(out, "completions", name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), start) {
			t.Errorf("%s starts %q, want %q", name, firstLine(b), start)
		}
	}

	// One page per visible command; help, completion and hidden commands have none.
	entries, err := os.ReadDir(filepath.Join(out, "man"))
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, e := range entries {
		pages = append(pages, e.Name())
	}
	sort.Strings(pages)
	want := []string{
		"corsgate-flags.1", "corsgate-lint.1", "corsgate-probe.1", "corsgate-rules.1", "corsgate-serve.1",
		"corsgate-transform-allow-cors-boolean.1", "corsgate-transform-allow-cors-spelling.1",
		"corsgate-transform-allow-cors.1", "corsgate-transform-cors-mode.1", "corsgate-transform-sync-name.1", "corsgate-transform-to-openapi3.1",
		"corsgate-transform.1", "corsgate-version.1", "corsgate.1",
	}
	if diff := cmp.Diff(want, pages); diff != "" {
		t.Errorf("man pages (-want +got):\n%s", diff)
	}

	// The header names version and date; plain-text help survives Markdown:
	// <stdin> is not taken for HTML, and indented lines keep their layout.
	b, err := os.ReadFile(filepath.Join(out, "man", "corsgate-lint.1"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, s := range []string{
		`.TH "CORSGATE" "1" "Nov 2026" "corsgate 1.2.3" "corsgate manual"`,
		"(named <stdin> in findings)",
		"\n  # corsgate:ignore <rule-id> [<rule-id>...]\n",
		"\n  rules:\n    endpoints-target-ipv4: off",
	} {
		if !strings.Contains(page, s) {
			t.Errorf("corsgate-lint.1 lacks %q", s)
		}
	}
}

// TestRunZeroDate: goreleaser without git information passes the zero time;
// the pages then carry today's date, not year 1.
func TestRunZeroDate(t *testing.T) {
	out := t.TempDir()
	if err := run(out, "1.2.3", "0001-01-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "man", "corsgate.1"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"Jan 0001"`) || !strings.Contains(string(b), time.Now().UTC().Format("Jan 2006")) {
		t.Errorf("header: %s", firstLines(b, 2))
	}
}

func TestRunBadDate(t *testing.T) {
	if err := run(t.TempDir(), "1.2.3", "yesterday"); err == nil || !strings.Contains(err.Error(), "-date") {
		t.Errorf("run with a bad date: %v", err)
	}
}

func firstLines(b []byte, n int) string {
	return strings.Join(strings.SplitN(string(b), "\n", n+1)[:n], "\n")
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	return s
}
