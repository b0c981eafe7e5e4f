package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/corsgate/corsgate/bench/gen/specgen"
	"go.yaml.in/yaml/v3"
)

// diffJSONTrees is diffNodes plus what parseJSON promises beyond it: the
// comments (none on either side), and Content nil exactly where yaml.v3
// leaves it nil.
func diffJSONTrees(want, got *yaml.Node) string {
	if d := diffNodes(want, got); d != "" {
		return d
	}
	var walk func(path string, a, b *yaml.Node) string
	walk = func(path string, a, b *yaml.Node) string {
		if a.HeadComment != b.HeadComment || a.LineComment != b.LineComment || a.FootComment != b.FootComment {
			return fmt.Sprintf("%s: comments differ", path)
		}
		if (a.Content == nil) != (b.Content == nil) {
			return fmt.Sprintf("%s: Content nil on one side only", path)
		}
		if len(b.Content) != cap(b.Content) {
			return fmt.Sprintf("%s: Content has spare capacity %d", path, cap(b.Content)-len(b.Content))
		}
		for i := range a.Content {
			if d := walk(fmt.Sprintf("%s/%d", path, i), a.Content[i], b.Content[i]); d != "" {
				return d
			}
		}
		return ""
	}
	return walk("$", want, got)
}

// jsonInput reports whether Parse would try parseJSON on data: UTF-8 without
// NUL bytes whose first significant character opens a JSON value.
func jsonInput(data []byte) bool {
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return false
	}
	c := firstSignificant(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	return c == '{' || c == '['
}

// compareJSONWithYAML parses data with parseJSON and with yaml.v3 and fails
// unless parseJSON either left it to yaml.v3 or built yaml.v3's tree (which
// also means yaml.v3 accepts it). It returns parseJSON's reason for leaving
// it, "" when it handled it.
func compareJSONWithYAML(tb testing.TB, data []byte) string {
	tb.Helper()
	got, why := parseJSON(data)
	if got == nil {
		if why == "" {
			tb.Fatalf("parseJSON returned neither a tree nor a reason for %q", data)
		}
		return why
	}
	if why != "" {
		tb.Fatalf("parseJSON returned a tree and a reason %q", why)
	}
	if !json.Valid(data[len(data)-len(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))):]) {
		tb.Fatalf("parseJSON accepted invalid JSON %q", data)
	}
	var want yaml.Node
	if err := yaml.Unmarshal(data, &want); err != nil {
		tb.Fatalf("parseJSON accepted what yaml.v3 refuses (%v): %q", err, data)
	}
	if d := diffJSONTrees(&want, got); d != "" {
		tb.Fatalf("trees differ: %s\ninput: %q", d, data)
	}
	return ""
}

func TestParseJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		why  string // "" when parseJSON must build the tree itself
	}{
		{"empty object", `{}`, ""},
		{"empty array", `[]`, ""},
		{"nested", `{"a": {"b": [1, 2, {"c": null}], "d": []}, "e": {}}`, ""},
		{"scalars", `[true, false, null, 0, -0, 12, -7, 1.5, -0.25, 1e3, 2E-2, 6.02e+23, "s", ""]`, ""},
		{"int64 edges", `[9223372036854775807, -9223372036854775808, 9223372036854775808, 18446744073709551615, 18446744073709551616, 123456789012345678]`, ""},
		{"out of float range", `[1e400, -1e400, 1e-400, 123456789012345678901234567890]`, ""},
		{"escapes", `{"a\"b": "\\ \b \f \n \r \t \u0041 \u00e9 \u20ac \u0000 \u001f \uffff"}`, ""},
		{"non-ASCII", `{"é": "ü ∑ 😀", "x": ["日本", 1]}`, ""},
		{"columns after non-ASCII", "{\"ü\": \"😀😀\", \"k\": 1,\n \"日本\": [\"é\", 2]}", ""},
		{"indented with CRLF", "{\r\n  \"a\": [\r\n    1,\r\n    \"x\"\r\n  ]\r\n}\r\n", ""},
		{"tabs inside", "{\n\t\"a\":\t[1,\t2],\n\t\"b\": {}\n}", ""},
		{"BOM", "\ufeff{\"swagger\": \"2.0\"}", ""},
		{"BOM and newlines", "\ufeff\n\n  {\"a\":\n1}\n\n", ""},
		{"space before colon", `{"a" : 1, "b"   :2}`, ""},
		{"value on the next line", "{\"a\":\n\n   \"x\"}", ""},
		{"leading and trailing space", "  \n {\"a\": 1}  \n  ", ""},
		{"spaces in strings", `{"a": "  x  y  ", "b": " "}`, ""},
		// yaml.v3 reads a key only if its ':' is at most 1024 characters
		// after the key's opening quote; beyond, it refuses the document.
		{"colon 1024 characters after the key", `{"` + strings.Repeat("k", 1022) + `": 1}`, ""},
		{"colon 1025 characters after the key", `{"` + strings.Repeat("k", 1023) + `": 1}`, "':' not on the key's line"},
		{"colon on the next line", "{\"a\"\n: 1}", "':' not on the key's line"},
		{"escaped slash", `{"u": "https:\/\/x"}`, "escape yaml.v3"},
		{"surrogate pair", `{"a": "\ud83d\ude00"}`, "UTF-16 surrogate"},
		{"tab before", "\t{}", "tab outside"},
		{"tab after", "{}\n\t", "tab outside"},
		{"lone CR", "{\"a\": 1,\r\"b\": 2}", "CR without LF"},
		{"LS in a string", "{\"a\": \"x\u2028y\"}", "does not read as itself"},
		{"NEL in a string", "{\"a\": \"x\u0085y\"}", "does not read as itself"},
		{"C1 control", "{\"a\": \"x\u0090y\"}", "does not read as itself"},
		{"DEL", "{\"a\": \"x\x7fy\"}", "DEL"},
		{"BOM in a string", "{\"a\": \"x\ufeffy\"}", "does not read as itself"},
		{"raw tab in a string", "{\"a\": \"x\ty\"}", "control character"},
		{"trailing comma", `{"a": 1,}`, "expected a key"},
		{"comment", "{\"a\": 1} # c\n", "text after"},
		{"unquoted key", `{a: 1}`, "expected a key"},
		{"single quotes", `{'a': 1}`, "expected a key"},
		{"two documents", "{}\n---\n{}", "text after"},
		{"plain continues", `[truex]`, "after a value"},
		{"leading zero", `[01]`, "after a value"},
		{"plus sign", `[+1]`, "unexpected character"},
		{"bare dot", `[.5]`, "unexpected character"},
		{"missing digits", `[1.]`, "bad number"},
		{"unterminated", `{"a": [1, 2`, "unterminated"},
		{"deep", strings.Repeat("[", DefaultMaxDepth+1) + strings.Repeat("]", DefaultMaxDepth+1), "deeper"},
		{"as deep as allowed", strings.Repeat("[", DefaultMaxDepth) + strings.Repeat("]", DefaultMaxDepth), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			why := compareJSONWithYAML(t, []byte(tc.in))
			switch {
			case tc.why == "" && why != "":
				t.Errorf("left to yaml.v3 (%s); want parseJSON to handle it", why)
			case tc.why != "" && !strings.Contains(why, tc.why):
				t.Errorf("reason %q, want one containing %q", why, tc.why)
			}
		})
	}
}

// TestParseJSONFiles: every JSON file in the repository and the shared
// corpus gives yaml.v3's tree, or is left to yaml.v3; which ones are left to
// it, and why, is logged (go test -v).
func TestParseJSONFiles(t *testing.T) {
	eachFileSet(t, jsonExts, func(t *testing.T, _ string, files []string) {
		handled, left := 0, 0
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonInput(data) {
				continue
			}
			if why := compareJSONWithYAML(t, data); why != "" {
				t.Logf("%s: left to yaml.v3: %s", f, why)
				left++
				continue
			}
			handled++
		}
		t.Logf("%d JSON files built by parseJSON, %d left to yaml.v3", handled, left)
		if handled < 30 {
			t.Errorf("only %d JSON files handled; each set has more", handled)
		}
	})
}

// TestParseJSONGenerated: both generators' specs, indented and compact.
func TestParseJSONGenerated(t *testing.T) {
	for _, style := range []specgen.Style{specgen.Sample, specgen.Catalog} {
		for _, format := range []specgen.Format{specgen.JSON, specgen.JSONCompact} {
			for _, paths := range []int{1, 7, 120} {
				data, err := specgen.Bytes(specgen.Options{Paths: paths, Seed: uint64(paths), Style: style, Format: format})
				if err != nil {
					t.Fatal(err)
				}
				if why := compareJSONWithYAML(t, data); why != "" {
					t.Errorf("%s %s %d paths: left to yaml.v3: %s", style, format, paths, why)
				}
			}
		}
	}
}

// FuzzParseJSON: whatever parseJSON builds is valid JSON and exactly the tree
// yaml.v3 builds; everything else it leaves to yaml.v3. Seeds: the cases
// above, the repository's JSON files and the shared corpus.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"a": {"b": [1, 2.5, -3e4, true, false, null, "x\n\u00e9"]}}`,
		"\ufeff{\r\n\t\"ü\": \"😀\",\r\n\t\"k\": [1]\r\n}\r\n",
		`{"a":"\/"}`, `{"a":"\ud83d\ude00"}`, "{\"a\"\n:1}", "\t{}", `[1e400,18446744073709551616]`,
	} {
		f.Add([]byte(s))
	}
	fuzzSeeds(f, jsonExts...)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		if jsonInput(data) {
			compareJSONWithYAML(t, data)
			parseBoth(t, "fuzz", data)
		}
		if doc := jsonDoc(bytePicker(data)); jsonInput(doc) {
			compareJSONWithYAML(t, doc)
			parseBoth(t, "jsonDoc", doc)
		}
	})
}

// jsonPieces are what jsonDoc puts between and inside JSON tokens: every
// kind of whitespace and line break, escapes, characters yaml.v3 treats
// specially, numbers at the edges of the integer and float ranges.
var (
	jsonSpace   = []string{"", " ", "  ", "\n", "\r\n", "\t", "\n  ", "\n\t", " \t", "\r", "\u00a0", "\u2028"}
	jsonStrings = []string{"", "a", "swagger", "2.0", " x ", "é", "😀", "日本", "\\n", "\\t", "\\\"", "\\\\", "\\/",
		"\\u0041", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\u0000", "\\uFFFF", "\\b\\f\\r", "\u0085", "\u007f",
		"\u0090", "\ufeff", "\ufffe", "#", ": ", "- ", "---", "...", "&a", "*a", "!t", "\\x41", "\\e", "\t", "\u00a0"}
	jsonNumbers = []string{"0", "-0", "1", "-1", "10", "1.5", "-0.5", "1e5", "1E-5", "2e+3", "9223372036854775807",
		"9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
		"1e308", "1e309", "1e-400", "0.0000001", "123456789012345678901234567890", "01", "1.", ".5", "+1", "1e", "0x10"}
)

// jsonDoc builds a JSON-like document from choices made by pick(n): mostly
// valid JSON with unusual whitespace, strings and numbers, sometimes a
// broken token, so that both parseJSON's accepted and refused inputs are
// exercised.
func jsonDoc(pick func(n int) int) []byte {
	var b strings.Builder
	// one picks from list, mostly from its first common entries (the usual
	// JSON), one time in 32 from all of it.
	one := func(list []string, common int) string {
		if pick(32) == 0 {
			return list[pick(len(list))]
		}
		return list[pick(common)]
	}
	ws := func() { b.WriteString(one(jsonSpace, 9)) }
	str := func() {
		b.WriteByte('"')
		for range pick(4) {
			b.WriteString(one(jsonStrings, 12))
		}
		if pick(64) == 0 {
			b.WriteString(strings.Repeat("k", 1015+pick(12)))
		}
		b.WriteByte('"')
	}
	var value func(depth int)
	value = func(depth int) {
		ws()
		switch k := pick(8); {
		case depth < 4 && k < 2:
			b.WriteByte('{')
			for i := range pick(4) {
				if i > 0 {
					ws()
					b.WriteByte(',')
				}
				ws()
				str()
				ws()
				b.WriteByte(':')
				value(depth + 1)
			}
			ws()
			b.WriteByte('}')
		case depth < 4 && k < 4:
			b.WriteByte('[')
			for i := range pick(4) {
				if i > 0 {
					ws()
					b.WriteByte(',')
				}
				value(depth + 1)
			}
			ws()
			b.WriteByte(']')
		case k == 4:
			b.WriteString(one(jsonNumbers, 20))
		case k == 5:
			b.WriteString([]string{"true", "false", "null", "True", "nul"}[pick(5)])
		default:
			str()
		}
		ws()
	}
	if pick(8) == 0 {
		b.WriteString("\ufeff")
	}
	ws()
	if pick(2) == 0 {
		b.WriteByte('{')
		ws()
		str()
		ws()
		b.WriteByte(':')
		value(1)
		b.WriteByte('}')
	} else {
		b.WriteByte('[')
		value(1)
		b.WriteByte(']')
	}
	ws()
	return []byte(b.String())
}

// TestParseJSONGeneratedDocs runs jsonDoc's documents from a fixed seed, so
// that every run checks a few thousand of them without the fuzzer.
func TestParseJSONGeneratedDocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	handled := 0
	for range 5000 {
		doc := jsonDoc(func(n int) int {
			if n <= 1 {
				return 0
			}
			return rng.IntN(n)
		})
		if !jsonInput(doc) {
			continue
		}
		if compareJSONWithYAML(t, doc) == "" {
			handled++
		}
	}
	if handled < 1000 {
		t.Errorf("only %d of 5000 generated documents handled by parseJSON", handled)
	}
	t.Logf("%d of 5000 generated documents handled by parseJSON", handled)
}
