package rules_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/format"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/testenv"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus.golden")

// TestCorpusGolden pins every finding on Google's real-world sample specs
// (shared/corpus/real-world next to the repository). Each file is linted on
// its own, as the samples are independent deployments, with the default
// target. bench/RESULTS.md justifies each finding.
func TestCorpusGolden(t *testing.T) {
	dir := testenv.Shared(t, "corpus", "real-world")
	files, _ := filepath.Glob(filepath.Join(dir, "*.*"))
	var names []string
	for _, f := range files {
		if ext := filepath.Ext(f); ext == ".yaml" || ext == ".json" {
			names = append(names, f)
		}
	}
	if len(names) == 0 {
		t.Fatal("the real-world corpus holds no spec")
	}
	var out bytes.Buffer
	for _, f := range names {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := "corpus/" + filepath.Base(f)
		var docs []*spec.Document
		var extra []lint.Diagnostic
		doc, err := spec.Parse(name, data, spec.Options{})
		if le, ok := errors.AsType[*spec.LoadError](err); ok {
			extra = append(extra, rules.LoadDiagnostic(le))
		} else if err != nil {
			t.Fatal(err)
		} else {
			docs = append(docs, doc)
		}
		ds, err := lint.Run(context.Background(), docs, rules.All(), nil, extra)
		if err != nil {
			t.Fatal(err)
		}
		if err := format.Print(&out, format.Text, ds, format.Options{Files: []string{name}}); err != nil {
			t.Fatal(err)
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
		t.Errorf("corpus findings changed (-want +got); review them, then go test ./rules -run TestCorpusGolden -update:\n%s", diff)
	}
	// The flagship finding: the api-compiler mismatched-name file, at the
	// name's exact line and column.
	if !strings.Contains(out.String(), "corpus/api-compiler_x-google-endpoints-with-mismatched-name.json:11:17: error: OpenAPI spec is invalid. The endpoint name: 'mismatched-name.endpoints.test-project.cloud.goog'") {
		t.Error("the mismatched name in the api-compiler file is not reported at 11:17")
	}
}
