package oasschema

import (
	"math/bits"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// A document is not validated in one piece. It is split into units, each
// validated against the part of the schema that applies to it there (the
// schema is context-free at these places): the top level, every path item,
// and every parameter, response and named schema. The top level and the
// path items are validated against a skeleton schema derived from the
// official one (derive.go), which accepts anything where a unit was cut out;
// in their values each cut-out part is a stub: nothing, or for a parameter
// its fingerprint, so that uniqueItems still sees two equal parameters as
// equal. Units with the same content are validated once: a spec that
// repeats the same pageSize parameter in 5000 operations pays for one.
// Units are independent, so they are validated concurrently. A test checks
// that the problems are the same as when the document is validated whole.

// unitKind names the part of the schema a unit is validated against.
type unitKind int

const (
	unitRoot unitKind = iota
	unitPathItem
	unitOperation
	unitParam
	unitResponse
	unitSchema
	unitKinds
)

// layout says where a version's documents are cut, and which sub-schema
// validates each kind of unit.
type layout struct {
	methods     []string          // operation keys of a path item
	responseKey *regexp.Regexp    // response keys whose values the schema validates as responses
	schemas     []string          // the map of named schemas, cut per entry (nil: not cut)
	schemaKey   *regexp.Regexp    // its keys the schema validates (nil: all)
	fragments   [unitKinds]string // sub-schema of each unit kind (root and path item: in the skeleton schema)
}

var swaggerMethods = []string{"get", "put", "post", "delete", "options", "head", "patch"}

var layouts = [versionCount]layout{
	Swagger20 - 1: {
		methods:     swaggerMethods,
		responseKey: regexp.MustCompile(`^([0-9]{3})$|^(default)$`), // definitions/responses
		schemas:     []string{"definitions"},
		fragments: [unitKinds]string{
			unitPathItem:  "#/definitions/pathItem",
			unitOperation: "#/definitions/operation",
			unitParam:     "#/definitions/parametersList/items",
			unitResponse:  "#/definitions/responseValue",
			unitSchema:    "#/definitions/schema",
		},
	},
	OpenAPI30 - 1: {
		methods:     append(swaggerMethods[:len(swaggerMethods):len(swaggerMethods)], "trace"),
		responseKey: regexp.MustCompile(`^[1-5](?:\d{2}|XX)$|^default$`), // definitions/Responses
		schemas:     []string{"components", "schemas"},
		schemaKey:   regexp.MustCompile(`^[a-zA-Z0-9\.\-_]+$`), // definitions/Components/properties/schemas
		fragments: [unitKinds]string{
			unitPathItem:  "#/definitions/corsgate-PathItem",
			unitOperation: "#/definitions/corsgate-Operation",
			unitParam:     "#/definitions/Operation/properties/parameters/items", // oneOf Parameter, Reference
			unitResponse:  "#/definitions/Responses/properties/default",          // oneOf Response, Reference
			unitSchema:    "#/definitions/Schema/properties/not",                 // oneOf Schema, Reference
		},
	},
	OpenAPI31 - 1: {
		methods:     append(swaggerMethods[:len(swaggerMethods):len(swaggerMethods)], "trace"),
		responseKey: regexp.MustCompile(`^[1-5](?:[0-9]{2}|XX)$|^default$`), // $defs/responses
		// 3.1 checks a schema only for being an object or a boolean: not worth a cut.
		fragments: [unitKinds]string{
			unitPathItem:  "#/$defs/corsgate-path-item",
			unitOperation: "#/$defs/corsgate-operation",
			unitParam:     "#/$defs/parameter-or-reference",
			unitResponse:  "#/$defs/response-or-reference",
		},
	},
}

// unit is one part of the document to validate, with every place it occurs.
type unit struct {
	kind  unitKind
	node  *yaml.Node // first occurrence (aliases resolved)
	value any        // the skeleton, for the units built while splitting (top level, path items)
	occs  []occ      // every occurrence
	found []leaf     // what validation found, relative to the unit
}

// occ is where a unit occurs: the pointer of its container and its key or
// index there (the pointer is built only when a problem is reported).
type occ struct {
	parent string
	tok    string
	node   *yaml.Node // this occurrence (values shown in messages are read from it)
}

func (o occ) pointer() string {
	if o.node != nil && o.parent == "" && o.tok == "" {
		return "" // the top level
	}
	return spec.Append(o.parent, o.tok)
}

// splitter walks the document once, building the skeletons of the top level
// and the path items and collecting all units by fingerprint.
type splitter struct {
	lay    *layout
	conv   *converter
	hash   *hasher
	units  []*unit
	byHash map[[2]uint64]*unit // (kind, fingerprint) → unit
	toks   []string
}

func newSplitter(v Version, aliased *atomic.Int64) *splitter {
	return &splitter{lay: &layouts[v.index()], conv: newConverter(aliased), hash: newHasher(v),
		byHash: map[[2]uint64]*unit{}}
}

func (s *splitter) ptr() string { return spec.Pointer(s.toks...) }

// split returns the units of the document rooted at root, the top level first.
func (s *splitter) split(root *yaml.Node) ([]*unit, error) {
	v, _, err := s.skeleton(root, 0, rootObj, s.rootEntry)
	if err != nil {
		return nil, err
	}
	top := &unit{kind: unitRoot, node: root, value: v, occs: []occ{{node: root}}}
	return append([]*unit{top}, s.units...), nil
}

// entry decides, for one key of a mapping being converted, whether its value
// is cut out: it then returns the stub and the stub's fingerprint.
type entry func(key string, val *yaml.Node, depth int) (stub any, fp uint64, cut bool, err error)

// skeleton converts a mapping of mode m, letting at cut out values, and
// returns it with its fingerprint.
func (s *splitter) skeleton(n *yaml.Node, depth int, m mode, at entry) (any, uint64, error) {
	n = spec.Deref(n)
	out := make(map[string]any, len(n.Content)/2)
	var sum, count uint64
	var err error
	eachPair(n, func(key string, val *yaml.Node) bool {
		s.toks = append(s.toks, key)
		stub, fp, cut, e := at(key, val, depth+1)
		if e == nil && !cut {
			if cm := s.hash.child(m, key); cm == anything {
				stub, fp = nil, stubFP // an extension: the schema accepts anything, so it is not even converted
			} else {
				stub, _, e = s.conv.value(val, depth+1)
				fp = s.hash.node(val, cm, depth+1)
			}
		}
		s.toks = s.toks[:len(s.toks)-1]
		if e != nil {
			err = e
			return false
		}
		out[key] = stub
		sum += s.hash.pair(key, fp)
		count++
		return true
	})
	return out, s.hash.mapping(sum, count), err
}

var stubFP = mix(tagAnything)

func (s *splitter) rootEntry(key string, val *yaml.Node, depth int) (any, uint64, bool, error) {
	switch {
	case key == "paths" && spec.IsMap(val):
		base := s.ptr()
		v, fp, err := s.skeleton(val, depth, full, func(k string, item *yaml.Node, depth int) (any, uint64, bool, error) {
			if !strings.HasPrefix(k, "/") {
				return nil, 0, false, nil
			}
			return nil, stubFP, true, s.pathItem(item, depth, occ{base, k, item})
		})
		return v, fp, true, err
	case len(s.lay.schemas) > 0 && key == s.lay.schemas[0] && spec.IsMap(val):
		return s.schemaMap(val, depth, s.lay.schemas[1:])
	}
	return nil, 0, false, nil
}

// schemaMap cuts out the entries of the named-schema map (definitions, or
// components.schemas reached through rest).
func (s *splitter) schemaMap(n *yaml.Node, depth int, rest []string) (any, uint64, bool, error) {
	if len(rest) > 0 {
		v, fp, err := s.skeleton(n, depth, full, func(k string, val *yaml.Node, depth int) (any, uint64, bool, error) {
			if k != rest[0] || !spec.IsMap(val) {
				return nil, 0, false, nil
			}
			return s.schemaMap(val, depth, rest[1:])
		})
		return v, fp, true, err
	}
	base := s.ptr()
	v, fp, err := s.skeleton(n, depth, full, func(k string, val *yaml.Node, _ int) (any, uint64, bool, error) {
		if s.lay.schemaKey != nil && !s.lay.schemaKey.MatchString(k) {
			return nil, 0, false, nil
		}
		s.add(unitSchema, val, schemaObj, occ{base, k, val})
		return nil, stubFP, true, nil
	})
	return v, fp, true, err
}

// pathItem builds a path item's skeleton and records it as a unit.
func (s *splitter) pathItem(item *yaml.Node, depth int, o occ) error {
	item = spec.Deref(item)
	if item.Kind != yaml.MappingNode {
		s.add(unitPathItem, item, full, o)
		return nil
	}
	v, fp, err := s.skeleton(item, depth, pathItemObj, s.pathItemEntry)
	if err != nil {
		return err
	}
	if u := s.record(unitPathItem, fp, item, o); u.value == nil {
		u.value = v
	}
	return nil
}

func (s *splitter) pathItemEntry(key string, val *yaml.Node, depth int) (any, uint64, bool, error) {
	switch {
	case key == "parameters" && spec.IsSeq(val):
		v, fp := s.params(val)
		return v, fp, true, nil
	case isMethod(s.lay.methods, key):
		return nil, stubFP, true, s.operation(val, depth, occ{spec.Pointer(s.toks[:len(s.toks)-1]...), key, val})
	}
	return nil, 0, false, nil
}

// operation builds an operation's skeleton and records it as a unit.
func (s *splitter) operation(op *yaml.Node, depth int, o occ) error {
	op = spec.Deref(op)
	if op.Kind != yaml.MappingNode {
		s.add(unitOperation, op, full, o)
		return nil
	}
	v, fp, err := s.skeleton(op, depth, operationObj, s.operationEntry)
	if err != nil {
		return err
	}
	if u := s.record(unitOperation, fp, op, o); u.value == nil {
		u.value = v
	}
	return nil
}

func (s *splitter) operationEntry(key string, val *yaml.Node, depth int) (any, uint64, bool, error) {
	switch {
	case key == "parameters" && spec.IsSeq(val):
		v, fp := s.params(val)
		return v, fp, true, nil
	case key == "responses" && spec.IsMap(val):
		base := s.ptr()
		v, fp, err := s.skeleton(val, depth, full, func(k string, r *yaml.Node, _ int) (any, uint64, bool, error) {
			if strings.HasPrefix(k, "x-") {
				return nil, stubFP, true, nil // an extension: anything goes
			}
			if !s.lay.responseKey.MatchString(k) {
				return nil, 0, false, nil
			}
			s.add(unitResponse, r, responseObj, occ{base, k, r})
			return nil, stubFP, true, nil
		})
		return v, fp, true, err
	}
	return nil, 0, false, nil
}

// params cuts out every entry of a parameter list. The stub of an entry is
// the index of the first entry equal to it, so that the list's uniqueItems
// sees equal entries as equal, and lists that repeat entries the same way
// look the same. (Entries with the same fingerprint may still differ, in a
// name for example: equality is decided on the whole value.)
func (s *splitter) params(list *yaml.Node) (any, uint64) {
	list = spec.Deref(list)
	base := s.ptr()
	out := make([]any, len(list.Content))
	fps := make([]uint64, len(list.Content))
	var whole []uint64 // full fingerprints, computed when two entries share one
	fp := mix(tagList)
	for i, p := range list.Content {
		fps[i] = s.add(unitParam, p, paramObj, occ{base, strconv.Itoa(i), p})
		first := i
		for j := range i {
			if fps[j] != fps[i] {
				continue
			}
			if whole == nil {
				whole = make([]uint64, len(list.Content))
				for k, q := range list.Content {
					whole[k] = s.hash.node(q, full, 0)
				}
			}
			if whole[j] == whole[i] {
				first = j
				break
			}
		}
		out[i] = strconv.Itoa(first)
		fp = mix(bits.RotateLeft64(fp, 5) ^ uint64(first))
	}
	return out, fp
}

// add records an occurrence of a unit cut out of its container and returns
// its fingerprint.
func (s *splitter) add(kind unitKind, n *yaml.Node, m mode, o occ) uint64 {
	n = spec.Deref(n)
	f := s.hash.node(n, m, 0)
	s.record(kind, f, n, o)
	return f
}

func (s *splitter) record(kind unitKind, fp uint64, n *yaml.Node, o occ) *unit {
	key := [2]uint64{uint64(kind), fp}
	if u, ok := s.byHash[key]; ok {
		u.occs = append(u.occs, o)
		return u
	}
	u := &unit{kind: kind, node: n, occs: []occ{o}}
	s.byHash[key] = u
	s.units = append(s.units, u)
	return u
}

func isMethod(methods []string, key string) bool {
	for _, m := range methods {
		if m == key {
			return true
		}
	}
	return false
}

// eachPair calls fn with the effective key/value pairs of mapping n: its own
// keys, then keys merged with << that it does not set itself (earlier merge
// sources first), as the converter builds them. fn returns false to stop.
func eachPair(n *yaml.Node, fn func(key string, val *yaml.Node) bool) {
	hasMerge := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			hasMerge = true
			break
		}
	}
	if !hasMerge {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !fn(keyString(n.Content[i]), n.Content[i+1]) {
				return
			}
		}
		return
	}
	seen := map[string]bool{}
	var walk func(n *yaml.Node, depth int) bool
	walk = func(n *yaml.Node, depth int) bool {
		if depth > 64 {
			return true
		}
		var merges []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				merges = append(merges, n.Content[i+1])
				continue
			}
			key := keyString(k)
			if seen[key] {
				continue
			}
			seen[key] = true
			if !fn(key, n.Content[i+1]) {
				return false
			}
		}
		for _, m := range merges {
			m = spec.Deref(m)
			srcs := []*yaml.Node{m}
			if m != nil && m.Kind == yaml.SequenceNode {
				srcs = m.Content
			}
			for _, src := range srcs {
				if src = spec.Deref(src); src != nil && src.Kind == yaml.MappingNode {
					if !walk(src, depth+1) {
						return false
					}
				}
			}
		}
		return true
	}
	walk(n, 0)
}
