package rules

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/testenv"
	"github.com/corsgate/corsgate/lint"
	"github.com/google/go-cmp/cmp"
)

// corpusDir is the shared real-world corpus, relative to the package.
func corpusDir(t testing.TB) string {
	t.Helper()
	return testenv.Shared(t, "corpus", "real-world")
}

func loadCorpusFile(t testing.TB, name string) *spec.Document {
	t.Helper()
	p := filepath.Join(corpusDir(t), name)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := spec.Parse(name, data, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestAPICompilerOperationIDBaseline pins api-compiler's baseline for
// invalid_opertion_id.json: exactly three errors (missing operationId on
// post, duplicate 'test' on delete, 'test.' colliding on method name Test).
func TestAPICompilerOperationIDBaseline(t *testing.T) {
	doc := loadCorpusFile(t, "api-compiler_invalid_opertion_id.json")
	var rs []*lint.Rule
	for _, r := range All() {
		if r.Category == lint.CategoryOperations || r.Category == lint.CategoryPaths || r.Category == lint.CategoryTypes {
			rs = append(rs, r)
		}
	}
	ds, err := lint.Run(context.Background(), []*spec.Document{doc}, rs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		if d.Severity == lint.Error {
			got = append(got, d.RuleID+" "+strings.SplitN(d.Message, ".", 2)[0])
		}
	}
	want := []string{
		"operation-id-required Operation 'post' in path '/v1/pets/{name}': Operation does not have the required 'operationId' field",
		"operation-id-unique operationId 'test",
		"operation-id-unique Operation 'delete' in path '/v1/pets/{name}': operationId 'test' has duplicate entry (first used by Operation 'get' in path '/v1/pets/{name}' at line 29)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors differ from the api-compiler baseline (-want +got):\n%s", diff)
	}
}
