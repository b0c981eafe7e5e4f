package spec

import (
	"strconv"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// JSON documents do not need a YAML parser. yaml.v3 reads JSON as a YAML
// flow collection, one character at a time through its scanner, parser and
// composer, single-threaded (the chunked parse of parallel.go only cuts
// block-style YAML): for a large JSON spec it was slower per byte than block
// YAML. parseJSON reads the JSON itself and builds exactly the tree
// yaml.Unmarshal builds for the same bytes: the same kinds, tags, values,
// styles, lines and columns (1-based, in characters, as yaml.v3 counts them),
// and no anchors or comments, which JSON cannot hold.
//
// It handles strict JSON (RFC 8259) only, and of that only what yaml.v3 reads
// the same way. Everything else returns a reason and the caller parses the
// input with yaml.v3 as before, so errors, their messages and positions, and
// every YAML-only liberty (comments, trailing commas, single quotes, unquoted
// keys) stay exactly what they were. The inputs that fall back (see the
// reasons below and jsonparse_test.go):
//
//   - anything that is not valid JSON;
//   - escapes yaml.v3 rejects (\/ and lone UTF-16 surrogates, so also
//     surrogate pairs) or reads differently;
//   - characters yaml.v3 does not allow or treats as line breaks: DEL,
//     C1 controls, U+FEFF, U+FFFE, U+FFFF, NEL, LS, PS; a CR not followed by
//     LF;
//   - a tab before or after the top-level value (yaml.v3 skips tabs only
//     inside flow collections);
//   - a key whose ':' is on a later line, or more than 1024 characters after
//     the key's start (yaml.v3 then no longer reads it as a key);
//   - nesting deeper than DefaultMaxDepth (the check reports it, on
//     yaml.v3's tree).
//
// Memory: nodes and children slices come from a nodeArena, and string values
// without escapes are substrings of one copy of the input.

// jsonMaxKeyChars is yaml.v3's limit on the distance from the start of an
// implicit key to its ':' (scannerc.go, yaml_simple_key_is_valid).
const jsonMaxKeyChars = 1024

// The tags yaml.v3 gives JSON values (resolve.go).
const (
	tagStr   = "!!str"
	tagInt   = "!!int"
	tagFloat = "!!float"
	tagBool  = "!!bool"
	tagNull  = "!!null"
	tagMap   = "!!map"
	tagSeq   = "!!seq"
)

type jsonParser struct {
	src       string // the input (one copy; values without escapes are substrings of it)
	pos       int
	line      int // 1-based line of pos
	lineStart int // offset of the current line's first character
	cont      int // UTF-8 continuation bytes between lineStart and pos
	depth     int
	why       string // why the input is not handled, once known
	nodeArena
}

// parseJSON returns the document node yaml.v3 would build for data, or nil
// and the reason it leaves data to yaml.v3. data is known to be valid UTF-8
// without NUL bytes, and its first significant character is '{' or '['.
func parseJSON(data []byte) (*yaml.Node, string) {
	p := &jsonParser{src: string(data), line: 1, nodeArena: newNodeArena(len(data))}
	if len(p.src) >= 3 && p.src[:3] == "\xef\xbb\xbf" {
		p.pos, p.lineStart = 3, 3 // yaml.v3 drops the BOM before counting columns
	}
	if !p.space(false) {
		return nil, p.why
	}
	doc := p.node()
	doc.Kind = yaml.DocumentNode
	doc.Line, doc.Column = p.line, p.column()
	root := p.value()
	if root == nil {
		return nil, p.why
	}
	if !p.space(false) {
		return nil, p.why
	}
	if p.pos < len(p.src) {
		return nil, p.fail("text after the top-level value")
	}
	doc.Content = p.children([]*yaml.Node{root})
	return doc, ""
}

func (p *jsonParser) fail(why string) string {
	if p.why == "" {
		p.why = why + " at line " + strconv.Itoa(p.line)
	}
	return p.why
}

func (p *jsonParser) column() int { return p.pos - p.lineStart - p.cont + 1 }

// space skips JSON whitespace. Tabs are yaml.v3 separators only inside a
// flow collection (scannerc.go, yaml_parser_scan_to_next_token); a CR must
// start a CRLF, as a lone CR is a YAML line break.
func (p *jsonParser) space(inFlow bool) bool {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ':
			p.pos++
		case '\n':
			p.pos++
			p.line++
			p.lineStart, p.cont = p.pos, 0
		case '\r':
			if p.pos+1 >= len(p.src) || p.src[p.pos+1] != '\n' {
				p.fail("CR without LF")
				return false
			}
			p.pos++
		case '\t':
			if !inFlow {
				p.fail("tab outside the top-level value")
				return false
			}
			p.pos++
		default:
			return true
		}
	}
	return true
}

// value reads one JSON value; nil means the input is not handled.
func (p *jsonParser) value() *yaml.Node {
	if p.pos >= len(p.src) {
		p.fail("unexpected end of input")
		return nil
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't':
		return p.literal("true", tagBool)
	case c == 'f':
		return p.literal("false", tagBool)
	case c == 'n':
		return p.literal("null", tagNull)
	}
	p.fail("unexpected character")
	return nil
}

func (p *jsonParser) open(tag string, kind yaml.Kind) *yaml.Node {
	p.depth++
	if p.depth > DefaultMaxDepth {
		p.fail("nesting deeper than the depth limit")
		return nil
	}
	n := p.node()
	n.Kind, n.Tag, n.Style = kind, tag, yaml.FlowStyle
	n.Line, n.Column = p.line, p.column()
	p.pos++ // '{' or '['
	return n
}

// begin opens an object or array: n is nil when that fails, empty is true
// when the closing byte follows at once (the collection is then done), and
// base is where its members start on the stack.
func (p *jsonParser) begin(tag string, kind yaml.Kind, closing byte) (n *yaml.Node, base int, empty bool) {
	if n = p.open(tag, kind); n == nil {
		return nil, 0, false
	}
	base = len(p.stack)
	if !p.space(true) {
		return nil, 0, false
	}
	if p.pos < len(p.src) && p.src[p.pos] == closing {
		p.pos++
		p.depth--
		return n, base, true
	}
	return n, base, false
}

func (p *jsonParser) object() *yaml.Node {
	n, base, empty := p.begin(tagMap, yaml.MappingNode, '}')
	if n == nil || empty {
		return n
	}
	for {
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			p.fail("expected a key")
			return nil
		}
		keyLine, keyCol := p.line, p.column()
		k := p.str()
		if k == nil || !p.space(true) {
			return nil
		}
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			p.fail("expected ':'")
			return nil
		}
		if p.line != keyLine || p.column() > keyCol+jsonMaxKeyChars {
			p.fail("':' not on the key's line within 1024 characters")
			return nil
		}
		p.pos++
		if !p.space(true) {
			return nil
		}
		v := p.value()
		if v == nil || !p.space(true) {
			return nil
		}
		p.stack = append(p.stack, k, v)
		if done, ok := p.separator('}', "unterminated object", "expected ',' or '}'"); !ok {
			return nil
		} else if done {
			break
		}
	}
	p.closeCollection(n, base)
	p.depth--
	return n
}

func (p *jsonParser) array() *yaml.Node {
	n, base, empty := p.begin(tagSeq, yaml.SequenceNode, ']')
	if n == nil || empty {
		return n
	}
	for {
		v := p.value()
		if v == nil || !p.space(true) {
			return nil
		}
		p.stack = append(p.stack, v)
		if done, ok := p.separator(']', "unterminated array", "expected ',' or ']'"); !ok {
			return nil
		} else if done {
			break
		}
	}
	p.closeCollection(n, base)
	p.depth--
	return n
}

// separator reads what follows a member or an item: the closing byte
// (done), or a comma and the space after it.
func (p *jsonParser) separator(closing byte, unterminated, expected string) (done, ok bool) {
	if p.pos >= len(p.src) {
		p.fail(unterminated)
		return false, false
	}
	switch p.src[p.pos] {
	case closing:
		p.pos++
		return true, true
	case ',':
		p.pos++
		return false, p.space(true)
	}
	p.fail(expected)
	return false, false
}

func (p *jsonParser) literal(word, tag string) *yaml.Node {
	if len(p.src)-p.pos < len(word) || p.src[p.pos:p.pos+len(word)] != word {
		p.fail("unexpected character")
		return nil
	}
	n := p.scalar(tag, 0)
	n.Value = word
	p.pos += len(word)
	if !p.endOfPlain() {
		return nil
	}
	return n
}

func (p *jsonParser) scalar(tag string, style yaml.Style) *yaml.Node {
	n := p.node()
	n.Kind, n.Tag, n.Style = yaml.ScalarNode, tag, style
	n.Line, n.Column = p.line, p.column()
	return n
}

// endOfPlain checks that an unquoted value ends where JSON ends it: yaml.v3
// would read "truex" or "1a" as one plain scalar.
func (p *jsonParser) endOfPlain() bool {
	if p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ',', ']', '}', ' ', '\t', '\n', '\r':
		default:
			p.fail("unexpected character after a value")
			return false
		}
	}
	return true
}

func (p *jsonParser) number() *yaml.Node {
	start := p.pos
	s := p.src
	i := p.pos
	if s[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		p.fail("bad number")
		return nil
	}
	integer := true
	if i < len(s) && s[i] == '.' {
		i++
		integer = false
		if digits() == 0 {
			p.fail("bad number")
			return nil
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		integer = false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.fail("bad number")
			return nil
		}
	}
	text := s[start:i]
	n := p.scalar(numberTag(text, integer), 0)
	n.Value = text
	p.pos = i
	if !p.endOfPlain() {
		return nil
	}
	return n
}

// numberTag is the tag yaml.v3's resolve gives a JSON number written as a
// plain scalar (resolve.go): an int when strconv reads it as a 64-bit signed
// or unsigned integer, else a float when strconv.ParseFloat reads it without
// error, else (out of range: 1e400, or an integer too long for any of them) a
// string. JSON numbers have no underscores, base prefixes or timestamp
// shapes, and none is in resolve's table of special words.
func numberTag(text string, integer bool) string {
	if integer {
		if len(text) <= 18 {
			return tagInt // at most 18 digits always fit in an int64
		}
		if _, err := strconv.ParseInt(text, 0, 64); err == nil {
			return tagInt
		}
		if _, err := strconv.ParseUint(text, 0, 64); err == nil {
			return tagInt
		}
	}
	if _, err := strconv.ParseFloat(text, 64); err == nil {
		return tagFloat
	}
	return tagStr
}

// str reads a JSON string as yaml.v3 reads a double-quoted scalar.
func (p *jsonParser) str() *yaml.Node {
	n := p.scalar(tagStr, yaml.DoubleQuotedStyle)
	s := p.src
	start := p.pos + 1
	i := plainRun(s, start)
	if i < len(s) && s[i] == '"' {
		// The common case: printable ASCII only, no escapes.
		n.Value = s[start:i]
		p.pos = i + 1
		return n
	}
	var buf []byte
	cont := 0
	for {
		if i >= len(s) {
			p.fail("unterminated string")
			return nil
		}
		switch c := s[i]; {
		case c == '"':
			if buf == nil {
				n.Value = s[start:i]
			} else {
				n.Value = string(append(buf, s[start:i]...))
			}
			p.pos = i + 1
			p.cont += cont
			return n
		case c == '\\':
			if buf == nil {
				buf = make([]byte, 0, i-start+64)
			}
			buf = append(buf, s[start:i]...)
			var ok bool
			if buf, i, ok = p.escape(buf, i); !ok {
				return nil
			}
			start = i
		case c < 0x20:
			p.fail("control character in a string")
			return nil
		case c == 0x7f:
			p.fail("DEL in a string")
			return nil
		default: // c >= 0x80
			r, size := utf8.DecodeRuneInString(s[i:])
			if !yamlPrintable(r) {
				p.fail("character yaml.v3 does not read as itself")
				return nil
			}
			cont += size - 1
			i += size
		}
		i = plainRun(s, i)
	}
}

// plainRun returns the offset of the first byte at or after i that ends a
// run of printable ASCII in a JSON string: a quote, a backslash, a control
// character, DEL or the start of a non-ASCII character.
func plainRun(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return i
		}
		i++
	}
	return i
}

// yamlPrintable reports a non-ASCII character yaml.v3 reads as itself inside
// a double-quoted scalar: its reader refuses C1 controls other than NEL and
// U+FFFE/U+FFFF (readerc.go), and NEL, LS and PS are line breaks. U+FEFF is
// left to yaml.v3 too.
func yamlPrintable(r rune) bool {
	switch {
	case r < 0xa0:
		return false // C1 controls and NEL
	case r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0xfffe || r == 0xffff:
		return false
	}
	return r != utf8.RuneError
}

// escape decodes the escape at s[i] ('\\') onto buf.
func (p *jsonParser) escape(buf []byte, i int) ([]byte, int, bool) {
	s := p.src
	if i+1 >= len(s) {
		p.fail("unterminated string")
		return nil, 0, false
	}
	switch s[i+1] {
	case '"':
		buf = append(buf, '"')
	case '\\':
		buf = append(buf, '\\')
	case 'b':
		buf = append(buf, '\b')
	case 'f':
		buf = append(buf, '\f')
	case 'n':
		buf = append(buf, '\n')
	case 'r':
		buf = append(buf, '\r')
	case 't':
		buf = append(buf, '\t')
	case 'u':
		if i+6 > len(s) {
			p.fail("short \\u escape")
			return nil, 0, false
		}
		v, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
		if err != nil {
			p.fail("bad \\u escape")
			return nil, 0, false
		}
		if v >= 0xd800 && v <= 0xdfff {
			// yaml.v3 refuses surrogates ("found invalid Unicode character
			// escape code"), pairs included.
			p.fail("UTF-16 surrogate escape")
			return nil, 0, false
		}
		return utf8.AppendRune(buf, rune(v)), i + 6, true
	default:
		// \/ is JSON but not YAML ("found unknown escape character").
		p.fail("escape yaml.v3 does not read as JSON does")
		return nil, 0, false
	}
	return buf, i + 2, true
}
