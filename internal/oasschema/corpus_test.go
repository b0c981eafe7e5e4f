package oasschema_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/oasschema"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/testenv"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus.golden")

// TestCorpus runs the validator over the shared corpus (real specs from
// Google's samples, api-compiler's importer tests, the OpenAPI 3.x samples)
// next to the repository. Every input Google accepts must draw no problem;
// the full outcome is pinned in testdata/corpus.golden.
func TestCorpus(t *testing.T) {
	root := testenv.Shared(t, "corpus")
	var files []string
	for _, g := range []string{"real-world/*", "api-compiler/*", "real-world-oas3/*", "real-world-oas3/*/*"} {
		m, _ := filepath.Glob(filepath.Join(root, g))
		for _, f := range m {
			if ext := filepath.Ext(f); ext == ".yaml" || ext == ".yml" || ext == ".json" {
				files = append(files, f)
			}
		}
	}
	if len(files) == 0 {
		t.Fatal("no spec in " + root)
	}
	var out bytes.Buffer
	for _, f := range files {
		name, _ := filepath.Rel(root, f)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ps, why := corpusProblems(t, name, data)
		if why != "" {
			fmt.Fprintf(&out, "%s: %s\n", name, why)
			continue
		}
		if len(ps) == 0 {
			fmt.Fprintf(&out, "%s: no problems\n", name)
		}
		for _, p := range ps {
			fmt.Fprintf(&out, "%s: %s [%s] %s\n", name, p.Pointer, p.Kind, p.Message)
		}
		if accepted(root, name) && len(ps) > 0 {
			t.Errorf("%s: Google accepts this file, but the schema check reports %d problems, the first: %s %s", name, len(ps), ps[0].Pointer, ps[0].Message)
		}
	}
	golden := filepath.Join("testdata", "corpus.golden")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), out.String()); diff != "" {
		t.Errorf("corpus outcome changed (-want +got); review, then go test ./internal/oasschema -run TestCorpus -update:\n%s", diff)
	}
}

// corpusProblems validates one corpus file: Swagger 2.0 through the loader
// (as lint does), 3.x from the YAML tree. why says why a file is not
// validated.
func corpusProblems(t *testing.T, name string, data []byte) ([]oasschema.Problem, string) {
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil || len(node.Content) == 0 || node.Content[0].Kind != yaml.MappingNode {
		return nil, "not a YAML or JSON mapping (the loader reports it)"
	}
	v, err := oasschema.VersionOf(node.Content[0])
	if err != nil {
		return nil, "not validated: " + err.Error()
	}
	root := node.Content[0]
	if v == oasschema.Swagger20 {
		doc, err := spec.Parse(name, data, spec.Options{})
		if le, ok := errors.AsType[*spec.LoadError](err); ok {
			return nil, "not loaded: " + string(le.Kind)
		} else if err != nil {
			t.Fatal(err)
		}
		root = doc.Root
	}
	ps, err := oasschema.Validate(root, v)
	if err != nil {
		t.Fatal(err)
	}
	return ps, ""
}

var errorLine = regexp.MustCompile(`(?m)^(ERROR|Invalid OpenAPI file|Unable to parse)`)

// accepted reports whether Google accepts a corpus file: every real-world
// file but the two api-compiler negatives (their errors are not schema
// errors), and every api-compiler input whose expected output (the
// .baseline of the same name) has no error.
func accepted(root, name string) bool {
	dir, file := filepath.Split(name)
	base := strings.TrimSuffix(file, filepath.Ext(file))
	switch filepath.Clean(dir) {
	case "real-world":
		return true
	case "api-compiler":
		b, err := os.ReadFile(filepath.Join(root, dir, strings.ReplaceAll(base, "-", "_")+".baseline"))
		return err == nil && !errorLine.Match(b)
	}
	// 3.x: the two complete documentation samples (the others are a
	// fragment and a 2.0/3.0 mix, see the corpus's SOURCES.md).
	return strings.HasSuffix(name, "openapi-functions.yaml") || strings.HasSuffix(name, "openapi-appengine.yaml")
}
