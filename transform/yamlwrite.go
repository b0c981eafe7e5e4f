package transform

import (
	"bytes"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// The converted document is written as yaml.v3's encoder with two-space
// indentation writes it, byte for byte, without handing it the whole tree:
// yaml.v3's emitter keeps every event of a document in one slice until the
// document ends (go.yaml.in/yaml/v3 v3.0.6 emitterc.go, yaml_emitter_emit:
// events are appended and never dropped), a few hundred bytes per node grown
// by copying, which for a 5000-path spec came to gigabytes and most of the
// conversion's time.
//
// yamlWriter writes block mappings, block sequences and the scalars whose
// yaml.v3 form is simple (one line of printable ASCII written plain, in
// single quotes or in double quotes without escapes; printable ASCII lines
// as a literal or folded block without an indentation indicator) itself,
// following the emitter's rules for them (emitterc.go:
// yaml_emitter_analyze_scalar, yaml_emitter_select_scalar_style,
// yaml_emitter_write_block_scalar_hints, yaml_emitter_write_literal_scalar,
// yaml_emitter_write_folded_scalar; encode.go: encoder.node, which quotes a
// !!str that would read back as another type: spec.PlainTag says which).
// Anything else, a member or sequence item at a time, goes to yaml.v3 alone
// and is shifted right by the indentation it has in the whole document:
// yaml.v3 writes with infinite width and chooses styles from the values
// alone, so a piece's lines are the whole document's lines less that
// indentation (empty lines, inside block and quoted scalars, carry none in
// either).

// yamlIndent is the indentation the converter writes (two spaces).
const yamlIndent = 2

// encodeYAML writes root as yaml.v3's encoder (indentation 2) writes it.
func encodeYAML(root *yaml.Node) ([]byte, error) {
	if !nonEmptyBlock(root, yaml.MappingNode) {
		return encodeWhole(root)
	}
	w := yamlWriter{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if err := w.member(root.Content[i], root.Content[i+1], 0, false); err != nil {
			return nil, err
		}
	}
	return w.out, nil
}

// encodeWhole writes n with one yaml.v3 encoder: the reference encodeYAML
// must equal, and the way for a document that is not a block mapping.
func encodeWhole(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(yamlIndent)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}); err != nil {
		return nil, err // Transform.Run names the input
	}
	return b.Bytes(), enc.Close()
}

type yamlWriter struct {
	out []byte
}

// member writes k: v of a block mapping whose keys are at column indent;
// inline means the line is already written up to that column ("- ").
func (w *yamlWriter) member(k, v *yaml.Node, indent int, inline bool) error {
	key, ok := simpleScalar(k, true)
	if ok {
		switch {
		case v.Kind == yaml.ScalarNode:
			if text, simple := simpleScalar(v, false); simple {
				w.lineStart(indent, inline)
				w.out = append(append(append(append(w.out, key...), ": "...), text...), '\n')
				return nil
			}
			if indicator, block := blockScalar(v); block {
				w.lineStart(indent, inline)
				w.out = append(append(w.out, key...), ": "...)
				w.block(v.Value, indicator, indent+yamlIndent)
				return nil
			}
		case emptyBlock(v):
			w.lineStart(indent, inline)
			w.out = append(append(append(w.out, key...), ": "...), emptyText(v)...)
			return nil
		case nonEmptyBlock(v, yaml.MappingNode):
			w.lineStart(indent, inline)
			w.out = append(append(w.out, key...), ":\n"...)
			for i := 0; i+1 < len(v.Content); i += 2 {
				if err := w.member(v.Content[i], v.Content[i+1], indent+yamlIndent, false); err != nil {
					return err
				}
			}
			return nil
		case nonEmptyBlock(v, yaml.SequenceNode):
			w.lineStart(indent, inline)
			w.out = append(append(w.out, key...), ":\n"...)
			for _, it := range v.Content {
				if err := w.item(it, indent+yamlIndent); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return w.piece(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{k, v}}, indent, inline)
}

// item writes one item of a block sequence whose dashes are at column indent.
func (w *yamlWriter) item(v *yaml.Node, indent int) error {
	switch {
	case v.Kind == yaml.ScalarNode:
		if text, simple := simpleScalar(v, false); simple {
			w.lineStart(indent, false)
			w.out = append(append(append(w.out, "- "...), text...), '\n')
			return nil
		}
		if indicator, block := blockScalar(v); block {
			w.lineStart(indent, false)
			w.out = append(w.out, "- "...)
			w.block(v.Value, indicator, indent+yamlIndent)
			return nil
		}
	case emptyBlock(v):
		w.lineStart(indent, false)
		w.out = append(append(w.out, "- "...), emptyText(v)...)
		return nil
	case nonEmptyBlock(v, yaml.MappingNode):
		w.lineStart(indent, false)
		w.out = append(w.out, "- "...)
		for i := 0; i+1 < len(v.Content); i += 2 {
			if err := w.member(v.Content[i], v.Content[i+1], indent+yamlIndent, i == 0); err != nil {
				return err
			}
		}
		return nil
	}
	return w.piece(&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{v}}, indent, false)
}

// piece has yaml.v3 write n, a one-member mapping or one-item sequence, and
// copies its lines shifted right by indent (the first line not when
// inline).
func (w *yamlWriter) piece(n *yaml.Node, indent int, inline bool) error {
	text, err := encodeWhole(n)
	if err != nil {
		return err
	}
	first := true
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line = text[:i+1]
		}
		text = text[len(line):]
		// Empty lines, and a single-quoted scalar's closing quote after its
		// last line break (yaml_emitter_write_single_quoted writes it
		// without indentation), are at column 0 in any context.
		if line[0] != '\n' && (first || line[0] != '\'') {
			w.lineStart(indent, first && inline)
		}
		first = false
		w.out = append(w.out, line...)
	}
	return nil
}

func (w *yamlWriter) lineStart(indent int, inline bool) {
	if inline {
		return
	}
	for range indent {
		w.out = append(w.out, ' ')
	}
}

// collectionTag reports whether a collection's tag is one yaml.v3 leaves
// out (its kind's own, or none).
func collectionTag(n *yaml.Node) bool {
	switch n.Tag {
	case "":
		return true
	case "!!map", "tag:yaml.org,2002:map":
		return n.Kind == yaml.MappingNode
	case "!!seq", "tag:yaml.org,2002:seq":
		return n.Kind == yaml.SequenceNode
	}
	return false
}

// plainNode reports whether n carries nothing yaml.v3 would write besides
// its content: no anchor, no comments, no flow or tagged style.
func plainNode(n *yaml.Node) bool {
	return n.Anchor == "" && n.HeadComment == "" && n.LineComment == "" && n.FootComment == ""
}

func nonEmptyBlock(n *yaml.Node, kind yaml.Kind) bool {
	return n.Kind == kind && len(n.Content) > 0 && n.Style == 0 && collectionTag(n) && plainNode(n)
}

// emptyBlock reports an empty mapping or sequence, which yaml.v3 writes in
// flow style ({} or []) on the line of its key or dash.
func emptyBlock(n *yaml.Node) bool {
	return (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && len(n.Content) == 0 &&
		n.Style == 0 && collectionTag(n) && plainNode(n)
}

func emptyText(n *yaml.Node) string {
	if n.Kind == yaml.MappingNode {
		return "{}\n"
	}
	return "[]\n"
}

// simpleScalar returns the text yaml.v3 writes for scalar n in block context
// (as a mapping key when key), when that text is one of the simple forms;
// ok is false for every other scalar.
func simpleScalar(n *yaml.Node, key bool) (text string, ok bool) {
	v := n.Value
	if n.Kind != yaml.ScalarNode || !plainNode(n) || !printableASCII(v) || key && len(v) > 128 {
		return "", false
	}
	// encoder.node: the style asked for, and whether a !!str must be
	// quoted so it does not read back as another type; a scalar of another
	// tag is written plain when that is how it reads back.
	style := n.Style
	switch n.Tag {
	case "!!str", "tag:yaml.org,2002:str":
		if style == 0 && spec.PlainTag(v) != "!!str" {
			style = yaml.DoubleQuotedStyle
		}
	case "!!int", "!!float", "!!bool", "!!null":
		if style != 0 || v == "" || spec.PlainTag(v) != n.Tag {
			return "", false
		}
	default:
		return "", false
	}
	// yaml_emitter_select_scalar_style: plain when the emitter allows it
	// in block context, else single quotes (always allowed for one line of
	// printable ASCII).
	switch style {
	case 0:
		if plainAllowed(v) {
			return v, true
		}
		return "'" + strings.ReplaceAll(v, "'", "''") + "'", true
	case yaml.SingleQuotedStyle:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'", true
	case yaml.DoubleQuotedStyle:
		if strings.ContainsAny(v, `"\`) {
			return "", false // escapes
		}
		return `"` + v + `"`, true
	}
	return "", false
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// plainAllowed is yaml_emitter_analyze_scalar's block_plain_allowed for a
// non-empty line of printable ASCII.
func plainAllowed(v string) bool {
	if v == "" || v[0] == ' ' || v[len(v)-1] == ' ' {
		return false
	}
	if strings.HasPrefix(v, "---") || strings.HasPrefix(v, "...") {
		return false
	}
	spaceAfter := func(i int) bool { return i+1 >= len(v) || v[i+1] == ' ' }
	switch v[0] {
	case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '?', ':', '-':
		if spaceAfter(0) {
			return false
		}
	}
	for i := 1; i < len(v); i++ {
		switch v[i] {
		case ':':
			if spaceAfter(i) {
				return false
			}
		case '#':
			if v[i-1] == ' ' {
				return false
			}
		}
	}
	return true
}

// blockScalar returns the indicator ('|' or '>') of a scalar yaml.v3 writes
// as a literal or folded block that yamlWriter.block writes the same way:
// lines of printable ASCII, the first starting with neither a space nor a
// line break (no indentation indicator), no space before a line break or at
// the end (yaml.v3 writes those in double quotes).
func blockScalar(n *yaml.Node) (indicator byte, ok bool) {
	v := n.Value
	if n.Kind != yaml.ScalarNode || !plainNode(n) || v == "" || v[0] == ' ' || v[0] == '\n' ||
		v[len(v)-1] == ' ' || strings.Contains(v, " \n") {
		return 0, false
	}
	switch n.Tag {
	case "!!str", "tag:yaml.org,2002:str":
	default:
		return 0, false
	}
	for i := 0; i < len(v); i++ {
		if (v[i] < 0x20 || v[i] > 0x7e) && v[i] != '\n' {
			return 0, false
		}
	}
	switch {
	case n.Style == yaml.LiteralStyle, n.Style == 0 && strings.Contains(v, "\n"):
		return '|', true
	case n.Style == yaml.FoldedStyle:
		return '>', true
	}
	return 0, false
}

// block writes a block scalar after its key or dash, its lines at column
// indent. The chomping indicator says how the value ends: '-' without a
// line break, none with one, '+' with more (or when it is one). A folded
// block writes an extra line break after each line that does not start with
// a space, which reading folds away.
func (w *yamlWriter) block(v string, indicator byte, indent int) {
	w.out = append(w.out, indicator)
	switch {
	case !strings.HasSuffix(v, "\n"):
		w.out = append(w.out, '-')
	case v == "\n" || strings.HasSuffix(v, "\n\n"):
		w.out = append(w.out, '+')
	}
	w.out = append(w.out, '\n')
	breaks, leadingSpace := true, true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\n' {
			if indicator == '>' && !breaks && !leadingSpace {
				w.out = append(w.out, '\n')
			}
			w.out = append(w.out, '\n')
			breaks = true
			continue
		}
		if breaks {
			w.lineStart(indent, false)
			leadingSpace = c == ' '
		}
		w.out = append(w.out, c)
		breaks = false
	}
	if !breaks {
		w.out = append(w.out, '\n')
	}
}
