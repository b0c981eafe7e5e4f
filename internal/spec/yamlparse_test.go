package spec

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/corsgate/corsgate/bench/gen/specgen"
	"go.yaml.in/yaml/v3"
)

// compareBlockWithYAML parses data with parseBlockYAML and with yaml.v3 and
// fails unless parseBlockYAML either left it to yaml.v3 or built yaml.v3's
// tree (which also means yaml.v3 accepts it). Comments are not compared:
// parseBlockYAML does not keep them. It returns the reason for leaving data
// to yaml.v3, "" when it built the tree.
func compareBlockWithYAML(tb testing.TB, data []byte) string {
	tb.Helper()
	if !utf8.Valid(data) || strings.IndexByte(string(data), 0) >= 0 {
		return "not for parseBlockYAML"
	}
	got, why := parseBlockYAML(data)
	if got == nil {
		if why == "" {
			tb.Fatalf("parseBlockYAML returned neither a tree nor a reason for %q", data)
		}
		return why
	}
	if why != "" {
		tb.Fatalf("parseBlockYAML returned a tree and a reason %q", why)
	}
	var want yaml.Node
	if err := yaml.Unmarshal(data, &want); err != nil {
		tb.Fatalf("parseBlockYAML accepted what yaml.v3 refuses (%v): %q", err, data)
	}
	if d := diffNodes(&want, got); d != "" {
		tb.Fatalf("trees differ: %s\ninput: %q", d, data)
	}
	var walk func(a, b *yaml.Node) string
	walk = func(a, b *yaml.Node) string {
		if (a.Content == nil) != (b.Content == nil) || len(b.Content) != cap(b.Content) {
			return fmt.Sprintf("line %d: Content nil on one side only, or with spare capacity", b.Line)
		}
		for i := range a.Content {
			if d := walk(a.Content[i], b.Content[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if d := walk(&want, got); d != "" {
		tb.Fatalf("%s\ninput: %q", d, data)
	}
	return ""
}

func TestParseBlockYAML(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		why      string // "" when parseBlockYAML must build the tree itself
	}{
		{"one pair", "a: 1\n", ""},
		{"no final newline", "a: 1", ""},
		{"nested", "a:\n  b: x\n  c:\n    d: y\ne: z\n", ""},
		{"four spaces", "a:\n    b: x\n    c:\n        d: y\n", ""},
		{"indentless sequence", "a:\n- x\n- y\nb: 1\n", ""},
		{"indented sequence", "a:\n    - x\n    - y\nb: 1\n", ""},
		{"compact mappings", "a:\n- name: x\n  in: path\n-   name: y\n    in: query\nb: 2\n", ""},
		{"entry on the next line", "a:\n- # note\n  name: x\n  v: 1\n-\n  name: y\n", ""},
		{"sequence in compact mapping", "a:\n- tags:\n  - t\n  - u\n  name: x\n", ""},
		{"empty values", "a:\nb: # c\nc:   \nd:\n  e:\nf:", ""},
		{"empty value before a dedent", "a:\n  b:\nc: 1\n", ""},
		{"tags", "a: 1\nb: 1.5\nc: true\nd: null\ne: ~\nf: 2001-12-14\ng: 0x1F\nh: 1_000\ni: .inf\nj: -.5\nk: 0o17\nl: 08\nm: +1\nn: 1e5\no: yes\n200: x\n", ""},
		{"merge key", "<<: {a: 1}\nb: 2\n", ""},
		{"quoted", "'a': 'it''s'\n\"b\": \"x\\ty\\u00e9\\x41\\U0001F600\\\"\\\\ \\N\\_\\L\\P\\0\\a\\b\\e\\f\\n\\r\\v\\/\"\nc: ''\nd: \"\"\n", "unknown escape"},
		{"double-quoted escapes", "\"b\": \"x\\ty\\u00e9\\x41\\U0001F600\\\"\\\\ \\N\\_\\L\\P\\0\\a\\b\\e\\f\\n\\r\\v\"\n", ""},
		{"quoted key then space", "\"a\"   : 1\n'b':\n  c: 2\n", ""},
		{"plain with colons and hashes", "a: http://x:8080/p#frag\nb: a:b\nc: x # comment\nd: 'y' # c\n", ""},
		{"flow", "a: {type: string, format: uuid}\nb: [x, 'y', \"z\", 1, true]\nc: {}\nd: []\ne: {f: [1, {g: h}], \"i\":j}\nf: {url: https://x.y/z}\n", ""},
		{"flow then comment", "a: [x, y] # c\n", ""},
		{"literal", "a: |\n  line 1\n\n  line 3\n    indented\nb: |-\n  x\n\n\nc: |+\n  y\n\n\nd: 1\n", ""},
		{"literal at the end", "a: |\n  x\n  y", ""},
		{"literal with trailing empty lines at the end", "a: |+\n  x\n\n", ""},
		{"folded", "a: >\n  one\n  two\n\n  three\n\n\n  four\nb: >-\n  x\n  y\n", ""},
		{"literal content that looks like YAML", "a: |\n  # not a comment\n  - not an item\n  k: v\n# a comment\nb: 1\n", ""},
		{"whitespace lines in a literal", "a: |\n  x\n    \n  y\n \nb: 1\n", ""},
		{"block scalar in a compact mapping", "a:\n- d: |\n    text\n  e: 1\n", ""},
		{"comments everywhere", "# head\na: # c\n  # c\n    # c\n  b: 1 # c\n# c\n  c: 2\n", ""},
		{"document start", "---\na: 1\n", ""},
		{"comment then document start", "# c\n\n---\na: 1\n", ""},
		{"document start with a comment", "--- # c\na: 1\n", ""},
		{"document start with content", "--- a\nb: 1\n", "content after ---"},
		{"CRLF", "a:\r\n  b: 1\r\n  c: |\r\n    x\r\n    y\r\n", ""},
		{"BOM", "\ufeffa: 1\n", ""},
		{"non-ASCII", "é: ü\nk:\n  日本: {x: 😀}\n  v: 'ö'\n", ""},
		{"long key", strings.Repeat("k", 1024) + ": 1\n", ""},
		{"too long key", strings.Repeat("k", 1025) + ": 1\n", "longer than 1024"},
		{"anchor", "a: &x 1\nb: *x\n", "indicator"},
		{"tag", "a: !!str 1\n", "indicator"},
		{"explicit key", "? a\n: 1\n", "indicator"},
		{"multi-line plain", "a: one\n  two\n", "unexpected indentation"},
		{"multi-line quoted", "a: \"one\n  two\"\n", "next line"},
		{"multi-line flow", "a: [1,\n  2]\n", "next line"},
		{"block scalar indicator", "a: |2\n   x\n", "block scalar indicator"},
		{"block scalar leading blank", "a: |\n\n  x\n", "blank line"},
		{"empty block scalar", "a: |\nb: 1\n", "empty"},
		{"more-indented folded", "a: >\n  x\n    y\n", "more-indented"},
		{"nested sequence", "a:\n- - x\n", "nested sequence"},
		{"empty entry", "a:\n-\n- x\n", "empty sequence entry"},
		{"tab", "a:\t1\n", "tab"},
		{"lone CR", "a: 1\rb: 2\n", "CR without LF"},
		{"directive", "%YAML 1.2\n---\na: 1\n", "directive"},
		{"two documents", "a: 1\n---\nb: 2\n", "document marker"},
		{"document end", "a: 1\n...\n", "document marker"},
		{"root sequence", "- a\n", "sequence entry where a key"},
		{"root scalar", "text\n", "key without ':'"},
		{"indented root", "  a: 1\n", "root is not"},
		{"mapping value not allowed", "a: b: c\n", "after a value"},
		{"bad indentation", "a:\n    b: 1\n  c: 2\n", "unexpected indentation"},
		{"sequence at key column", "a: 1\n- b\n", "sequence entry where a key"},
		{"plain key without colon", "a: 1\nb\n", "key without ':'"},
		{"text after quoted", "a: 'x' y\n", "text after"},
		{"single pair in flow sequence", "a: [b: c]\n", "single-pair"},
		{"trailing comma", "a: [b, ]\n", "empty flow entry"},
		{"reserved indicator", "a: @x\n", "indicator"},
		{"DEL", "a: x\x7f\n", "control"},
		{"NEL", "a: x\u0085\n", "does not read"},
		{"empty", "", "root is not"},
		{"only comments", "# c\n", "root is not"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			why := compareBlockWithYAML(t, []byte(tc.in))
			switch {
			case tc.why == "" && why != "":
				t.Errorf("left to yaml.v3 (%s); want parseBlockYAML to handle it", why)
			case tc.why != "" && !strings.Contains(why, tc.why):
				t.Errorf("reason %q, want one containing %q", why, tc.why)
			}
		})
	}
}

// TestPlainTag compares PlainTag with the tag yaml.v3 gives the same plain
// scalar.
func TestPlainTag(t *testing.T) {
	values := []string{
		"a", "true", "True", "TRUE", "tRue", "false", "FALSE", "yes", "no", "on", "off", "y", "n", "null", "Null", "NULL", "nULL", "~",
		"<<", "<", "<<<", "0", "-0", "+0", "1", "-1", "+1", "007", "08", "09.5", "0x1F", "0X1F", "-0x1F", "0o17", "-0o17", "0o8", "0b101", "-0b101", "0b2",
		"1_000", "1__0", "_1", "1_", "0x_1F", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"18446744073709551615", "18446744073709551616", "1.5", "-1.5", "+1.5", "1.", "1.e5", ".5", "-.5", "+.5", ".", "..", "1e5", "1E+5", "1e-5", "1e",
		"1e400", "-1e400", "1e-400", ".inf", ".Inf", ".INF", ".iNf", "+.inf", "-.inf", "-.Inf", ".nan", ".NaN", ".NAN", "-.nan", "inf", "nan", "Infinity", "+Inf",
		"0x1p-2", "1_000.5", "1.5_0", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2001-12-14T21:59:43Z", "2001-1-2",
		"2001-13-14", "12001-12-14", "2001-12", "1-2-3", "+", "-a", "+a", "1a", "0x", "0o", "0b", "1.2.3", "1,000", "$ref", "v1", "2.0",
	}
	for _, v := range values {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte("- "+v+"\n"), &n); err != nil {
			t.Errorf("%q: yaml.v3: %v", v, err)
			continue
		}
		s := n.Content[0].Content[0]
		if s.Value != v || s.Style != 0 {
			t.Errorf("%q: yaml.v3 did not read it as that plain scalar", v)
			continue
		}
		if got := PlainTag(v); got != s.Tag {
			t.Errorf("PlainTag(%q) = %s, yaml.v3 says %s", v, got, s.Tag)
		}
	}
}

// TestParseBlockYAMLFiles: every YAML file in the repository and the shared
// corpus gives yaml.v3's tree, or is left to yaml.v3; which ones are, and
// why, is logged (go test -v).
func TestParseBlockYAMLFiles(t *testing.T) {
	least := map[string]int{"repo": 200, "corpus": 5}
	eachFileSet(t, yamlExts, func(t *testing.T, set string, files []string) {
		handled, left := 0, 0
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if why := compareBlockWithYAML(t, data); why != "" {
				t.Logf("%s: left to yaml.v3: %s", f, why)
				left++
				continue
			}
			handled++
		}
		t.Logf("%d YAML files built by parseBlockYAML, %d left to yaml.v3", handled, left)
		if handled < least[set] {
			t.Errorf("only %d YAML files handled", handled)
		}
	})
}

// TestParseBlockYAMLGenerated: both generators' YAML at several sizes, and
// specDoc's random spec-like documents (built to be hard on line-based
// parsing) from a fixed seed.
func TestParseBlockYAMLGenerated(t *testing.T) {
	for _, style := range []specgen.Style{specgen.Sample, specgen.Catalog} {
		for _, paths := range []int{1, 7, 150} {
			data, err := specgen.Bytes(specgen.Options{Paths: paths, Seed: uint64(paths), Style: style})
			if err != nil {
				t.Fatal(err)
			}
			if why := compareBlockWithYAML(t, data); why != "" {
				t.Errorf("%s %d paths: left to yaml.v3: %s", style, paths, why)
			}
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func(n int) int {
		if n <= 1 {
			return 0
		}
		return rng.IntN(n)
	}
	handled := 0
	for range 5000 {
		doc := specDoc(pick)
		if compareBlockWithYAML(t, doc) == "" {
			handled++
		}
	}
	t.Logf("%d of 5000 specDoc documents built by parseBlockYAML", handled)
	if handled < 150 {
		t.Errorf("only %d of 5000 specDoc documents built by parseBlockYAML", handled)
	}
	handled = 0
	for range 20000 {
		doc := blockDoc(pick)
		if compareBlockWithYAML(t, doc) == "" {
			handled++
		}
	}
	t.Logf("%d of 20000 blockDoc documents built by parseBlockYAML", handled)
	if handled < 8000 {
		t.Errorf("only %d of 20000 blockDoc documents built by parseBlockYAML", handled)
	}
}

// Pieces of blockDoc's documents: scalars of every kind parseBlockYAML
// reads (and some it leaves to yaml.v3), keys, and what may follow a value.
var (
	blockScalars = []string{"x", "a b", "1", "-1", "1.5", "true", "null", "~", "2001-12-14", "0x1F", "1_0", ".inf", "<<",
		"http://h:8/p#f", "a:b", "a #c", "'q'", "'it''s'", "\"d\"", "\"\\u00e9\\t\"", "\"\"", "''", "é", "😀 x", "-x", ":x",
		"{a: b}", "[1, 'x']", "{}", "[]", "{k: [1, {m: n}], \"j\":2}", "x  ", "\"a\"  ", "!t", "&a x", "*a", "- x", "? x", "a: b", "@x",
		"[1,", "'open", "x\t", "{a: 1,}"}
	blockKeys  = []string{"k", "name", "$ref", "200", "'q k'", "\"d\"", "é", "<<", "a b", "true", "-k", "x:y", "k ", "? k", "&a k"}
	blockAfter = []string{"", "", "", " # c", "  ", " #c", "#c"}
)

// blockDoc builds a YAML document from choices made by pick(n): mostly what
// parseBlockYAML reads (nested mappings and sequences, indentless or not,
// compact mappings, block scalars with every chomping, flows, quoted and
// plain scalars of every tag, comments and blank lines at every
// indentation, CRLF), with a slip now and then (a line one space off, a
// stray line, something it leaves to yaml.v3).
func blockDoc(pick func(n int) int) []byte {
	var lines []string
	add := func(l string) { lines = append(lines, l) }
	pad := func(n int) string { return strings.Repeat(" ", max(n, 0)) }
	one := func(list []string, common int) string {
		if pick(24) == 0 {
			return list[pick(len(list))]
		}
		return list[pick(common)]
	}
	extra := func() {
		switch pick(10) {
		case 0:
			add(pad(pick(8)) + "# c")
		case 1:
			add("")
		case 2:
			add(pad(pick(8)))
		}
	}
	var mapping func(ind, depth int, first string)
	var value func(ind, depth int, prefix string, inSeq bool)
	value = func(ind, depth int, prefix string, inSeq bool) {
		k := pick(10)
		switch {
		case depth < 5 && k < 3:
			add(prefix + one(blockAfter, 3))
			extra()
			step := []int{2, 4, 1}[pick(3)]
			mapping(ind+step, depth+1, pad(ind+step))
		case depth < 5 && k < 5:
			add(prefix + one(blockAfter, 3))
			extra()
			col := ind + []int{0, 2, 4}[pick(3)]
			if inSeq && col == ind {
				col += 2
			}
			for i, n := 0, 1+pick(3); i < n; i++ {
				value(col, depth+1, pad(col)+"-"+pad(1+pick(2)*pick(3)), true)
			}
		case depth < 5 && k == 5 && inSeq:
			// "- key: v": a compact mapping; prefix ends in "- ".
			mapping(len(prefix), depth+1, prefix)
		case k == 6 && !inSeq:
			add(prefix + " " + one([]string{"|", "|-", "|+", ">", ">-", ">+", "| # c", "|2", "|1-"}, 7))
			d := ind + 1 + pick(4)
			for i, n := 0, 1+pick(4); i < n; i++ {
				switch k := pick(10); {
				case k == 0 && (i > 0 || pick(4) == 0):
					add("")
				case k == 1 && (i > 0 || pick(4) == 0):
					add(pad(d + pick(3)))
				case k == 2:
					add(pad(d+1+pick(2)) + one(blockScalars, 20))
				default:
					add(pad(d) + one(blockScalars, 20))
				}
			}
		default:
			sep := " "
			if inSeq {
				sep = ""
			}
			add(prefix + sep + one(blockScalars, 30) + one(blockAfter, 3))
		}
		extra()
	}
	mapping = func(ind, depth int, first string) {
		for i, n := 0, 1+pick(4); i < n; i++ {
			lead := pad(ind)
			if i == 0 {
				lead = first
			}
			if pick(40) == 0 {
				lead = pad(ind + 1 - 2*pick(2)) // one space off
			}
			value(ind, depth, lead+one(blockKeys, 8)+":", false)
		}
	}
	if pick(4) == 0 {
		add([]string{"---", "--- # c", "# c\n---"}[pick(3)])
	}
	mapping(0, 0, "")
	if pick(10) == 0 {
		at := pick(len(lines) + 1)
		lines = append(lines[:at], append([]string{one(blockScalars, len(blockScalars))}, lines[at:]...)...)
	}
	eol := "\n"
	if pick(4) == 0 {
		eol = "\r\n"
	}
	out := strings.Join(lines, eol)
	if pick(5) != 0 {
		out += eol
	}
	if pick(8) == 0 {
		out = "\ufeff" + out
	}
	return []byte(out)
}

// FuzzParseBlockYAML: whatever parseBlockYAML builds is exactly yaml.v3's
// tree; everything else it leaves to yaml.v3. Seeds: the cases of
// TestParseBlockYAML and FuzzParallelParse, the repository's YAML files and
// the shared corpus.
func FuzzParseBlockYAML(f *testing.F) {
	for _, s := range []string{
		"a:\n- name: x\n  v: |\n    t\n\n    u\n- {k: [1, 'x']}\nb: >-\n  f\n  g\n",
		"---\n# c\n'k': \"\\u00e9\"\n200: ~\n<<: {}\n",
		"a: 1\n  b: 2\n", "a:\n  - x\n   - y\n", "a: |\n x\n  y\nb: 1\n",
	} {
		f.Add([]byte(s))
	}
	fuzzSeeds(f, yamlExts...)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		compareBlockWithYAML(t, data)
		compareBlockWithYAML(t, specDoc(bytePicker(data)))
		doc := blockDoc(bytePicker(data))
		compareBlockWithYAML(t, doc)
		parseBoth(t, "fuzz", data)
		parseBoth(t, "blockDoc", doc)
	})
}
