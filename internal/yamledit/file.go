package yamledit

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// Quote is a string quoting style.
type Quote byte

// Quote styles.
const (
	Plain  Quote = 0
	Double Quote = '"'
	Single Quote = '\''
)

// File is a document prepared for editing: its bytes and the conventions
// detected once from them, which inserted text follows.
type File struct {
	doc *spec.Document
	src []byte
	bom int

	// NL is the line ending inserted text uses: "\r\n" when the file's first
	// line break is CRLF, else "\n".
	NL string
	// JSON reports a JSON document.
	JSON bool
	// Indent is the indentation unit: for YAML the number of spaces a nested
	// block mapping is indented by (default 2); for JSON see JSONIndent.
	Indent int
	// SeqIndent is how far a block sequence's "- " is indented past its
	// parent key (0 when the file writes sequences flush with the key).
	SeqIndent int
	// Quote is the style most string values in the file use.
	Quote Quote
	// JSONIndent is one level of JSON indentation ("  ", "    ", "\t"), empty
	// for a minified document.
	JSONIndent string
	// Colon and Comma are the separators a JSON document (or flow mapping)
	// writes between key and value and between members: ": " and ", " or,
	// minified, ":" and ",".
	Colon, Comma string
}

// New prepares doc for editing.
func New(doc *spec.Document) *File {
	f := &File{doc: doc, src: doc.Src, NL: "\n", Indent: 2, Colon: ": ", Comma: ", "}
	if bytes.HasPrefix(f.src, []byte("\xef\xbb\xbf")) {
		f.bom = 3
	}
	if i := bytes.IndexByte(f.src, '\n'); i > 0 && f.src[i-1] == '\r' {
		f.NL = "\r\n"
	}
	// A YAML flow mapping also starts with "{"; it is JSON only when its
	// keys are double-quoted, and then inserted text is JSON too (which is
	// also valid YAML).
	f.JSON = doc.Format == spec.JSON && (len(doc.Root.Content) == 0 || doc.Root.Content[0].Style&yaml.DoubleQuotedStyle != 0)
	f.detect()
	return f
}

// detect finds the file's indentation, sequence style and quote style from
// the first examples it meets (breadth-first from the root, so top-level
// conventions win).
func (f *File) detect() {
	var quotes [3]int // plain, double, single
	indentFound, seqFound := false, false
	type item struct {
		n    *yaml.Node
		flow bool // inside a flow collection
	}
	queue := []item{{f.doc.Root, false}}
	// Breadth-first, bounded: the conventions show within the first
	// thousand or so values, and a huge spec must not cost a full walk.
	for head := 0; head < len(queue) && head < 100000; head++ {
		if indentFound && seqFound && quotes[0]+quotes[1]+quotes[2] >= 1000 {
			break
		}
		n, inFlow := queue[head].n, queue[head].flow
		inner := inFlow || n.Style&yaml.FlowStyle != 0
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if !inner {
					if !indentFound && v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Content[0].Line > k.Line {
						if d := v.Content[0].Column - k.Column; d > 0 {
							f.Indent, indentFound = d, true
						}
					}
					if !seqFound && v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Line > k.Line {
						// v is positioned at its first "-".
						if d := v.Column - k.Column; d >= 0 {
							f.SeqIndent, seqFound = d, true
						}
					}
				}
				if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
					switch {
					case v.Style&yaml.DoubleQuotedStyle != 0:
						quotes[1]++
					case v.Style&yaml.SingleQuotedStyle != 0:
						quotes[2]++
					case v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0:
						quotes[0]++
					}
				}
				queue = append(queue, item{v, inner})
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				queue = append(queue, item{c, inner})
			}
		}
	}
	switch {
	case f.JSON:
		f.Quote = Double
	case quotes[1] > quotes[0] && quotes[1] >= quotes[2]:
		f.Quote = Double
	case quotes[2] > quotes[0] && quotes[2] > quotes[1]:
		f.Quote = Single
	default:
		f.Quote = Plain
	}
	if !f.JSON {
		return
	}
	root := f.doc.Root
	if len(root.Content) == 0 {
		f.JSONIndent = "  "
		return
	}
	k0 := root.Content[0]
	ks := f.Start(k0)
	if k0.Line == root.Line {
		// Minified (or at least one-line) top level.
		f.JSONIndent = ""
		f.Colon, f.Comma = ":", ","
	} else {
		f.JSONIndent = string(f.src[f.lineStart(ks):ks])
		if f.JSONIndent == "" {
			f.JSONIndent = "  "
		}
	}
	// Separators as the root writes them.
	if e, err := f.End(k0); err == nil {
		vs := f.Start(root.Content[1])
		if e <= vs && vs-e <= 8 {
			if c := string(f.src[e:vs]); strings.Contains(c, ":") && !strings.ContainsAny(c, "\r\n") {
				f.Colon = c
			}
		}
	}
	if f.JSONIndent == "" && len(root.Content) >= 4 {
		if e, err := f.End(root.Content[1]); err == nil {
			ns := f.Start(root.Content[2])
			if e <= ns && ns-e <= 8 {
				if c := string(f.src[e:ns]); strings.HasPrefix(c, ",") && !strings.ContainsAny(c, "\r\n") {
					f.Comma = c
				}
			}
		}
	}
}

// String renders s as a string scalar. like, when not nil, is a scalar whose
// quoting the new text copies (the value being replaced, or the value it is
// copied from); otherwise the file's dominant style applies. JSON documents
// always get a JSON string. Plain style is used only when s reads back as
// the same string.
func (f *File) String(s string, like *yaml.Node) string {
	if f.JSON {
		return jsonString(s)
	}
	q := f.Quote
	if like != nil && like.Kind == yaml.ScalarNode {
		switch {
		case like.Style&yaml.DoubleQuotedStyle != 0:
			q = Double
		case like.Style&yaml.SingleQuotedStyle != 0:
			q = Single
		case like.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0:
			q = Plain
		}
	}
	switch q {
	case Plain:
		if PlainSafe(s) {
			return s
		}
		return yamlDouble(s)
	case Single:
		if strings.ContainsAny(s, "\n\r\t") || !utf8.ValidString(s) || hasControl(s) {
			return yamlDouble(s)
		}
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return yamlDouble(s)
}

// Key renders a mapping key in the style of the sibling key like (nil: plain
// when safe).
func (f *File) Key(s string, like *yaml.Node) string {
	if f.JSON {
		return jsonString(s)
	}
	if like == nil || like.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
		if PlainSafe(s) {
			return s
		}
		return yamlDouble(s)
	}
	return f.String(s, like)
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a Go string always encodes
	return strings.TrimRight(b.String(), "\n")
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// yamlDouble renders s as a YAML double-quoted scalar.
func yamlDouble(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f || r == utf8.RuneError {
				b.WriteString(`\u`)
				const hex = "0123456789abcdef"
				b.WriteByte(hex[r>>12&0xf])
				b.WriteByte(hex[r>>8&0xf])
				b.WriteByte(hex[r>>4&0xf])
				b.WriteByte(hex[r&0xf])
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// PlainSafe reports whether s can be written as a plain YAML scalar, in block
// or flow context, and read back as the same string.
func PlainSafe(s string) bool {
	if s == "" || strings.TrimSpace(s) != s || !utf8.ValidString(s) || hasControl(s) {
		return false
	}
	if strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`") {
		return false
	}
	if strings.ContainsAny(s, ",[]{}") || strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") {
		return false
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte("k: "+s), &n); err != nil {
		return false
	}
	if len(n.Content) != 1 || len(n.Content[0].Content) != 2 {
		return false
	}
	v := n.Content[0].Content[1]
	return v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value == s
}
