package oasschema

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// leaf is one root cause found in a unit, before it is put into words.
type leaf struct {
	at      []string // instance location, relative to the unit
	kind    Kind
	field   string   // UnknownKey: the key; Missing: the missing field
	either  []string // Missing: the fields of which one is needed ("schema or content")
	got     any      // BadValue: the value found
	want    []any    // BadValue: the values allowed
	pattern string   // BadValue: the pattern the value does not match
	types   []string // WrongType: the JSON types allowed
	gotType string   // WrongType: the JSON type found
	schema  string   // absolute location of the schema object that reported it
	detail  string   // Invalid: the cause in words
	keyword string   // Invalid: the failing keyword
	many    bool     // Invalid: a oneOf that several branches matched
}

// sig identifies a leaf across the branches of a oneOf (values allowed
// aside, which are merged).
func (l *leaf) sig() string {
	return strings.Join(l.at, "\x00") + "\x01" + string(l.kind) + "\x01" + l.field
}

// cause is everything about the leaf but where it was found: leaves with
// the same cause at the same node are put into the same words.
func (l *leaf) cause() string {
	return fmt.Sprintf("%s|%s|%q|%v|%v|%s|%q|%s|%s|%s|%s|%t", l.kind, l.field, l.either, l.got, l.want, l.pattern,
		l.types, l.gotType, l.schema, l.detail, l.keyword, l.many)
}

// explainer turns the validator's error tree into leaves: one per real
// cause. A failed oneOf or anyOf is a list of branch failures; the branch
// the value was meant for is picked by what the value says about itself
// (its JSON type, whether it is a $ref, its in, type, flow…), and only that
// branch's causes are kept.
type explainer struct {
	set   *schemaSet
	value any // the value being explained (to locate propertyNames errors)
}

var printer = message.NewPrinter(language.English)

// discriminators are the fields a oneOf's branches are told apart by, in
// the order they decide: "" is the value's own JSON type. in comes before
// type (a query parameter with a wrong type is a query parameter), type
// before flow (a basic definition with a stray flow is a basic one).
var discriminators = []string{"", "$ref", "in", "type", "scheme", "flow"}

func (x *explainer) collect(e *jsonschema.ValidationError, out []leaf) []leaf {
	at := e.InstanceLocation
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
		for _, c := range e.Causes {
			out = x.collect(c, out)
		}
	case *kind.OneOf:
		if len(k.Subschemas) > 0 {
			return append(out, leaf{at: at, kind: Invalid, many: true, schema: e.SchemaURL})
		}
		out = append(out, x.pick(e)...)
	case *kind.AnyOf:
		out = append(out, x.pick(e)...)
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			out = append(out, leaf{at: append(slices.Clip(at), p), kind: UnknownKey, field: p, schema: e.SchemaURL})
		}
	case *kind.FalseSchema:
		if parent, ok := strings.CutSuffix(e.SchemaURL, "/unevaluatedProperties"); ok && len(at) > 0 {
			// 3.1 marks a key evaluated only where the subschema that
			// declares it passes: a key the schema does declare is reported
			// here because of another error below it, which is reported.
			if keys, _ := x.allowedKeys(parent); !slices.Contains(keys, at[len(at)-1]) {
				out = append(out, leaf{at: at, kind: UnknownKey, field: at[len(at)-1], schema: parent})
			}
			break
		}
		out = append(out, leaf{at: at, kind: Invalid, detail: "is not allowed here", schema: e.SchemaURL})
	case *kind.Required:
		for _, m := range k.Missing {
			out = append(out, leaf{at: at, kind: Missing, field: m, schema: e.SchemaURL, want: x.allowedValues(e.SchemaURL, m)})
		}
	case *kind.Enum:
		out = append(out, leaf{at: at, kind: BadValue, got: k.Got, want: k.Want, schema: e.SchemaURL})
	case *kind.Const:
		out = append(out, leaf{at: at, kind: BadValue, got: k.Got, want: []any{k.Want}, schema: e.SchemaURL})
	case *kind.Pattern:
		out = append(out, leaf{at: at, kind: BadValue, got: k.Got, pattern: k.Want, schema: e.SchemaURL})
	case *kind.Type:
		out = append(out, leaf{at: at, kind: WrongType, gotType: k.Got, types: k.Want, schema: e.SchemaURL})
	case *kind.PropertyNames:
		l := leaf{at: append(x.holder(at, k.Property), k.Property), kind: BadKey, field: k.Property, schema: e.SchemaURL}
		for _, c := range e.Causes {
			if p, ok := c.ErrorKind.(*kind.Pattern); ok {
				l.pattern = p.Want
			}
		}
		out = append(out, l)
	case *kind.Not:
		out = append(out, leaf{at: at, kind: Invalid, keyword: "not", detail: x.notWords(e.SchemaURL), schema: e.SchemaURL})
	case *kind.UniqueItems:
		out = append(out, leaf{at: at, kind: Invalid, keyword: "uniqueItems", schema: e.SchemaURL,
			detail: fmt.Sprintf("lists the same entry twice (entries %d and %d); remove one", k.Duplicates[0], k.Duplicates[1])})
	case *kind.MinProperties:
		out = append(out, leaf{at: at, kind: Invalid, keyword: "minProperties", schema: e.SchemaURL, detail: atLeast(k.Want)})
	case *kind.MinItems:
		out = append(out, leaf{at: at, kind: Invalid, keyword: "minItems", schema: e.SchemaURL, detail: atLeast(k.Want)})
	case *kind.Minimum:
		out = append(out, leaf{at: at, kind: Invalid, keyword: "minimum", schema: e.SchemaURL,
			detail: fmt.Sprintf("must be at least %s, not %s", k.Want.RatString(), k.Got.RatString())})
	default:
		kw := e.ErrorKind.KeywordPath()
		l := leaf{at: at, kind: Invalid, detail: e.ErrorKind.LocalizedString(printer), schema: e.SchemaURL}
		if len(kw) > 0 {
			l.keyword = kw[0]
		}
		out = append(out, l)
	}
	return out
}

// pick chooses among the failed branches of a oneOf or anyOf.
func (x *explainer) pick(e *jsonschema.ValidationError) []leaf {
	root := e.InstanceLocation
	branches := make([][]leaf, len(e.Causes))
	for i, c := range e.Causes {
		branches[i] = x.collect(c, nil)
	}
	if len(branches) == 0 {
		return nil
	}
	keep := branches
	for _, f := range x.fieldOrder(branches, root) {
		var acc [][]leaf
		refused := false
		for _, b := range keep {
			switch objection(b, root, f) {
			case none:
				acc = append(acc, b)
			case wrongValue:
				refused = true
			}
		}
		// A field decides only when some branch takes its value and some
		// branch knows the field and refuses the value (a branch that does
		// not know the field at all says nothing about the value: an apiKey
		// definition with in: cookie is still an apiKey definition). When
		// every branch refuses the value, the value itself is the cause, and
		// the merge below says so once.
		if len(acc) > 0 && refused {
			keep = acc
		}
		if len(keep) == 1 {
			return keep[0]
		}
	}
	if common := x.common(keep, e.SchemaURL); len(common) > 0 {
		return common
	}
	if either := eitherField(keep, root); either != nil {
		return []leaf{*either}
	}
	best := keep[0]
	for _, b := range keep[1:] {
		if len(b) < len(best) {
			best = b
		}
	}
	return best
}

// fieldOrder lists the discriminating fields that occur in the branches'
// leaves, known ones first.
func (x *explainer) fieldOrder(branches [][]leaf, root []string) []string {
	seen := map[string]bool{}
	var extra []string
	for _, b := range branches {
		for i := range b {
			l := &b[i]
			if (l.kind == BadValue || l.kind == WrongType) && len(l.at) == len(root)+1 && slices.Equal(l.at[:len(root)], root) {
				if f := l.at[len(root)]; !seen[f] && !slices.Contains(discriminators, f) {
					seen[f] = true
					extra = append(extra, f)
				}
			}
		}
	}
	sort.Strings(extra)
	return append(slices.Clip(discriminators), extra...)
}

// What a branch says about field f of the value at root (f "" is the
// value's JSON type; for $ref, its presence).
const (
	none       = iota // nothing: it takes the value
	unknown           // it does not know the field
	wrongValue        // it knows the field and refuses the value
)

func objection(branch []leaf, root []string, f string) int {
	res := none
	for i := range branch {
		l := &branch[i]
		child := len(l.at) == len(root)+1 && slices.Equal(l.at[:len(root)], root)
		switch {
		case f == "":
			if l.kind == WrongType && slices.Equal(l.at, root) {
				return wrongValue
			}
		case f == "$ref":
			if l.kind == Missing && l.field == "$ref" && slices.Equal(l.at, root) ||
				l.kind == UnknownKey && l.field == "$ref" && child {
				return wrongValue
			}
		case child && l.at[len(root)] == f:
			switch l.kind {
			case BadValue, WrongType:
				return wrongValue
			case UnknownKey:
				res = unknown
			}
		}
	}
	return res
}

// common returns the causes every remaining branch shares, the values they
// allow merged: "in must be one of query, header, path, formData or body"
// from five branches that each allow one.
func (x *explainer) common(branches [][]leaf, oneOf string) []leaf {
	count := map[string]int{}
	for _, b := range branches {
		seen := map[string]bool{}
		for i := range b {
			if s := b[i].sig(); !seen[s] {
				seen[s] = true
				count[s]++
			}
		}
	}
	var out []leaf
	index := map[string]int{}
	for _, b := range branches {
		for _, l := range b {
			s := l.sig()
			if count[s] != len(branches) {
				continue
			}
			if j, ok := index[s]; ok {
				if out[j].schema != l.schema {
					out[j].schema = oneOf // found in several branches: name what they have in common
				}
				out[j].want = unionValues(out[j].want, l.want)
				continue
			}
			index[s] = len(out)
			out = append(out, l)
		}
	}
	return out
}

// eitherField merges branches that each miss one different field at root
// (oneOf [required schema, required content]) into one "needs a or b".
func eitherField(branches [][]leaf, root []string) *leaf {
	var fields []string
	for _, b := range branches {
		if len(b) != 1 || b[0].kind != Missing || !slices.Equal(b[0].at, root) {
			return nil
		}
		fields = append(fields, b[0].field)
	}
	l := branches[0][0]
	l.either = fields
	return &l
}

func unionValues(a, b []any) []any {
	for _, v := range b {
		if !slices.ContainsFunc(a, func(w any) bool { return sameValue(v, w) }) {
			a = append(a, v)
		}
	}
	return a
}

func sameValue(a, b any) bool {
	switch a := a.(type) {
	case string:
		b, ok := b.(string)
		return ok && a == b
	case bool:
		b, ok := b.(bool)
		return ok && a == b
	case nil:
		return b == nil
	}
	return false
}

// allowedValues lists the values the schema at schemaURL allows for its
// property field (through $ref, allOf, oneOf and anyOf), for saying what a
// missing field could be.
func (x *explainer) allowedValues(schemaURL, field string) []any {
	var out []any
	x.walkSchema(x.set.lookup(schemaURL), 0, func(s map[string]any) {
		props, _ := s["properties"].(map[string]any)
		p, _ := props[field].(map[string]any)
		if p == nil {
			return
		}
		p = x.set.deref(p)
		if e, ok := p["enum"].([]any); ok {
			out = unionValues(out, e)
		}
		if c, ok := p["const"]; ok {
			out = unionValues(out, []any{c})
		}
	})
	return out
}

// walkSchema calls fn on s and on every schema s combines with allOf,
// oneOf, anyOf, then/else or $ref.
func (x *explainer) walkSchema(s map[string]any, depth int, fn func(map[string]any)) {
	if s == nil || depth > 6 {
		return
	}
	fn(s)
	if ref, ok := s["$ref"].(string); ok && strings.HasPrefix(ref, "#") {
		x.walkSchema(x.set.lookup(x.set.url+ref), depth+1, fn)
	}
	for _, kw := range []string{"allOf", "oneOf", "anyOf"} {
		list, _ := s[kw].([]any)
		for _, sub := range list {
			m, _ := sub.(map[string]any)
			x.walkSchema(m, depth+1, fn)
		}
	}
	for _, kw := range []string{"then", "else"} {
		m, _ := s[kw].(map[string]any)
		x.walkSchema(m, depth+1, fn)
	}
}

// allowedKeys lists the properties the schema at schemaURL (and what it
// combines) names, and whether it lets x- extensions through.
func (x *explainer) allowedKeys(schemaURL string) (keys []string, ext bool) {
	x.walkSchema(x.set.lookup(schemaURL), 0, func(s map[string]any) {
		props, _ := s["properties"].(map[string]any)
		for k := range props {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		pp, _ := s["patternProperties"].(map[string]any)
		if _, ok := pp["^x-"]; ok {
			ext = true
		}
	})
	sort.Strings(keys)
	return keys, ext
}

// notWords says in words what a failed "not" forbids.
func (x *explainer) notWords(schemaURL string) string {
	s := x.set.lookup(schemaURL)
	not, _ := s["not"].(map[string]any)
	where := x.subject(schemaURL, false)
	if req, ok := not["required"].([]any); ok && len(not) == 1 {
		names := make([]string, len(req))
		for i, r := range req {
			names[i], _ = r.(string)
		}
		if len(names) == 1 && names[0] == "bearerFormat" {
			return "bearerFormat is only allowed with scheme: bearer" // HTTPSecurityScheme's second form (3.0)
		}
		if len(names) == 1 {
			return fmt.Sprintf("%s is not allowed here in %s", names[0], where)
		}
		return fmt.Sprintf("%s cannot be used together in %s", joinWords(names, "and"), where)
	}
	if _, ok := not["additionalProperties"]; ok {
		// Swagger 2.0 responses: not only x- keys.
		return "responses needs at least one response code or default; x- extensions alone do not count"
	}
	return fmt.Sprintf("%s has a form the schema forbids", where)
}

func atLeast(n int) string {
	if n == 1 {
		return "must not be empty"
	}
	return fmt.Sprintf("must have at least %d entries", n)
}

// holder returns the location of the object holding key name. The library
// (jsonschema v6.0.3, validator.go objValidate) reports a propertyNames
// error with its validator's location slice, not a copy, and later
// validations may overwrite it: only its length can be trusted, so the
// object is looked up in the value by depth and key.
func (x *explainer) holder(at []string, name string) []string {
	var found [][]string
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		if len(found) > 1 {
			return
		}
		if len(path) == len(at) {
			if m, ok := v.(map[string]any); ok {
				if _, ok := m[name]; ok {
					found = append(found, slices.Clone(path))
				}
			}
			return
		}
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				walk(c, append(path, k))
			}
		case []any:
			for i, c := range v {
				walk(c, append(path, strconv.Itoa(i)))
			}
		}
	}
	walk(x.value, nil)
	if len(found) == 1 {
		return found[0]
	}
	return slices.Clone(at)
}
