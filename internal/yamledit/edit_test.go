package yamledit

import (
	"errors"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

func TestApply(t *testing.T) {
	src := []byte("0123456789")
	tests := []struct {
		name  string
		edits []Edit
		want  string
		err   bool
	}{
		{"none", nil, "0123456789", false},
		{"replace", []Edit{{2, 4, "ab"}}, "01ab456789", false},
		{"insert", []Edit{{3, 3, "x"}}, "012x3456789", false},
		{"delete", []Edit{{0, 10, ""}}, "", false},
		{"unsorted", []Edit{{8, 9, "Z"}, {1, 2, "A"}}, "0A234567Z9", false},
		{"adjacent", []Edit{{1, 2, "A"}, {2, 3, "B"}}, "0AB3456789", false},
		{"insert before replace", []Edit{{2, 4, "R"}, {2, 2, "I"}}, "01IR456789", false},
		{"overlap", []Edit{{1, 4, "A"}, {3, 5, "B"}}, "", true},
		{"two inserts same offset", []Edit{{3, 3, "a"}, {3, 3, "b"}}, "", true},
		{"outside", []Edit{{8, 11, ""}}, "", true},
		{"inverted", []Edit{{5, 4, ""}}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Apply(src, tt.edits)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if err == nil && string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if string(src) != "0123456789" {
				t.Fatal("Apply modified its input")
			}
		})
	}
	if _, err := Apply(src, []Edit{{1, 4, "A"}, {3, 5, "B"}}); !errors.Is(err, ErrOverlap) {
		t.Errorf("overlap error %v does not wrap ErrOverlap", err)
	}
}

func parse(t testing.TB, src string) *spec.Document {
	t.Helper()
	d, err := spec.Parse("t.yaml", []byte(src), spec.Options{})
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	return d
}

// find returns the value node at a path of mapping keys / sequence indexes
// ("a", "0", "b").
func find(t testing.TB, d *spec.Document, toks ...string) *yaml.Node {
	t.Helper()
	n := d.Node(spec.Pointer(toks...))
	if n == nil {
		t.Fatalf("no node at %v", toks)
	}
	return n
}

func TestScalarSpan(t *testing.T) {
	const head = "swagger: '2.0'\n"
	tests := []struct {
		name string
		src  string
		path []string
		want string
	}{
		{"plain", "k: hello world  # c\n", []string{"k"}, "hello world"},
		{"plain url", "k: http://x:8080/a#b\n", []string{"k"}, "http://x:8080/a#b"},
		{"double", `k: "a \" b"  # "x"` + "\n", []string{"k"}, `"a \" b"`},
		{"single", "k: 'it''s'\n", []string{"k"}, "'it''s'"},
		{"anchor", "k: &a v\nj: *a\n", []string{"k"}, "v"},
		{"tag", "k: !!str true\n", []string{"k"}, "true"},
		{"anchor and tag", "k: &x !!str 'q'\n", []string{"k"}, "'q'"},
		{"verbatim tag", "k: !<tag:yaml.org,2002:str> v\n", []string{"k"}, "v"},
		{"anchor in flow", "k: {a: &x v, b: 1}\n", []string{"k", "a"}, "v"},
		{"flow", "k: {a: b, c: [d, 'e', \"f\"]}\n", []string{"k", "c", "1"}, "'e'"},
		{"flow plain", "k: [ab , cd]\n", []string{"k", "0"}, "ab"},
		{"json", `{"swagger": "2.0", "k": {"a": true, "b": "x"}}`, []string{"k", "a"}, "true"},
		{"crlf", "k: v\r\nj: w\r\n", []string{"k"}, "v"},
		{"bom", "\ufeffk: v\n", []string{"k"}, "v"},
		{"utf8 before", "k: {é: ü, x: y}\n", []string{"k", "x"}, "y"},
		{"no final newline", "k: v", []string{"k"}, "v"},
		{"literal", "k: |\n  a\n\n  b\nj: 1\n", []string{"k"}, "|\n  a\n\n  b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src
			if !strings.HasPrefix(src, "{") {
				if strings.HasPrefix(src, "\ufeff") {
					src = "\ufeff" + head + src[3:]
				} else {
					src = head + src
				}
			}
			d := parse(t, src)
			f := New(d)
			s, e, err := f.ScalarSpan(find(t, d, tt.path...))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(d.Src[s:e]); got != tt.want {
				t.Errorf("span = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestScalarSpanMultiLinePlainRefused(t *testing.T) {
	d := parse(t, "swagger: '2.0'\nk: a\n  b\n")
	_, _, err := New(d).ScalarSpan(find(t, d, "k"))
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("err = %v, want ErrUnsupported", err)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name                   string
		src                    string
		nl                     string
		indent, seq            int
		quote                  Quote
		jsonIndent, colon, sep string
	}{
		{"yaml defaults", "swagger: '2.0'\nk:\n  a: b\nl:\n- x\n", "\n", 2, 0, Plain, "", ": ", ", "},
		{"yaml 4 and indented seq", "swagger: \"2.0\"\nk:\n    a: \"b\"\nl:\n  - \"x\"\n", "\n", 4, 2, Double, "", ": ", ", "},
		{"yaml single crlf", "swagger: '2.0'\r\nk:\r\n   a: 'b'\r\n", "\r\n", 3, 0, Single, "", ": ", ", "},
		{"json 2", "{\n  \"swagger\": \"2.0\"\n}\n", "\n", 2, 0, Double, "  ", ": ", ", "},
		{"json 4", "{\n    \"swagger\": \"2.0\"\n}\n", "\n", 2, 0, Double, "    ", ": ", ", "},
		{"json tab", "{\n\t\"swagger\": \"2.0\"\n}\n", "\n", 2, 0, Double, "\t", ": ", ", "},
		{"json minified", `{"swagger":"2.0","info":{}}`, "\n", 2, 0, Double, "", ":", ","},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(parse(t, tt.src))
			got := []any{f.NL, f.Indent, f.SeqIndent, f.Quote, f.JSONIndent, f.Colon, f.Comma}
			want := []any{tt.nl, tt.indent, tt.seq, tt.quote, tt.jsonIndent, tt.colon, tt.sep}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("detected (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOps(t *testing.T) {
	type op func(t *testing.T, f *File, d *spec.Document) (Edit, error)
	tests := []struct {
		name string
		src  string
		op   op
		want string
	}{
		{
			"replace plain keeps comment",
			"swagger: '2.0'\nk: v # keep\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) { return f.Replace(find(t, d, "k"), "w") },
			"swagger: '2.0'\nk: w # keep\n",
		},
		{
			"replace drops tag keeps anchor",
			"swagger: '2.0'\nk: &a !!str \"true\"\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) { return f.Replace(find(t, d, "k"), "true") },
			"swagger: '2.0'\nk: &a true\n",
		},
		{
			"replace empty value",
			"swagger: '2.0'\nk:\nj: 1\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) { return f.Replace(find(t, d, "k"), "true") },
			"swagger: '2.0'\nk: true\nj: 1\n",
		},
		{
			"remove block pair",
			"swagger: '2.0'\n# above\nk: v # same line\n# below\nj: 1\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				k, _ := spec.MapGet(d.Root, "k")
				return f.RemovePair(d.Root, k)
			},
			"swagger: '2.0'\n# above\n# below\nj: 1\n",
		},
		{
			"remove first key of item",
			"swagger: '2.0'\nl:\n- a: 1\n  b: 2\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				m := find(t, d, "l", "0")
				k, _ := spec.MapGet(m, "a")
				return f.RemovePair(m, k)
			},
			"swagger: '2.0'\nl:\n- b: 2\n",
		},
		{
			"remove nested block value",
			"swagger: '2.0'\nk:\n  a:\n  - x\n  - y\nj: 1\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				k, _ := spec.MapGet(d.Root, "k")
				return f.RemovePair(d.Root, k)
			},
			"swagger: '2.0'\nj: 1\n",
		},
		{
			"remove flow middle",
			"swagger: '2.0'\nk: {a: 1, b: 2, c: 3}\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				m := find(t, d, "k")
				k, _ := spec.MapGet(m, "b")
				return f.RemovePair(m, k)
			},
			"swagger: '2.0'\nk: {a: 1, c: 3}\n",
		},
		{
			"remove flow last",
			"swagger: '2.0'\nk: {a: 1, b: 2}\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				m := find(t, d, "k")
				k, _ := spec.MapGet(m, "b")
				return f.RemovePair(m, k)
			},
			"swagger: '2.0'\nk: {a: 1}\n",
		},
		{
			"remove flow only",
			"swagger: '2.0'\nk: { a: 1 }\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				m := find(t, d, "k")
				k, _ := spec.MapGet(m, "a")
				return f.RemovePair(m, k)
			},
			"swagger: '2.0'\nk: {}\n",
		},
		{
			"remove json last member",
			"{\n  \"swagger\": \"2.0\",\n  \"k\": {\n    \"a\": 1,\n    \"b\": 2\n  }\n}\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				m := find(t, d, "k")
				k, _ := spec.MapGet(m, "b")
				return f.RemovePair(m, k)
			},
			"{\n  \"swagger\": \"2.0\",\n  \"k\": {\n    \"a\": 1\n  }\n}\n",
		},
		{
			"remove block item",
			"swagger: '2.0'\nl:\n  - a: 1\n    b: 2\n  - c: 3\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) { return f.RemoveItem(find(t, d, "l"), 0) },
			"swagger: '2.0'\nl:\n  - c: 3\n",
		},
		{
			"insert block after",
			"swagger: '2.0'\nk:\n    a: 1 # c\n    b: 2\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				return f.InsertPair(find(t, d, "k"), 0, "new", "true")
			},
			"swagger: '2.0'\nk:\n    a: 1 # c\n    new: true\n    b: 2\n",
		},
		{
			"insert into item",
			"swagger: '2.0'\nl:\n- name: x\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				return f.InsertPair(find(t, d, "l", "0"), -1, "allowCors", "true")
			},
			"swagger: '2.0'\nl:\n- name: x\n  allowCors: true\n",
		},
		{
			"insert crlf no final newline",
			"swagger: '2.0'\r\nk: 1",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				return f.InsertPair(d.Root, -1, "j", "\n- a\n- b")
			},
			"swagger: '2.0'\r\nk: 1\r\nj:\r\n- a\r\n- b",
		},
		{
			"insert quoted key like sibling",
			"\"swagger\": '2.0'\n\"k\": 1\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) { return f.InsertPair(d.Root, -1, "j", "2") },
			"\"swagger\": '2.0'\n\"k\": 1\n\"j\": 2\n",
		},
		{
			"insert flow",
			"swagger: '2.0'\nk: {a: 1}\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				return f.InsertPair(find(t, d, "k"), -1, "b", "2")
			},
			"swagger: '2.0'\nk: {a: 1, b: 2}\n",
		},
		{
			"insert flow empty",
			"swagger: '2.0'\nk: {}\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				return f.InsertPair(find(t, d, "k"), -1, "b", "2")
			},
			"swagger: '2.0'\nk: {b: 2}\n",
		},
		{
			"insert json tab",
			"{\n\t\"swagger\": \"2.0\",\n\t\"k\": {\n\t\t\"a\": 1\n\t}\n}",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				return f.InsertPair(find(t, d, "k"), -1, "b", "2")
			},
			"{\n\t\"swagger\": \"2.0\",\n\t\"k\": {\n\t\t\"a\": 1,\n\t\t\"b\": 2\n\t}\n}",
		},
		{
			"insert json minified",
			`{"swagger":"2.0","k":{"a":1}}`,
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				return f.InsertPair(find(t, d, "k"), -1, "b", "2")
			},
			`{"swagger":"2.0","k":{"a":1,"b":2}}`,
		},
		{
			"insert json multi-line value",
			"{\n    \"swagger\": \"2.0\"\n}\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				return f.InsertPair(d.Root, -1, "l", "[\n    1\n]")
			},
			"{\n    \"swagger\": \"2.0\",\n    \"l\": [\n        1\n    ]\n}\n",
		},
		{
			"append block item indented",
			"swagger: '2.0'\nl:\n  - a: 1\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				return f.AppendItem(find(t, d, "l"), "b: 2\nc: 3")
			},
			"swagger: '2.0'\nl:\n  - a: 1\n  - b: 2\n    c: 3\n",
		},
		{
			"append flow item",
			"swagger: '2.0'\nl: [a]\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) { return f.AppendItem(find(t, d, "l"), "b") },
			"swagger: '2.0'\nl: [a, b]\n",
		},
		{
			"append to empty flow",
			"swagger: '2.0'\nl: []\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) { return f.AppendItem(find(t, d, "l"), "b") },
			"swagger: '2.0'\nl: [b]\n",
		},
		{
			"rename quoted key",
			"swagger: '2.0'\n'allow_cors': true\n",
			func(t *testing.T, f *File, d *spec.Document) (Edit, error) {
				k, _ := spec.MapGet(d.Root, "allow_cors")
				return f.RenameKey(k, "allowCors")
			},
			"swagger: '2.0'\n'allowCors': true\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parse(t, tt.src)
			e, err := tt.op(t, New(d), d)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Apply(d.Src, []Edit{e})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if _, err := spec.Parse("out", got, spec.Options{}); err != nil {
				t.Errorf("output does not parse: %v", err)
			}
		})
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		src  string
		s    string
		want string
	}{
		{"swagger: '2.0'\na: x\nb: y\n", "api.example.com", "api.example.com"},
		{"swagger: '2.0'\na: x\nb: y\n", "true", `"true"`},
		{"swagger: '2.0'\na: x\nb: y\n", "a: b", `"a: b"`},
		{"swagger: '2.0'\na: 'x'\nb: 'y'\n", "it's", "'it''s'"},
		{"swagger: \"2.0\"\na: \"x\"\n", "x\"y", `"x\"y"`},
		{`{"swagger": "2.0"}`, "a\"b\u00e9", `"a\"bé"`},
	}
	for _, tt := range tests {
		f := New(parse(t, tt.src))
		if got := f.String(tt.s, nil); got != tt.want {
			t.Errorf("String(%q) in %q = %s, want %s", tt.s, tt.src, got, tt.want)
		}
		// Whatever is rendered reads back as the string.
		var v map[string]string
		if err := yaml.Unmarshal([]byte("k: "+f.String(tt.s, nil)), &v); err != nil || v["k"] != tt.s {
			t.Errorf("String(%q) = %s reads back as %q (%v)", tt.s, f.String(tt.s, nil), v["k"], err)
		}
	}
}
