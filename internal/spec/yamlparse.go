package spec

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// parseBlockYAML builds, for the YAML that specs are written in, the tree
// yaml.Unmarshal builds, several times faster and without yaml.v3's garbage:
// it reads the document line by line and knows only the common part of YAML.
// Like parseJSON, it either builds exactly yaml.v3's tree (kinds, tags,
// values, styles, anchors (none), lines and columns; comments are not kept,
// and nothing reads them) or returns a reason and leaves the whole input to
// yaml.v3, so errors and every other construct stay what they were.
//
// What it reads:
//
//   - an optional "---" line, then a block mapping at column 1 as the root;
//   - block mappings whose keys are plain or quoted scalars on one line,
//     followed by ": " or ":" at the end of the line;
//   - block sequences, indented under their key or at its column, whose
//     items are scalars, one-line flow collections, compact mappings
//     ("- name: x") or blocks on the following lines ("-" then "  name: x");
//   - one-line plain, single-quoted and double-quoted scalars, with yaml.v3's
//     tag resolution (plaintag.go) and escapes;
//   - literal and folded block scalars (| |- |+ > >- >+) as mapping values,
//     without an indentation indicator and without more-indented lines in a
//     folded one;
//   - flow collections that open and close on one line, holding scalars and
//     flow collections;
//   - comments and blank lines anywhere, CRLF line ends, a leading BOM.
//
// What it leaves to yaml.v3 (each is a reason string in the code below):
// anchors, aliases and tags; explicit keys ("? "); multi-line plain or quoted
// scalars and flow collections; block scalars with indicators, leading blank
// lines or as sequence items; nested sequences on one line ("- - x"); empty
// sequence items; tabs anywhere; a CR not followed by LF; characters yaml.v3
// refuses or reads as line breaks (C0 and C1 controls, DEL, NEL, LS, PS,
// U+FEFF after the start, U+FFFE, U+FFFF); directives, document markers after
// the first line and several documents; any indentation, key or value it
// does not expect (which is also where yaml.v3 reports errors); keys over
// 1024 characters; nesting deeper than DefaultMaxDepth; a root that is not a
// block mapping.
func parseBlockYAML(data []byte) (*yaml.Node, string) {
	p := &blockParser{src: string(data), nodeArena: newNodeArena(len(data))}
	start := 0
	if strings.HasPrefix(p.src, "\xef\xbb\xbf") {
		start = 3 // yaml.v3 drops the BOM before counting columns
	}
	if !p.load(start, 1) {
		return nil, p.why
	}
	if !p.skipToContent() {
		return nil, p.why
	}
	p.started = true
	doc := p.node()
	doc.Kind = yaml.DocumentNode
	if !p.eof && p.indent == 0 && p.isMarker("---") {
		doc.Line, doc.Column = p.line, 1
		if !p.restIsEmpty(p.ls + 3) {
			return nil, p.fail("content after ---")
		}
		if !p.advance() || !p.skipToContent() {
			return nil, p.why
		}
	}
	if p.eof || p.indent != 0 {
		return nil, p.fail("root is not a block mapping at column 1")
	}
	if doc.Line == 0 {
		doc.Line, doc.Column = p.line, 1
	}
	root := p.mapping(p.ls, nil, 0)
	if root == nil {
		return nil, p.why
	}
	if !p.eof {
		return nil, p.fail("text after the root mapping")
	}
	doc.Content = p.children([]*yaml.Node{root})
	return doc, ""
}

type blockParser struct {
	src string
	// The current line: its 1-based number, where it starts and ends (before
	// "\n" or "\r\n"), where the next one starts, its indentation in spaces,
	// and whether it is ASCII (then columns are byte offsets).
	line      int
	ls, le    int
	next      int
	indent    int
	ascii     bool
	blankLine bool // only spaces
	eof       bool
	started   bool // the document's first content line was read
	depth     int
	why       string
	nodeArena
}

func (p *blockParser) fail(why string) string {
	if p.why == "" {
		p.why = why + " at line " + strconv.Itoa(p.line)
	}
	return p.why
}

// load makes the line starting at off the current one, checking its
// characters; false means the input is left to yaml.v3.
func (p *blockParser) load(off, line int) bool {
	p.line, p.ls = line, off
	if off >= len(p.src) {
		p.eof = true
		p.le, p.next, p.indent, p.ascii, p.blankLine = off, off, 0, true, true
		return true
	}
	s := p.src
	p.ascii = true
	i := off
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c == '\n' {
			break
		}
		switch {
		case c == '\r':
			if i+1 >= len(s) || s[i+1] != '\n' {
				p.fail("CR without LF")
				return false
			}
		case c == '\t':
			p.fail("tab")
			return false
		case c < 0x80:
			p.fail("control character")
			return false
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !yamlPrintable(r) {
				p.fail("character yaml.v3 does not read as itself")
				return false
			}
			p.ascii = false
			i += size
			continue
		}
		i++
	}
	p.le, p.next = i, i+1
	if i > off && s[i-1] == '\r' {
		p.le--
	}
	if i >= len(s) {
		p.next = len(s)
	}
	p.indent = 0
	for off+p.indent < p.le && s[off+p.indent] == ' ' {
		p.indent++
	}
	p.blankLine = off+p.indent == p.le
	if p.indent == 0 && !p.blankLine {
		switch s[off] {
		case '%':
			p.fail("directive")
			return false
		case '-', '.':
			if p.isMarker("...") || (p.isMarker("---") && p.started) {
				p.fail("document marker")
				return false
			}
		}
	}
	return true
}

// isMarker reports a document marker (--- or ...) at the start of the line.
func (p *blockParser) isMarker(m string) bool {
	rest := p.src[p.ls:p.le]
	return strings.HasPrefix(rest, m) && (len(rest) == 3 || rest[3] == ' ')
}

// advance moves to the next line (or past the end).
func (p *blockParser) advance() bool {
	if p.eof {
		return true
	}
	if p.next >= len(p.src) {
		p.eof = true
		p.line++
		return true
	}
	return p.load(p.next, p.line+1)
}

// skipToContent moves to the next line that is neither blank nor a comment.
func (p *blockParser) skipToContent() bool {
	for !p.eof && (p.blankLine || p.src[p.ls+p.indent] == '#') {
		if !p.advance() {
			return false
		}
	}
	return true
}

// column is the 1-based character column of offset off on the current line.
func (p *blockParser) column(off int) int {
	if p.ascii {
		return off - p.ls + 1
	}
	return utf8.RuneCountInString(p.src[p.ls:off]) + 1
}

// restIsEmpty reports whether nothing but spaces and a comment follows off
// on the current line. A comment must follow a space.
func (p *blockParser) restIsEmpty(off int) bool {
	i := off
	for i < p.le && p.src[i] == ' ' {
		i++
	}
	return i == p.le || (p.src[i] == '#' && i > off)
}

// isDash reports a block sequence entry at off: "-" then a space or the end
// of the line.
func (p *blockParser) isDash(off int) bool {
	return off < p.le && p.src[off] == '-' && (off+1 == p.le || p.src[off+1] == ' ')
}

func (p *blockParser) enter() bool {
	p.depth++
	if p.depth > DefaultMaxDepth {
		p.fail("nesting deeper than the depth limit")
		return false
	}
	return true
}

// mapping reads a block mapping whose first key starts at offset at on the
// current line (or was already read: first, with the ':' at colon). All its
// keys are at the first key's column. It returns with the parser on the next
// content line after the mapping.
func (p *blockParser) mapping(at int, first *yaml.Node, colon int) *yaml.Node {
	if !p.enter() {
		return nil
	}
	col := at - p.ls // all ASCII before a key: indentation and "- "
	n := p.node()
	n.Kind, n.Tag = yaml.MappingNode, tagMap
	n.Line, n.Column = p.line, col+1
	base := len(p.stack)
	for {
		k := first
		if k == nil {
			if p.isDash(at) {
				p.fail("sequence entry where a key was expected")
				return nil
			}
			if k, colon = p.key(at); k == nil {
				return nil
			}
		}
		first = nil
		v := p.value(colon+1, col, true)
		if v == nil {
			return nil
		}
		p.stack = append(p.stack, k, v)
		if p.eof || p.indent < col {
			break
		}
		if p.indent > col {
			p.fail("unexpected indentation")
			return nil
		}
		at = p.ls + col
	}
	p.closeCollection(n, base)
	p.depth--
	return n
}

// key reads a mapping key at at, which must be followed by ':' and a space
// or the end of the line; it returns the key and the offset of the ':'.
func (p *blockParser) key(at int) (*yaml.Node, int) {
	k, end, ok := p.inlineScalar(at, true)
	if !ok {
		return nil, 0
	}
	if k == nil || end >= p.le || p.src[end] != ':' {
		p.fail("key without ':'")
		return nil, 0
	}
	// yaml.v3 reads an implicit key only if its ':' is at most 1024
	// characters after the key's start.
	if p.column(end)-k.Column > jsonMaxKeyChars {
		p.fail("key longer than 1024 characters")
		return nil, 0
	}
	return k, end
}

// value reads what follows a key's ':' (at off, on the current line) in a
// mapping at column col: a value on the same line, a block on the next
// lines, or nothing (null). It returns with the parser on the next content
// line.
func (p *blockParser) value(off, col int, inMapping bool) *yaml.Node {
	i := off
	for i < p.le && p.src[i] == ' ' {
		i++
	}
	if i == p.le || p.src[i] == '#' {
		// Nothing on this line: a block below, or an empty value, which
		// yaml.v3 places just after the ':'.
		line, column := p.line, p.column(off)
		if !p.advance() || !p.skipToContent() {
			return nil
		}
		if !p.eof {
			switch {
			case p.indent > col && p.isDash(p.ls+p.indent):
				return p.sequence(p.indent, false)
			case p.indent > col:
				return p.mapping(p.ls+p.indent, nil, 0)
			case p.indent == col && inMapping && p.isDash(p.ls+col):
				return p.sequence(col, true)
			}
		}
		if !inMapping {
			p.fail("empty sequence entry")
			return nil
		}
		n := p.node()
		n.Kind, n.Tag = yaml.ScalarNode, tagNull
		n.Line, n.Column = line, column
		return n
	}
	var v *yaml.Node
	switch c := p.src[i]; {
	case c == '|' || c == '>':
		if !inMapping {
			p.fail("block scalar as a sequence entry")
			return nil
		}
		return p.blockScalar(i, col)
	case c == '{' || c == '[':
		end := 0
		if v, end = p.flow(i); v == nil {
			return nil
		}
		if !p.restIsEmpty(end) {
			p.fail("text after a flow collection")
			return nil
		}
	default:
		end := 0
		var ok bool
		if v, end, ok = p.inlineScalar(i, false); !ok {
			return nil
		}
		if !inMapping && end < p.le && p.src[end] == ':' {
			// "- key: value": a compact mapping in a sequence entry.
			if p.column(end)-v.Column > jsonMaxKeyChars {
				p.fail("key longer than 1024 characters")
				return nil
			}
			return p.mapping(i, v, end)
		}
		if end < p.le {
			p.fail("':' after a value")
			return nil
		}
	}
	if !p.advance() || !p.skipToContent() {
		return nil
	}
	return v
}

// sequence reads a block sequence whose first "-" is at column col of the
// current line. indentless: the sequence is a mapping value written at its
// key's column, and ends at the mapping's next key.
func (p *blockParser) sequence(col int, indentless bool) *yaml.Node {
	if !p.enter() {
		return nil
	}
	n := p.node()
	n.Kind, n.Tag = yaml.SequenceNode, tagSeq
	n.Line, n.Column = p.line, col+1
	base := len(p.stack)
	for {
		at := p.ls + col + 1
		i := at
		for i < p.le && p.src[i] == ' ' {
			i++
		}
		if p.isDash(i) {
			p.fail("nested sequence on one line")
			return nil
		}
		v := p.value(at, col, false)
		if v == nil {
			return nil
		}
		p.stack = append(p.stack, v)
		if p.eof || p.indent < col {
			break
		}
		if p.indent > col {
			p.fail("unexpected indentation")
			return nil
		}
		if !p.isDash(p.ls + col) {
			if indentless {
				break // the parent mapping's next key
			}
			p.fail("key where a sequence entry was expected")
			return nil
		}
	}
	p.closeCollection(n, base)
	p.depth--
	return n
}

// inlineScalar reads a plain or quoted scalar starting at at on the current
// line. It returns the node and where it ends: at a ':' that follows the
// scalar (end points at it; only a key may be followed by one), else at the
// end of the line (any comment after it skipped). ok is false when the
// input is left to yaml.v3. isKey only changes which reasons are given.
func (p *blockParser) inlineScalar(at int, isKey bool) (n *yaml.Node, end int, ok bool) {
	s := p.src
	c := s[at]
	if c == '"' || c == '\'' {
		n, end = p.quoted(at)
		if n == nil {
			return nil, 0, false
		}
		j := end
		for j < p.le && s[j] == ' ' {
			j++
		}
		switch {
		case j < p.le && s[j] == ':' && (j+1 == p.le || s[j+1] == ' '):
			return n, j, true
		case p.restIsEmpty(end):
			return n, p.le, true
		}
		p.fail("text after a quoted scalar")
		return nil, 0, false
	}
	if !p.plainStart(at, false) {
		return nil, 0, false
	}
	// A plain scalar ends at ": ", at ":" at the end of the line, at " #" or
	// at the end of the line; trailing spaces are not part of it.
	i := at
	stop := p.le
	for i < p.le {
		switch s[i] {
		case ':':
			if i+1 == p.le || s[i+1] == ' ' {
				stop = i
			}
		case '#':
			if s[i-1] == ' ' {
				stop = i
			}
		}
		if stop != p.le {
			break
		}
		i++
	}
	j := stop
	for j > at && s[j-1] == ' ' {
		j--
	}
	text := s[at:j]
	n = p.node()
	n.Kind, n.Tag, n.Value = yaml.ScalarNode, PlainTag(text), text
	n.Line, n.Column = p.line, p.column(at)
	if stop < p.le && s[stop] == ':' {
		return n, stop, true
	}
	return n, p.le, true
}

// plainStart reports whether a plain scalar may start at at (yaml.v3's
// scannerc.go, yaml_parser_fetch_next_token): not an indicator, except '-',
// '?' and ':' followed by a non-space (in a flow collection, only '-').
func (p *blockParser) plainStart(at int, inFlow bool) bool {
	s := p.src
	c := s[at]
	switch c {
	case '-':
		if at+1 < p.le && s[at+1] != ' ' {
			return true
		}
	case '?', ':':
		if !inFlow && at+1 < p.le && s[at+1] != ' ' {
			return true
		}
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
	default:
		return true
	}
	p.fail("indicator or node property where a scalar was expected")
	return false
}

// quoted reads a one-line single- or double-quoted scalar at at; it returns
// the node and the offset after the closing quote.
func (p *blockParser) quoted(at int) (*yaml.Node, int) {
	s := p.src
	q := s[at]
	n := p.node()
	n.Kind, n.Tag = yaml.ScalarNode, tagStr
	n.Line, n.Column = p.line, p.column(at)
	var buf []byte
	start := at + 1
	for i := start; i < p.le; {
		c := s[i]
		switch {
		case c == q && q == '\'' && i+1 < p.le && s[i+1] == '\'':
			buf = append(append(buf, s[start:i]...), '\'')
			i += 2
			start = i
		case c == q:
			if q == '"' {
				n.Style = yaml.DoubleQuotedStyle
			} else {
				n.Style = yaml.SingleQuotedStyle
			}
			if buf == nil {
				n.Value = s[start:i]
			} else {
				n.Value = string(append(buf, s[start:i]...))
			}
			return n, i + 1
		case c == '\\' && q == '"':
			buf = append(buf, s[start:i]...)
			var ok bool
			if buf, i, ok = p.escape(buf, i); !ok {
				return nil, 0
			}
			start = i
		default:
			i++
		}
	}
	p.fail("quoted scalar continues on the next line")
	return nil, 0
}

// escape decodes a double-quoted scalar's escape at s[i] ('\\') as yaml.v3
// does (scannerc.go, yaml_parser_scan_flow_scalar).
func (p *blockParser) escape(buf []byte, i int) ([]byte, int, bool) {
	s := p.src
	if i+1 >= p.le {
		p.fail("escaped line break")
		return nil, 0, false
	}
	var r rune
	width := 0
	switch s[i+1] {
	case '0':
		r = 0
	case 'a':
		r = '\a'
	case 'b':
		r = '\b'
	case 't':
		r = '\t'
	case 'n':
		r = '\n'
	case 'v':
		r = '\v'
	case 'f':
		r = '\f'
	case 'r':
		r = '\r'
	case 'e':
		r = 0x1b
	case ' ':
		r = ' '
	case '"':
		r = '"'
	case '\'':
		r = '\''
	case '\\':
		r = '\\'
	case 'N':
		r = 0x85
	case '_':
		r = 0xa0
	case 'L':
		r = 0x2028
	case 'P':
		r = 0x2029
	case 'x':
		width = 2
	case 'u':
		width = 4
	case 'U':
		width = 8
	default:
		p.fail("unknown escape")
		return nil, 0, false
	}
	i += 2
	if width > 0 {
		if i+width > p.le {
			p.fail("short escape")
			return nil, 0, false
		}
		v := 0
		for _, h := range []byte(s[i : i+width]) {
			switch {
			case h >= '0' && h <= '9':
				v = v<<4 + int(h-'0')
			case h >= 'a' && h <= 'f':
				v = v<<4 + int(h-'a'+10)
			case h >= 'A' && h <= 'F':
				v = v<<4 + int(h-'A'+10)
			default:
				p.fail("bad hexadecimal escape")
				return nil, 0, false
			}
		}
		if v >= 0xd800 && v <= 0xdfff || v > 0x10ffff {
			p.fail("invalid escaped code point")
			return nil, 0, false
		}
		r = rune(v)
		i += width
	}
	return utf8.AppendRune(buf, r), i, true
}

// flow reads a flow collection that opens at at and closes on the same line;
// it returns the node and the offset after the closing bracket.
func (p *blockParser) flow(at int) (*yaml.Node, int) {
	if !p.enter() {
		return nil, 0
	}
	s := p.src
	n := p.node()
	n.Style = yaml.FlowStyle
	n.Line, n.Column = p.line, p.column(at)
	closer := byte(']')
	if s[at] == '{' {
		n.Kind, n.Tag, closer = yaml.MappingNode, tagMap, '}'
	} else {
		n.Kind, n.Tag = yaml.SequenceNode, tagSeq
	}
	base := len(p.stack)
	i := p.flowSpace(at + 1)
	if i < p.le && s[i] == closer {
		p.depth--
		return n, i + 1
	}
	for {
		k, end := p.flowNode(i)
		if k == nil {
			return nil, 0
		}
		i = p.flowSpace(end)
		if n.Kind == yaml.MappingNode {
			if k.Kind != yaml.ScalarNode {
				p.fail("collection as a flow mapping key")
				return nil, 0
			}
			if i >= p.le || s[i] != ':' {
				p.fail("flow mapping key without ':'")
				return nil, 0
			}
			if k.Style == 0 && i+1 < p.le && s[i+1] != ' ' {
				p.fail("':' after a plain key without a space")
				return nil, 0
			}
			if p.column(i)-k.Column > jsonMaxKeyChars {
				p.fail("key longer than 1024 characters")
				return nil, 0
			}
			i = p.flowSpace(i + 1)
			v, end := p.flowNode(i)
			if v == nil {
				return nil, 0
			}
			p.stack = append(p.stack, k, v)
			i = p.flowSpace(end)
		} else {
			if i < p.le && s[i] == ':' {
				p.fail("single-pair mapping in a flow sequence")
				return nil, 0
			}
			p.stack = append(p.stack, k)
		}
		if i >= p.le {
			p.fail("flow collection continues on the next line")
			return nil, 0
		}
		if s[i] == closer {
			i++
			break
		}
		if s[i] != ',' {
			p.fail("expected ',' in a flow collection")
			return nil, 0
		}
		i = p.flowSpace(i + 1)
		if i < p.le && (s[i] == closer || s[i] == ',') {
			p.fail("empty flow entry")
			return nil, 0
		}
	}
	p.closeCollection(n, base)
	p.depth--
	return n, i
}

func (p *blockParser) flowSpace(i int) int {
	for i < p.le && p.src[i] == ' ' {
		i++
	}
	return i
}

// flowNode reads a scalar or a collection inside a flow collection.
func (p *blockParser) flowNode(at int) (*yaml.Node, int) {
	if at >= p.le {
		p.fail("flow collection continues on the next line")
		return nil, 0
	}
	s := p.src
	switch c := s[at]; c {
	case '{', '[':
		return p.flow(at)
	case '"', '\'':
		return p.quoted(at)
	}
	if !p.plainStart(at, true) {
		return nil, 0
	}
	// In a flow collection a plain scalar also ends at , [ ] { } and ?.
	i := at
	stop := p.le
	for i < p.le && stop == p.le {
		switch s[i] {
		case ':':
			if i+1 == p.le || s[i+1] == ' ' {
				stop = i
			}
		case '#':
			if s[i-1] == ' ' {
				p.fail("comment inside a flow collection")
				return nil, 0
			}
		case ',', '[', ']', '{', '}':
			stop = i
		case '?':
			p.fail("'?' in a flow scalar")
			return nil, 0
		}
		if stop == p.le {
			i++
		}
	}
	j := stop
	for j > at && s[j-1] == ' ' {
		j--
	}
	text := s[at:j]
	n := p.node()
	n.Kind, n.Tag, n.Value = yaml.ScalarNode, PlainTag(text), text
	n.Line, n.Column = p.line, p.column(at)
	return n, j
}

// blockScalar reads a literal or folded block scalar whose indicator is at
// at, the value of a key in a mapping at column col, as yaml.v3 does
// (scannerc.go, yaml_parser_scan_block_scalar). It returns with the parser
// on the next content line.
func (p *blockParser) blockScalar(at, col int) *yaml.Node {
	s := p.src
	literal := s[at] == '|'
	n := p.node()
	n.Kind, n.Tag = yaml.ScalarNode, tagStr
	n.Line, n.Column = p.line, p.column(at)
	n.Style = yaml.FoldedStyle
	if literal {
		n.Style = yaml.LiteralStyle
	}
	chomp := byte(0)
	i := at + 1
	if i < p.le && (s[i] == '-' || s[i] == '+') {
		chomp = s[i]
		i++
	}
	if i < p.le && s[i] != ' ' {
		p.fail("block scalar indicator")
		return nil
	}
	if !p.restIsEmpty(i) {
		p.fail("text after a block scalar header")
		return nil
	}
	if !p.advance() {
		return nil
	}
	if p.eof || p.blankLine || p.indent <= col {
		p.fail("block scalar that is empty or starts with a blank line")
		return nil
	}
	ind := p.indent
	var b strings.Builder
	breaks := 0         // line breaks after the last content line
	lastBroken := false // the last content line ended with a line break
	contentLines := 0
	for !p.eof {
		switch {
		case p.blankLine && p.le-p.ls <= ind:
			// An empty line: a line break.
			if p.next > p.le {
				breaks++
			}
		case p.indent < ind:
			// The first less indented line ends the scalar.
			goto done
		default:
			text := s[p.ls+ind : p.le]
			if !literal && text[0] == ' ' {
				p.fail("more-indented line in a folded scalar")
				return nil
			}
			if contentLines > 0 {
				switch {
				case literal:
					b.WriteByte('\n')
					writeBreaks(&b, breaks)
				case breaks == 0:
					b.WriteByte(' ')
				default:
					writeBreaks(&b, breaks)
				}
			}
			b.WriteString(text)
			contentLines++
			breaks = 0
			lastBroken = p.next > p.le
		}
		if !p.advance() {
			return nil
		}
	}
done:
	switch chomp {
	case 0:
		if lastBroken {
			b.WriteByte('\n')
		}
	case '+':
		if lastBroken {
			b.WriteByte('\n')
		}
		writeBreaks(&b, breaks)
	}
	n.Value = b.String()
	if !p.skipToContent() {
		return nil
	}
	return n
}

func writeBreaks(b *strings.Builder, n int) {
	for range n {
		b.WriteByte('\n')
	}
}
