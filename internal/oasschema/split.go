package oasschema

import (
	"errors"
	"math/bits"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/corsgate/corsgate/internal/grow"
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
	responseKey func(string) bool // response keys whose values the schema validates as responses
	schemas     []string          // the map of named schemas, cut per entry (nil: not cut)
	schemaKey   *regexp.Regexp    // its keys the schema validates (nil: all)
	fragments   [unitKinds]string // sub-schema of each unit kind (root and path item: in the skeleton schema)
}

var swaggerMethods = []string{"get", "put", "post", "delete", "options", "head", "patch"}

var layouts = [versionCount]layout{
	Swagger20 - 1: {
		methods:     swaggerMethods,
		responseKey: func(k string) bool { return k == "default" || statusCode(k, '0', '9', false) }, // definitions/responses: ^([0-9]{3})$|^(default)$
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
		responseKey: func(k string) bool { return k == "default" || statusCode(k, '1', '5', true) }, // definitions/Responses: ^[1-5](?:\d{2}|XX)$ and default
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
		responseKey: func(k string) bool { return k == "default" || statusCode(k, '1', '5', true) }, // $defs/responses: ^[1-5](?:[0-9]{2}|XX)$ and default
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
	key   [2]uint64 // kind and fingerprint
	kind  unitKind
	node  *yaml.Node // first occurrence (aliases resolved)
	value any        // the skeleton, for the units built while splitting (top level, path items)
	occs  []occ      // every occurrence
	found []leaf     // what validation found, relative to the unit
}

// occ is where a unit occurs: its container (an index into the splitter's
// parents, -1 for the document itself) and its key or list index there. It
// is kept small: a big spec has a hundred thousand of them, and the pointer
// is built only when a problem is reported.
type occ struct {
	node   *yaml.Node // this occurrence (values shown in messages are read from it)
	tok    string     // the key, unless idx >= 0
	parent int32
	idx    int32 // the list index, or -1
}

func (o occ) pointer(parents [][]string) string {
	if o.parent < 0 {
		return ""
	}
	tok := o.tok
	if o.idx >= 0 {
		tok = strconv.Itoa(int(o.idx))
	}
	p := parents[o.parent]
	return spec.Pointer(append(p[:len(p):len(p)], tok)...)
}

// splitter walks the document once, building the skeletons of the top
// level, the path items and the operations and collecting all units by
// fingerprint.
type splitter struct {
	lay     *layout
	conv    *converter
	hash    *hasher
	named   *hasher // for named schemas: property names left out
	units   []*unit
	byHash  map[[2]uint64]*unit // (kind, fingerprint) → unit
	toks    []string            // location being walked
	pairs   []pair              // the pairs of the skeletons being walked (a stack)
	parents [][]string          // the containers of occurrences
	fps     []uint64            // scratch: fingerprints of a parameter list's entries
	jobs    []pathJob           // path items left for split's workers
}

// pathJob is a path item to split.
type pathJob struct {
	item  *yaml.Node
	key   string
	depth int
}

// splitWorkers is how many goroutines split the path items of a large
// document (a variable for tests).
var splitWorkers = func() int { return runtime.GOMAXPROCS(0) }

// parallelPaths is the number of path items from which they are split
// concurrently.
const parallelPaths = 64

// pair is one key of a skeleton: its stub when cut out, else its node, to
// convert if the skeleton's unit is new.
type pair struct {
	key  string
	val  *yaml.Node
	stub any
	cut  bool
}

func newSplitter(v Version, aliased *atomic.Int64) *splitter {
	named := newHasher(v)
	named.anyNames = true
	return &splitter{lay: &layouts[v.index()], conv: newConverter(aliased), hash: newHasher(v), named: named,
		byHash: map[[2]uint64]*unit{}}
}

// here records the current location as a container of occurrences.
func (s *splitter) here() int32 { return s.container(s.toks) }

func (s *splitter) container(toks []string) int32 {
	s.parents = append(s.parents, slices.Clone(toks))
	return int32(len(s.parents) - 1)
}

// keyed and indexed are the occurrences of a unit under a key or at a list
// index of the container c.
func keyed(n *yaml.Node, c int32, key string) occ { return occ{node: n, tok: key, parent: c, idx: -1} }
func indexed(n *yaml.Node, c int32, i int) occ    { return occ{node: n, parent: c, idx: int32(i)} }

// topOcc is the document's own occurrence.
func topOcc(root *yaml.Node) occ { return occ{node: root, parent: -1, idx: -1} }

// split returns the units of the document rooted at root, the top level
// first; their occurrences' containers are in s.parents.
func (s *splitter) split(root *yaml.Node) ([]*unit, error) {
	v, _, err := s.skeletonValue(root, 0, rootObj, s.rootEntry)
	if err == nil {
		err = s.splitPaths()
	}
	if err != nil {
		return nil, err
	}
	top := &unit{kind: unitRoot, node: root, value: v, occs: []occ{topOcc(root)}}
	return append([]*unit{top}, s.units...), nil
}

// entry decides, for one key of a mapping being converted, whether its value
// is cut out: it then returns the stub and the stub's fingerprint.
type entry func(key string, val *yaml.Node, depth int) (stub any, fp uint64, cut bool, err error)

// skeleton walks mapping n of mode m, letting at cut values out, and pushes
// its pairs on s.pairs from start; the caller builds the value (build) or
// drops the pairs (s.pairs = s.pairs[:start]). Values that are not cut out
// are only fingerprinted here: most skeletons repeat an earlier one and are
// never converted.
func (s *splitter) skeleton(n *yaml.Node, depth int, m mode, at entry) (start int, fp uint64, err error) {
	n = spec.Deref(n)
	start = len(s.pairs)
	var sum, count uint64
	eachPair(n, func(k, val *yaml.Node, _ int) bool {
		key := keyString(k)
		s.toks = append(s.toks, key)
		stub, f, cut, e := at(key, val, depth+1)
		if e == nil && !cut {
			if cm := s.hash.child(m, key); cm == anything {
				cut, f = true, stubFP // an extension: the schema accepts anything, so it is not even converted
			} else {
				f = s.hash.node(val, cm, depth+1)
			}
		}
		s.toks = s.toks[:len(s.toks)-1]
		if e != nil {
			err = e
			return false
		}
		s.pairs = append(s.pairs, pair{key, val, stub, cut})
		sum += s.hash.pair(key, f)
		count++
		return true
	})
	return start, s.hash.mapping(sum, count), err
}

// build converts the pairs pushed from start into the skeleton's value and
// pops them.
func (s *splitter) build(start, depth int) (any, error) {
	ps := s.pairs[start:]
	out := make(map[string]any, len(ps))
	for _, p := range ps {
		if p.cut {
			out[p.key] = p.stub
			continue
		}
		v, _, err := s.conv.value(p.val, depth+1)
		if err != nil {
			return nil, err
		}
		out[p.key] = v
	}
	clear(ps)
	s.pairs = s.pairs[:start]
	return out, nil
}

// skeletonValue is skeleton followed by build.
func (s *splitter) skeletonValue(n *yaml.Node, depth int, m mode, at entry) (any, uint64, error) {
	start, fp, err := s.skeleton(n, depth, m, at)
	if err != nil {
		return nil, 0, err
	}
	v, err := s.build(start, depth)
	return v, fp, err
}

var stubFP = mix(tagAnything)

func (s *splitter) rootEntry(key string, val *yaml.Node, depth int) (any, uint64, bool, error) {
	switch {
	case key == "paths" && spec.IsMap(val):
		base := s.here()
		// Many path items are split concurrently, after the top level
		// (their fingerprints do not take part in it: path items are stubs).
		deferred := len(spec.Deref(val).Content)/2 >= parallelPaths && splitWorkers() > 1
		v, fp, err := s.skeletonValue(val, depth, full, func(k string, item *yaml.Node, depth int) (any, uint64, bool, error) {
			if !strings.HasPrefix(k, "/") {
				return nil, 0, false, nil
			}
			if deferred {
				s.jobs = append(s.jobs, pathJob{item, k, depth})
				return nil, stubFP, true, nil
			}
			return nil, stubFP, true, s.cutMapping(unitPathItem, item, depth, pathItemObj, s.pathItemEntry, keyed(item, base, k))
		})
		return v, fp, true, err
	case len(s.lay.schemas) > 0 && key == s.lay.schemas[0] && spec.IsMap(val):
		return s.schemaMap(val, depth, s.lay.schemas[1:])
	}
	return nil, 0, false, nil
}

// splitPaths splits the deferred path items on several goroutines, each
// with a splitter of its own (same fingerprint seed, same alias budget), and
// merges what they found in order, so that the result is the same as a
// sequential walk's.
func (s *splitter) splitPaths() error {
	if len(s.jobs) == 0 {
		return nil
	}
	n := min(splitWorkers(), len(s.jobs))
	parts := make([]*splitter, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range n {
		c := &splitter{lay: s.lay, conv: newConverter(s.conv.aliased), hash: &hasher{seed: s.hash.seed, v31: s.hash.v31},
			byHash: map[[2]uint64]*unit{}}
		parts[w] = c
		jobs := s.jobs[w*len(s.jobs)/n : (w+1)*len(s.jobs)/n]
		wg.Go(func() {
			base := c.container([]string{"paths"})
			for _, j := range jobs {
				c.toks = append(c.toks[:0], "paths", j.key)
				if err := c.cutMapping(unitPathItem, j.item, j.depth, pathItemObj, c.pathItemEntry, keyed(j.item, base, j.key)); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, c := range parts {
		off := int32(len(s.parents))
		s.parents = append(s.parents, c.parents...)
		for _, u := range c.units {
			for i := range u.occs {
				if u.occs[i].parent >= 0 {
					u.occs[i].parent += off
				}
			}
			if have, ok := s.byHash[u.key]; ok {
				have.occs = append(have.occs, u.occs...)
				continue
			}
			s.byHash[u.key] = u
			s.units = append(s.units, u)
		}
	}
	return nil
}

// schemaMap cuts out the entries of the named-schema map (definitions, or
// components.schemas reached through rest).
func (s *splitter) schemaMap(n *yaml.Node, depth int, rest []string) (any, uint64, bool, error) {
	if len(rest) > 0 {
		v, fp, err := s.skeletonValue(n, depth, full, func(k string, val *yaml.Node, depth int) (any, uint64, bool, error) {
			if k != rest[0] || !spec.IsMap(val) {
				return nil, 0, false, nil
			}
			return s.schemaMap(val, depth, rest[1:])
		})
		return v, fp, true, err
	}
	base := s.here()
	v, fp, err := s.skeletonValue(n, depth, full, func(k string, val *yaml.Node, _ int) (any, uint64, bool, error) {
		if s.lay.schemaKey != nil && !s.lay.schemaKey.MatchString(k) {
			return nil, 0, false, nil
		}
		n := spec.Deref(val)
		s.record(unitSchema, s.named.node(n, schemaObj, 0), n, keyed(val, base, k))
		return nil, stubFP, true, nil
	})
	return v, fp, true, err
}

// cutMapping records a path item or an operation as a unit, building its
// skeleton's value only the first time its fingerprint is seen.
func (s *splitter) cutMapping(kind unitKind, n *yaml.Node, depth int, m mode, at entry, o occ) error {
	n = spec.Deref(n)
	if n.Kind != yaml.MappingNode {
		s.add(kind, n, full, o)
		return nil
	}
	start, fp, err := s.skeleton(n, depth, m, at)
	if err != nil {
		return err
	}
	if u := s.record(kind, fp, n, o); u.value == nil {
		u.value, err = s.build(start, depth)
		return err
	}
	clear(s.pairs[start:])
	s.pairs = s.pairs[:start]
	return nil
}

func (s *splitter) pathItemEntry(key string, val *yaml.Node, depth int) (any, uint64, bool, error) {
	switch {
	case key == "parameters" && spec.IsSeq(val):
		v, fp := s.params(val)
		return v, fp, true, nil
	case isMethod(s.lay.methods, key):
		o := keyed(val, s.container(s.toks[:len(s.toks)-1]), key)
		return nil, stubFP, true, s.cutMapping(unitOperation, val, depth, operationObj, s.operationEntry, o)
	}
	return nil, 0, false, nil
}

func (s *splitter) operationEntry(key string, val *yaml.Node, depth int) (any, uint64, bool, error) {
	switch {
	case key == "parameters" && spec.IsSeq(val):
		v, fp := s.params(val)
		return v, fp, true, nil
	case key == "responses" && spec.IsMap(val):
		base := s.here()
		v, fp, err := s.skeletonValue(val, depth, full, func(k string, r *yaml.Node, _ int) (any, uint64, bool, error) {
			if strings.HasPrefix(k, "x-") {
				return nil, stubFP, true, nil // an extension: anything goes
			}
			if !s.lay.responseKey(k) {
				return nil, 0, false, nil
			}
			s.add(unitResponse, r, responseObj, keyed(r, base, k))
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
	base := s.here()
	out := make([]any, len(list.Content))
	fps := s.fps[:0]
	var whole []uint64 // full fingerprints, computed when two entries share one
	fp := mix(tagList)
	for i, p := range list.Content {
		fps = append(fps, s.add(unitParam, p, paramObj, indexed(p, base, i)))
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
		out[i] = indexStub(first)
		fp = mix(bits.RotateLeft64(fp, 5) ^ uint64(first))
	}
	s.fps = fps
	return out, fp
}

// indexStubs are the stubs of the first entries of parameter lists, boxed
// once.
var indexStubs = func() (stubs [32]any) {
	for i := range stubs {
		stubs[i] = strconv.Itoa(i)
	}
	return
}()

func indexStub(i int) any {
	if i < len(indexStubs) {
		return indexStubs[i]
	}
	return strconv.Itoa(i)
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
		u.occs = grow.Append(u.occs, o) // a shared unit may occur thousands of times
		return u
	}
	u := &unit{key: key, kind: kind, node: n, occs: []occ{o}}
	s.byHash[key] = u
	s.units = append(s.units, u)
	return u
}

// statusCode matches the schemas' response-code patterns without a regexp
// (they run once per response): three digits, the first between first and
// last, or with ranges also "1XX"…"5XX" (a test compares with the schemas'
// own patterns).
func statusCode(k string, first, last byte, ranges bool) bool {
	if len(k) != 3 || k[0] < first || k[0] > last {
		return false
	}
	if ranges && k[1] == 'X' && k[2] == 'X' {
		return true
	}
	return k[1] >= '0' && k[1] <= '9' && k[2] >= '0' && k[2] <= '9'
}

func isMethod(methods []string, key string) bool {
	for _, m := range methods {
		if m == key {
			return true
		}
	}
	return false
}

// eachPair calls fn with the effective members of mapping n, as the
// converter builds them (spec.MergeWalk applies the merge keys): its own
// members, then those merged with << whose keys it does not set itself,
// earlier merge sources first. Sources more than 64 merges deep are left
// out. fn returns false to stop.
func eachPair(n *yaml.Node, fn func(k, val *yaml.Node, merges int) bool) { pairWalk.Members(n, fn) }

var pairWalk = spec.MergeWalk{WrittenFirst: true, Source: func(_ *yaml.Node, merges int) bool { return merges <= 64 }}
