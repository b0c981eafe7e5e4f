package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// errExpansion stops writing JSON when aliases would expand the tree beyond
// the budget. A document from Parse never gets there (the loader measured
// its expansion against a smaller budget); it guards trees from elsewhere.
var errExpansion = errors.New("YAML aliases expand to more than the allowed number of nodes")

// jsonWriter writes a node tree as JSON (MarshalJSON), aliases and merge
// keys resolved (merge.go), within a budget of nodes that aliases and merges
// add.
type jsonWriter struct {
	buf     bytes.Buffer
	budget  int // remaining nodes allowed inside alias expansions and merges
	inAlias int
	indent  string // per level; "" writes compact JSON
	level   int    // nesting of the value being written
}

// newline starts a line at the current level, when writing indented JSON.
func (w *jsonWriter) newline() {
	if w.indent == "" {
		return
	}
	w.buf.WriteByte('\n')
	for range w.level {
		w.buf.WriteString(w.indent)
	}
}

func (w *jsonWriter) node(n *yaml.Node, depth int) error {
	if depth > 2*DefaultMaxDepth {
		return errExpansion
	}
	if w.inAlias > 0 && !w.spend() {
		return errExpansion
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			w.buf.WriteString("null")
			return nil
		}
		return w.node(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			w.buf.WriteString("null")
			return nil
		}
		w.inAlias++
		err := w.node(n.Alias, depth+1)
		w.inAlias--
		return err
	case yaml.SequenceNode:
		w.buf.WriteByte('[')
		w.level++
		for i, c := range n.Content {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.newline()
			if err := w.node(c, depth+1); err != nil {
				return err
			}
		}
		w.level--
		if len(n.Content) > 0 {
			w.newline()
		}
		w.buf.WriteByte(']')
		return nil
	case yaml.MappingNode:
		w.buf.WriteByte('{')
		w.level++
		written, err := w.members(n, depth)
		w.level--
		if written {
			w.newline()
		}
		w.buf.WriteByte('}')
		return err
	case yaml.ScalarNode:
		w.scalar(n)
		return nil
	}
	w.buf.WriteString("null")
	return nil
}

// members writes a mapping's members as Google reads them (merge keys
// applied, see merge.go), written keys first. The members of a merge source
// count against the budget like those of an alias, and so does the source
// itself, even an inline mapping: a merge is an expansion.
func (w *jsonWriter) members(n *yaml.Node, depth int) (written bool, err error) {
	seen := map[string]bool{}
	walk := MergeWalk{WrittenFirst: true, Source: func(_ *yaml.Node, merges int) bool {
		if err == nil && (depth+merges-1 > 2*DefaultMaxDepth || !w.spend()) {
			err = errExpansion
		}
		return err == nil
	}}
	walk.Members(n, func(k, v *yaml.Node, merges int) bool {
		if err != nil {
			return false
		}
		key := keyString(k)
		if seen[key] {
			return true // a repeated key (the loader refuses those): the first wins
		}
		seen[key] = true
		if written {
			w.buf.WriteByte(',')
		}
		written = true
		w.newline()
		writeJSONString(&w.buf, key)
		w.buf.WriteByte(':')
		if w.indent != "" {
			w.buf.WriteByte(' ')
		}
		if merges > 0 {
			w.inAlias++ // what a merge brings is counted like an alias's content
		}
		err = w.node(v, depth+merges+1)
		if merges > 0 {
			w.inAlias--
		}
		return err == nil
	})
	return written, err
}

// spend takes one node from the budget and reports whether there was one.
func (w *jsonWriter) spend() bool {
	w.budget--
	return w.budget >= 0
}

func keyString(k *yaml.Node) string {
	k = Deref(k)
	if k == nil {
		return ""
	}
	if k.Kind == yaml.ScalarNode {
		return k.Value
	}
	// Complex keys have no JSON equivalent; use a stable placeholder.
	return fmt.Sprintf("<key at line %d>", k.Line)
}

func (w *jsonWriter) scalar(n *yaml.Node) {
	switch n.ShortTag() {
	case "!!null":
		w.buf.WriteString("null")
		return
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			if b {
				w.buf.WriteString("true")
			} else {
				w.buf.WriteString("false")
			}
			return
		}
	case "!!int":
		if isJSONNumber(n.Value) {
			w.buf.WriteString(n.Value)
			return
		}
		var i int64
		if n.Decode(&i) == nil {
			w.buf.WriteString(strconv.FormatInt(i, 10))
			return
		}
	case "!!float":
		if isJSONNumber(n.Value) {
			w.buf.WriteString(n.Value)
			return
		}
		var f float64
		if n.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			w.buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
			return
		}
	}
	writeJSONString(&w.buf, n.Value)
}

func isJSONNumber(s string) bool {
	if s == "" {
		return false
	}
	i := 0
	if s[0] == '-' {
		i++
	}
	if i >= len(s) {
		return false
	}
	if s[i] == '0' {
		i++
	} else if s[i] >= '1' && s[i] <= '9' {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	} else {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}

const hexDigits = "0123456789abcdef"

func writeJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// JSONValue converts a node (aliases and merge keys resolved) to a generic Go
// value as encoding/json would decode it. It is meant for small subtrees such
// as one extension's value.
func JSONValue(n *yaml.Node) (any, error) {
	w := &jsonWriter{budget: DefaultMaxExpandedNodes}
	if err := w.node(n, 0); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(&w.buf)
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// ScalarText returns the text of a scalar node, or "" for other nodes.
func ScalarText(n *yaml.Node) string {
	n = Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return strings.TrimSpace(n.Value)
}
