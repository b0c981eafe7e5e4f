package oasschema

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// Kind classifies a problem; it also says where to point.
type Kind string

// Kinds of problems.
const (
	// UnknownKey: Pointer names the key; point at the key.
	UnknownKey Kind = "unknown-key"
	// Missing: Pointer is the object that lacks the field; point at its key.
	Missing Kind = "missing"
	// WrongType: the value at Pointer has the wrong JSON type.
	WrongType Kind = "type"
	// BadValue: the value at Pointer is not one the schema allows.
	BadValue Kind = "value"
	// BadKey: the key Pointer names is not a name the schema accepts there;
	// point at the key.
	BadKey Kind = "key"
	// Invalid: any other constraint (duplicates, empty lists, exclusive fields).
	Invalid Kind = "invalid"
	// BadRef: a local $ref of a 3.x document that does not resolve.
	BadRef Kind = "ref"
	// Skipped: YAML aliases expand the document beyond what is validated;
	// Pointer is the document. Nothing else is reported.
	Skipped Kind = "skipped"
)

// AtKey reports whether a problem of this kind is best shown at the key of
// its pointer rather than at the value.
func (k Kind) AtKey() bool { return k == UnknownKey || k == Missing || k == BadKey }

// Problem is one structural problem, in words.
type Problem struct {
	Pointer string // RFC 6901 pointer into the document
	Message string
	Kind    Kind
}

// Validate checks the document rooted at root (a mapping node; aliases and
// merge keys are resolved) against the official JSON Schema of version v,
// and returns one problem per cause, in pointer order. Google's accepted
// idioms are never reported, nor, for Swagger 2.0, what corsgate's dedicated
// rules report (see the package documentation). An error means the schema
// could not be used, never that the document is invalid.
func Validate(root *yaml.Node, v Version) ([]Problem, error) {
	return validate(root, v, true, true)
}

// validate is Validate with its two shortcuts switchable for tests: split
// validates in units (false: the whole document against the official
// schema at once), filter drops idioms and delegated findings.
func validate(root *yaml.Node, v Version, split, filter bool) ([]Problem, error) {
	if !v.valid() {
		return nil, fmt.Errorf("oasschema: unknown version %d", int(v))
	}
	if root == nil || spec.Deref(root).Kind != yaml.MappingNode {
		return nil, fmt.Errorf("oasschema: the document is not a mapping")
	}
	root = spec.Deref(root)
	set, err := schemaFor(v)
	if err != nil {
		return nil, err
	}
	aliased := new(atomic.Int64)
	var units []*unit
	var parents [][]string
	if split {
		sp := newSplitter(v, aliased)
		units, err = sp.split(root)
		parents = sp.parents
	} else {
		units = []*unit{{kind: unitRoot, node: root, occs: []occ{topOcc(root)}}}
	}
	if err == nil {
		err = validateUnits(set, units, aliased, split)
	}
	if more := regroup(v, units); err == nil && len(more) > 0 {
		err = validateUnits(set, more, aliased, split)
		units = append(units, more...)
	}
	if errors.Is(err, errExpansion) {
		return []Problem{skipped()}, nil
	}
	if err != nil {
		return nil, err
	}
	x := &explainer{set: set}
	var out []Problem
	// Aliases make copies: the same cause is found at the same node through
	// every copy (in units of different shapes). Its words (suggestions
	// included, which cost) are worked out once per node and cause, and it
	// is reported once per place (the raw node under its parent, which
	// holds both the value's and the key's position), at its first pointer:
	// the copies would be reported at the same line and column.
	type said struct {
		node  *yaml.Node
		cause string // the leaf without its location
		top   bool
	}
	type place struct {
		parent *yaml.Node
		tok    string
		cause  string
		top    bool
	}
	words := map[said]string{}
	reported := map[place]int{} // index into out
	for _, u := range units {
		for i := range u.found {
			l := &u.found[i]
			top := u.kind == unitRoot && len(l.at) == loc(l.kind)
			cause := l.cause()
			for _, o := range u.occs {
				p := o.pointer(parents)
				if filter && !keep(v, root, p, o.node, l) {
					continue
				}
				ptr := spec.Append(p, l.at...)
				var at place
				if n := len(l.at); n > 0 {
					// At the unit's own node the place is outside it: each
					// occurrence is its own.
					at = place{nodeAt(o.node, l.at[:n-1]), l.at[n-1], cause, top}
					if j, ok := reported[at]; ok && at.parent != nil {
						out[j].Pointer = min(out[j].Pointer, ptr)
						continue
					}
				}
				k := said{nodeAt(o.node, l.at), cause, top}
				w, ok := words[k]
				if !ok || k.node == nil {
					w = x.words(l, v, top, o.node)
					words[k] = w
				}
				if at.parent != nil {
					reported[at] = len(out)
				}
				out = append(out, Problem{Pointer: ptr, Message: w, Kind: l.kind})
			}
		}
	}
	if v != Swagger20 {
		out = append(out, refProblems(root, filter)...)
	}
	slices.SortFunc(out, func(a, b Problem) int {
		if c := strings.Compare(a.Pointer, b.Pointer); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	return slices.CompactFunc(out, func(a, b Problem) bool { return a == b }), nil
}

// loc is the depth of a top-level leaf: an unknown key's pointer names the
// key, a missing field's pointer the object.
func loc(k Kind) int {
	if k == UnknownKey {
		return 1
	}
	return 0
}

func skipped() Problem {
	return Problem{Pointer: "", Kind: Skipped,
		Message: fmt.Sprintf("not checked against the schema: YAML aliases expand this document to more than %d values", maxAliasValues)}
}

// validateUnits validates every unit, on as many goroutines as are useful
// (whole: the only unit is the whole document, against the official schema).
func validateUnits(set *schemaSet, units []*unit, aliased *atomic.Int64, split bool) error {
	workers := min(runtime.GOMAXPROCS(0), max(1, len(units)/16))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			conv := newConverter(aliased)
			x := &explainer{set: set}
			for {
				i := int(next.Add(1)) - 1
				if i >= len(units) {
					return
				}
				u := units[i]
				val := u.value
				if val == nil {
					var err error
					if val, _, err = conv.value(u.node, 0); err != nil {
						errs[w] = err
						return
					}
				}
				sch := set.units[u.kind]
				if !split {
					sch = set.whole
				}
				if err := sch.Validate(val); err != nil {
					var ve *jsonschema.ValidationError
					if !errors.As(err, &ve) {
						errs[w] = fmt.Errorf("oasschema: %w", err)
						return
					}
					x.value = val
					u.found = dropConsequences(dropMany(x.collect(ve, nil)))
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// regroup splits each named-schema unit in which validation found something
// by the property names of its occurrences (the splitter left them out of
// the fingerprint, so that schemas differing only there are validated
// once): they passed or failed together, but each reports at its own names.
// It returns the new units, to be validated; the first occurrence's group
// keeps its unit and findings.
func regroup(v Version, units []*unit) []*unit {
	var h *hasher
	var out []*unit
	for _, u := range units {
		if u.kind != unitSchema || len(u.found) == 0 || len(u.occs) < 2 {
			continue
		}
		if h == nil {
			h = newHasher(v)
		}
		own := h.node(u.node, schemaObj, 0)
		var kept []occ
		byFP := map[uint64]*unit{}
		for _, o := range u.occs {
			fp := h.node(o.node, schemaObj, 0)
			if fp == own {
				kept = append(kept, o)
				continue
			}
			g, ok := byFP[fp]
			if !ok {
				g = &unit{kind: unitSchema, node: spec.Deref(o.node)}
				byFP[fp] = g
				out = append(out, g)
			}
			g.occs = append(g.occs, o)
		}
		u.occs = kept
	}
	return out
}

// dropMany drops "fits more than one form" where the same object has a real
// cause (a parameter without in fits every location's branch).
func dropMany(ls []leaf) []leaf {
	return slices.DeleteFunc(ls, func(l leaf) bool {
		if !l.many {
			return false
		}
		for _, o := range ls {
			if !o.many && len(o.at) >= len(l.at) && slices.Equal(o.at[:len(l.at)], l.at) {
				return true
			}
		}
		return false
	})
}

// consequences lists causes that follow from another one at the same
// object, which alone is reported: a Swagger 2.0 oauth2 definition copied
// into 3.x (flow → flows), a 3.x parameter with its type outside schema, a
// 3.1 responses object whose codes are wrong or missing.
var consequences = []struct {
	because leaf   // this cause (any unknown key when field and keyword are "")…
	drops   []leaf // …makes these redundant
}{
	{leaf{kind: UnknownKey, field: "flow"}, []leaf{{kind: Missing, field: "flows"},
		{kind: UnknownKey, field: "authorizationUrl"}, {kind: UnknownKey, field: "tokenUrl"}, {kind: UnknownKey, field: "scopes"}}},
	{leaf{kind: UnknownKey, field: "type"}, []leaf{{kind: Missing, either: []string{"schema", "content"}}}},
	{leaf{kind: UnknownKey}, []leaf{{kind: Missing, field: "default"}}},
	{leaf{kind: Invalid, keyword: "minProperties"}, []leaf{{kind: Missing, field: "default"}}},
}

// object is the location of the object a leaf is about: the object holding
// an unknown key, else the leaf's own location.
func (l *leaf) object() []string {
	if l.kind == UnknownKey && len(l.at) > 0 {
		return l.at[:len(l.at)-1]
	}
	return l.at
}

func dropConsequences(ls []leaf) []leaf {
	matches := func(l, pattern *leaf) bool {
		return l.kind == pattern.kind && (pattern.field == "" || l.field == pattern.field) &&
			(pattern.keyword == "" || l.keyword == pattern.keyword) &&
			(pattern.either == nil || slices.Equal(l.either, pattern.either))
	}
	redundant := func(o leaf) bool {
		for _, c := range consequences {
			for _, d := range c.drops {
				if !matches(&o, &d) {
					continue
				}
				for _, l := range ls {
					if matches(&l, &c.because) && slices.Equal(l.object(), o.object()) {
						return true
					}
				}
			}
		}
		return false
	}
	return slices.DeleteFunc(slices.Clone(ls), redundant)
}
