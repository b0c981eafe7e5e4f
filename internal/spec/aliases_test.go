package spec

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Alias shapes: documents a few hundred bytes long whose aliases expand to
// more nodes than any walk can visit (the shapes of issue 11), and documents
// that share as much as the budget allows. They seed FuzzParse and
// FuzzLoadAndLint, and TestAliasShapesLint lints them with every rule.

const aliasHeader = "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\nhost: api.endpoints.my-project.cloud.goog\npaths: {}\n"

// levelsOf writes `levels` anchored levels under key, level 0 being leaf and
// level k being item(k) (which refers to level k-1 through fan aliases
// listed by refs(k)).
func levelsOf(key, leaf string, levels int, item func(refs string) string, fan int) string {
	var b strings.Builder
	b.WriteString(aliasHeader)
	fmt.Fprintf(&b, "%s:\n  L0: &L0 %s\n", key, leaf)
	for k := 1; k <= levels; k++ {
		refs := make([]string, fan)
		for i := range refs {
			refs[i] = fmt.Sprintf("*L%d", k-1)
		}
		fmt.Fprintf(&b, "  L%d: &L%d %s\n", k, k, item(strings.Join(refs, ", ")))
	}
	return b.String()
}

func seqLevel(refs string) string { return "[" + refs + "]" }

// nestedSeqs is `levels` levels of `fan` aliases each in sequences:
// fan^levels copies of the leaf.
func nestedSeqs(levels, fan int) string {
	return levelsOf("x-levels", "[x]", levels, seqLevel, fan)
}

// nestedSchemas nests object schemas under definitions, each property of a
// level aliasing the level below: what a user who takes aliases for $ref
// might write.
func nestedSchemas(levels int, leaf string) string {
	return levelsOf("definitions", leaf, levels, func(refs string) string {
		var props []string
		for i, r := range strings.Split(refs, ", ") {
			props = append(props, fmt.Sprintf("p%d: %s", i, r))
		}
		return "{type: object, properties: {" + strings.Join(props, ", ") + "}}"
	}, 2)
}

// nestedMerges builds each level by merging the level below twice and
// keeping it under a key: a merge-key (<<) bomb.
func nestedMerges(levels int) string {
	return levelsOf("definitions", "{type: object, x-google-a: 1}", levels, func(refs string) string {
		r := strings.Split(refs, ", ")[0]
		return "{<<: [" + refs + "], below: " + r + "}"
	}, 2)
}

// nestedKeys puts aliases in keys as well as in values.
func nestedKeys(levels int) string {
	return levelsOf("parameters", "{name: k, in: query, type: string}", levels, func(refs string) string {
		r := strings.Split(refs, ", ")[0]
		return "{? " + r + " : " + r + ", name: n, in: query, type: string}"
	}, 1)
}

// deepAliases chains sequences 400 deep through aliases: each level is
// shallow on disk, their expansion is 400 * levels deep.
func deepAliases(levels int) string {
	open, closing := strings.Repeat("[", 400), strings.Repeat("]", 400)
	return levelsOf("x-deep", open+"x"+closing, levels, func(refs string) string {
		return open + refs + closing
	}, 1)
}

// sharedParameters is a legitimate spec at scale: ops operations, each
// aliasing one shared parameter list of 20 nodes.
func sharedParameters(ops int) string {
	var b strings.Builder
	b.WriteString("swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\nhost: api.endpoints.my-project.cloud.goog\n")
	b.WriteString("x-shared:\n  params: &params\n  - {name: page, in: query, type: integer, required: false, format: int32}\n  - {name: size, in: query, type: integer, required: false, format: int32}\n")
	b.WriteString("paths:\n")
	for i := 0; i < ops; i++ {
		fmt.Fprintf(&b, "  /r%d: {get: {parameters: *params}}\n", i)
	}
	return b.String()
}

// aliasBomb is a document the loader must refuse, and where.
type aliasBomb struct {
	Name      string
	Src       string
	Kind      ErrorKind
	Line, Col int
	Msg       string
}

// aliasBombs are the nested-alias shapes of issue 11 and their relatives.
// The position is the alias at which the expansion passes the budget
// (document order), or the alias that refers to its own container.
func aliasBombs() []aliasBomb {
	return []aliasBomb{
		// 78 aliases, 2^40 copies of the leaf. Level k has s(k) = 3*2^k-1
		// nodes; levels 1..17 add 2*(s(0)+...+s(16)) = 786 392 nodes, and
		// the first alias of level 18 (line 24) adds s(17) = 393 215 more.
		{"40 levels of two aliases", nestedSeqs(40, 2), KindExpandLimit, 24, 14, "more than 1048576 nodes once alias *L17"},
		// s(k) = 1+9*s(k-1): levels 1..5 add 141 156, each alias of level
		// 6 adds 125 479, the 8th passes the budget.
		{"81 aliases in 9 levels", nestedSeqs(9, 9), KindExpandLimit, 12, 47, "alias *L5"},
		// s(k) = 1+10*s(k-1): levels 1..5 add 234 560, each alias of
		// level 6 adds 211 111, the 4th passes.
		{"90 aliases in 9 levels", nestedSeqs(9, 10), KindExpandLimit, 12, 27, "alias *L5"},
		// s(k) = 7+2*s(k-1): levels 1..15 add 655 130, the second alias of
		// level 16 passes.
		{"nested schemas", nestedSchemas(40, "{type: string}"), KindExpandLimit, 22, 55, "alias *L15"},
		// s(k) = 4+3*s(k-1): levels 1..10 add 619 944, each alias of level
		// 11 adds 413 341, the second (the other merged one) passes.
		{"merge keys", nestedMerges(40), KindExpandLimit, 17, 25, "alias *L10"},
		// An alias of a mapping used as a key is refused where it first
		// stands, before it could expand (keys must be strings).
		{"aliases in keys", nestedKeys(60), KindComplexKey, 7, 14, "this key is a mapping"},
		{"alias of its own sequence", aliasHeader + "tags: &t [{name: a, externalDocs: *t}, *t]\n", KindExpandLimit, 5, 35, "alias *t refers to the node that contains it"},
		{"merge of its own mapping", aliasHeader + "definitions:\n  A: &a {type: object, <<: *a}\n", KindExpandLimit, 6, 28, "alias *a refers"},
		{"schema aliasing itself", aliasHeader + "definitions:\n  Node: &node\n    type: object\n    properties: {next: *node, prev: *node}\n", KindExpandLimit, 8, 24, "alias *node refers"},
		// *L0 at depth 403 reaches 803; *L1 on line 8 would reach 1203.
		{"aliases nest deeper than 1000", deepAliases(3), KindDepth, 8, 411, "deeper than 1000 levels once alias *L1"},
	}
}

// Places where shared content can sit, for sharedAt: each one is walked by
// different rules.
var sharePlaces = []string{"definitions", "responses", "operation", "tags", "extensions", "merges"}

// Leaves for sharedAt: what every copy holds, chosen to make rules work on
// (and report) each copy: unknown x-google-* keys, $refs of every kind, a
// bit of everything.
var shareLeaves = map[string]string{
	"unknown extensions": "{" + listOf(50, "x-google-unknown%[1]d: 1") + "}",
	"dangling refs":      "{type: object, properties: {" + listOf(30, "a%[1]d: {$ref: '#/definitions/m%[1]d'}") + "}}",
	"external refs":      "{type: object, properties: {" + listOf(30, "a%[1]d: {$ref: 'http://x/y%[1]d'}") + "}}",
	"response refs":      "{type: object, properties: {" + listOf(30, "a%[1]d: {$ref: '#/responses/r%[1]d'}") + "}}",
	"everything": `{type: object, description: d, x-google-zz: 1, x-google-backend: {address: "grpc://x", protocol: h9, deadline: -1, bogus: 1},` +
		` $ref: "#/definitions/missing", properties: {a: {$ref: "http://x/y"}, m: {additionalProperties: {type: string}}}, security: [{k: []}],` +
		` x-google-quota: {metricCosts: {m: -1}}, parameters: [{name: A-b, in: header}, {name: a_b, in: query}], in: path, name: "{x}",` +
		` operationId: "1", enum: [1], required: [q]}`,
}

func listOf(n int, format string) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(format, i)
	}
	return strings.Join(items, ", ")
}

// sharedAt is levels of two aliases each over leaf, the top level used at
// place: the largest such documents the budget lets through are what the
// rules may have to walk.
func sharedAt(place, leaf string, levels int) string {
	twoProps := func(refs string) string {
		r := strings.Split(refs, ", ")
		return "{type: object, properties: {p0: " + r[0] + ", p1: " + r[1] + "}}"
	}
	top := fmt.Sprintf("*L%d", levels)
	switch place {
	case "definitions":
		return levelsOf("x-levels", leaf, levels, twoProps, 2) +
			"definitions: {D: " + top + "}\n"
	case "responses":
		var b strings.Builder
		b.WriteString(strings.Replace(levelsOf("x-levels", leaf, levels, twoProps, 2), "paths: {}\n", "", 1))
		b.WriteString("paths:\n")
		for i := 0; i < 3; i++ {
			fmt.Fprintf(&b, "  /p%d: {get: {operationId: op%d, responses: {200: {description: ok, schema: %s}}}}\n", i, i, top)
		}
		return b.String()
	case "operation":
		return strings.Replace(levelsOf("x-levels", leaf, levels, twoProps, 2), "paths: {}\n", "", 1) +
			"paths: {/p: {get: " + top + "}}\n"
	case "tags":
		return levelsOf("x-levels", leaf, levels, func(refs string) string {
			return "{name: n, externalDocs: [" + refs + "]}"
		}, 2) + "tags: [" + top + "]\n"
	case "extensions":
		return levelsOf("x-levels", leaf, levels, seqLevel, 2) +
			fmt.Sprintf("x-google-management: {metrics: %[1]s, quota: {limits: %[1]s}}\nx-google-endpoints: %[1]s\nx-google-backend: %[1]s\nsecurityDefinitions: {a: %[1]s}\nsecurity: %[1]s\n", top)
	case "merges":
		return levelsOf("definitions", leaf, levels, func(refs string) string {
			r := strings.Split(refs, ", ")
			return "{<<: [" + refs + "], a: " + r[0] + "}"
		}, 2)
	}
	panic("unknown place " + place)
}

// largestShared is sharedAt with as many levels as load within the default
// budget; one level more is refused.
func largestShared(place, leaf string) (src string, levels int, err error) {
	for l := 1; ; l++ {
		next := sharedAt(place, leaf, l)
		if _, err := Parse("f.yaml", []byte(next), Options{}); err != nil {
			if le, ok := errors.AsType[*LoadError](err); !ok || le.Kind != KindExpandLimit {
				return "", 0, err
			}
			if l == 1 {
				return "", 0, fmt.Errorf("one level is over the budget: %w", err)
			}
			return src, l - 1, nil
		}
		src = next
	}
}

// For the tests of package spec_test, which lint with every rule.
var (
	AliasBombs    = aliasBombs
	SharePlaces   = sharePlaces
	ShareLeaves   = shareLeaves
	LargestShared = largestShared
)

// TestExpansionBudgetEdges: the budget counts exactly the nodes the aliases
// stand for: a document at the budget loads, one node more does not.
func TestExpansionBudgetEdges(t *testing.T) {
	// Level k of nestedSeqs(_, 2) has 3*2^k-1 nodes; the two aliases of
	// each level 1..5 stand for the level below.
	src := nestedSeqs(5, 2)
	const expanded = 2 * (2 + 5 + 11 + 23 + 47)
	if _, err := Parse("f", []byte(src), Options{MaxExpandedNodes: expanded}); err != nil {
		t.Errorf("at the budget: %v", err)
	}
	_, err := Parse("f", []byte(src), Options{MaxExpandedNodes: expanded - 1})
	if le, ok := errors.AsType[*LoadError](err); !ok || le.Kind != KindExpandLimit {
		t.Errorf("one node over the budget: err = %v, want %s", err, KindExpandLimit)
	}
}

// TestExpansionBudgetAllowsSharing: a spec at the scale of the 5000-path
// benchmark (14 000 operations) whose every operation aliases one shared
// parameter list loads, with the alias count limit off as transform
// re-parses.
func TestExpansionBudgetAllowsSharing(t *testing.T) {
	d, err := Parse("f", []byte(sharedParameters(14000)), Options{MaxAliases: -1})
	if err != nil {
		t.Fatal(err)
	}
	if d.Aliases != 14000 {
		t.Errorf("aliases = %d, want 14000", d.Aliases)
	}
}

// TestModelWithinBudget: a document exactly at its expansion budget loads,
// and its JSON view (what the schema rule validates) expands every shared
// list; one node less of budget refuses it.
func TestModelWithinBudget(t *testing.T) {
	src := sharedParameters(50)
	const expanded = 50 * 23 // each alias stands for the 23-node list
	d, err := Parse("f", []byte(src), Options{MaxExpandedNodes: expanded})
	if err != nil {
		t.Fatal(err)
	}
	v, err := JSONValue(d.Node("/paths/~1r49/get/parameters"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := v.([]any); len(got) != 2 {
		t.Errorf("last operation has parameters %v, want 2", v)
	}
	if _, err := Parse("f", []byte(src), Options{MaxExpandedNodes: expanded - 1}); err == nil {
		t.Error("one node over the budget loads")
	}
}

// TestJSONValueMergeLoop: a merge key that merges its own mapping (in a tree
// that did not come through Parse's check) ends with an error, not a stack
// overflow.
func TestJSONValueMergeLoop(t *testing.T) {
	top, err := parseValidYAMLNode([]byte("a: &a {b: 1, <<: *a}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := JSONValue(top); !errors.Is(err, errExpansion) {
		t.Errorf("err = %v, want errExpansion", err)
	}
}
