package rules

import (
	"sort"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// $ref and schema rules (reference endpoints-rules.md §2.7 T1–T6 and §2.1
// F6–F7). Service Management still turns definitions, body parameters and
// success responses into protobuf types (api-compiler aspects/type/
// TypeBuilder.java); these rules mirror what that conversion rejects or
// silently degrades.

const typesDefPrefix = "#/definitions/"

// typesUnescape unescapes one JSON pointer token (~1 → /, ~0 → ~).
func typesUnescape(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
}

// typesLookup finds entries of a mapping (definitions, parameters,
// responses) by name; large mappings get a map on first use so that checking
// every $ref of a big spec stays linear.
type typesLookup struct {
	n *yaml.Node
	m map[string]*yaml.Node
}

// newTypesLookup indexes the mapping at key of the document root.
func newTypesLookup(doc *spec.Document, key string) *typesLookup {
	n := spec.Deref(spec.Get(doc.Root, key))
	if n != nil && n.Kind != yaml.MappingNode {
		n = nil
	}
	return &typesLookup{n: n}
}

// get returns the value named name, or nil.
func (l *typesLookup) get(name string) *yaml.Node {
	if l == nil || l.n == nil {
		return nil
	}
	if len(l.n.Content) < 32 {
		return spec.Deref(spec.Get(l.n, name))
	}
	if l.m == nil {
		l.m = make(map[string]*yaml.Node, len(l.n.Content)/2)
		for i := 0; i+1 < len(l.n.Content); i += 2 {
			if _, dup := l.m[l.n.Content[i].Value]; !dup {
				l.m[l.n.Content[i].Value] = spec.Deref(l.n.Content[i+1])
			}
		}
	}
	return l.m[name]
}

// names returns the keys of the mapping.
func (l *typesLookup) names() []string {
	if l == nil || l.n == nil {
		return nil
	}
	out := make([]string, 0, len(l.n.Content)/2)
	for i := 0; i+1 < len(l.n.Content); i += 2 {
		out = append(out, l.n.Content[i].Value)
	}
	return out
}

// typesCtx says where a $ref was found.
type typesCtx int

const (
	typesInDefinition typesCtx = iota // a schema under definitions
	typesInBody                       // a body parameter's schema
	typesInResponse                   // a response's schema
	typesParamRef                     // a parameters entry that is a $ref
	typesResponseRef                  // a response object that is a $ref
)

func (c typesCtx) String() string {
	switch c {
	case typesInDefinition:
		return "definition"
	case typesInBody:
		return "body parameter schema"
	case typesInResponse:
		return "response schema"
	case typesParamRef:
		return "parameter"
	}
	return "response"
}

// typesRef is one $ref found in the document.
type typesRef struct {
	Ref  string
	Node *yaml.Node // the $ref value node
	Ctx  typesCtx
	ptr  string
}

// Ptr returns the JSON pointer of the $ref value.
func (r typesRef) Ptr() string { return r.ptr }

// typesWalker walks the places Swagger 2.0 allows a $ref, keeping the
// pointer as a token stack. A $ref that aliases reach by several paths is
// passed on once per context (with the first path's pointer): its findings
// are the same each time.
type typesWalker struct {
	toks []string
	fn   func(typesRef)
	seen map[typesSeen]bool
}

type typesSeen struct {
	n   *yaml.Node
	ctx typesCtx
}

func (w *typesWalker) push(t ...string) { w.toks = append(w.toks, t...) }
func (w *typesWalker) pop(n int)        { w.toks = w.toks[:len(w.toks)-n] }

func (w *typesWalker) emit(r *yaml.Node, ctx typesCtx) {
	if w.seen[typesSeen{r, ctx}] {
		return
	}
	w.seen[typesSeen{r, ctx}] = true
	w.push("$ref")
	w.fn(typesRef{Ref: r.Value, Node: r, Ctx: ctx, ptr: spec.Pointer(w.toks...)})
	w.pop(1)
}

// typesRefs calls fn for every $ref in the places Swagger 2.0 allows one:
// schemas (definitions, body parameters, responses, recursively through
// properties, items, additionalProperties and allOf), parameter entries and
// response objects. Examples, defaults, enums and extensions are not walked.
// The document is walked once; the rules that need its references share the
// result.
func typesRefs(doc *spec.Document, fn func(r typesRef)) {
	c := opsCacheFor(doc)
	c.refsOnce.Do(func() {
		typesWalkRefs(doc, func(r typesRef) { c.refs = append(c.refs, r) })
	})
	for _, r := range c.refs {
		fn(r)
	}
}

func typesWalkRefs(doc *spec.Document, fn func(r typesRef)) {
	root := doc.Root
	w := &typesWalker{toks: make([]string, 0, 32), fn: fn, seen: map[typesSeen]bool{}}
	spec.Pairs(spec.Get(root, "definitions"), func(k, v *yaml.Node) {
		w.push("definitions", k.Value)
		w.schema(v, typesInDefinition, 0)
		w.pop(2)
	})
	spec.Pairs(spec.Get(root, "parameters"), func(k, v *yaml.Node) {
		w.push("parameters", k.Value)
		w.param(v)
		w.pop(2)
	})
	spec.Pairs(spec.Get(root, "responses"), func(k, v *yaml.Node) {
		w.push("responses", k.Value)
		w.response(v)
		w.pop(2)
	})
	spec.Pairs(spec.Get(root, "paths"), func(pk, item *yaml.Node) {
		if !strings.HasPrefix(pk.Value, "/") {
			return
		}
		w.push("paths", pk.Value)
		spec.Pairs(item, func(mk, op *yaml.Node) {
			switch {
			case mk.Value == "parameters":
				w.push("parameters")
				w.paramList(op)
				w.pop(1)
			case spec.IsMethod(mk.Value):
				w.push(mk.Value, "parameters")
				w.paramList(spec.Get(op, "parameters"))
				w.pop(1)
				w.push("responses")
				spec.Pairs(spec.Get(op, "responses"), func(rk, rv *yaml.Node) {
					if strings.HasPrefix(rk.Value, "x-") {
						return
					}
					w.push(rk.Value)
					w.response(rv)
					w.pop(1)
				})
				w.pop(2)
			}
		})
		w.pop(2)
	})
}

func (w *typesWalker) paramList(list *yaml.Node) {
	list = spec.Deref(list)
	if !spec.IsSeq(list) {
		return
	}
	for i, e := range list.Content {
		w.push(itoa(i))
		w.param(e)
		w.pop(1)
	}
}

func (w *typesWalker) param(p *yaml.Node) {
	p = spec.Deref(p)
	if r := spec.Deref(spec.Get(p, "$ref")); spec.IsString(r) {
		w.emit(r, typesParamRef)
		return
	}
	if s := spec.Get(p, "schema"); s != nil {
		w.push("schema")
		w.schema(s, typesInBody, 0)
		w.pop(1)
	}
}

func (w *typesWalker) response(r *yaml.Node) {
	r = spec.Deref(r)
	if ref := spec.Deref(spec.Get(r, "$ref")); spec.IsString(ref) {
		w.emit(ref, typesResponseRef)
		return
	}
	if s := spec.Get(r, "schema"); s != nil {
		w.push("schema")
		w.schema(s, typesInResponse, 0)
		w.pop(1)
	}
}

func (w *typesWalker) schema(s *yaml.Node, ctx typesCtx, depth int) {
	s = spec.Deref(s)
	if s == nil || s.Kind != yaml.MappingNode || depth > 64 {
		return
	}
	if r := spec.Deref(spec.Get(s, "$ref")); spec.IsString(r) {
		w.emit(r, ctx)
		return // siblings of $ref are ignored in Swagger 2.0
	}
	for i := 0; i+1 < len(s.Content); i += 2 {
		k, v := s.Content[i], spec.Deref(s.Content[i+1])
		switch k.Value {
		case "properties":
			if v == nil || v.Kind != yaml.MappingNode {
				continue
			}
			w.push("properties")
			for j := 0; j+1 < len(v.Content); j += 2 {
				w.push(v.Content[j].Value)
				w.schema(v.Content[j+1], ctx, depth+1)
				w.pop(1)
			}
			w.pop(1)
		case "items", "additionalProperties", "allOf":
			w.push(k.Value)
			if v != nil && v.Kind == yaml.SequenceNode {
				for j, it := range v.Content {
					w.push(itoa(j))
					w.schema(it, ctx, depth+1)
					w.pop(1)
				}
			} else if k.Value != "allOf" {
				w.schema(v, ctx, depth+1)
			}
			w.pop(1)
		}
	}
}

// typesIsExternal reports whether ref points outside the document.
func typesIsExternal(ref string) bool { return !strings.HasPrefix(ref, "#") }

// typesDefinitions returns the definitions mapping, or nil.
func typesDefinitions(doc *spec.Document) *yaml.Node {
	d := spec.Deref(spec.Get(doc.Root, "definitions"))
	if d == nil || d.Kind != yaml.MappingNode {
		return nil
	}
	return d
}

// typesSchemaCtx reports whether the context is a schema (not a parameter or
// response object reference).
func typesSchemaCtx(c typesCtx) bool {
	return c == typesInDefinition || c == typesInBody || c == typesInResponse
}

// RefDefinitionsPrefix is T1.
var RefDefinitionsPrefix = &lint.Rule{
	ID:       "ref-definitions-prefix",
	Heavy:    true,
	Ref:      "T1",
	Category: lint.CategoryTypes,
	Severity: lint.Error,
	Doc:      "Checks that every local schema $ref points into #/definitions/.",
	Details: `Service Management builds a protobuf type for each schema and only knows how to follow schema
references into definitions: "Type definition reference path '%s' must begin with '#/definitions/'".
References of parameter entries to #/parameters/… and of response objects to #/responses/… are valid
Swagger 2.0 and are resolved by the parser before types are built, so they are not reported here
(ref-parameter-unresolved and ref-dangling check that they resolve). Same verdict for every target.`,
	Bad:    "schema:\n  $ref: '#/parameters/Book'\n",
	Good:   "schema:\n  $ref: '#/definitions/Book'\n",
	Source: "api-compiler aspects/type/TypeBuilder.java (getRefModelTypeInfo, getTypeInfo)",
	Check: func(p *lint.Pass) {
		typesRefs(p.Doc, func(r typesRef) {
			if !typesSchemaCtx(r.Ctx) || typesIsExternal(r.Ref) || strings.HasPrefix(r.Ref, typesDefPrefix) {
				return
			}
			hint := ""
			if i := strings.LastIndexByte(r.Ref, '/'); i >= 0 && i+1 < len(r.Ref) {
				hint = "; move the schema under definitions and write '" + typesDefPrefix + r.Ref[i+1:] + "'"
			}
			p.ReportNode(lint.Error, r.Node, r.Ptr(), "Type definition reference path '%s' must begin with '#/definitions/' (in a %s)%s", r.Ref, r.Ctx, hint)
		})
	},
}

// RefNoDefinitions is T2.
var RefNoDefinitions = &lint.Rule{
	ID:       "ref-no-definitions",
	Ref:      "T2",
	Category: lint.CategoryTypes,
	Severity: lint.Error,
	Doc:      "Checks that a document with #/definitions/ references has a definitions section.",
	Details: `api-compiler reports "Reference path %s found, but no Definitions section in OpenApi File." when a
schema refers to #/definitions/… and the document has no definitions at all (often a definitions
block indented under the wrong parent). Error in definitions and body parameter schemas; warning in
response schemas, where Service Management now falls back to google.protobuf.Value (esp-v2
examples deploy with dangling response references). Same verdict for every target.`,
	Bad:    "paths:\n  /books:\n    post:\n      parameters:\n      - {name: book, in: body, schema: {$ref: '#/definitions/Book'}}\n",
	Good:   "paths:\n  /books:\n    post:\n      parameters:\n      - {name: book, in: body, schema: {$ref: '#/definitions/Book'}}\ndefinitions:\n  Book: {type: object, properties: {title: {type: string}}}\n",
	Source: "api-compiler aspects/type/TypeBuilder.java (getTypeInfo)",
	Check: func(p *lint.Pass) {
		if spec.Get(p.Doc.Root, "definitions") != nil {
			return
		}
		typesRefs(p.Doc, func(r typesRef) {
			if !typesSchemaCtx(r.Ctx) || !strings.HasPrefix(r.Ref, typesDefPrefix) {
				return
			}
			sev := lint.Error
			if r.Ctx == typesInResponse {
				sev = lint.Warning
			}
			p.ReportNode(sev, r.Node, r.Ptr(), "Reference path %s found, but no Definitions section in OpenApi File. Add a top-level definitions: section with %s", r.Ref, strings.TrimPrefix(r.Ref, typesDefPrefix))
		})
	},
}

// RefDangling is T6 (and unresolved response objects).
var RefDangling = &lint.Rule{
	ID:       "ref-dangling",
	Heavy:    true,
	Ref:      "T6",
	Category: lint.CategoryTypes,
	Severity: lint.Warning,
	Doc:      "Checks that every #/definitions/ and #/responses/ reference names an entry that exists.",
	Details: `Service Management tolerates a dangling reference in a response schema: it types the response as
google.protobuf.Value (the esp-v2 examples dynamic_routing and service_control refer to an undefined
listShelvesResponse and their generated service configs show this fallback), so corsgate reports a
warning there, and for response objects that refer to a missing #/responses/ entry. In a definition
or a body parameter schema the same fallback silently drops the request type, and every other
Swagger tool rejects the document: error. A reference into a definition (#/definitions/A/properties/b)
is a valid JSON pointer, but Service Management looks the whole rest up as a definition name and
falls back to google.protobuf.Value: warning. Same verdict for every target.`,
	Bad:    "responses:\n  200:\n    schema: {$ref: '#/definitions/ListShelvesResponse'}\n",
	Good:   "responses:\n  200:\n    schema: {$ref: '#/definitions/ListShelvesResponse'}\ndefinitions:\n  ListShelvesResponse: {type: object}\n",
	Source: "api-compiler TypeBuilder.addTypeFromModel (null model → google.protobuf.Value); esp-v2 examples/dynamic_routing service_config_generated.json",
	Check: func(p *lint.Pass) {
		defs := newTypesLookup(p.Doc, "definitions")
		hasDefs := spec.Get(p.Doc.Root, "definitions") != nil
		responses := newTypesLookup(p.Doc, "responses")
		typesRefs(p.Doc, func(r typesRef) {
			switch {
			case r.Ctx == typesResponseRef:
				if !strings.HasPrefix(r.Ref, "#/responses/") {
					if !typesIsExternal(r.Ref) {
						p.ReportNode(lint.Warning, r.Node, r.Ptr(), "response $ref %q must point into #/responses/; the response cannot be resolved", r.Ref)
					}
					return
				}
				if responses.get(typesUnescape(strings.TrimPrefix(r.Ref, "#/responses/"))) == nil {
					p.ReportNode(lint.Warning, r.Node, r.Ptr(), "Reference %s cannot be resolved: the top-level responses section has no such entry", r.Ref)
				}
			case typesSchemaCtx(r.Ctx) && strings.HasPrefix(r.Ref, typesDefPrefix) && hasDefs:
				rest := strings.TrimPrefix(r.Ref, typesDefPrefix)
				if i := strings.IndexByte(rest, '/'); i >= 0 {
					if first := typesUnescape(rest[:i]); defs.get(first) != nil {
						// Valid JSON pointer into a definition, but Service
						// Management looks the whole rest up as a name.
						p.ReportNode(lint.Warning, r.Node, r.Ptr(), "Reference %s points inside the definition %q: Service Management only resolves references to whole definitions and types this schema as google.protobuf.Value; make the nested schema a definition of its own", r.Ref, first)
						return
					}
				}
				name := typesUnescape(rest)
				if defs.get(name) != nil {
					return
				}
				hint := ""
				if s := lint.Suggest(name, defs.names()); s != "" {
					hint = "; did you mean " + typesDefPrefix + s + "?"
				}
				if r.Ctx == typesInResponse {
					p.ReportNode(lint.Warning, r.Node, r.Ptr(), "Reference %s cannot be resolved: definitions has no %q; Service Management types this response as google.protobuf.Value%s", r.Ref, name, hint)
					return
				}
				p.ReportNode(lint.Error, r.Node, r.Ptr(), "Reference %s cannot be resolved: definitions has no %q (in a %s); Service Management silently types it as google.protobuf.Value and other Swagger tools reject the document%s", r.Ref, name, r.Ctx, hint)
			}
		})
	},
}

// RefParameterUnresolved is T5.
var RefParameterUnresolved = &lint.Rule{
	ID:       "ref-parameter-unresolved",
	Ref:      "T5",
	Category: lint.CategoryTypes,
	Severity: lint.Error,
	Doc:      "Checks that every parameter $ref resolves to an entry of the top-level parameters section.",
	Details: `A parameters entry may be a $ref to #/parameters/NAME. When it does not resolve, Service Management
only warns ("Reference %s cannot be resolved") and drops the parameter: the path variable, query
parameter or body it described is silently missing from the generated method, and every other
Swagger tool rejects the document. corsgate reports an error, unlike a dangling response reference
(ref-dangling), which Service Management handles with a documented fallback. Same verdict for every
target.`,
	Bad:    "parameters:\n- $ref: '#/parameters/shelfId'\n",
	Good:   "parameters:\n- $ref: '#/parameters/shelfId'\n# with, at the top level:\n# parameters:\n#   shelfId: {name: shelfId, in: path, required: true, type: string}\n",
	Source: "api-compiler ApiFromSwagger.getResolvedParameters (Reference %s cannot be resolved)",
	Check: func(p *lint.Pass) {
		params := newTypesLookup(p.Doc, "parameters")
		typesRefs(p.Doc, func(r typesRef) {
			if r.Ctx != typesParamRef || typesIsExternal(r.Ref) {
				return
			}
			if !strings.HasPrefix(r.Ref, "#/parameters/") {
				p.ReportNode(lint.Error, r.Node, r.Ptr(), "Reference %s cannot be resolved as a parameter: a parameter $ref must point into #/parameters/; Service Management drops the parameter", r.Ref)
				return
			}
			name := typesUnescape(strings.TrimPrefix(r.Ref, "#/parameters/"))
			if spec.IsMap(params.get(name)) {
				return
			}
			p.ReportNode(lint.Error, r.Node, r.Ptr(), "Reference %s cannot be resolved: the top-level parameters section has no %q, and Service Management drops the parameter (with only a warning)", r.Ref, name)
		})
	},
}

// RefExternal is F6/F7.
var RefExternal = &lint.Rule{
	ID:       "ref-external",
	Ref:      "F7",
	Category: lint.CategoryTypes,
	Severity: lint.Error,
	Doc:      "Checks for $ref values that point outside the document (URLs or other files), which corsgate never fetches.",
	Details: `API Gateway documents that references to types outside the provided OpenAPI document are not
allowed and will be rejected (F7): a URL $ref is an error. A relative file reference (other.yaml#/definitions/X)
is loaded by Service Management only when that file is part of the same deploy; otherwise it fails
with "Unable to load RELATIVE ref: %s" (F6). corsgate does not follow it, so it reports a warning
reminding you to pass the file to gcloud too. Same verdict for every target.`,
	Bad:    "schema:\n  $ref: 'https://example.com/schemas/book.json'\n",
	Good:   "schema:\n  $ref: '#/definitions/Book'\n",
	Source: "API Gateway docs, OpenAPI 2.0 feature limitations (external type references); api-compiler (Unable to load RELATIVE ref)",
	Check: func(p *lint.Pass) {
		typesRefs(p.Doc, func(r typesRef) {
			if !typesIsExternal(r.Ref) {
				return
			}
			if strings.Contains(r.Ref, "://") || strings.HasPrefix(r.Ref, "//") {
				p.ReportNode(lint.Error, r.Node, r.Ptr(), "$ref %q points to a URL: references to types outside the provided OpenAPI document are not allowed and will be rejected; copy the schema under definitions", r.Ref)
				return
			}
			p.ReportNode(lint.Warning, r.Node, r.Ptr(), "$ref %q points to another file, which corsgate does not read: deploy that file in the same gcloud endpoints services deploy command, or Service Management fails with \"Unable to load RELATIVE ref: %s\"", r.Ref, r.Ref)
		})
	},
}

// RefCircular is T3.
var RefCircular = &lint.Rule{
	ID:       "ref-circular",
	Heavy:    true,
	Ref:      "T3",
	Category: lint.CategoryTypes,
	Severity: lint.Error,
	Doc:      "Checks for circular definitions that Service Management cannot turn into types.",
	Details: `api-compiler's TypeBuilder converts definitions in name order, depth first. A plain object
definition (properties, no additionalProperties) is registered before its fields are converted, so
recursion through an object (a Node whose children are Nodes, a Person with a spouse) is fine and is
not reported. Every other kind is registered only after what it refers to: a definition that is only
a $ref, an array (type: array, items), or a map (additionalProperties without properties). When the
walk comes back to such a definition before it is registered, the deploy fails with "Invalid circular
reference detected for type '%s'". corsgate replays that walk exactly (same order, same rules), so
it reports what the converter reports and nothing more: for example A: {type: array, items: {$ref:
A}}, A: {$ref: B} with B: {$ref: A}, or an array definition that is reached, through an object, from
itself. allOf definitions become google.protobuf.Value and stop the walk. Same verdict for every target.`,
	Bad:    "definitions:\n  Tree:\n    type: array\n    items: {$ref: '#/definitions/Tree'}\n",
	Good:   "definitions:\n  Tree:\n    type: object\n    properties:\n      children: {type: array, items: {$ref: '#/definitions/Tree'}}\n",
	Source: "api-compiler aspects/type/TypeBuilder.java (addTypeFromModel)",
	Check:  checkRefCircular,
}

func checkRefCircular(p *lint.Pass) {
	defs := typesDefinitions(p.Doc)
	if defs == nil {
		return
	}
	names := make([]string, 0, len(defs.Content)/2)
	byName := make(map[string]*yaml.Node, len(defs.Content)/2)
	for i := 0; i+1 < len(defs.Content); i += 2 {
		k := defs.Content[i]
		if _, dup := byName[k.Value]; !dup {
			names = append(names, k.Value)
		}
		byName[k.Value] = spec.Deref(defs.Content[i+1])
	}
	sort.Strings(names) // Java TreeSet order (same as byte order for ASCII names)
	processed := make(map[string]bool, len(names))
	visited := make(map[string]bool)
	reported := map[string]bool{}
	var stack []string
	var addModel func(name string, model *yaml.Node, depth int)
	var addProperty func(prop *yaml.Node, depth int)
	addRef := func(ref string, depth int) {
		if !strings.HasPrefix(ref, typesDefPrefix) {
			return // ref-definitions-prefix; TypeBuilder returns null
		}
		t := typesUnescape(strings.TrimPrefix(ref, typesDefPrefix))
		addModel(t, byName[t], depth+1)
	}
	addProperty = func(prop *yaml.Node, depth int) {
		prop = spec.Deref(prop)
		if prop == nil || prop.Kind != yaml.MappingNode || depth > 200 {
			return
		}
		if r := spec.Deref(spec.Get(prop, "$ref")); spec.IsString(r) {
			addRef(r.Value, depth)
			return
		}
		if t := spec.Deref(spec.Get(prop, "type")); spec.IsString(t) && t.Value == "array" {
			addProperty(spec.Get(prop, "items"), depth+1)
			return
		}
		if ap := spec.Deref(spec.Get(prop, "additionalProperties")); ap != nil && ap.Kind == yaml.MappingNode {
			addProperty(ap, depth+1) // MapProperty: the value type is built first
		}
		// Other object properties become google.protobuf.Struct: no recursion.
	}
	addModel = func(name string, model *yaml.Node, depth int) {
		if processed[name] || depth > 200 {
			return
		}
		if visited[name] {
			if !reported[name] {
				reported[name] = true
				cycle := name
				for i := len(stack) - 1; i >= 0; i-- {
					cycle = stack[i] + " → " + cycle
					if stack[i] == name {
						break
					}
				}
				ptr := spec.Pointer("definitions", name)
				if byName[name] != nil {
					p.ReportKey(ptr, "Invalid circular reference detected for type '%s' (%s): only plain objects may refer back to themselves; make one definition on the cycle an object with properties", name, cycle)
				}
			}
			return
		}
		visited[name] = true
		stack = append(stack, name)
		defer func() { stack = stack[:len(stack)-1] }()
		if model != nil && model.Kind == yaml.MappingNode {
			switch {
			case spec.Get(model, "$ref") != nil: // RefModel
				if r := spec.Deref(spec.Get(model, "$ref")); spec.IsString(r) {
					addRef(r.Value, depth)
				}
			case spec.Get(model, "allOf") != nil: // ComposedModel → Value
			case typesTypeIs(model, "array"): // ArrayModel
				addProperty(spec.Get(model, "items"), depth+1)
			default: // ModelImpl
				props := spec.Get(model, "properties")
				ap := spec.Deref(spec.Get(model, "additionalProperties"))
				switch {
				case props == nil && ap == nil && typesPrimitive(model):
					// wrapper of a primitive type
				case ap != nil && props != nil:
					// google.protobuf.Struct
				case ap != nil:
					if ap.Kind == yaml.MappingNode {
						addProperty(ap, depth+1)
					}
				default:
					// A message: registered before its fields are built.
					processed[name] = true
					spec.Pairs(props, func(_, pv *yaml.Node) { addProperty(pv, depth+1) })
				}
			}
		}
		processed[name] = true
	}
	for _, name := range names {
		if processed[name] {
			continue
		}
		clear(visited)
		addModel(name, byName[name], 0)
	}
}

func typesTypeIs(n *yaml.Node, t string) bool {
	v := spec.Deref(spec.Get(n, "type"))
	return spec.IsString(v) && v.Value == t
}

// typesPrimitive mirrors TypeBuilder.isPrimitiveTypeWrapper's type test.
func typesPrimitive(n *yaml.Node) bool {
	v := spec.Deref(spec.Get(n, "type"))
	if !spec.IsString(v) {
		return false
	}
	switch v.Value {
	case "string", "integer", "number", "boolean":
		return true
	}
	return false
}

// BodySchemaMap is T4.
var BodySchemaMap = &lint.Rule{
	ID:       "body-schema-map",
	Heavy:    true,
	Ref:      "T4",
	Category: lint.CategoryTypes,
	Severity: lint.Error,
	Doc:      "Checks that a body parameter's schema is not a pure map (additionalProperties without properties).",
	Details: `Service Management turns a schema with additionalProperties and no properties into a repeated map
entry, and the HTTP rule's body field must be a single message: "http: body field path '%s' must be
a non-repeated message." The check follows $ref chains into definitions. Add at least one property,
or wrap the map in an object (properties: {values: {type: object, additionalProperties: …}}). An
object with both properties and additionalProperties is fine (it becomes google.protobuf.Struct).
Same verdict for every target.`,
	Bad:    "parameters:\n- name: labels\n  in: body\n  schema: {type: object, additionalProperties: {type: string}}\n",
	Good:   "parameters:\n- name: labels\n  in: body\n  schema:\n    type: object\n    properties:\n      labels: {type: object, additionalProperties: {type: string}}\n",
	Source: "api-compiler TypeBuilder.addTypeFromModel (map → repeated MapEntry); google.api.HttpRule body validation",
	Check: func(p *lint.Pass) {
		defs := newTypesLookup(p.Doc, "definitions")
		params := newTypesLookup(p.Doc, "parameters")
		reported := map[*yaml.Node]bool{}
		var buf []opsParam
		for _, op := range opsSMOperations(p.Doc) {
			if _, _, ok := opsOperationID(op); !ok {
				continue
			}
			buf = opsParams(params, op, buf)
			for _, prm := range buf {
				if prm.In != "body" {
					continue
				}
				schema := spec.Deref(spec.Get(prm.Node, "schema"))
				via := ""
				for i := 0; i < 32 && schema != nil; i++ {
					r := spec.Deref(spec.Get(schema, "$ref"))
					if !spec.IsString(r) || !strings.HasPrefix(r.Value, typesDefPrefix) {
						break
					}
					via = r.Value
					schema = defs.get(typesUnescape(strings.TrimPrefix(r.Value, typesDefPrefix)))
				}
				if schema == nil || schema.Kind != yaml.MappingNode || spec.Get(schema, "$ref") != nil ||
					spec.Get(schema, "allOf") != nil || typesTypeIs(schema, "array") ||
					spec.Get(schema, "properties") != nil || !spec.IsMap(spec.Get(schema, "additionalProperties")) {
					continue
				}
				if reported[prm.Entry] {
					continue
				}
				reported[prm.Entry] = true
				ptr := spec.Append(prm.Ptr(op), "schema")
				if prm.Ref != "" {
					ptr = spec.Append(prm.Ptr(op), "$ref")
				}
				through := ""
				if via != "" {
					through = " (" + via + " is a map)"
				}
				p.Report(ptr, "http: body field path '%s' must be a non-repeated message.%s The body of Operation '%s' in path '%s' is a pure map (additionalProperties without properties); wrap it in an object with a property", opsSnake(prm.Name), through, op.Method, op.Path)
			}
		}
	},
}

func init() {
	for _, r := range []*lint.Rule{RefDefinitionsPrefix, RefNoDefinitions, RefDangling, RefParameterUnresolved, RefExternal, RefCircular, BodySchemaMap} {
		register(r)
	}
}
