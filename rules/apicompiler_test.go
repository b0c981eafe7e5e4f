package rules_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/testenv"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
)

// api-compiler's Swagger importer tests are corsgate's conformance suite:
// ../shared/corpus/api-compiler holds the open-source form of the converter
// Service Management runs at deploy, its test inputs, the expected outputs
// (NAME.baseline) and the upstream test that pairs them
// (SwaggerImportTest.java.txt). Every case the converter accepts must get no
// error-severity finding from corsgate; every failure it reports must be
// found by the rule named below, in the file it names, at the element it
// names (a JSON pointer prefix).

// apiCompilerCase is one upstream test: its name and input files.
type apiCompilerCase struct {
	name  string
	files []string
}

var (
	javaTestRE  = regexp.MustCompile(`public void (\w+)\(\) throws Exception \{`)
	javaFilesRE = regexp.MustCompile(`(?s)(?:testWithDefaults\(|ImmutableList\.of\()\s*((?:"[^"]+",?\s*)+)\)`)
	javaNameRE  = regexp.MustCompile(`"([^"]+)"`)
)

// apiCompilerCases reads the upstream test's cases and their input files.
func apiCompilerCases(t *testing.T, dir string) []apiCompilerCase {
	src, err := os.ReadFile(filepath.Join(dir, "SwaggerImportTest.java.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []apiCompilerCase
	locs := javaTestRE.FindAllSubmatchIndex(src, -1)
	for i, l := range locs {
		end := len(src)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		body := src[l[1]:end]
		m := javaFilesRE.FindSubmatch(body)
		if m == nil {
			t.Fatalf("test %s: no input files found", src[l[2]:l[3]])
		}
		c := apiCompilerCase{name: string(src[l[2]:l[3]])}
		for _, n := range javaNameRE.FindAllSubmatch(m[1], -1) {
			c.files = append(c.files, string(n[1]))
		}
		out = append(out, c)
	}
	return out
}

// findInput finds a test input by its name without extension, as the
// upstream test does (json, yaml, yml, invalid).
func findInput(dir, name string) (string, bool) {
	for _, ext := range []string{".json", ".yaml", ".yml", ".invalid"} {
		p := filepath.Join(dir, name+ext)
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return "", false
}

// failureLines returns what a baseline reports as failures: its ERROR lines,
// and for a conversion that stopped early, its first line.
func failureLines(baseline string) []string {
	var out []string
	lines := strings.Split(strings.TrimSpace(baseline), "\n")
	for _, l := range lines {
		if m, ok := strings.CutPrefix(l, "ERROR: "); ok {
			out = append(out, m)
		}
	}
	if len(out) == 0 && len(lines) > 0 && !strings.HasPrefix(lines[0], "name: ") && !strings.HasPrefix(lines[0], "WARNING: ") {
		out = append(out, lines[0])
	}
	return out
}

func TestAPICompilerConformance(t *testing.T) {
	dir := testenv.Shared(t, "corpus", "api-compiler")
	cases := apiCompilerCases(t, dir)
	if len(cases) < 60 {
		t.Fatalf("read %d upstream cases; expected about 64", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			baseline, err := os.ReadFile(filepath.Join(dir, c.name+".baseline"))
			if err != nil {
				t.Fatal(err)
			}
			ds := lintTogether(t, dir, c.files)
			failures := failureLines(string(baseline))
			if why, ok := apiCompilerDiffers[c.name]; ok {
				t.Logf("deliberate difference: %s", why)
				return
			}
			if len(failures) == 0 {
				for _, d := range ds {
					if d.Severity == lint.Error {
						t.Errorf("Google accepts this case, corsgate reports an error: %s:%d:%d %s [%s]", d.File, d.Line, d.Column, d.Message, d.RuleID)
					}
				}
				return
			}
			expect := apiCompilerFailures[c.name]
			for _, f := range failures {
				var e *caught
				for i := range expect {
					if strings.Contains(f, expect[i].line) {
						e = &expect[i]
						break
					}
				}
				if e == nil {
					t.Errorf("Google reports %q; no expectation says which rule finds it", f)
					continue
				}
				if !reported(ds, *e) {
					t.Errorf("Google reports %q; corsgate has no error of %s in %s at %s\nfindings:\n%s", f, e.rule, e.file, e.ptr, listDiags(ds))
				}
			}
		})
	}
}

// lintTogether lints the named inputs as one deployment with every rule.
func lintTogether(t *testing.T, dir string, names []string) []lint.Diagnostic {
	t.Helper()
	var docs []*spec.Document
	var extra []lint.Diagnostic
	for _, n := range names {
		p, ok := findInput(dir, n)
		if !ok {
			t.Fatalf("input %s not found", n)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := spec.Parse(filepath.Base(p), data, spec.Options{})
		if le, ok := errors.AsType[*spec.LoadError](err); ok {
			extra = append(extra, rules.LoadDiagnostic(le))
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		doc.Deployment = "case"
		docs = append(docs, doc)
	}
	ds, err := lint.Run(context.Background(), docs, rules.All(), nil, extra)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func reported(ds []lint.Diagnostic, e caught) bool {
	for _, d := range ds {
		if d.RuleID == e.rule && d.Severity == lint.Error && (e.file == "" || d.File == e.file) && strings.HasPrefix(d.Pointer, e.ptr) {
			return true
		}
	}
	return false
}

func listDiags(ds []lint.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s:%d:%d %s %s %s\n", d.File, d.Line, d.Column, d.Severity, d.RuleID, d.Pointer)
	}
	return b.String()
}
