package yamledit

import (
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// FuzzSpans checks, on any document that parses, that every span this
// package computes lies inside the document, that a quoted or plain scalar's
// span reads back as the scalar's value, and that replacing a value scalar
// keeps the document parseable.
func FuzzSpans(f *testing.F) {
	seeds := []string{
		"swagger: '2.0'\nhost: a.b\nx-google-endpoints:\n- name: \"a.b\"\n  allowCors: true\n",
		"swagger: '2.0'\nk: {a: [1, 'x', \"y\"], b: &q v}\nj: *q\n",
		"\ufeffswagger: \"2.0\"\r\nk: |\r\n  text\r\nl:\r\n  - x # c\r\n",
		`{"swagger": "2.0", "x-google-endpoints": [{"name": "a", "allowCors": "true"}]}`,
		"{\n\t\"swagger\": \"2.0\",\n\t\"k\": {}\n}",
		"swagger: '2.0'\nk: !!str 1\nm:\n  ? complex\n  : v\n",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		d, err := spec.Parse("f", []byte(src), spec.Options{})
		if err != nil {
			return
		}
		fl := New(d)
		var walk func(n *yaml.Node, parent *yaml.Node, depth int)
		walk = func(n *yaml.Node, parent *yaml.Node, depth int) {
			if depth > 50 {
				return
			}
			if _, want := findFlow(d.Root, n, false, 0); fl.inFlow(n) != want {
				t.Fatalf("inFlow(%d:%d) = %v, want %v", n.Line, n.Column, !want, want)
			}
			end, err := fl.End(n)
			if err == nil && (end < fl.Start(n) || end > len(d.Src)) {
				t.Fatalf("End %d outside [%d,%d] for node at %d:%d", end, fl.Start(n), len(d.Src), n.Line, n.Column)
			}
			if n.Kind == yaml.ScalarNode {
				s, e, err := fl.ScalarSpan(n)
				if err == nil {
					text := string(d.Src[s:e])
					switch {
					case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && !strings.ContainsAny(text, "\r\n"):
						var v yaml.Node
						if yaml.Unmarshal([]byte(text), &v) == nil && len(v.Content) == 1 && v.Content[0].Value != n.Value {
							t.Fatalf("quoted span %q reads as %q, node value %q", text, v.Content[0].Value, n.Value)
						}
					case n.Style == 0 && text != "" && text != n.Value:
						t.Fatalf("plain span %q != value %q", text, n.Value)
					}
				}
			}
			for _, c := range n.Content {
				walk(c, n, depth+1)
			}
		}
		walk(d.Root, nil, 0)
		// Replace each top-level block value scalar and re-parse.
		if d.Root.Style&yaml.FlowStyle == 0 {
			for i := 1; i < len(d.Root.Content); i += 2 {
				v := d.Root.Content[i]
				if v.Kind != yaml.ScalarNode || v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || d.Root.Content[i-1].Value == "swagger" {
					continue
				}
				e, err := fl.Replace(v, "replaced")
				if err != nil {
					continue
				}
				out, err := Apply(d.Src, []Edit{e})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := spec.Parse("f", out, spec.Options{}); err != nil {
					t.Fatalf("replacing value %d of %q gives %q, which does not parse: %v", i, src, out, err)
				}
			}
		}
	})
}
