package spec

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// mergeDoc exercises YAML 1.1 merge keys as gcloud's loader applies them:
// written keys win over merged ones, an earlier source over a later one, a
// source may merge in turn, and a quoted "<<" is an ordinary key.
const mergeDoc = `swagger: "2.0"
info: {title: t, version: "1"}
host: merge.endpoints.my-project.cloud.goog
x-base: &base
  security: [{api_key: []}]
  responses: {200: {description: base}}
x-extra: &extra
  <<: *base
  produces: [application/json]
  x-google-backend: {address: https://extra.a.run.app}
x-other: &other
  responses: {500: {description: other}}
  consumes: [text/plain]
paths:
  /a:
    get:
      <<: *base
      operationId: a
  /b:
    get:
      <<: [*other, *extra]
      operationId: b
      responses: {201: {description: own}}
  /c:
    get:
      "<<": *base
      operationId: c
      responses: {200: {description: c}}
securityDefinitions:
  api_key: {type: apiKey, name: key, in: query}
`

func parseMerge(t *testing.T) *Document {
	t.Helper()
	d, err := Parse("merge.yaml", []byte(mergeDoc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestMergeKeysAccessors(t *testing.T) {
	d := parseMerge(t)
	tests := []struct {
		ptr  string
		want string // the value's description or text, "" when missing
		line int    // where the value is written
	}{
		{"/paths/~1a/get/responses/200/description", "base", 6},
		{"/paths/~1a/get/security/0/api_key", "[]", 5},
		{"/paths/~1b/get/responses/201/description", "own", 23}, // written wins over both sources
		{"/paths/~1b/get/responses/500", "", 0},                 // ... whole: merges do not reach inside
		{"/paths/~1b/get/consumes/0", "text/plain", 13},         // first source
		{"/paths/~1b/get/produces/0", "application/json", 9},    // second source
		{"/paths/~1b/get/security/0/api_key", "[]", 5},          // through the second source's own merge
		{"/paths/~1b/get/x-google-backend/address", "https://extra.a.run.app", 10},
		{"/paths/~1c/get/security", "", 0}, // a quoted << is a key like any other
		{"/paths/~1c/get/<<", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.ptr, func(t *testing.T) {
			n := d.Node(tt.ptr)
			if tt.want == "" {
				if n != nil && tt.ptr != "/paths/~1c/get/<<" {
					t.Fatalf("found %v, want nothing", Describe(n))
				}
				return
			}
			if n == nil {
				t.Fatal("not found")
			}
			got := ScalarText(n)
			if n.Kind == yaml.SequenceNode {
				got = fmt.Sprint(len(n.Content))
				if len(n.Content) == 0 {
					got = "[]"
				}
			}
			if got != tt.want || d.Pos(tt.ptr).Line != tt.line {
				t.Errorf("got %q at line %d, want %q at line %d", got, d.Pos(tt.ptr).Line, tt.want, tt.line)
			}
		})
	}
	var keys []string
	Pairs(d.Node("/paths/~1b/get"), func(k, _ *yaml.Node) { keys = append(keys, k.Value) })
	if want := []string{"consumes", "security", "produces", "x-google-backend", "operationId", "responses"}; !slices.Equal(keys, want) {
		t.Errorf("Pairs order %q, want %q (written, each merge key's sources in place)", keys, want)
	}
}

// TestMergeKeysModel: operations read through merge keys carry the merged
// security and backend, as Service Management sees them.
func TestMergeKeysModel(t *testing.T) {
	g := parseMerge(t).Google()
	got := map[string]string{}
	for _, op := range g.Ops {
		var names []string
		if op.Security != nil {
			for _, r := range op.Security.Reqs {
				for _, n := range r.Names {
					names = append(names, n.Name)
				}
			}
		}
		backend := ""
		if op.Backend != nil {
			backend = op.Backend.Address().Text()
		}
		got[op.Path] = strings.Join(names, ",") + "|" + backend
	}
	want := map[string]string{"/a": "api_key|", "/b": "api_key|https://extra.a.run.app", "/c": "|"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("operations (-want +got):\n%s", d)
	}
}

// TestMergeKeysAgreeWithJSON: the accessors see the same members as the JSON
// document Google receives (JSONValue), for every mapping of the document.
// internal/oasschema's TestMergeKeysAgree extends this to its converter and
// splitter, with a table of merge shapes and the orders pinned.
func TestMergeKeysAgreeWithJSON(t *testing.T) {
	d := parseMerge(t)
	j, err := JSONValue(d.Root)
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ptr string, n *yaml.Node, j any)
	walk = func(ptr string, n *yaml.Node, j any) {
		n = Deref(n)
		switch jv := j.(type) {
		case map[string]any:
			var got []string
			Pairs(n, func(k, v *yaml.Node) {
				got = append(got, k.Value)
				walk(ptr+"/"+k.Value, v, jv[k.Value])
			})
			slices.Sort(got)
			if want := slices.Sorted(maps.Keys(jv)); !slices.Equal(got, want) {
				t.Errorf("%s: members %q, JSON has %q", ptr, got, want)
			}
		case []any:
			if n == nil || len(n.Content) != len(jv) {
				t.Errorf("%s: list differs", ptr)
				return
			}
			for i, it := range n.Content {
				walk(fmt.Sprintf("%s/%d", ptr, i), it, jv[i])
			}
		}
	}
	walk("", d.Root, j)
}

// TestMergeWalk: what the budgeted walkers see of a mapping with merges:
// each member with its merge depth, each source before its members, in
// place or written first, sources left out, and an early stop.
func TestMergeWalk(t *testing.T) {
	var doc yaml.Node
	src := "x: &x {a: 1, b: 0}\ny: &y {<<: *x, b: 2}\nz: &z {c: 3, d: 0}\nm: {d: 4, <<: [*y, *z], e: 5}"
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	m := Get(doc.Content[0], "m")
	tests := []struct {
		name  string
		walk  MergeWalk
		stop  string // the key after which fn stops the walk
		want  string // members as key/depth, sources as [first key@depth]
		ended bool
	}{
		{"in place", MergeWalk{}, "", "d/0 [y@1] [x@2] a/2 b/1 [z@1] c/1 e/0", true},
		{"written first", MergeWalk{WrittenFirst: true}, "", "d/0 e/0 [y@1] b/1 [x@2] a/2 [z@1] c/1", true},
		{"deep sources left out", MergeWalk{WrittenFirst: true, Source: func(_ *yaml.Node, depth int) bool { return depth < 2 }}, "", "d/0 e/0 [y@1] b/1 [x@2] [z@1] c/1", true},
		{"stop", MergeWalk{WrittenFirst: true}, "b", "d/0 e/0 [y@1] b/1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			w, source := tt.walk, tt.walk.Source
			w.Source = func(src *yaml.Node, depth int) bool {
				got = append(got, fmt.Sprintf("[%s@%d]", src.Anchor, depth))
				return source == nil || source(src, depth)
			}
			ended := w.Members(m, func(k, _ *yaml.Node, depth int) bool {
				got = append(got, fmt.Sprintf("%s/%d", k.Value, depth))
				return k.Value != tt.stop
			})
			if s := strings.Join(got, " "); s != tt.want || ended != tt.ended {
				t.Errorf("got %s (ended %v), want %s (ended %v)", s, ended, tt.want, tt.ended)
			}
		})
	}
	var keys []string
	for k := range Members(m) {
		keys = append(keys, k.Value)
		if k.Value == "b" {
			break
		}
	}
	if want := []string{"d", "a", "b"}; !slices.Equal(keys, want) {
		t.Errorf("Members up to b: %q, want %q", keys, want)
	}
}
