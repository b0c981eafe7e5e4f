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
	docs := map[string][]byte{
		"empty containers": []byte("a: {}\nb: []\nc: [{}, [], [[]], {d: {}}]\n"),
		"merge":            []byte("x: &x {a: 1, b: [2]}\ny: {<<: *x, c: 3}\n"),
		"scalars":          []byte("s: \"a\\tb\"\nn: null\nf: 1.5\ni: -3\nb: true\nu: \"\\u00e9\"\n"),
	}
	gen, err := specgen.Bytes(specgen.Options{Paths: 50, Seed: 3, Style: specgen.Catalog})
	if err != nil {
		t.Fatal(err)
	}
	docs["generated"] = gen
	jrepo, jcorpus := jsonFiles(t)
	yrepo, ycorpus := yamlFiles()
	for _, f := range append(append(jrepo, jcorpus...), append(yrepo, ycorpus...)...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = data
	}
	compared := 0
	for name, data := range docs {
		doc, err := Parse(name, data, Options{MaxSize: 1 << 30})
		if err != nil {
			continue // not a loadable document
		}
		compact, err := MarshalJSON(doc.Root)
		if err != nil {
			continue // refused (expansion budget): both forms refuse alike
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
		compared++
	}
	if compared < 100 {
		t.Errorf("only %d documents compared", compared)
	}
	t.Logf("%d documents compared", compared)
}
