package yamledit

import (
	"errors"
	"fmt"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// ErrUnsupported marks a node whose text this package does not edit (a
// multi-line plain scalar, a block scalar used where a single value is
// needed, a layout it cannot splice without touching other lines). Callers
// report it; they never fall back to re-marshalling.
var ErrUnsupported = errors.New("layout not supported for a byte-exact edit")

// Start returns the byte offset where node n's text begins, including its
// anchor and tag properties (yaml.v3 positions a node at its first property).
func (f *File) Start(n *yaml.Node) int {
	return f.doc.Offset(n.Line, n.Column)
}

// ValueStart returns the offset after n's anchor and tag properties, where
// the scalar, alias or collection text itself starts.
func (f *File) ValueStart(n *yaml.Node) int {
	return f.skipProps(f.Start(n), n)
}

// TagStart returns the offset after n's anchor, where its tag (if any) or
// its value starts. Replacing from here keeps the anchor and drops the tag.
func (f *File) TagStart(n *yaml.Node) int {
	off := f.Start(n)
	if n.Anchor != "" && off < len(f.src) && f.src[off] == '&' {
		off = f.skipToken(off)
		off = f.skipBlanks(off)
	}
	return off
}

func (f *File) skipProps(off int, n *yaml.Node) int {
	for i := 0; i < 2 && off < len(f.src); i++ {
		c := f.src[off]
		if (c == '&' && n.Anchor != "") || (c == '!' && n.Kind != yaml.AliasNode) {
			off = f.skipToken(off)
			off = f.skipBlanks(off)
			continue
		}
		break
	}
	return off
}

// skipToken moves past an anchor or tag: a run of bytes up to a blank or a
// flow indicator (YAML 1.2 excludes ",[]{}" from anchor names and tag
// shorthands, so "{a: &x}" ends the anchor at "}").
func (f *File) skipToken(off int) int {
	if off+1 < len(f.src) && f.src[off] == '!' && f.src[off+1] == '<' {
		// A verbatim tag, !<tag:yaml.org,2002:str>, may hold commas.
		for off < len(f.src) && f.src[off] != '>' && f.src[off] != '\n' {
			off++
		}
		if off < len(f.src) && f.src[off] == '>' {
			off++
		}
		return off
	}
	for off < len(f.src) {
		switch f.src[off] {
		case ' ', '\t', '\r', '\n', ',', '[', ']', '{', '}':
			return off
		}
		off++
	}
	return off
}

// skipBlanks moves past spaces, tabs and line breaks (properties may sit on
// the line above a block collection).
func (f *File) skipBlanks(off int) int {
	for off < len(f.src) {
		switch f.src[off] {
		case ' ', '\t', '\r', '\n':
			off++
		default:
			return off
		}
	}
	return off
}

// End returns the offset just after node n's text: the closing quote of a
// quoted scalar, the last character of a plain scalar, the closing bracket of
// a flow collection, the end of the last child of a block collection, the
// last content line of a block scalar. Trailing comments are not included.
func (f *File) End(n *yaml.Node) (int, error) {
	return f.end(n, 0)
}

func (f *File) end(n *yaml.Node, depth int) (int, error) {
	if depth > 10000 {
		return 0, fmt.Errorf("%w: nesting too deep", ErrUnsupported)
	}
	switch n.Kind {
	case yaml.AliasNode:
		off := f.Start(n)
		if off >= len(f.src) || f.src[off] != '*' {
			return 0, fmt.Errorf("%w: alias *%s not found at line %d", ErrUnsupported, n.Value, n.Line)
		}
		return f.skipAliasName(off+1, f.inFlow(n)), nil
	case yaml.ScalarNode:
		_, end, err := f.ScalarSpan(n)
		return end, err
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			return f.flowEnd(f.ValueStart(n))
		}
		if len(n.Content) == 0 {
			return 0, fmt.Errorf("%w: empty block collection at line %d", ErrUnsupported, n.Line)
		}
		return f.end(n.Content[len(n.Content)-1], depth+1)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return 0, fmt.Errorf("%w: empty document", ErrUnsupported)
		}
		return f.end(n.Content[0], depth+1)
	}
	return 0, fmt.Errorf("%w: unknown node kind at line %d", ErrUnsupported, n.Line)
}

func (f *File) skipAliasName(off int, flow bool) int {
	for off < len(f.src) {
		switch f.src[off] {
		case ' ', '\t', '\r', '\n':
			return off
		case ',', ']', '}', '[', '{':
			if flow {
				return off
			}
		}
		off++
	}
	return off
}

// ScalarSpan returns the byte span of scalar n's value text, after its
// anchor and tag: quotes included for quoted scalars, the header and content
// lines for block scalars.
func (f *File) ScalarSpan(n *yaml.Node) (start, end int, err error) {
	if n.Kind != yaml.ScalarNode {
		return 0, 0, fmt.Errorf("%w: node at line %d is not a scalar", ErrUnsupported, n.Line)
	}
	src := f.src
	if n.Value == "" && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		// An empty value ("key:" or "key: &a") has no text; its span is the
		// empty string after its properties, on the same line.
		off := f.Start(n)
		for i := 0; i < 2 && off < len(src) && (src[off] == '&' || src[off] == '!'); i++ {
			off = f.skipToken(off)
			for off < len(src) && (src[off] == ' ' || src[off] == '\t') {
				off++
			}
		}
		if off < len(src) && src[off] != '\n' && src[off] != '\r' && src[off] != '#' && src[off] != ',' && src[off] != '}' && src[off] != ']' {
			return 0, 0, fmt.Errorf("%w: empty scalar at line %d is followed by text", ErrUnsupported, n.Line)
		}
		return off, off, nil
	}
	start = f.ValueStart(n)
	if start > len(src) {
		return 0, 0, fmt.Errorf("%w: scalar at line %d is outside the document", ErrUnsupported, n.Line)
	}
	if start == len(src) {
		if n.Value == "" {
			return start, start, nil
		}
		return 0, 0, fmt.Errorf("%w: scalar at line %d is outside the document", ErrUnsupported, n.Line)
	}
	switch c := src[start]; {
	case c == '"' && n.Style&yaml.DoubleQuotedStyle != 0:
		for i := start + 1; i < len(src); i++ {
			switch src[i] {
			case '\\':
				i++
			case '"':
				return start, i + 1, nil
			}
		}
		return 0, 0, fmt.Errorf("%w: unterminated double-quoted scalar at line %d", ErrUnsupported, n.Line)
	case c == '\'' && n.Style&yaml.SingleQuotedStyle != 0:
		for i := start + 1; i < len(src); i++ {
			if src[i] == '\'' {
				if i+1 < len(src) && src[i+1] == '\'' {
					i++
					continue
				}
				return start, i + 1, nil
			}
		}
		return 0, 0, fmt.Errorf("%w: unterminated single-quoted scalar at line %d", ErrUnsupported, n.Line)
	case (c == '|' || c == '>') && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return start, f.blockScalarEnd(start), nil
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return 0, 0, fmt.Errorf("%w: scalar at line %d does not start where the parser put it", ErrUnsupported, n.Line)
	}
	// Plain scalar: one line only. A multi-line plain scalar is refused
	// rather than guessed at.
	flow := f.inFlow(n)
	end = start
	for i := start; i < len(src); i++ {
		b := src[i]
		if b == '\n' || b == '\r' {
			break
		}
		if b == '#' && i > start && (src[i-1] == ' ' || src[i-1] == '\t') {
			break
		}
		if flow && (b == ',' || b == ']' || b == '}' || b == '[' || b == '{') {
			break
		}
		if b == ':' && i+1 < len(src) {
			nx := src[i+1]
			if nx == ' ' || nx == '\t' || nx == '\n' || nx == '\r' || (flow && (nx == ',' || nx == ']' || nx == '}')) {
				break
			}
		}
		if b == ':' && i+1 == len(src) {
			break
		}
		if b != ' ' && b != '\t' {
			end = i + 1
		}
	}
	if string(src[start:end]) != n.Value {
		if n.Value == "" && n.Tag == "!!null" {
			// An empty value (key:) has no text at all.
			return start, start, nil
		}
		return 0, 0, fmt.Errorf("%w: plain scalar at line %d spans several lines", ErrUnsupported, n.Line)
	}
	return start, end, nil
}

// blockScalarEnd finds the end of a literal or folded block scalar whose
// header starts at off: the end of its last non-blank content line.
func (f *File) blockScalarEnd(off int) int {
	src := f.src
	ls := f.lineStart(off)
	parentIndent := indentWidth(src[ls:])
	// End of the header line.
	i := off
	for i < len(src) && src[i] != '\n' {
		i++
	}
	end := i
	if end > off && src[end-1] == '\r' {
		end--
	}
	for i < len(src) {
		lineStart := i + 1
		if lineStart >= len(src) {
			break
		}
		j := lineStart
		for j < len(src) && src[j] != '\n' {
			j++
		}
		line := src[lineStart:j]
		trimmed := strings.TrimRight(string(line), " \t\r")
		if trimmed == "" {
			i = j
			continue
		}
		if indentWidth(line) <= parentIndent {
			break
		}
		end = lineStart + len(trimmed)
		i = j
	}
	return end
}

func indentWidth(line []byte) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n
}

// flowEnd returns the offset after the bracket that closes the flow
// collection opening at off, skipping quoted strings and comments.
func (f *File) flowEnd(off int) (int, error) {
	src := f.src
	if off >= len(src) || (src[off] != '[' && src[off] != '{') {
		return 0, fmt.Errorf("%w: no flow collection at offset %d", ErrUnsupported, off)
	}
	depth := 0
	for i := off; i < len(src); i++ {
		switch src[i] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		case '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '\'':
			if i > 0 && isPlainChar(src[i-1]) {
				continue // an apostrophe inside a plain scalar
			}
			for i++; i < len(src); i++ {
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && (src[i-1] == ' ' || src[i-1] == '\t' || src[i-1] == '\n') {
				for i < len(src) && src[i] != '\n' {
					i++
				}
			}
		}
	}
	return 0, fmt.Errorf("%w: unterminated flow collection at offset %d", ErrUnsupported, off)
}

func isPlainChar(b byte) bool {
	return b != ' ' && b != '\t' && b != '\n' && b != '\r' && b != ',' && b != '[' && b != '{' && b != ':'
}

// inFlow reports whether n sits inside a flow collection. It descends from
// the root by position (children are in source order), so a query costs the
// depth times the width of the path, not the size of the document; when the
// positions do not lead to n (unusual trees) it falls back to a full walk.
func (f *File) inFlow(n *yaml.Node) bool {
	cur, flow := f.doc.Root, false
	for depth := 0; cur != nil && depth < 10000; depth++ {
		if cur == n {
			return flow
		}
		if cur.Kind != yaml.MappingNode && cur.Kind != yaml.SequenceNode {
			break
		}
		flow = flow || cur.Style&yaml.FlowStyle != 0
		var next *yaml.Node
		for _, c := range cur.Content {
			if c == n {
				return flow
			}
			if c.Line < n.Line || (c.Line == n.Line && c.Column <= n.Column) {
				if c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode {
					next = c
				} else {
					next = nil
				}
			}
		}
		cur = next
	}
	_, fl := findFlow(f.doc.Root, n, false, 0)
	return fl
}

func findFlow(cur, n *yaml.Node, flow bool, depth int) (found, inFlow bool) {
	if cur == n {
		return true, flow
	}
	if depth > 10000 || (cur.Kind != yaml.MappingNode && cur.Kind != yaml.SequenceNode) {
		return false, false
	}
	flow = flow || cur.Style&yaml.FlowStyle != 0
	for _, c := range cur.Content {
		if ok, fl := findFlow(c, n, flow, depth+1); ok {
			return true, fl
		}
	}
	return false, false
}

// lineStart returns the offset of the first byte of the line holding off.
func (f *File) lineStart(off int) int {
	for off > 0 && f.src[off-1] != '\n' {
		off--
	}
	if off == 0 && f.bom > 0 {
		return f.bom
	}
	return off
}

// lineRestEnd returns, for an offset off, the offset just past the line
// break that ends its line when the rest of the line holds only blanks or a
// comment; ok is false when other text follows off on the line. At the end
// of a file without a final newline it returns len(src).
func (f *File) lineRestEnd(off int) (end int, ok bool) {
	src := f.src
	i := off
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i < len(src) && src[i] == '#' {
		for i < len(src) && src[i] != '\n' {
			i++
		}
	}
	if i < len(src) && src[i] == '\r' {
		i++
	}
	if i == len(src) {
		return i, true
	}
	if src[i] == '\n' {
		return i + 1, true
	}
	return off, false
}

// onlyBlanksBefore reports whether the bytes from the start of off's line up
// to off are spaces or tabs.
func (f *File) onlyBlanksBefore(off int) bool {
	for i := f.lineStart(off); i < off; i++ {
		if f.src[i] != ' ' && f.src[i] != '\t' {
			return false
		}
	}
	return true
}

// hasCommentLine reports whether src[a:b] contains a line that holds only a
// comment.
func hasCommentLine(src []byte, a, b int) bool {
	for _, line := range strings.Split(string(src[a:b]), "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " \t"), "#") {
			return true
		}
	}
	return false
}

// Doc returns the document the file was built from.
func (f *File) Doc() *spec.Document { return f.doc }
