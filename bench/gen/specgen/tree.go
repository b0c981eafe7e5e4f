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

// quoted forces a double-quoted YAML scalar (Google's samples quote most
// strings; hand-written specs mix both styles).
type quoted string

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

type yamlWriter struct{ b *bytes.Buffer }

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

// value writes what follows "key:" — a scalar on the same line, or a nested
// block on the next lines.
func (w yamlWriter) value(v any, indent int) {
	switch x := v.(type) {
	case *obj:
		if len(x.fields) == 0 {
			w.b.WriteString(" {}\n")
			return
		}
		w.b.WriteByte('\n')
		w.mapping(x, indent+2, false)
	case arr:
		if len(x) == 0 {
			w.b.WriteString(" []\n")
			return
		}
		w.b.WriteByte('\n')
		w.sequence(x, indent)
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

type jsonWriter struct{ b *bytes.Buffer }

func (w jsonWriter) value(v any, indent int) {
	switch x := v.(type) {
	case *obj:
		if len(x.fields) == 0 {
			w.b.WriteString("{}")
			return
		}
		w.b.WriteString("{\n")
		for i, f := range x.fields {
			w.pad(indent + 2)
			switch k := f.key.(type) {
			case int:
				writeJSONString(w.b, strconv.Itoa(k))
			case string:
				writeJSONString(w.b, k)
			}
			w.b.WriteString(": ")
			w.value(f.val, indent+2)
			if i < len(x.fields)-1 {
				w.b.WriteByte(',')
			}
			w.b.WriteByte('\n')
		}
		w.pad(indent)
		w.b.WriteByte('}')
	case arr:
		if len(x) == 0 {
			w.b.WriteString("[]")
			return
		}
		w.b.WriteString("[\n")
		for i, it := range x {
			w.pad(indent + 2)
			w.value(it, indent+2)
			if i < len(x)-1 {
				w.b.WriteByte(',')
			}
			w.b.WriteByte('\n')
		}
		w.pad(indent)
		w.b.WriteByte(']')
	case string:
		writeJSONString(w.b, x)
	case quoted:
		writeJSONString(w.b, string(x))
	case int:
		w.b.WriteString(strconv.Itoa(x))
	case bool:
		w.b.WriteString(strconv.FormatBool(x))
	case nil:
		w.b.WriteString("null")
	}
}

func (w jsonWriter) pad(n int) {
	for i := 0; i < n; i++ {
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
