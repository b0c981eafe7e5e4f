package yamledit

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Replace returns the edit that replaces node n's value text with text. The
// anchor of n is kept; its tag is replaced too (so that `!!str "true"`
// becomes a real `true`). n must be a scalar or an alias.
func (f *File) Replace(n *yaml.Node, text string) (Edit, error) {
	if n.Kind != yaml.ScalarNode && n.Kind != yaml.AliasNode {
		return Edit{}, fmt.Errorf("%w: value at line %d is a collection, not a scalar", ErrUnsupported, n.Line)
	}
	end, err := f.End(n)
	if err != nil {
		return Edit{}, err
	}
	start := f.TagStart(n)
	if start > end {
		start = end // an empty value: replace at the end of its properties
	}
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return Edit{}, fmt.Errorf("%w: block scalar at line %d", ErrUnsupported, n.Line)
	}
	if end == start && text != "" && start > 0 && f.src[start-1] != ' ' && f.src[start-1] != '\t' {
		text = " " + text // "key:" or "key: &a" with an empty value
	}
	if end < len(f.src) && text != "" {
		switch f.src[end] {
		case ' ', '\t', '\r', '\n', ',', ']', '}':
		default:
			// A quoted scalar may be followed directly by "#..." or other
			// text; a plain replacement would swallow it.
			text += " "
		}
	}
	return Edit{Start: start, End: end, Text: text}, nil
}

// pairIndex returns the index (in pairs) of key node k in mapping m, or -1.
func pairIndex(m *yaml.Node, k *yaml.Node) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i] == k {
			return i / 2
		}
	}
	return -1
}

// members returns how many members (pairs or items) collection c has.
func members(c *yaml.Node) int {
	if c.Kind == yaml.MappingNode {
		return len(c.Content) / 2
	}
	return len(c.Content)
}

// memberStart returns where member i of c starts (its key for a pair).
func (f *File) memberStart(c *yaml.Node, i int) int {
	if c.Kind == yaml.MappingNode {
		return f.Start(c.Content[2*i])
	}
	return f.Start(c.Content[i])
}

// memberEnd returns where member i of c ends (its value for a pair). Only
// the members an edit needs are measured: measuring a large value scans it.
func (f *File) memberEnd(c *yaml.Node, i int) (int, error) {
	if c.Kind == yaml.MappingNode {
		k, v := c.Content[2*i], c.Content[2*i+1]
		if v.Kind == yaml.ScalarNode && v.Value == "" && v.Style == 0 && v.Anchor == "" && v.ShortTag() == "!!null" {
			// An empty value ("{a}", "a:") has no text and no reliable
			// position: the member ends with its key (and its colon, if any).
			e, err := f.End(k)
			if err != nil {
				return 0, err
			}
			j := e
			for j < len(f.src) && (f.src[j] == ' ' || f.src[j] == '\t') {
				j++
			}
			if j < len(f.src) && f.src[j] == ':' {
				e = j + 1
			}
			return e, nil
		}
		e, err := f.End(v)
		if err != nil {
			return 0, err
		}
		if s := f.Start(k); e < s {
			return 0, fmt.Errorf("%w: value at line %d is positioned before its key", ErrUnsupported, v.Line)
		}
		return e, nil
	}
	return f.End(c.Content[i])
}

// RemovePair returns the edit that removes the pair whose key node is k from
// mapping m. In a block mapping the pair's whole lines go (with a comment on
// the same line; comment lines above or below stay). In a flow mapping or a
// JSON object the neighbouring comma goes with it. Removing the only pair of
// a block mapping is refused: the caller removes the mapping instead.
func (f *File) RemovePair(m, k *yaml.Node) (Edit, error) {
	i := pairIndex(m, k)
	if i < 0 {
		return Edit{}, fmt.Errorf("key %q is not in the mapping at line %d", k.Value, m.Line)
	}
	return f.removeElem(m, i)
}

// RemoveItem returns the edit that removes item i of sequence s.
func (f *File) RemoveItem(s *yaml.Node, i int) (Edit, error) {
	if i < 0 || i >= len(s.Content) {
		return Edit{}, fmt.Errorf("sequence at line %d has no item %d", s.Line, i)
	}
	return f.removeElem(s, i)
}

func (f *File) removeElem(c *yaml.Node, i int) (Edit, error) {
	n := members(c)
	elStart := f.memberStart(c, i)
	elEnd, err := f.memberEnd(c, i)
	if err != nil {
		return Edit{}, err
	}
	if c.Style&yaml.FlowStyle != 0 {
		switch {
		case i < n-1:
			return Edit{Start: elStart, End: f.memberStart(c, i+1)}, nil
		case i > 0:
			prevEnd, err := f.memberEnd(c, i-1)
			if err != nil {
				return Edit{}, err
			}
			return Edit{Start: prevEnd, End: elEnd}, nil
		}
		open := f.ValueStart(c)
		end, err := f.flowEnd(open)
		if err != nil {
			return Edit{}, err
		}
		return Edit{Start: open + 1, End: end - 1}, nil
	}
	start := elStart
	if c.Kind == yaml.SequenceNode {
		j, ok := f.dashBefore(start)
		if !ok {
			return Edit{}, fmt.Errorf("%w: sequence item at line %d has no \"-\" before it", ErrUnsupported, c.Content[i].Line)
		}
		start = j
	}
	end, ok := f.lineRestEnd(elEnd)
	if !ok {
		return Edit{}, fmt.Errorf("%w: text follows the value at line %d", ErrUnsupported, f.lineOf(elEnd))
	}
	if f.onlyBlanksBefore(start) {
		return Edit{Start: f.lineStart(start), End: end}, nil
	}
	// The pair shares its line with a "- " (first key of a sequence item):
	// pull the next pair up onto this line.
	if c.Kind == yaml.MappingNode && i < n-1 {
		next := f.memberStart(c, i+1)
		if hasCommentLine(f.src, end, next) {
			return Edit{}, fmt.Errorf("%w: removing the key at line %d would drop the comment below it", ErrUnsupported, f.lineOf(start))
		}
		return Edit{Start: start, End: next}, nil
	}
	return Edit{}, fmt.Errorf("%w: cannot remove the only member of the collection at line %d without removing the collection", ErrUnsupported, c.Line)
}

// dashBefore finds the "-" indicator of the block sequence item starting at
// off: right before it (after blanks or a line break), or alone on a line
// above with only a comment after it ("- # note").
func (f *File) dashBefore(off int) (int, bool) {
	j := off - 1
	for j >= 0 && (f.src[j] == ' ' || f.src[j] == '\t' || f.src[j] == '\n' || f.src[j] == '\r') {
		j--
	}
	if j < 0 {
		return 0, false
	}
	if f.src[j] == '-' {
		return j, true
	}
	ls := f.lineStart(j)
	line := string(f.src[ls : j+1])
	rest := strings.TrimLeft(line, " ")
	if strings.HasPrefix(rest, "-") && strings.HasPrefix(strings.TrimLeft(rest[1:], " \t"), "#") && len(rest) > 1 && (rest[1] == ' ' || rest[1] == '\t') {
		return ls + len(line) - len(rest), true
	}
	return 0, false
}

// sameLine reports whether no line break lies between offsets a <= b.
func sameLine(src []byte, a, b int) bool {
	return !strings.ContainsRune(string(src[a:b]), '\n')
}

func (f *File) lineOf(off int) int {
	line := 1
	for i := 0; i < off && i < len(f.src); i++ {
		if f.src[i] == '\n' {
			line++
		}
	}
	return line
}

// InsertPair returns the edit that adds key: value to mapping m after the
// pair at index after (-1: after the last pair). key is the raw key; it is
// rendered like its siblings. value is rendered text; a value that starts
// with a line break is a block value (the key is followed by ":" only).
// Every line of value after the first gets the indentation of the new key
// prepended, and "\n" is written as the file's line ending.
func (f *File) InsertPair(m *yaml.Node, after int, key, value string) (Edit, error) {
	if m.Kind != yaml.MappingNode {
		return Edit{}, fmt.Errorf("%w: value at line %d is not a mapping", ErrUnsupported, m.Line)
	}
	n := len(m.Content) / 2
	if after < 0 || after >= n {
		after = n - 1
	}
	var like *yaml.Node
	if n > 0 {
		like = m.Content[2*after]
	}
	k := f.Key(key, like)
	if m.Style&yaml.FlowStyle != 0 {
		colon := ": "
		if f.JSON {
			colon = f.Colon
		}
		if n > 0 {
			if e, err := f.End(m.Content[0]); err == nil {
				if vs := f.Start(m.Content[1]); vs >= e && vs-e <= 8 {
					if sep := string(f.src[e:vs]); strings.Contains(sep, ":") && !strings.ContainsAny(sep, "\r\n#,") {
						colon = sep
					}
				}
			}
		}
		if strings.HasPrefix(value, "\n") {
			return Edit{}, fmt.Errorf("%w: block value in a flow mapping", ErrUnsupported)
		}
		return f.insertFlow(m, after, k+colon+value)
	}
	// Block mapping.
	if n == 0 {
		return Edit{}, fmt.Errorf("%w: empty block mapping at line %d", ErrUnsupported, m.Line)
	}
	pk, pv := m.Content[2*after], m.Content[2*after+1]
	ks := f.Start(pk)
	indent := strings.Repeat(" ", pk.Column-1)
	if ls := f.lineStart(ks); f.onlyBlanksBefore(ks) {
		indent = string(f.src[ls:ks])
	}
	ve, err := f.End(pv)
	if err != nil {
		return Edit{}, err
	}
	at, ok := f.lineRestEnd(ve)
	if !ok {
		return Edit{}, fmt.Errorf("%w: text follows the value at line %d", ErrUnsupported, f.lineOf(ve))
	}
	sep := ": "
	if strings.HasPrefix(value, "\n") {
		sep = ":"
	}
	text := indent + k + sep + f.indentLines(value, indent)
	if at == len(f.src) && (at == 0 || f.src[at-1] != '\n') {
		// No final newline: keep it that way.
		return Edit{Start: at, End: at, Text: f.NL + text}, nil
	}
	return Edit{Start: at, End: at, Text: text + f.NL}, nil
}

// indentLines prefixes every line of s after the first with indent and
// converts line breaks to the file's.
func (f *File) indentLines(s, indent string) string {
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = indent + lines[i]
	}
	return strings.Join(lines, f.NL)
}

// insertFlow inserts member text into flow collection c after element
// after, copying the separator the collection already uses.
func (f *File) insertFlow(c *yaml.Node, after int, member string) (Edit, error) {
	n := members(c)
	open := f.ValueStart(c)
	if n == 0 {
		end, err := f.flowEnd(open)
		if err != nil {
			return Edit{}, err
		}
		inner := string(f.src[open+1 : end-1])
		if strings.TrimSpace(inner) == "" {
			return Edit{Start: open + 1, End: end - 1, Text: member}, nil
		}
		return Edit{}, fmt.Errorf("%w: empty flow collection at line %d holds a comment", ErrUnsupported, c.Line)
	}
	sep := f.Comma
	first := f.memberStart(c, 0)
	if n >= 2 {
		a, err := f.memberEnd(c, 0)
		if err != nil {
			return Edit{}, err
		}
		b := f.memberStart(c, 1)
		if s := string(f.src[a:b]); strings.HasPrefix(strings.TrimLeft(s, " \t"), ",") && !strings.Contains(s, "#") {
			sep = s
		}
	} else if !sameLine(f.src, open, first) {
		ls := f.lineStart(first)
		prefix := string(f.src[ls:first])
		if strings.TrimLeft(prefix, " \t") == "" {
			sep = "," + f.NL + prefix
		}
	}
	// Lines after the first get the member's indentation: the text after
	// the last line break of the separator.
	indent := ""
	if i := strings.LastIndex(sep, "\n"); i >= 0 {
		indent = sep[i+1:]
	}
	text := sep + f.indentLines(member, indent)
	at, err := f.memberEnd(c, after)
	if err != nil {
		return Edit{}, err
	}
	return Edit{Start: at, End: at, Text: text}, nil
}

// AppendItem returns the edit that adds an item at the end of sequence s.
// item is rendered text: for a block sequence the lines after the first get
// the indentation of the item's content ("- " included) prepended.
func (f *File) AppendItem(s *yaml.Node, item string) (Edit, error) {
	if s.Kind != yaml.SequenceNode {
		return Edit{}, fmt.Errorf("%w: value at line %d is not a list", ErrUnsupported, s.Line)
	}
	if s.Style&yaml.FlowStyle != 0 {
		return f.insertFlow(s, len(s.Content)-1, item)
	}
	if len(s.Content) == 0 {
		return Edit{}, fmt.Errorf("%w: empty block sequence at line %d", ErrUnsupported, s.Line)
	}
	last := s.Content[len(s.Content)-1]
	j, ok := f.dashBefore(f.Start(last))
	if !ok || !f.onlyBlanksBefore(j) {
		return Edit{}, fmt.Errorf("%w: sequence item at line %d is not on its own line", ErrUnsupported, last.Line)
	}
	indent := string(f.src[f.lineStart(j):j])
	end, err := f.End(last)
	if err != nil {
		return Edit{}, err
	}
	at, ok := f.lineRestEnd(end)
	if !ok {
		return Edit{}, fmt.Errorf("%w: text follows the item at line %d", ErrUnsupported, f.lineOf(end))
	}
	text := indent + "- " + f.indentLines(item, indent+"  ")
	if at == len(f.src) && (at == 0 || f.src[at-1] != '\n') {
		return Edit{Start: at, End: at, Text: f.NL + text}, nil
	}
	return Edit{Start: at, End: at, Text: text + f.NL}, nil
}

// RenameKey returns the edit that renames key node k to name, keeping its
// quoting.
func (f *File) RenameKey(k *yaml.Node, name string) (Edit, error) {
	start, end, err := f.ScalarSpan(k)
	if err != nil {
		return Edit{}, err
	}
	return Edit{Start: start, End: end, Text: f.Key(name, k)}, nil
}
