package oasschema

import (
	"encoding/json"
	"hash/maphash"
	"math"
	"math/bits"
	"strings"

	"go.yaml.in/yaml/v3"
)

// hasher fingerprints subtrees so that units the schema cannot tell apart
// are validated once: a parameter written the same way in a thousand
// operations, and also two operations that differ only in their summary,
// since the schema asks nothing of a summary but to be a string. The
// fingerprint covers the value as the validator sees it (scalars typed as
// the converter types them, mapping keys unordered, aliases and merge keys
// resolved) except where a mode says the schema looks at less: at free-text
// fields only the JSON type counts, in x- extensions, example and default
// nothing does. Keys count, so the locations of what validation finds are
// the same in every unit sharing a fingerprint; the one exception, property
// names in named schemas (anyNames), is undone where validation finds
// something (regroup). Two different values
// share a fingerprint with probability about n²/2⁶⁴ for n units; a collision
// would cost a missed finding, never a false one. A test checks that the
// split validation finds exactly what whole-document validation finds.
type hasher struct {
	seed  maphash.Seed
	alias map[aliasKey]uint64 // fingerprints of alias targets, computed once per mode
	v31   bool                // OpenAPI 3.1: a path parameter's name has a pattern
	// anyNames leaves property names out of the fingerprint: the schemas
	// ask nothing of them, so schemas that differ only there pass or fail
	// validation together (but report at different places: see regroup).
	anyNames bool
}

type aliasKey struct {
	n *yaml.Node
	m mode
}

func newHasher(v Version) *hasher { return &hasher{seed: maphash.MakeSeed(), v31: v == OpenAPI31} }

// mode says which object of the OpenAPI schema a node is, for the
// fingerprint: what in it the schema looks at.
type mode uint8

const (
	full           mode = iota // everything counts
	typeOnly                   // the schema asks only for a JSON type (free text, formats, regexes with format off)
	anything                   // the schema accepts anything (x- extensions, example, default)
	schemaObj                  // a Schema object
	schemaMap                  // a map of names to Schema objects (properties)
	schemaList                 // a list of Schema objects (allOf), or one Schema (items)
	paramObj                   // a Parameter (or Header) object
	paramMap                   // a map of names to Parameter-like objects (headers)
	responseObj                // a Response object
	contentMap                 // a map of media types to Media Type objects
	mediaObj                   // a Media Type object
	operationObj               // an Operation, cut (parameters and responses are stubs)
	pathItemObj                // a Path Item, cut
	rootObj                    // the top level, cut
	requestBodyObj             // a Request Body object (3.x)
)

// child returns the mode of the value of key in an object of mode m.
func (h *hasher) child(m mode, key string) mode {
	switch m {
	case schemaMap, paramMap:
		return m - 1 // schemaObj, paramObj: map values
	case schemaList:
		return schemaObj
	case contentMap:
		return mediaObj
	case full, typeOnly, anything:
		return m
	}
	// Objects of the OpenAPI schema: x- extensions are free.
	if strings.HasPrefix(key, "x-") {
		return anything
	}
	switch key {
	case "description", "summary", "title", "format", "pattern", "$ref", "operationId":
		return typeOnly
	case "name":
		if m == paramObj && !h.v31 {
			return typeOnly
		}
	case "example", "default":
		if m == schemaObj || m == paramObj || m == mediaObj {
			return anything
		}
	case "properties", "patternProperties", "definitions":
		if m == schemaObj {
			return schemaMap
		}
	case "items", "allOf", "anyOf", "oneOf":
		if m == schemaObj || m == paramObj {
			return schemaList
		}
	case "additionalProperties", "not", "schema":
		if m == schemaObj || m == paramObj || m == responseObj || m == mediaObj {
			return schemaObj
		}
	case "headers":
		if m == responseObj {
			return paramMap
		}
	case "content":
		if m == responseObj || m == paramObj || m == requestBodyObj {
			return contentMap
		}
	case "requestBody":
		if m == operationObj {
			return requestBodyObj
		}
	case "examples":
		if m == responseObj {
			return typeOnly // Swagger 2.0: any object; 3.x: not a Response field at all
		}
	}
	return full
}

// mix is a 64-bit finaliser (SplitMix64): it spreads every input bit over
// the output, so sums and chains of mixed values do not cancel out.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// Type tags keep a string "1" apart from the number 1, a list from a map.
const (
	tagNull uint64 = iota + 1
	tagFalse
	tagTrue
	tagNumber
	tagString
	tagList
	tagMap
	tagAnything
)

func (h *hasher) str(s string) uint64 { return maphash.String(h.seed, s) }

// node returns the fingerprint of n in mode m.
func (h *hasher) node(n *yaml.Node, m mode, depth int) uint64 {
	if m == anything {
		return mix(tagAnything)
	}
	if depth > maxDepth {
		return 0 // the converter refuses such a tree; any value will do
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return mix(tagNull)
		}
		return h.node(n.Content[0], m, depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			return mix(tagNull)
		}
		k := aliasKey{n.Alias, m}
		if f, ok := h.alias[k]; ok {
			return f
		}
		f := h.node(n.Alias, m, depth+1)
		if h.alias == nil {
			h.alias = map[aliasKey]uint64{}
		}
		h.alias[k] = f
		return f
	case yaml.SequenceNode:
		if m == typeOnly {
			return mix(tagList)
		}
		f := mix(tagList)
		for _, c := range n.Content {
			f = mix(bits.RotateLeft64(f, 5) ^ h.node(c, h.child(m, ""), depth+1))
		}
		return f
	case yaml.MappingNode:
		if m == typeOnly {
			return mix(tagMap)
		}
		if m == schemaList {
			m = schemaObj // items: one schema rather than a list
		}
		// A sum of mixed pairs does not depend on key order.
		var sum, count uint64
		eachPair(n, func(k, val *yaml.Node, _ int) bool {
			key := keyString(k)
			f := h.node(val, h.child(m, key), depth+1)
			if m == schemaMap && h.anyNames {
				sum += mix(f)
			} else {
				sum += h.pair(key, f)
			}
			count++
			return true
		})
		return h.mapping(sum, count)
	case yaml.ScalarNode:
		if n.ShortTag() == "!!str" { // most scalars: no boxing into any
			if m == typeOnly {
				return mix(tagString)
			}
			return mix(tagString ^ h.str(n.Value))
		}
		if m == typeOnly {
			return typeTag(scalar(n))
		}
		return h.scalar(scalar(n))
	}
	return mix(tagNull)
}

// pair and mapping build a mapping's fingerprint from its pairs.
func (h *hasher) pair(key string, val uint64) uint64 {
	return mix(h.str(key) ^ bits.RotateLeft64(val, 17))
}

func (h *hasher) mapping(sum, count uint64) uint64 { return mix(tagMap ^ mix(sum) ^ count<<40) }

func typeTag(v any) uint64 {
	switch v.(type) {
	case nil:
		return mix(tagNull)
	case bool:
		return mix(tagTrue)
	case string:
		return mix(tagString)
	}
	return mix(tagNumber)
}

func (h *hasher) scalar(v any) uint64 {
	switch v := v.(type) {
	case nil:
		return mix(tagNull)
	case bool:
		if v {
			return mix(tagTrue)
		}
		return mix(tagFalse)
	case int64:
		// Numbers compare by value (1 and 1.0 are equal in JSON Schema);
		// integers beyond 2⁵³ may share a fingerprint with a neighbour.
		return mix(tagNumber ^ mix(math.Float64bits(float64(v))))
	case float64:
		if v == 0 {
			v = 0 // -0 and 0 are the same JSON number
		}
		return mix(tagNumber ^ mix(math.Float64bits(v)))
	case json.Number:
		if f, err := v.Float64(); err == nil && !math.IsInf(f, 0) {
			return h.scalar(f)
		}
		return mix(tagNumber ^ h.str(string(v)))
	case string:
		return mix(tagString ^ h.str(v))
	}
	return mix(tagNull)
}
