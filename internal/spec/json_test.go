package spec

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/corsgate/corsgate/bench/gen/specgen"
)

// TestMarshalJSONIndentMatchesIndent: the indented form is what json.Indent
// makes of the compact one, on every spec of the repository and the shared
// corpus, a generated one, and the empty and nested shapes json.Indent
// treats apart.
func TestMarshalJSONIndentMatchesIndent(t *testing.T) {
	gen, err := specgen.Bytes(specgen.Options{Paths: 50, Seed: 3, Style: specgen.Catalog})
	if err != nil {
		t.Fatal(err)
	}
	const swagger = "swagger: \"2.0\"\n" // Parse loads specs only
	t.Run("cases", func(t *testing.T) {
		for name, data := range map[string][]byte{
			"empty containers": []byte(swagger + "a: {}\nb: []\nc: [{}, [], [[]], {d: {}}]\n"),
			"merge":            []byte(swagger + "x: &x {a: 1, b: [2]}\ny: {<<: *x, c: 3}\n"),
			"scalars":          []byte(swagger + "s: \"a\\tb\"\nn: null\nf: 1.5\ni: -3\nb: true\nu: \"\\u00e9\"\n"),
			"generated":        gen,
		} {
			if !indentMatches(t, name, data) {
				t.Errorf("%s: not a loadable document", name)
			}
		}
	})
	least := map[string]int{"repo": 100, "corpus": 50}
	eachFileSet(t, specExts, func(t *testing.T, set string, files []string) {
		compared := 0
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if indentMatches(t, f, data) {
				compared++
			}
		}
		t.Logf("%d documents compared", compared)
		if compared < least[set] {
			t.Errorf("only %d documents compared", compared)
		}
	})
}

// indentMatches compares both forms for one document; false when it is not
// a loadable document, or MarshalJSON refuses it (both forms refuse alike).
func indentMatches(t *testing.T, name string, data []byte) bool {
	t.Helper()
	doc, err := Parse(name, data, Options{MaxSize: 1 << 30})
	if err != nil {
		return false
	}
	compact, err := MarshalJSON(doc.Root)
	if err != nil {
		return false
	}
	var want bytes.Buffer
	if err := json.Indent(&want, compact, "", "  "); err != nil {
		t.Fatalf("%s: json.Indent: %v", name, err)
	}
	got, err := MarshalJSONIndent(doc.Root, "  ")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("%s: MarshalJSONIndent differs from json.Indent of MarshalJSON:\n%s\nwant:\n%s", name, got, want.Bytes())
	}
	return true
}
