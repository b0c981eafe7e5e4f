package transform

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// yamlValues are scalar values on both sides of each rule yamlWriter
// follows: words that read back as other types, indicators first and
// inside, spaces, quotes, escapes, line breaks, non-ASCII, long keys.
var yamlValues = []string{
	"", "a", "get", "Returns the pet.", "200", "0", "007", "08", "-1", "-0", "+1", "1.5", ".5", "1e3", "0x1F", "0o7",
	"123456789012345678", "1234567890123456789012", "2001-12-14", "true", "False", "TRUE", "yes", "no", "on", "off", "y", "n",
	"~", "null", "Null", "NULL", "<<", "<a", ".nan", ".inf", "-.inf", ".", "...", "...x", "---", "---x", "--x", "-", "- a", "-a",
	"?", "? a", "?a", ":", ": a", ":a", "a:", "a: b", "a:b", "#a", "a #b", "a#b", "/pets/{id}", "{a}", "[a]", "a,b", ",a", "&a",
	"*a", "!a", "|a", ">a", "'a", "a'b", "it's", `"a`, `a"b`, `a\b`, "%a", "@a", "`a", "#/definitions/Pet",
	"#/components/schemas/Pet", " lead", "trail ", "two  spaces", "tab\there", "line\nbreak", "trailing break\n",
	"keep\n\n", "\n", "a\n'b", "a\n\n'", "'\n'", "a\n\n'b", "'", "a\n\nb", "a \nb", "a\n b", "a\nb\n", "a\n  b\nc", "Lists pets.\n\nPaged: see `next`.\n", "a b\nc d\n\n\ne",
	"x\n\n", "a\n\n\n", "- a\nb", "a\n\tb", "a\n#b", "#a\nb", "café", "\u00a0", "\x7f", "\x01", "\ufeffbom", "application/json",
	"$ref", "x-google-backend", "https://example.com/v1", strings.Repeat("k", 128), strings.Repeat("k", 129),
	strings.Repeat("word ", 40) + "end",
}

var yamlTags = []string{"!!str", "!!str", "!!str", "!!int", "!!bool", "!!null", "!!float", "", "tag:yaml.org,2002:str"}

var yamlStyles = []yaml.Style{0, 0, 0, yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle, yaml.LiteralStyle, yaml.FoldedStyle}

// randomScalar is a scalar of the kinds the converter copies: any value,
// with a tag and style that yaml.v3 accepts together (it refuses to write
// a value under a type tag it does not read back as).
func randomScalar(r *rand.Rand) *yaml.Node {
	v := yamlValues[r.IntN(len(yamlValues))]
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: yamlTags[r.IntN(len(yamlTags))], Value: v, Style: yamlStyles[r.IntN(len(yamlStyles))]}
	switch n.Tag {
	case "!!int", "!!bool", "!!null", "!!float":
		n.Style = 0
		if spec.PlainTag(v) != n.Tag {
			n.Tag = "!!str"
		}
	}
	return n
}

// randomTree builds block mappings and sequences (and sometimes a flow
// one, which yamlWriter leaves to yaml.v3) down to depth levels.
func randomTree(r *rand.Rand, depth int) *yaml.Node {
	if depth == 0 || r.IntN(4) == 0 {
		return randomScalar(r)
	}
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if r.IntN(3) == 0 {
		n = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	}
	if r.IntN(12) == 0 {
		n.Style = yaml.FlowStyle
	}
	for range r.IntN(5) {
		if n.Kind == yaml.MappingNode {
			n.Content = append(n.Content, randomScalar(r))
		}
		n.Content = append(n.Content, randomTree(r, depth-1))
	}
	return n
}

// TestEncodeYAMLMatchesYAMLv3 writes random trees both ways: yamlWriter
// and yaml.v3's encoder over the whole tree give the same bytes.
func TestEncodeYAMLMatchesYAMLv3(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	written := 0
	for i := range 3000 {
		root := randomTree(r, 5)
		if root.Kind != yaml.MappingNode {
			root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{randomScalar(r), root}}
		}
		want, err := encodeWhole(root)
		if err != nil {
			continue // a tree yaml.v3 refuses; encodeYAML must refuse too
		}
		written++
		got, err := encodeYAML(root)
		if err != nil {
			t.Fatalf("tree %d: %v\nyaml.v3 wrote:\n%s", i, err, want)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Fatalf("tree %d: encodeYAML differs from yaml.v3 (-yaml.v3 +encodeYAML):\n%s", i, diff)
		}
	}
	if written < 2000 {
		t.Fatalf("only %d of 3000 random trees were written by yaml.v3", written)
	}
}

// TestSimpleScalar pins the forms yamlWriter writes itself (the rest go to
// yaml.v3): each against what yaml.v3 writes for it as a mapping value.
func TestSimpleScalar(t *testing.T) {
	for _, tc := range []struct {
		name, tag, value string
		style            yaml.Style
		want             string // "" when left to yaml.v3
	}{
		{"plain word", "!!str", "get", 0, "get"},
		{"path with braces", "!!str", "/pets/{id}", 0, "/pets/{id}"},
		{"number as string", "!!str", "200", 0, `"200"`},
		{"bool word as string", "!!str", "true", 0, `"true"`},
		{"empty string", "!!str", "", 0, `""`},
		{"yes stays a string", "!!str", "yes", 0, "yes"},
		{"pointer", "!!str", "#/components/schemas/Pet", 0, "'#/components/schemas/Pet'"},
		{"colon space", "!!str", "a: b", 0, "'a: b'"},
		{"apostrophe quoted", "!!str", "it's", yaml.SingleQuotedStyle, "'it''s'"},
		{"double quoted", "!!str", "a b", yaml.DoubleQuotedStyle, `"a b"`},
		{"double quoted escape", "!!str", `a"b`, yaml.DoubleQuotedStyle, ""},
		{"int", "!!int", "-12", 0, "-12"},
		{"bool", "!!bool", "false", 0, "false"},
		{"null", "!!null", "null", 0, "null"},
		{"timestamp-like", "!!str", "2001-12-14", 0, `"2001-12-14"`},
		{"float", "!!float", "1.5", 0, "1.5"},
		{"octal-like string", "!!str", "0755", 0, `"0755"`},
		{"merge key as string", "!!str", "<<", 0, `"<<"`},
		{"line break", "!!str", "a\nb", 0, ""},
		{"literal", "!!str", "a", yaml.LiteralStyle, ""},
		{"non-ASCII", "!!str", "café", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := &yaml.Node{Kind: yaml.ScalarNode, Tag: tc.tag, Value: tc.value, Style: tc.style}
			got, ok := simpleScalar(n, false)
			if !ok {
				got = ""
			}
			if got != tc.want {
				t.Fatalf("simpleScalar = %q (ok %v), want %q", got, ok, tc.want)
			}
			if ok {
				whole, err := encodeWhole(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("k"), n}})
				if err != nil {
					t.Fatal(err)
				}
				if string(whole) != "k: "+got+"\n" {
					t.Fatalf("yaml.v3 writes %q, simpleScalar %q", whole, got)
				}
			}
		})
	}
}

// FuzzEncodeYAML loads fuzzed documents as the converter does and copies
// them with clone (block style, aliases expanded, the converter's node
// kinds): encodeYAML writes each copy as yaml.v3's encoder does.
func FuzzEncodeYAML(f *testing.F) {
	for _, s := range []string{
		"a: b\n",
		"paths:\n  /p:\n    get:\n      responses:\n        '200': {description: ok}\n",
		"a: [1, 'x', \"y\", {b: ~}, [], {}]\nc: |\n  text\n\n  more\nd: >-\n  folded\n",
		"k: 'it''s'\nl: \"tab\\there\"\nm: yes\nn: 007\no: 2001-12-14\np: '#/definitions/X'\n",
		"- a\n- - b\n  - c\n- d: e\n  f: g\n",
		"? complex\n: value\n" + strings.Repeat("long", 40) + ": v\n",
		"{\"a\": {\"b\": [1, 2.5, true, null, \"s\"]}}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 || strings.ContainsRune(src, '*') {
			return // aliases: clone expands them, which can grow without bound
		}
		var root *yaml.Node
		if doc, err := spec.Parse("f.yaml", []byte(src), spec.Options{}); err == nil {
			root = doc.Root
		} else {
			var n yaml.Node
			if yaml.Unmarshal([]byte(src), &n) != nil || len(n.Content) != 1 {
				return
			}
			root = n.Content[0]
		}
		c := clone(root)
		want, err := encodeWhole(c)
		got, err2 := encodeYAML(c)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("yaml.v3 error %v, encodeYAML error %v", err, err2)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Fatalf("encodeYAML differs from yaml.v3 on %q (-yaml.v3 +encodeYAML):\n%s", src, diff)
		}
	})
}
