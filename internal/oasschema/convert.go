package oasschema

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// maxAliasValues bounds the values the validator visits through YAML
// aliases and merge keys. The loader allows at most 200 aliases, but each
// may copy a subtree that itself holds aliases; converted values are shared
// (an alias costs no memory), yet the validator walks every copy, so a small
// file could otherwise make it walk billions of values. The loader lets
// aliases add up to 2^20 nodes; walking that many costs the validator about
// 2 s of CPU, so it checks up to 2^18 values added by aliases (about 0.5 s,
// the lint of any file within the loader's limits staying under 2 s) and
// past that says the document was not checked.
const maxAliasValues = 1 << 18

// errExpansion stops a conversion whose aliases expand beyond maxAliasValues
// or nest deeper than twice the loader's depth limit.
var errExpansion = errors.New("YAML aliases expand the document beyond what is checked")

// converter turns a yaml.v3 node tree into the values the jsonschema library
// validates (map[string]any, []any, string, bool, nil, int64, float64 and
// json.Number), typed the way spec.JSONValue types them: YAML's ints, floats,
// booleans and nulls keep their type, every other scalar is a string, and
// mapping keys are strings (so an unquoted 200: is the key "200").
type converter struct {
	shared  map[*yaml.Node]shared // nodes reached through an alias, converted once
	aliased *atomic.Int64         // values visited through aliases so far, shared by the converters of one document
}

type shared struct {
	v    any
	size int // values the validator visits inside v
}

// newConverter returns a converter counting alias expansions into aliased
// (nil: a counter of its own).
func newConverter(aliased *atomic.Int64) *converter {
	if aliased == nil {
		aliased = new(atomic.Int64)
	}
	return &converter{aliased: aliased}
}

// maxDepth bounds nesting as the converter sees it: the loader's limit,
// doubled because aliases may stack one deep subtree inside another.
const maxDepth = 2 * spec.DefaultMaxDepth

// value converts n; size counts the values the validator will visit in it,
// aliases expanded.
func (c *converter) value(n *yaml.Node, depth int) (v any, size int, err error) {
	if depth > maxDepth {
		return nil, 0, errExpansion
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, 1, nil
		}
		return c.value(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, 1, nil
		}
		return c.expand(n.Alias, depth+1)
	case yaml.SequenceNode:
		list := make([]any, len(n.Content))
		size = 1
		for i, item := range n.Content {
			v, s, err := c.value(item, depth+1)
			if err != nil {
				return nil, 0, err
			}
			list[i], size = v, size+s
		}
		return list, size, nil
	case yaml.MappingNode:
		return c.mapping(n, depth)
	case yaml.ScalarNode:
		return scalar(n), 1, nil
	}
	return nil, 1, nil
}

// expand converts target where an alias or a merge brings it in: once per
// target, every use counted against maxAliasValues.
func (c *converter) expand(target *yaml.Node, depth int) (any, int, error) {
	s, ok := c.shared[target]
	if !ok {
		var err error
		s.v, s.size, err = c.value(target, depth)
		if err != nil {
			return nil, 0, err
		}
		if c.shared == nil {
			c.shared = map[*yaml.Node]shared{}
		}
		c.shared[target] = s
	}
	if c.aliased.Add(int64(s.size)) > maxAliasValues {
		return nil, 0, errExpansion
	}
	return s.v, s.size, nil
}

// mapping converts a mapping as Google reads it (spec.MergeWalk applies the
// merge keys). A merge source is converted whole, once, like an alias's
// target (its own merges applied by its conversion), and its members that
// are not set before are copied in: the first member set with a key wins.
func (c *converter) mapping(n *yaml.Node, depth int) (any, int, error) {
	m := make(map[string]any, len(n.Content)/2)
	size := 1
	var err error
	walk := spec.MergeWalk{WrittenFirst: true, Source: func(src *yaml.Node, merges int) bool {
		if err != nil {
			return false
		}
		var v any
		if v, _, err = c.expand(src, depth+2); err != nil {
			return false
		}
		sm, _ := v.(map[string]any) // a mapping converts to one
		for k, v := range sm {
			if _, ok := m[k]; !ok {
				m[k] = v
				size++ // a merged value is visited here too; its inside was counted by expand
			}
		}
		return false // its own merges are applied in sm
	}}
	walk.Members(n, func(k, v *yaml.Node, _ int) bool {
		if err != nil {
			return false
		}
		key := keyString(k)
		if _, dup := m[key]; dup {
			return true // the loader refuses duplicate keys; keep the first, as the model does
		}
		var val any
		var s int
		if val, s, err = c.value(v, depth+1); err != nil {
			return false
		}
		m[key], size = val, size+s
		return true
	})
	if err != nil {
		return nil, 0, err
	}
	return m, size, nil
}

// keyString is the JSON key of a mapping key node, as spec.JSONValue writes it.
func keyString(k *yaml.Node) string {
	k = spec.Deref(k)
	if k == nil {
		return ""
	}
	if k.Kind == yaml.ScalarNode {
		return k.Value
	}
	return fmt.Sprintf("<key at line %d>", k.Line)
}

// scalar types a scalar as spec.JSONValue does: null, booleans, integers and
// floats that YAML resolves as such; everything else (strings, timestamps,
// binary, custom tags, and numbers JSON cannot hold such as .inf) is the
// scalar's text.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		switch n.Value {
		case "true":
			return true
		case "false":
			return false
		}
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int":
		if isJSONNumber(n.Value) {
			if i, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
				return i
			}
			return json.Number(n.Value) // beyond int64: exact, as written
		}
		var i int64
		if n.Decode(&i) == nil { // 0x1F, 0o17, 1_000
			return i
		}
	case "!!float":
		if isJSONNumber(n.Value) {
			return json.Number(n.Value) // exact, as written (also integers too large for int64)
		}
		var f float64
		if n.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	}
	return n.Value
}

// isJSONNumber reports whether s is a number in JSON's grammar.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return i == len(s)
}
