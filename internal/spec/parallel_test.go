package spec

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/bench/gen/specgen"
	"github.com/corsgate/corsgate/internal/testenv"
	"go.yaml.in/yaml/v3"
)

// diffNodes returns "" when two trees are equal for parseValidYAMLNode's contract,
// else where and how they first differ. Comments are not compared; alias
// targets are compared by kind and position, not by pointer.
func diffNodes(a, b *yaml.Node) string {
	return diffAt("$", a, b)
}

func diffAt(path string, a, b *yaml.Node) string {
	if a == nil || b == nil {
		if a != b {
			return fmt.Sprintf("%s: one node is nil (%v, %v)", path, a == nil, b == nil)
		}
		return ""
	}
	type fields struct {
		Kind         yaml.Kind
		Style        yaml.Style
		Tag, Value   string
		Anchor       string
		Line, Column int
		Content      int
	}
	fa := fields{a.Kind, a.Style, a.Tag, a.Value, a.Anchor, a.Line, a.Column, len(a.Content)}
	fb := fields{b.Kind, b.Style, b.Tag, b.Value, b.Anchor, b.Line, b.Column, len(b.Content)}
	if fa != fb {
		return fmt.Sprintf("%s: %+v != %+v", path, fa, fb)
	}
	if (a.Alias == nil) != (b.Alias == nil) {
		return fmt.Sprintf("%s: alias target set on one side only", path)
	}
	if a.Alias != nil {
		ta := [3]int{int(a.Alias.Kind), a.Alias.Line, a.Alias.Column}
		tb := [3]int{int(b.Alias.Kind), b.Alias.Line, b.Alias.Column}
		if ta != tb || a.Alias.Anchor != b.Alias.Anchor {
			return fmt.Sprintf("%s: alias targets differ: %v %q != %v %q", path, ta, a.Alias.Anchor, tb, b.Alias.Anchor)
		}
	}
	for i := range a.Content {
		if d := diffAt(fmt.Sprintf("%s/%d", path, i), a.Content[i], b.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

// splitAt makes parseValidYAMLNode cut inputs of any size into chunks of at least
// chunkSize bytes (1: at every line it can), for the rest of the test.
func splitAt(tb testing.TB, chunkSize int) {
	minSize, size := parallelMinSize, parallelChunkSize
	parallelMinSize, parallelChunkSize = 0, chunkSize
	tb.Cleanup(func() { parallelMinSize, parallelChunkSize = minSize, size })
}

// compareWithSequential parses data both ways and fails unless the results
// agree: the same tree, or the same error. It returns the stats of the
// parallel parse.
func compareWithSequential(tb testing.TB, data []byte) parseStats {
	tb.Helper()
	var want yaml.Node
	wantErr := yaml.Unmarshal(data, &want)
	got, st, err := parseYAMLNodeStats(data)
	switch {
	case wantErr != nil && err != nil:
		if wantErr.Error() != err.Error() {
			tb.Fatalf("errors differ:\nsequential: %v\nparallel:   %v", wantErr, err)
		}
	case wantErr != nil || err != nil:
		tb.Fatalf("sequential error %v, parallel error %v", wantErr, err)
	default:
		if d := diffNodes(&want, got); d != "" {
			tb.Fatalf("trees differ (stats %+v): %s\ninput: %q", st, d, data)
		}
	}
	return st
}

func genSpec(tb testing.TB, paths int, format specgen.Format) string {
	tb.Helper()
	data, err := specgen.Bytes(specgen.Options{Paths: paths, Seed: 1, Format: format})
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}

const head = "swagger: \"2.0\"\ninfo:\n  title: t\n  version: \"1\"\n"

// pathsDoc is a small spec whose paths block holds the given entries.
func pathsDoc(entries string) string {
	return head + "paths:\n" + entries + "definitions:\n  A:\n    type: object\n  B:\n    type: string\n"
}

type parallelCase struct {
	name string
	in   string
	// parallel: with a cut at every possible line, the parallel tree is
	// used; else the input is parsed sequentially (the parallel attempt was
	// refused or failed).
	parallel bool
}

// parallelCases are the table of TestParallelParse and the fuzz seeds; gen
// and genJSON are generated specs.
func parallelCases(gen, genJSON string) []parallelCase {
	const yes, no = true, false
	return []parallelCase{
		{"generated", gen, yes},
		{"generated JSON", genJSON, no},
		{"CRLF", strings.ReplaceAll(gen, "\n", "\r\n"), yes},
		{"BOM", "\ufeff" + gen, yes},
		{"BOM CRLF", "\ufeff" + strings.ReplaceAll(gen, "\n", "\r\n"), yes},
		{"comments", "# head\n" + head + "# before paths\npaths:\n# col 0 in paths\n  # at the split indent\n  /a:\n    get: {}\n  # between\n\n  /b: # trailing\n    get: {}\n    # deeper\n# col 0\n  /c: 1\n# after\ndefinitions: {}\n# end\n", yes},
		{"block scalars", pathsDoc("  /a:\n    description: |\n      one\n\n      /x: not a key\n\n    summary: >-\n      folded\n\n      text\n  /b: |1\n   /y: content at c+1\n\n   z: more\n  /c: |+\n    keep\n\n\n  /d: >2\n     indented\n  /e: 1\n"), yes},
		{"block scalar at top level", "a: |\n  x\n  y: z\n\nb: >\n text\nc: 1\n", yes},
		{"multi-line plain", pathsDoc("  /a: first\n   second\n\n   third\n  /b:\n    description: plain\n      continued\n    x: 1\n  /c: 2\n"), yes},
		{"double-quoted across split", pathsDoc("  /a:\n    description: \"foo\n  /b: bar\"\n  /c: 1\n"), no},
		{"single-quoted across split", pathsDoc("  /a:\n    description: 'foo\n  /b: bar'\n  /c: 1\n"), no},
		{"quoted continuation at column 0", pathsDoc("  /a: \"foo\n/b: bar\"\n  /c: 1\n"), no},
		{"flow mapping across split", pathsDoc("  /a: {x: 1,\n  /b: 2}\n  /c: 1\n"), no},
		{"flow sequence across split", pathsDoc("  /a: [x,\n  /b]\n  /c: 1\n"), no},
		{"flow within an entry", pathsDoc("  /a: {x: 1,\n    y: [2,\n     3]}\n  /b: {}\n"), yes},
		{"anchor in one path, alias in another", pathsDoc("  /a:\n    get: &op\n      summary: s\n  /b:\n    get: *op\n"), no},
		{"anchor and alias in one path", pathsDoc("  /a:\n    get: &op\n      summary: s\n    put: *op\n  /b:\n    get: {}\n"), yes},
		{"anchor redefined in a later chunk", pathsDoc("  /a:\n    get: &op\n      summary: s\n  /b:\n    get: &op\n      summary: t\n    put: *op\n"), yes},
		{"merge keys", pathsDoc("  /a:\n    x: &base\n      a: 1\n    y:\n      <<: *base\n      b: 2\n  /b:\n    <<: {c: 3}\n"), yes},
		{"duplicate key across chunks", pathsDoc("  /a: 1\n  /b: 2\n  /a: 3\n"), yes},
		{"syntax error in one chunk", pathsDoc("  /a: 1\n  /b: [1, 2\n  /c: 3\n"), no},
		{"bad indentation in one chunk", pathsDoc("  /a:\n    x: 1\n   y: 2\n  /b: 3\n"), no},
		{"key without colon", pathsDoc("  /a: 1\n  junk\n  /b: 2\n"), no},
		{"tab", pathsDoc("  /a:\n\t  x: 1\n  /b: 2\n"), no},
		{"start marker", "---\n" + head + "paths:\n  /a: 1\n  /b: 2\n", yes},
		{"start marker with comment", "# c\n--- # doc\n" + head + "paths:\n  /a: 1\n  /b: 2\n", yes},
		{"second document", head + "paths:\n  /a: 1\n---\nb: 2\n", no},
		{"end marker", head + "paths:\n  /a: 1\n...\n", no},
		{"directive", "%YAML 1.1\n---\n" + head, no},
		{"small paths only", head + "paths:\n  /a: {}\n", yes},
		{"top-level keys after paths", pathsDoc("  /a: 1\n  /b: 2\n") + "x-google-backend:\n  address: https://b\nx-google-management:\n  metrics:\n  - name: m\nsecurity:\n- k: []\n", yes},
		{"indent 4", "swagger: \"2.0\"\npaths:\n    /a:\n        get: {}\n    /b:\n        get: {}\ndefinitions:\n    A:\n        type: object\n    B: {}\n", yes},
		{"quoted keys", pathsDoc("  \"/a\":\n    get: {}\n  '/b':\n    get: {}\n  \"/c\": 1\n"), yes},
		{"explicit keys", pathsDoc("  ? /a\n  : 1\n  ? /b\n  /c: 2\n  ? [x]\n  /d: 3\n"), yes},
		{"explicit key without value before a cut", pathsDoc("  /a: 1\n  ? /b\n  /c: 2\n"), yes},
		{"explicit key without value, comment, cut", pathsDoc("  /a: 1\n  ? /b\n# c\n  /c: 2\n"), yes},
		{"explicit mapping key without value before a cut", "0: \n  0: \n  ? 0: \n  0: ", yes},
		{"nested explicit key without value before a cut", pathsDoc("  /a:\n    x:\n      ? y\n  /c: 2\n"), yes},
		{"explicit key with value before a cut", pathsDoc("  /a: 1\n  ? /b\n  : x\n  /c: 2\n"), yes},
		{"explicit top-level key", "? swagger\n: \"2.0\"\npaths:\n  /a: 1\n  /b: 2\n", yes},
		{"explicit top-level key without value", "swagger: \"2.0\"\n? x\npaths:\n  /a: 1\n", yes},
		{"explicit key in a split block", "swagger: \"2.0\"\npaths:\n  /a: 1\n  /b: 2\n? x\n", no},
		{"empty values", pathsDoc("  /a:\n  /b:\n  /c: ~\n  /d: \"\"\n") + "empty:\nlast:", yes},
		{"empty paths", head + "paths:\ndefinitions:\n  A: {}\n", yes},
		{"trailing spaces after key", head + "paths:   \n  /a: 1\n  /b: 2\n", yes},
		{"comment after key", head + "paths: # c\n  /a: 1\n  /b: 2\n", yes},
		{"sequence in paths", head + "paths:\n  /a:\n  - 1\n  - 2\n  /b: 3\n", yes},
		{"sequence as block", head + "paths:\n  - 1\n  - 2\ntags:\n- x\n", yes},
		{"indented document", "  swagger: \"2.0\"\n  paths:\n    /a: 1\n    /b: 2\nrest: 1\n", no},
		{"lone CR", head + "paths:\r  /a: 1\n  /b: 2\n", no},
		{"line separator", head + "paths:\n  /a: \"x\u2028y\"\n  /b: 2\n", no},
		{"non-ASCII keys", head + "paths:\n  /ä: 1\n  ö: 2\nü: 3\n", yes},
		{"byte order mark mid-stream", head + "paths:\n  /a: 1\n  /b: 2\n  \ufeffc: 3\n", yes},
		{"tagged and anchored keys", head + "paths:\n  /a: 1\n  &k /b: 2\n  !!str /c: 3\n  *k : 4\n", yes},
		{"anchored block", head + "paths: &p\n  /a: 1\n  /b: 2\n", yes},
		{"deeper first child", head + "paths:\n    /a: 1\n  /b: 2\n", no},
		{"no final newline", head + "paths:\n  /a: 1\n  /b: 2", yes},
		{"flow document", "{\"swagger\": \"2.0\",\n\"paths\": {}}\n", no},
		{"scalar document", "just text\nmore: text\n", no},
	}
}

func TestParallelParse(t *testing.T) {
	for _, tc := range parallelCases(genSpec(t, 300, specgen.YAML), genSpec(t, 300, specgen.JSON)) {
		t.Run(tc.name, func(t *testing.T) {
			for _, size := range []int{1, len(tc.in) / 3} {
				splitAt(t, max(size, 1))
				st := compareWithSequential(t, []byte(tc.in))
				used := st.Chunks > 1 && st.Fallback == ""
				t.Logf("chunk size %d: %+v", size, st)
				if size == 1 && used != tc.parallel {
					t.Errorf("parallel tree used = %v, want %v (stats %+v)", used, tc.parallel, st)
				}
			}
		})
	}
}

// TestParallelParseDuplicateReported: a duplicate key split across chunks
// still reaches Parse's duplicate check.
func TestParallelParseDuplicateReported(t *testing.T) {
	splitAt(t, 1)
	_, err := Parse("dup.yaml", []byte(pathsDoc("  /a:\n    get: {}\n  /b: {}\n  /a: {}\n")), Options{})
	le, ok := err.(*LoadError)
	if !ok || le.Kind != KindDuplicate || le.Line != 9 {
		t.Fatalf("err = %v, want a duplicate-key error at line 9", err)
	}
}

// TestParallelParseSyntaxError: Parse reports the same diagnostic as it did
// with the sequential parse.
func TestParallelParseSyntaxError(t *testing.T) {
	in := []byte(pathsDoc("  /a: 1\n  /b: [1, 2\n  /c: 3\n"))
	splitAt(t, 1)
	_, err := Parse("bad.yaml", in, Options{})
	parallelMinSize = len(in) + 1
	_, want := Parse("bad.yaml", in, Options{})
	if err == nil || want == nil || err.Error() != want.Error() {
		t.Fatalf("error %v, want %v", err, want)
	}
}

// TestParallelParseDeep: yaml.v3 limits the depth of its indentation stack;
// a chunk of a block's entries has the same stack as the whole parse (thanks
// to its prefix), so the limit trips exactly where it does sequentially.
func TestParallelParseDeep(t *testing.T) {
	splitAt(t, 1)
	for _, depth := range []int{100, 9997, 9998, 9999, 10000} {
		in := "a: 1\npaths:\n  /a: 1\n  /b:\n    " + strings.Repeat("- ", depth) + "x\n  /c: 1\nz: 1\n"
		var seq yaml.Node
		seqErr := yaml.Unmarshal([]byte(in), &seq)
		st := compareWithSequential(t, []byte(in))
		used := st.Chunks > 1 && st.Fallback == ""
		t.Logf("depth %d: sequential error %v, stats %+v", depth, seqErr, st)
		if used != (seqErr == nil) {
			t.Errorf("depth %d: parallel tree used = %v, sequential error %v", depth, used, seqErr)
		}
	}
}

// TestParallelParseDefaults: with the production thresholds a large spec is
// split into chunks, and a small one is not.
func TestParallelParseDefaults(t *testing.T) {
	data, err := specgen.Bytes(specgen.Options{Paths: 400, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < parallelMinSize {
		t.Fatalf("spec of %d bytes is below the threshold", len(data))
	}
	// The production chunk size; setting it explicitly also lets a run
	// with one CPU split.
	parallelChunkSize = chunkTarget(len(data))
	t.Cleanup(func() { parallelChunkSize = 0 })
	if st := compareWithSequential(t, data); st.Chunks < 2 || st.Fallback != "" {
		t.Errorf("large spec: stats %+v, want chunks", st)
	}
	if st := compareWithSequential(t, []byte(minimal)); st.Chunks != 0 {
		t.Errorf("small spec: stats %+v, want the sequential parse", st)
	}
}

// TestParallelParseCorpus: every spec in the repository's test data parses
// the same way when cut at every possible line.
func TestParallelParseCorpus(t *testing.T) {
	var files []string
	for _, pat := range []string{
		"../../rules/testdata/*/*", "../../transform/testdata/*", "../../transform/testdata/*/*",
		"../../testdata/specs/*",
	} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	splitAt(t, 1)
	t.Run("shared corpus", func(t *testing.T) {
		m, _ := filepath.Glob(filepath.Join(testenv.Shared(t, "corpus", "real-world"), "*"))
		for _, f := range m {
			if ext := filepath.Ext(f); ext == ".yaml" || ext == ".yml" || ext == ".json" {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				t.Run(filepath.Base(f), func(t *testing.T) { compareWithSequential(t, data) })
			}
		}
	})
	n := 0
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".yaml" && ext != ".yml" && ext != ".json" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) { compareWithSequential(t, data) })
		n++
	}
	if n < 50 {
		t.Errorf("only %d spec files found", n)
	}
}

// maxFuzzInput bounds FuzzParallelParse's inputs.
const maxFuzzInput = 4096

// FuzzParallelParse: cut at every possible line, the parallel parse gives the
// sequential tree, or the same error.
func FuzzParallelParse(f *testing.F) {
	seeds := []string{
		pathsDoc("  /a:\n    get: {}\n  /b:\n    get: {}\n"),
		"\ufeff" + strings.ReplaceAll(pathsDoc("  /a: 1\n  /b: 2\n"), "\n", "\r\n"),
		"# c\n---\n" + head + "paths:\n# c\n  /a: |\n    x\n\n    y: z\n  # c\n  /b: >-\n   t\n",
		pathsDoc("  /a: first\n   second\n  /b: 'x\n  /c: y'\n  /d: \"x\n  /e: y\"\n"),
		pathsDoc("  /a: {x: 1,\n  /b: 2}\n  /c: [1,\n  2]\n"),
		pathsDoc("  /a: &x {a: 1}\n  /b: *x\n  /c:\n    <<: &y {b: 2}\n    d: *y\n"),
		pathsDoc("  /a: 1\n  /a: 2\n  ? /b\n  /c:\n  \"/d\": 1\n  '/e':\n"),
		"swagger: \"2.0\"\npaths:\n    /a:\n        get: {}\n    /b: 1\nx-google-endpoints:\n- name: n\n",
		"  a: 1\n  b:\n    c: 2\nd: 3\n",
		"a: 1\n...\nb: 2\n",
		"%YAML 1.2\n---\na: 1\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	// The generated specs cut down to the fuzzer's input size, at a line end.
	gen, genJSON := genSpec(f, 1, specgen.YAML), genSpec(f, 1, specgen.JSON)
	gen = gen[:strings.LastIndexByte(gen[:maxFuzzInput/2], '\n')+1]
	genJSON = genJSON[:strings.LastIndexByte(genJSON[:maxFuzzInput/2], '\n')+1]
	for _, tc := range parallelCases(gen, genJSON) {
		if len(tc.in) <= maxFuzzInput {
			f.Add([]byte(tc.in))
		}
	}
	splitAt(f, 1)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return // large inputs make each run and each minimization slow
		}
		compareWithSequential(t, data)
		compareWithSequential(t, specDoc(bytePicker(data)))
	})
}

// fuzzLineSet are lines of spec-like YAML that specDoc inserts at random:
// keys at the cut indentations, halves of multi-line tokens, anchors,
// explicit keys, comments, markers, tabs.
var fuzzLineSet = []string{
	"swagger: \"2.0\"", "paths:", "  /a:", "  /b: x", "    get: {}",
	"    d: \"multi", "  /c: end\"", "    s: 'multi", "  /d: end'",
	"    f: {a: 1,", "  /e: 2}", "  /h: [1,", "    2]",
	"    t: |", "      text", "    u: >-", "  /f: |1", "   /g: at c+1",
	"", "  ", "# comment", "  # comment", "    # comment",
	"    p: plain", "     continued", "  /p: plain", "   continued",
	"    x: &a {k: v}", "    y: *a", "    <<: *a", "  &k /k: 1", "  *k : 2",
	"  ? /q", "  : v", "? top", ": v", "  - item", "- item", "    - seq",
	"definitions:", "  A:", "    type: object", "x-google-backend:", "x: 1", "x:",
	"---", "...", "  \"/quoted\": 1", "  '/single': 2", "\t", "  \tx: 1", "    z:",
	"    q: \"a", "b\"", "  /i: 'x", "'", "%YAML 1.1", "  !!str /t: 1", "\ufeff/bom: 1",
}

// specDoc builds a spec-like document from choices made by pick(n), which
// returns a number in [0, n). Most documents are valid YAML with the
// constructs that are hard on the splitter placed at the cuts: multi-line
// quoted scalars and flow collections whose continuation lines look like
// keys at the cut indentation, block and plain scalars, anchors and aliases
// across entries, explicit keys, comments at every column. Some get a line
// from fuzzLineSet at a random place, which usually breaks them.
func specDoc(pick func(n int) int) []byte {
	var lines []string
	add := func(l ...string) { lines = append(lines, l...) }
	anchors := 0
	entry := func(ind string, key int) {
		k := fmt.Sprintf("/p%d", key)
		d := ind + "  "
		kind := pick(22)
		if kind >= 2 && kind <= 4 && pick(6) != 0 {
			kind = 1 // tokens across a cut make a chunk fail: not too often
		}
		switch kind {
		case 0:
			add(ind + k + ": {}")
		case 1:
			add(ind+k+":", d+"get:", d+"  summary: s")
		case 2:
			add(ind+k+": \"one", ind+"/q: two\"")
		case 3:
			add(ind+k+": 'one", ind+"/q: two'")
		case 4:
			add(ind+k+": {a: 1,", ind+"/q: 2}")
		case 5:
			add(ind+k+": [1,", ind+"  2]")
		case 6:
			add(ind+k+": |", d+"text", "", d+"/k: v", "")
		case 7:
			add(ind+k+": |1", ind+" /q: at c+1", "")
		case 8:
			add(ind+k+": >+", d+"a", "", "")
		case 9:
			add(ind+k+": one", ind+" two", "", ind+"   three")
		case 10:
			add(fmt.Sprintf("%s%s: &a%d {k: v}", ind, k, anchors))
			anchors++
		case 11:
			add(fmt.Sprintf("%s%s: *a%d", ind, k, pick(anchors+1)))
		case 12:
			add(ind+k+":", fmt.Sprintf("%s<<: *a%d", d, pick(anchors+1)), d+"b: 2")
		case 13:
			add(ind + "? " + k)
		case 14:
			add(ind+"? "+k, ind+": v")
		case 15:
			add(ind + k + ":")
		case 16:
			add(ind+k+":", ind+"- a", ind+"- b")
		case 17:
			add(ind + "\"" + k + " x\": 1")
		case 18:
			add(ind + "'" + k + "': 2")
		case 19:
			add(ind+k+":", d+"x:", d+"- |", d+"  text", d+"- {a: [1,", "  2]}")
		case 20:
			add(fmt.Sprintf("%s&a%d %s: 1", ind, anchors, k))
			anchors++
		case 21:
			add(ind+k+": \"esc\\", ind+"  aped\"")
		}
		switch pick(8) {
		case 0:
			add("# c")
		case 1:
			add(ind + "# c")
		case 2:
			add("")
		}
	}
	block := func(key string) {
		add(key + ":")
		ind := []string{"  ", "    ", " "}[pick(3)]
		for i, n := 0, 1+pick(8); i < n; i++ {
			key := i
			if pick(20) == 0 {
				key = 0 // a duplicate
			}
			entry(ind, key)
		}
	}
	switch pick(4) {
	case 0:
		add("---")
	case 1:
		add("# head", "--- # doc")
	}
	add("swagger: \"2.0\"")
	if pick(2) == 0 {
		add("info:", "  title: t", "  version: \"1\"")
	}
	block("paths")
	if pick(2) == 0 {
		block("definitions")
	}
	if pick(2) == 0 {
		add("x-google-management:", "  metrics:", "  - name: m", "security:", "- k: []")
	}
	if pick(3) == 0 {
		entry("", 99)
	}
	if pick(4) == 0 {
		at := pick(len(lines) + 1)
		lines = append(lines[:at], append([]string{fuzzLineSet[pick(len(fuzzLineSet))]}, lines[at:]...)...)
	}
	eol := "\n"
	if pick(4) == 0 {
		eol = "\r\n"
	}
	out := strings.Join(lines, eol)
	if pick(5) != 0 {
		out += eol
	}
	if pick(6) == 0 {
		out = "\ufeff" + out
	}
	return []byte(out)
}

// bytePicker makes choices from fuzz bytes, then zeros.
func bytePicker(data []byte) func(n int) int {
	return func(n int) int {
		if len(data) == 0 || n <= 1 {
			return 0
		}
		c := int(data[0])
		data = data[1:]
		return c % n
	}
}

// TestParallelParseGenerated: random documents from specDoc, cut at every
// possible line, parse as they do sequentially; many of them take the
// parallel path.
func TestParallelParseGenerated(t *testing.T) {
	splitAt(t, 1)
	rng := rand.New(rand.NewPCG(1, 2))
	n, used, failed := 5000, 0, 0
	if testing.Short() {
		n = 500
	}
	for range n {
		in := specDoc(rng.IntN)
		st := compareWithSequential(t, in)
		switch {
		case st.Chunks > 1 && st.Fallback == "":
			used++
		case strings.Contains(st.Fallback, "yaml:"):
			failed++
		}
	}
	t.Logf("%d of %d documents used the parallel tree, %d fell back on a chunk's yaml error", used, n, failed)
	if used < n/4 || failed < n/20 {
		t.Errorf("want both kinds of documents to be common")
	}
}

// TestCheckParallel: on large documents the structural check runs on two
// goroutines; it must accept exactly what the sequential check accepts, with
// the same alias count, and leave every problem to the sequential check so
// that the error (kind, position, message) is the same as always.
func TestCheckParallel(t *testing.T) {
	base, err := specgen.Bytes(specgen.Options{Paths: 400, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(base) < parallelMinSize {
		t.Fatalf("base spec is %d bytes, below the parallel threshold", len(base))
	}
	// A path item in the middle, to put problems far from the start.
	lines := strings.Split(string(base), "\n")
	mid := -1
	for i := len(lines) / 2; i < len(lines); i++ {
		if (strings.HasPrefix(lines[i], "  /") || strings.HasPrefix(lines[i], "  \"/")) && strings.HasSuffix(lines[i], ":") {
			mid = i
			break
		}
	}
	if mid < 0 {
		t.Fatal("no path item found")
	}
	insert := func(extra string) []byte {
		out := append([]string{}, lines[:mid]...)
		out = append(out, strings.Split(extra, "\n")...)
		out = append(out, lines[mid:]...)
		return []byte(strings.Join(out, "\n"))
	}
	aliases := "  /aliases:\n    x-anchors: &a {k: v}\n    x-uses:\n"
	for i := 0; i < 201; i++ {
		aliases += "      - *a\n"
	}
	aliases = strings.TrimSuffix(aliases, "\n")
	deep := "  /deep:\n    x-deep: " + strings.Repeat("[", 30) + strings.Repeat("]", 30)
	cases := []struct {
		name string
		data []byte
		opts Options
	}{
		{"clean", base, Options{}},
		{"clean with a few aliases", insert("  /few:\n    x-anchors: &a {k: v}\n    x-uses: [*a, *a, *a]"), Options{}},
		{"duplicate path", insert(lines[mid] + "\n    get: {responses: {200: {description: ok}}}"), Options{}},
		{"duplicate key deep inside", insert("  /dup:\n    get:\n      responses: {200: {description: a}, 200: {description: b}}"), Options{}},
		{"too many aliases", insert(aliases), Options{}},
		{"too deep", insert(deep), Options{MaxDepth: 20}},
		{"duplicate top-level key", append(append([]byte{}, base...), []byte("\ninfo: {title: again, version: '2'}\n")...), Options{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, perr := Parse("big.yaml", tc.data, tc.opts)
			// The sequential check alone, on the same tree.
			top, err := parseValidYAMLNode(tc.data)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			seq := &Document{Name: "big.yaml", Src: tc.data, Root: top.Content[0]}
			serr := seq.check(tc.opts)
			if (perr == nil) != (serr == nil) {
				t.Fatalf("Parse error %v, sequential check %v", perr, serr)
			}
			if wantErr := !strings.HasPrefix(tc.name, "clean"); wantErr != (serr != nil) {
				t.Fatalf("error %v, want one: %v", serr, wantErr)
			}
			if serr != nil {
				if perr.Error() != serr.Error() {
					t.Errorf("Parse: %v\nsequential check: %v", perr, serr)
				}
				return
			}
			if doc.Aliases != seq.Aliases {
				t.Errorf("aliases %d, sequential %d", doc.Aliases, seq.Aliases)
			}
			par := &Document{Name: "big.yaml", Src: tc.data, Root: top.Content[0]}
			if !par.checkParallel(tc.opts) {
				t.Errorf("a clean large document did not pass the parallel check")
			}
		})
	}
}
