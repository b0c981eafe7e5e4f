package specgen

import (
	"bytes"
	"strconv"
	"strings"
)

// The generator builds a small ordered tree and writes it out as YAML or
// JSON. Map keys keep insertion order so both outputs list keys the same way
// and the YAML reads like a hand-written spec.

// obj is an ordered mapping.
type obj struct{ fields []field }

// field is one key/value pair. key is a string or an int (an int key is
// written unquoted in YAML, like `200:` in Google's samples, and as a string
// in JSON). comment, if set, is written on its own line above the key in YAML.
type field struct {
	key     any
	val     any
	comment string
}

// arr is a sequence.
type arr []any

// quoted forces a quoted YAML scalar (Google's samples quote most strings;
// hand-written specs mix both styles).
type quoted string

// literal is a multi-line text ending in one line break, written in YAML as a
// literal block scalar (|) by styles that use them.
type literal string

// folded is a one-paragraph text ending in one line break, written in YAML as
// a folded block scalar (>) wrapped at about 76 columns by styles that use
// them.
type folded string

func (o *obj) set(key, val any) *obj {
	o.fields = append(o.fields, field{key: key, val: val})
	return o
}

func (o *obj) note(comment string, key, val any) *obj {
	o.fields = append(o.fields, field{key: key, val: val, comment: comment})
	return o
}

func newObj() *obj { return &obj{} }

// ---- YAML ----

// yamlStyle is how a YAML writer lays out the same tree.
type yamlStyle struct {
	// step is the indentation of a nested mapping (2 or 4).
	step int
	// seqIndent indents a sequence's "- " one step under its key; without it
	// the dashes sit at the key's own column, as in Google's samples.
	seqIndent bool
	// single quotes strings that need quoting with '...' instead of "...".
	single bool
	// flow writes small mappings of scalars ({type: string, format: uuid})
	// and sequences of scalars ([a, b]) on one line.
	flow bool
	// blocks writes literal and folded texts as block scalars (| and >);
	// without it they are quoted strings.
	blocks bool
}

// sampleStyle is the layout of Google's samples: two spaces, dashes at the
// key's column, double quotes.
var sampleStyle = yamlStyle{step: 2}

type yamlWriter struct {
	b *bytes.Buffer
	s yamlStyle
}

func (w yamlWriter) indent(n int) {
	for i := 0; i < n; i++ {
		w.b.WriteByte(' ')
	}
}

// mapping writes the fields of o at indent; the first key is written without
// indentation when inline is true (it follows "- ").
func (w yamlWriter) mapping(o *obj, indent int, inline bool) {
	for i, f := range o.fields {
		first := i == 0 && inline
		if f.comment != "" {
			if !first {
				w.indent(indent)
			}
			// After "- " the comment ends the line; the mapping then starts
			// on the next line at the item's indent.
			w.b.WriteString("# " + f.comment + "\n")
			w.indent(indent)
		} else if !first {
			w.indent(indent)
		}
		switch k := f.key.(type) {
		case int:
			w.b.WriteString(strconv.Itoa(k))
		case string:
			w.scalarString(k, false)
		}
		w.b.WriteByte(':')
		w.value(f.val, indent)
	}
}

// flowable reports a mapping or sequence the flow style writes on one line:
// only scalars (no block texts), a few of them, and no $ref (hand-written
// specs keep "$ref: ..." on its own line).
func (w yamlWriter) flowable(v any) bool {
	if !w.s.flow {
		return false
	}
	n := 0
	scalar := func(x any) bool {
		switch y := x.(type) {
		case string:
			n += len(y) + 2
		case quoted:
			n += len(y) + 4
		case int, bool, nil:
			n += 6
		default:
			return false
		}
		return true
	}
	switch x := v.(type) {
	case *obj:
		if len(x.fields) == 0 || len(x.fields) > 4 {
			return false
		}
		for _, f := range x.fields {
			k, ok := f.key.(string)
			if !ok || k == "$ref" || f.comment != "" || !scalar(f.val) {
				return false
			}
			n += len(k) + 2
		}
	case arr:
		if len(x) == 0 || len(x) > 6 {
			return false
		}
		for _, it := range x {
			if !scalar(it) {
				return false
			}
		}
	default:
		return false
	}
	return n <= 90
}

// flowValue writes a flowable mapping or sequence on one line.
func (w yamlWriter) flowValue(v any) {
	switch x := v.(type) {
	case *obj:
		w.b.WriteByte('{')
		for i, f := range x.fields {
			if i > 0 {
				w.b.WriteString(", ")
			}
			w.flowScalar(f.key)
			w.b.WriteString(": ")
			w.flowScalar(f.val)
		}
		w.b.WriteByte('}')
	case arr:
		w.b.WriteByte('[')
		for i, it := range x {
			if i > 0 {
				w.b.WriteString(", ")
			}
			w.flowScalar(it)
		}
		w.b.WriteByte(']')
	}
}

// flowScalar writes a scalar inside a flow collection, where ',' '[' ']' '{'
// '}' also need quotes.
func (w yamlWriter) flowScalar(v any) {
	if s, ok := v.(string); ok && strings.ContainsAny(s, ",[]{}") {
		w.quote(s)
		return
	}
	w.scalar(v)
}

// value writes what follows "key:" — a scalar on the same line, or a nested
// block on the next lines.
func (w yamlWriter) value(v any, indent int) {
	if w.flowable(v) {
		w.b.WriteByte(' ')
		w.flowValue(v)
		w.b.WriteByte('\n')
		return
	}
	switch x := v.(type) {
	case *obj:
		if len(x.fields) == 0 {
			w.b.WriteString(" {}\n")
			return
		}
		w.b.WriteByte('\n')
		w.mapping(x, indent+w.s.step, false)
	case arr:
		if len(x) == 0 {
			w.b.WriteString(" []\n")
			return
		}
		w.b.WriteByte('\n')
		if w.s.seqIndent {
			indent += w.s.step
		}
		w.sequence(x, indent)
	case literal:
		if !w.s.blocks {
			w.b.WriteByte(' ')
			w.quote(string(x))
			w.b.WriteByte('\n')
			return
		}
		w.b.WriteString(" |\n")
		for line := range strings.Lines(string(x)) {
			if line != "\n" {
				w.indent(indent + w.s.step)
			}
			w.b.WriteString(line)
		}
	case folded:
		if !w.s.blocks {
			w.b.WriteByte(' ')
			w.quote(string(x))
			w.b.WriteByte('\n')
			return
		}
		w.b.WriteString(" >\n")
		col := 0
		for i, word := range strings.Fields(string(x)) {
			if i > 0 && col+1+len(word) > 76 {
				w.b.WriteByte('\n')
				col = 0
			}
			if col == 0 {
				w.indent(indent + w.s.step)
			} else {
				w.b.WriteByte(' ')
				col++
			}
			w.b.WriteString(word)
			col += len(word)
		}
		w.b.WriteByte('\n')
	default:
		w.b.WriteByte(' ')
		w.scalar(v)
		w.b.WriteByte('\n')
	}
}

// sequence writes items at the key's own indent ("- " under the key), the
// style of Google's samples.
func (w yamlWriter) sequence(a arr, indent int) {
	for _, it := range a {
		w.indent(indent)
		w.b.WriteString("- ")
		if w.flowable(it) {
			w.flowValue(it)
			w.b.WriteByte('\n')
			continue
		}
		switch x := it.(type) {
		case *obj:
			if len(x.fields) == 0 {
				w.b.WriteString("{}\n")
				continue
			}
			w.mapping(x, indent+2, true)
		case arr:
			// Not used by the generator; write as a flow sequence.
			w.flow(x)
			w.b.WriteByte('\n')
		default:
			w.scalar(it)
			w.b.WriteByte('\n')
		}
	}
}

func (w yamlWriter) flow(a arr) {
	w.b.WriteByte('[')
	for i, it := range a {
		if i > 0 {
			w.b.WriteString(", ")
		}
		w.scalar(it)
	}
	w.b.WriteByte(']')
}

func (w yamlWriter) scalar(v any) {
	switch x := v.(type) {
	case string:
		w.scalarString(x, false)
	case quoted:
		w.scalarString(string(x), true)
	case int:
		w.b.WriteString(strconv.Itoa(x))
	case bool:
		w.b.WriteString(strconv.FormatBool(x))
	case nil:
		w.b.WriteString("null")
	}
}

func (w yamlWriter) scalarString(s string, force bool) {
	if !force && plainSafe(s) {
		w.b.WriteString(s)
		return
	}
	w.quote(s)
}

func (w yamlWriter) quote(s string) {
	if w.s.single && !strings.ContainsAny(s, "\n\\") {
		// A single-quoted scalar escapes only ' (as ''); line breaks would
		// fold, so texts with them stay double-quoted.
		w.b.WriteByte('\'')
		w.b.WriteString(strings.ReplaceAll(s, "'", "''"))
		w.b.WriteByte('\'')
		return
	}
	writeJSONString(w.b, s) // a JSON string is a valid YAML double-quoted scalar
}

// plainSafe reports whether s can be written as a plain YAML scalar and read
// back as the same string.
func plainSafe(s string) bool {
	if s == "" || s != strings.TrimSpace(s) {
		return false
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~":
		return false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return false
	}
	if strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`/0123456789.+") {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") {
		return false
	}
	for _, c := range s {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// ---- JSON ----

// jsonWriter writes the tree as JSON: indented by step spaces per level, or
// compact (no whitespace at all) when step is 0.
type jsonWriter struct {
	b    *bytes.Buffer
	step int
}

func (w jsonWriter) value(v any, indent int) {
	switch x := v.(type) {
	case *obj:
		if len(x.fields) == 0 {
			w.b.WriteString("{}")
			return
		}
		w.b.WriteByte('{')
		for i, f := range x.fields {
			if i > 0 {
				w.b.WriteByte(',')
			}
			w.newline(indent + w.step)
			switch k := f.key.(type) {
			case int:
				writeJSONString(w.b, strconv.Itoa(k))
			case string:
				writeJSONString(w.b, k)
			}
			w.b.WriteByte(':')
			if w.step > 0 {
				w.b.WriteByte(' ')
			}
			w.value(f.val, indent+w.step)
		}
		w.newline(indent)
		w.b.WriteByte('}')
	case arr:
		if len(x) == 0 {
			w.b.WriteString("[]")
			return
		}
		w.b.WriteByte('[')
		for i, it := range x {
			if i > 0 {
				w.b.WriteByte(',')
			}
			w.newline(indent + w.step)
			w.value(it, indent+w.step)
		}
		w.newline(indent)
		w.b.WriteByte(']')
	case string:
		writeJSONString(w.b, x)
	case quoted:
		writeJSONString(w.b, string(x))
	case literal:
		writeJSONString(w.b, string(x))
	case folded:
		writeJSONString(w.b, string(x))
	case int:
		w.b.WriteString(strconv.Itoa(x))
	case bool:
		w.b.WriteString(strconv.FormatBool(x))
	case nil:
		w.b.WriteString("null")
	}
}

// newline starts an indented line (nothing in compact output).
func (w jsonWriter) newline(indent int) {
	if w.step == 0 {
		return
	}
	w.b.WriteByte('\n')
	for i := 0; i < indent; i++ {
		w.b.WriteByte(' ')
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}
