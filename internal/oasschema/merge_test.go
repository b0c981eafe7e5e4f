package oasschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// TestMergeKeysAgree: the four readers of YAML merge keys see the same
// members of every mapping, each in its own order: the accessors
// (spec.Pairs: each merge key's members in its place), the JSON writer
// (spec.MarshalJSON and spec.JSONValue: written members first), the
// splitter (eachPair: as the JSON writer) and the converter (a map: same
// keys and values as JSONValue). The orders of mapping m are pinned.
func TestMergeKeysAgree(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		inPlace string // spec.Pairs order of m's keys (and the value of each, when a scalar)
		first   string // the JSON writer's and the splitter's
	}{
		{
			name:    "inline mapping merge",
			doc:     "m: {<<: {a: 1, b: 2}, c: 3}",
			inPlace: "a=1 b=2 c=3",
			first:   "c=3 a=1 b=2",
		},
		{
			name:    "alias merge",
			doc:     "x: &x {a: 1, b: 2}\nm: {<<: *x, c: 3}",
			inPlace: "a=1 b=2 c=3",
			first:   "c=3 a=1 b=2",
		},
		{
			name:    "sequence of aliases, overlapping keys: the earlier wins",
			doc:     "x: &x {a: 1, b: 1}\ny: &y {b: 2, c: 2}\nm: {<<: [*x, *y], d: 4}",
			inPlace: "a=1 b=1 c=2 d=4",
			first:   "d=4 a=1 b=1 c=2",
		},
		{
			name:    "two merge keys",
			doc:     "x: &x {a: 1, b: 1}\ny: &y {b: 2, c: 2}\nm: {<<: *y, d: 4, <<: *x}",
			inPlace: "b=2 c=2 d=4 a=1",
			first:   "d=4 b=2 c=2 a=1",
		},
		{
			name:    "merge inside merge: the source's own keys win over what it merges",
			doc:     "x: &x {a: 1, b: 1}\ny: &y {<<: *x, b: 2, c: 2}\nm: {<<: *y, d: 4}",
			inPlace: "a=1 b=2 c=2 d=4",
			first:   "d=4 b=2 c=2 a=1",
		},
		{
			name:    "merge inside merge, overridden at each level",
			doc:     "x: &x {a: 1, b: 1, c: 1}\ny: &y {c: 2, <<: *x, b: 2}\nm: {b: 3, <<: *y}",
			inPlace: "b=3 c=2 a=1",
			first:   "b=3 c=2 a=1",
		},
		{
			name:    "merge of non-mappings brings nothing",
			doc:     "s: &s [1, 2]\nx: &x {a: 1}\nm: {<<: *s, <<: 7, <<: [*s, 5, *x, [3]], b: 2}",
			inPlace: "a=1 b=2",
			first:   "b=2 a=1",
		},
		{
			name:    "written key overrides merged key",
			doc:     "x: &x {a: 1, b: 1, c: {d: 1}}\nm: {a: 0, <<: *x, c: {e: 2}}",
			inPlace: "a=0 b=1 c",
			first:   "a=0 c b=1",
		},
		{
			name:    `quoted "<<" is an ordinary key`,
			doc:     "x: &x {a: 1}\nm: {\"<<\": *x, b: 2}",
			inPlace: "<< b=2",
			first:   "<< b=2",
		},
		{
			name:    `quoted "<<" in a source is brought in`,
			doc:     "x: &x {'<<': 1, a: 1}\nm: {<<: *x, b: 2}",
			inPlace: "<<=1 a=1 b=2",
			first:   "b=2 <<=1 a=1",
		},
		{
			name:    "merged mapping value seen through the alias",
			doc:     "x: &x {a: {<<: {p: 1}, q: 2}}\nm: {<<: *x, b: [{<<: *x}]}",
			inPlace: "a b",
			first:   "b a",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := parseRoot(t, []byte(tt.doc))
			m := spec.Get(root, "m")
			if m == nil {
				t.Fatal("no m")
			}
			if got := describe(accessorMembers(m)); got != tt.inPlace {
				t.Errorf("spec.Pairs: %s, want %s", got, tt.inPlace)
			}
			if got := describe(splitterMembers(m)); got != tt.first {
				t.Errorf("eachPair: %s, want %s", got, tt.first)
			}
			agree(t, "", root, new(int))
		})
	}
}

// FuzzMergeKeysAgree: on any document the loader accepts, the four readers
// of merge keys see the same members (TestMergeKeysAgree's checks).
func FuzzMergeKeysAgree(f *testing.F) {
	for _, s := range []string{
		"x: &x {a: 1, b: 1}\ny: &y {<<: *x, b: 2, c: 2}\nm: {<<: [*y, *x], d: 4}",
		"x: &x {'<<': 1, a: 1}\nm: {<<: *x, b: 2, \"<<\": {c: 3}}",
		"s: &s [1, {a: 1}]\nm: {<<: *s, <<: [*s, {b: 2}], b: 3}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		d, err := spec.Parse("fuzz.yaml", []byte(src), spec.Options{})
		if err != nil || !spec.IsMap(d.Root) {
			return
		}
		if _, err := spec.JSONValue(d.Root); err != nil {
			return // beyond the JSON writer's budget
		}
		agree(t, "", d.Root, new(int))
	})
}

type member struct {
	key string
	val *yaml.Node // aliases followed
}

func accessorMembers(n *yaml.Node) []member {
	var out []member
	spec.Pairs(n, func(k, v *yaml.Node) { out = append(out, member{keyString(k), v}) })
	return out
}

func splitterMembers(n *yaml.Node) []member {
	var out []member
	eachPair(n, func(k, v *yaml.Node, _ int) bool {
		out = append(out, member{keyString(k), spec.Deref(v)})
		return true
	})
	return out
}

func describe(ms []member) string {
	var b bytes.Buffer
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(m.key)
		if m.val.Kind == yaml.ScalarNode {
			b.WriteString("=" + m.val.Value)
		}
	}
	return b.String()
}

// agree checks every mapping under n (aliases followed; at most 200 of
// them, counted in seen): the accessors and the splitter see the same
// members (the same value nodes), the splitter in the JSON writer's key
// order, and the converter's value equals JSONValue's.
func agree(t *testing.T, ptr string, n *yaml.Node, seen *int) {
	t.Helper()
	if n = spec.Deref(n); n == nil || *seen >= 200 {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for i, it := range n.Content {
			agree(t, fmt.Sprintf("%s/%d", ptr, i), it, seen)
		}
		return
	case yaml.MappingNode:
		*seen++
	default:
		return
	}
	acc, split := accessorMembers(n), splitterMembers(n)
	byKey := func(a, b member) int {
		if a.key < b.key {
			return -1
		}
		if a.key > b.key {
			return 1
		}
		return 0
	}
	sortedAcc, sortedSplit := slices.SortedFunc(slices.Values(acc), byKey), slices.SortedFunc(slices.Values(split), byKey)
	if !slices.Equal(sortedAcc, sortedSplit) {
		t.Errorf("%s: accessors see %s, splitter %s", ptr, describe(sortedAcc), describe(sortedSplit))
	}
	var splitKeys []string
	for _, m := range split {
		splitKeys = append(splitKeys, m.key)
	}
	js, err := spec.MarshalJSON(n)
	if err != nil {
		t.Fatal(err)
	}
	if keys := jsonKeys(t, js); !slices.Equal(keys, splitKeys) {
		t.Errorf("%s: JSON writer's keys %q, splitter's %q", ptr, keys, splitKeys)
	}
	want, err := spec.JSONValue(n)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := newConverter(nil).value(n, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(normalise(want), normalise(got)); d != "" {
		t.Errorf("%s: converter differs from JSONValue (-JSONValue +converter):\n%s", ptr, d)
	}
	for _, m := range acc {
		agree(t, ptr+"/"+m.key, m.val, seen)
	}
}

// jsonKeys returns the keys of a JSON object in the order written.
func jsonKeys(t *testing.T, js []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(js))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%s: not an object", js)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestMergeBomb: what merge keys bring in counts against the values the
// validator walks through aliases, whether a merge names one source or a
// list of them; past the limit the document is reported as not checked.
func TestMergeBomb(t *testing.T) {
	for _, merge := range []string{"*b", "[*b, *c]"} {
		t.Run(merge, func(t *testing.T) {
			var b strings.Builder
			items := strings.Repeat("1, ", 999) + "1"
			fmt.Fprintf(&b, "swagger: \"2.0\"\ninfo: {title: T, version: \"1\"}\npaths: {}\nx-b: &b {k: [%s]}\nx-c: &c {j: [%s]}\n", items, items)
			b.WriteString("definitions:\n  Bomb: {type: object, example: [")
			for i := range 300 {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "{<<: %s}", merge)
			}
			b.WriteString("]}\n")
			ps := mustValidate(t, b.String())
			if len(ps) != 1 || ps[0].Kind != Skipped {
				t.Errorf("got %v, want one Skipped problem", ps)
			}
			// Fewer merges are validated.
			small := strings.Replace(b.String(), strings.Repeat(", {<<: "+merge+"}", 200), "", 1)
			if ps := mustValidate(t, small); len(ps) != 0 {
				t.Errorf("small expansion: %v", ps)
			}
		})
	}
}
