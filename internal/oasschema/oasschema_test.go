package oasschema

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// parseRoot reads a document of any version with yaml.v3 (the loader
// refuses 3.x documents) and returns its top-level mapping.
func parseRoot(t testing.TB, data []byte) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Content) == 0 {
		t.Fatal("empty document")
	}
	return doc.Content[0]
}

func mustValidate(t testing.TB, src string) []Problem {
	t.Helper()
	root := parseRoot(t, []byte(src))
	v, err := VersionOf(root)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := Validate(root, v)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestEmbeddedSchemas pins each embedded schema to the published file its
// note names (sha256 and id), and checks that it compiles with the standard
// regexp engine too: the lenient engine (format "regex" not asserted) must
// not hide a broken pattern of the schema itself.
func TestEmbeddedSchemas(t *testing.T) {
	note, err := os.ReadFile("schemas/README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([^`]+)` \\| [^|]+ \\| `([^`]+)` \\| `([0-9a-f]{64})` \\|$")
	rows := row.FindAllStringSubmatch(string(note), -1)
	if len(rows) != versionCount {
		t.Fatalf("schemas/README.md lists %d schemas, want %d", len(rows), versionCount)
	}
	for _, r := range rows {
		data, err := schemaFiles.ReadFile("schemas/" + r[1])
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != r[3] {
			t.Errorf("%s: sha256 %s, the note says %s", r[1], got, r[3])
		}
		if !strings.Contains(string(data), `"`+r[2]+`"`) {
			t.Errorf("%s does not carry the id %s", r[1], r[2])
		}
	}
	for _, v := range []Version{Swagger20, OpenAPI30, OpenAPI31} {
		set, err := schemaFor(v)
		if err != nil {
			t.Fatalf("%v: %v", v, err)
		}
		for k, s := range set.units {
			if s == nil && layouts[v.index()].fragments[k] != "" {
				t.Errorf("%v: unit kind %d has no compiled schema", v, k)
			}
		}
		file, url := v.schemaFile()
		data, _ := schemaFiles.ReadFile(file)
		raw, _ := parseJSON(data)
		c := newCompiler()
		c.UseRegexpEngine(nil) // the standard engine
		if err := c.AddResource(url, raw); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Compile(url); err != nil {
			t.Errorf("%v does not compile with the standard regexp engine: %v", v, err)
		}
	}
}

// TestFormatsNotAsserted: every format an embedded schema names is
// registered as always valid (assertedFormats is complete).
func TestFormatsNotAsserted(t *testing.T) {
	for _, v := range []Version{Swagger20, OpenAPI30, OpenAPI31} {
		set, err := schemaFor(v)
		if err != nil {
			t.Fatal(err)
		}
		var walk func(any)
		walk = func(n any) {
			switch n := n.(type) {
			case map[string]any:
				if f, ok := n["format"].(string); ok && f != "regex" && !strings.Contains(strings.Join(assertedFormats, " "), f) {
					t.Errorf("%v uses format %q, which is not in assertedFormats", v, f)
				}
				for _, c := range n {
					walk(c)
				}
			case []any:
				for _, c := range n {
					walk(c)
				}
			}
		}
		walk(set.raw)
	}
	// The values those formats would refuse pass.
	ps := mustValidate(t, `swagger: "2.0"
info: {title: T, version: "1", termsOfService: "not a url", contact: {email: "nobody", url: "::"}}
paths:
  /a:
    get:
      parameters: [{name: q, in: query, type: string, pattern: "(?=lookahead)x"}]
      responses: {200: {description: ok}}
securityDefinitions:
  fb: {type: oauth2, flow: implicit, authorizationUrl: "", x-google-issuer: x}
`)
	if len(ps) != 0 {
		t.Errorf("format values were checked: %v", ps)
	}
}

// testDocs gathers documents to run the validator on: this package's
// testdata, the rule fixtures, the shared corpus when it is there, and a
// generated spec.
func testDocs(t *testing.T) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	var globs []string
	for _, dir := range []string{"testdata", "../../rules/testdata/*", "../../testdata/specs", "../../../shared/corpus/*", "../../../shared/corpus/*/*"} {
		for _, ext := range []string{"yaml", "yml", "json"} {
			globs = append(globs, filepath.Join(dir, "*."+ext))
		}
	}
	for _, g := range globs {
		files, _ := filepath.Glob(g)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			docs[f] = data
		}
	}
	return docs
}

// versionedRoot returns the root and version of a test document, or false
// for documents that are not loadable specs (parse errors, fragments).
func versionedRoot(data []byte) (*yaml.Node, Version, bool) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil, 0, false
	}
	root := spec.Deref(doc.Content[0])
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, 0, false
	}
	v, err := VersionOf(root)
	return root, v, err == nil
}

// TestSplitMatchesWhole: validating in units (stubs, skeleton schema,
// fingerprints) finds exactly what validating the whole document against
// the official schema finds, before any filtering.
func TestSplitMatchesWhole(t *testing.T) {
	docs := testDocs(t)
	docs["generated"] = generated(t, 2*parallelPaths) // path items split concurrently
	n := 0
	for name, data := range docs {
		root, v, ok := versionedRoot(data)
		if !ok {
			continue
		}
		n++
		split, err := validate(root, v, true, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		whole, err := validate(root, v, false, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(whole, split); diff != "" {
			t.Errorf("%s: split validation differs from whole (-whole +split):\n%s", name, diff)
		}
	}
	if n < 100 {
		t.Errorf("only %d documents checked", n)
	}
}

// TestResponseKeys: the splitter's response-code matchers agree with the
// patterns of the schemas themselves.
func TestResponseKeys(t *testing.T) {
	keys := []string{"200", "2XX", "2xx", "099", "600", "6XX", "1XX", "5XX", "XXX", "20", "2000", "default", "Default", "x-a", "", "1X0", "999", "100"}
	for _, v := range []Version{Swagger20, OpenAPI30, OpenAPI31} {
		_, d := skeletonPatches(v)
		re := regexp.MustCompile(d.responseCode)
		for _, k := range keys {
			want := re.MatchString(k) || k == "default"
			if got := layouts[v.index()].responseKey(k); got != want {
				t.Errorf("%v: responseKey(%q) = %v, the schema's pattern %s says %v", v, k, got, d.responseCode, want)
			}
		}
	}
}

// TestPointersResolve: every problem's pointer names a node of the document
// (the value, the object lacking a field, or the unknown key), so that a
// position can be given for it: through spec.Document for Swagger 2.0 and
// through the node tree for 3.x, which the loader does not take yet.
func TestPointersResolve(t *testing.T) {
	checked := 0
	for name, data := range testDocs(t) {
		root, v, ok := versionedRoot(data)
		if !ok || strings.Contains(string(data), "<<:") {
			continue // keys brought in by merge keys have no node of their own
		}
		ps, err := Validate(root, v)
		if err != nil {
			t.Fatal(err)
		}
		var doc *spec.Document
		if v == Swagger20 {
			if doc, err = spec.Parse(name, data, spec.Options{}); err != nil {
				continue
			}
		}
		for _, p := range ps {
			checked++
			if doc != nil {
				if k, val, _ := doc.Resolve(p.Pointer); val == nil && k == nil {
					t.Errorf("%s: %s does not resolve in the document (%s)", name, p.Pointer, p.Message)
				} else if pos := doc.Pos(p.Pointer); pos.Line < 1 {
					t.Errorf("%s: %s has no position", name, p.Pointer)
				}
				continue
			}
			if nodeAt(root, spec.SplitPointer(p.Pointer)) == nil {
				t.Errorf("%s: %s does not resolve in the node tree (%s)", name, p.Pointer, p.Message)
			}
		}
	}
	if checked < 30 {
		t.Errorf("only %d problems checked", checked)
	}
}

// withProblems adds a key the schema refuses ("bogus") to the first
// operation of every n-th path item, so that problems fall in every worker's
// share of the paths (the generated spec itself is valid).
func withProblems(t *testing.T, root *yaml.Node, n int) {
	t.Helper()
	paths := spec.Get(root, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		t.Fatal("the generated spec has no paths mapping")
	}
	for i := 1; i < len(paths.Content); i += 2 * n {
		item := paths.Content[i]
		if len(item.Content) < 2 || item.Content[1].Kind != yaml.MappingNode {
			t.Fatalf("path item %s: no operation first", paths.Content[i-1].Value)
		}
		op := item.Content[1]
		op.Content = append(op.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "bogus"},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "1"})
	}
}

// TestParallelSplitMatchesSequential: splitting the path items on several
// goroutines finds the same problems, in the same order, as one walk.
func TestParallelSplitMatchesSequential(t *testing.T) {
	root, v, _ := versionedRoot(generated(t, 3*parallelPaths))
	withProblems(t, root, 7)
	saved := splitWorkers
	defer func() { splitWorkers = saved }()
	var runs [][]Problem
	for _, workers := range []int{1, 2, 3} {
		splitWorkers = func() int { return workers }
		ps, err := Validate(root, v)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, ps)
	}
	if len(runs[0]) == 0 {
		t.Fatal("the generated spec has no problems; nothing is compared")
	}
	for i := 1; i < len(runs); i++ {
		if diff := cmp.Diff(runs[0], runs[i]); diff != "" {
			t.Errorf("%d workers differ from 1 (-1 +%d):\n%s", i+1, i+1, diff)
		}
	}
}
