package rules

import (
	"runtime"
	"sort"
	"strings"
	"sync"
	"weak"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// Operation rules (reference endpoints-rules.md §2.4, O1–O3 and O5). Service
// Management turns every operation into a method of the API: the method name
// comes from operationId, the request message from the parameters.

// opsSMMethods are the verbs api-compiler converts, in the order it visits
// them within a path (ApiFromSwagger.getOperationsForPath). head is not among
// them.
var opsSMMethods = []string{"get", "delete", "patch", "post", "put", "options"}

func opsMethodRank(m string) int {
	for i, x := range opsSMMethods {
		if x == m {
			return i
		}
	}
	return -1
}

// opsCache holds what several rules of this family compute from one
// document, so that it is computed once per document rather than once per
// rule. Entries are keyed by a weak pointer and dropped when the document is
// garbage-collected; documents are never modified after loading.
type opsCache struct {
	opsOnce sync.Once
	ops     []spec.Operation // Service Management order; read-only

	refsOnce sync.Once
	refs     []typesRef // every $ref, in walk order; read-only
}

var opsCaches sync.Map // weak.Pointer[spec.Document] → *opsCache

func opsCacheFor(doc *spec.Document) *opsCache {
	k := weak.Make(doc)
	if v, ok := opsCaches.Load(k); ok {
		return v.(*opsCache)
	}
	v, loaded := opsCaches.LoadOrStore(k, &opsCache{})
	if !loaded {
		runtime.AddCleanup(doc, func(k weak.Pointer[spec.Document]) { opsCaches.Delete(k) }, k)
	}
	return v.(*opsCache)
}

// opsSMOperations returns the operations Service Management converts, in the
// order it converts them: paths sorted, then get, delete, patch, post, put,
// options. The slice is shared: callers must not modify it.
func opsSMOperations(doc *spec.Document) []spec.Operation {
	c := opsCacheFor(doc)
	c.opsOnce.Do(func() { c.ops = opsSMOperationsUncached(doc) })
	return c.ops
}

func opsSMOperationsUncached(doc *spec.Document) []spec.Operation {
	all := doc.Operations()
	ops := all[:0:0]
	for _, op := range all {
		if opsMethodRank(op.Method) >= 0 {
			ops = append(ops, op)
		}
	}
	sort.SliceStable(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return opsMethodRank(ops[i].Method) < opsMethodRank(ops[j].Method)
	})
	return ops
}

// opsSanitize removes every character outside [A-Za-z0-9_], as api-compiler's
// NameConverter.sanitizeStringValue does.
func opsSanitize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if !opsWordChar(s[i]) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if opsWordChar(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b)
}

func opsWordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// opsMethodName is NameConverter.operationIdToMethodName: sanitise, then
// Guava's LOWER_CAMEL → UPPER_CAMEL, which (words split before each
// upper-case letter, so no word holds another upper-case letter) amounts to
// upper-casing the first character.
func opsMethodName(id string) string {
	s := opsSanitize(id)
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// opsSnake is NameConverter.getFieldName: sanitise, then Guava's LOWER_CAMEL →
// LOWER_UNDERSCORE: "_" before every upper-case letter except a leading one,
// and everything lower-cased ("fooBar" → "foo_bar", "FooBar" → "foo_bar",
// "userID" → "user_i_d").
func opsSnake(name string) string {
	plain := true
	for i := 0; i < len(name); i++ {
		if c := name[i]; !opsWordChar(c) || c >= 'A' && c <= 'Z' {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	s := opsSanitize(name)
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// opsOperationID returns the operationId node and its text; ok is false when
// it is missing, null or empty (api-compiler's Strings.isNullOrEmpty).
func opsOperationID(op spec.Operation) (n *yaml.Node, id string, ok bool) {
	_, v := spec.MapGet(op.Node, "operationId")
	v = spec.Deref(v)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null" || v.Value == "" {
		return v, "", false
	}
	return v, v.Value, true
}

// OperationIDRequired is O1.
var OperationIDRequired = &lint.Rule{
	ID:       "operation-id-required",
	Ref:      "O1",
	Category: lint.CategoryOperations,
	Severity: lint.Error,
	Doc:      "Checks that every operation has an operationId.",
	Details: `Cloud Endpoints lists operationId among the required fields: Service Management names the API
method after it and rejects an operation without one ("Operation does not have the required
'operationId' field. Please specify unique value for 'operationId' field for all operations.").
head operations are not converted by Service Management and are not checked. Same verdict for every
target.`,
	Bad:    "paths:\n  /echo:\n    post:\n      responses: {200: {description: ok}}\n",
	Good:   "paths:\n  /echo:\n    post:\n      operationId: echo\n      responses: {200: {description: ok}}\n",
	Source: "api-compiler ApiFromSwagger.validateOperationId (baseline invalid_opertion_id)",
	Check: func(p *lint.Pass) {
		for _, op := range opsSMOperations(p.Doc) {
			if !spec.IsMap(op.Node) {
				continue // structure-required reports it
			}
			n, _, ok := opsOperationID(op)
			if ok {
				continue
			}
			if n != nil {
				p.Report(spec.Append(op.Ptr, "operationId"), "Operation '%s' in path '%s': Operation does not have the required 'operationId' field (it is empty). Please specify unique value for 'operationId' field for all operations.", op.Method, op.Path)
				continue
			}
			p.ReportNode(lint.Error, op.Key, op.Ptr, "Operation '%s' in path '%s': Operation does not have the required 'operationId' field. Please specify unique value for 'operationId' field for all operations.", op.Method, op.Path)
		}
	},
}

// OperationIDUnique is O2.
var OperationIDUnique = &lint.Rule{
	ID:       "operation-id-unique",
	Ref:      "O2",
	Category: lint.CategoryOperations,
	Severity: lint.Error,
	Doc:      "Checks that operationIds stay unique after Service Management turns them into method names.",
	Details: `The method name is the operationId with every character outside [A-Za-z0-9_] removed and the first
letter upper-cased (lowerCamel → UpperCamel), so getUser, GetUser, getUser. and get.User all become
GetUser (while get-user becomes Getuser).
Service Management visits paths in sorted order and, within a path, get, delete, patch, post, put,
options; the second operation of a pair is rejected with "operationId '%s' has duplicate entry"
(same text) or "… Duplicate operationId found is '%s'. The two operationIds result into same
underlying method name '%s'. Please use unique values for operationId" (different text). With
x-google-allow: all, the generated catch-all methods Google_Autogenerated_Unrecognized_{Get,Delete,
Patch,Post,Put}_Method_Call take part too. Same verdict for every target.`,
	Bad:    "paths:\n  /a:\n    get: {operationId: getItem, responses: {200: {description: ok}}}\n  /b:\n    get: {operationId: GetItem, responses: {200: {description: ok}}}\n",
	Good:   "paths:\n  /a:\n    get: {operationId: getItem, responses: {200: {description: ok}}}\n  /b:\n    get: {operationId: listItems, responses: {200: {description: ok}}}\n",
	Source: "api-compiler ApiFromSwagger.validateOperationId, NameConverter (baseline invalid_opertion_id)",
	Check:  checkOperationIDUnique,
}

func checkOperationIDUnique(p *lint.Pass) {
	type seenOp struct {
		id string
		op spec.Operation
	}
	seen := map[string]seenOp{}
	var wildcard *yaml.Node // user-defined /** path item
	for _, op := range opsSMOperations(p.Doc) {
		if op.Path == "/**" {
			wildcard = op.Item
		}
		n, id, ok := opsOperationID(op)
		if !ok {
			continue
		}
		name := opsMethodName(id)
		first, dup := seen[name]
		if !dup {
			seen[name] = seenOp{id, op}
			continue
		}
		ptr := spec.Append(op.Ptr, "operationId")
		where := "first used by Operation '" + first.op.Method + "' in path '" + first.op.Path + "'"
		if fk := spec.NodePos(spec.Get(first.op.Node, "operationId")); fk.Line > 0 {
			where += " at line " + itoa(fk.Line)
		}
		if id == first.id {
			p.ReportNode(lint.Error, n, ptr, "Operation '%s' in path '%s': operationId '%s' has duplicate entry (%s). Please use unique values for operationId", op.Method, op.Path, id, where)
			continue
		}
		p.ReportNode(lint.Error, n, ptr, "operationId '%s' has duplicate entry. Duplicate operationId found is '%s'. The two operationIds result into same underlying method name '%s'. Please use unique values for operationId (%s)", id, first.id, name, where)
	}
	if !allowAll(p.Doc) {
		return
	}
	// ApiFromSwagger.getNewWildCardPathObject: one reserved method per verb the
	// user did not define on /**, converted after the user's operations.
	for _, verb := range []string{"Get", "Delete", "Patch", "Post", "Put"} {
		if wildcard != nil && spec.Get(wildcard, strings.ToLower(verb)) != nil {
			continue
		}
		reserved := "Google_Autogenerated_Unrecognized_" + verb + "_Method_Call"
		first, dup := seen[reserved]
		if !dup {
			continue
		}
		p.Report(spec.Append(first.op.Ptr, "operationId"), "operationId '%s' becomes the method name '%s', which x-google-allow: all reserves for its catch-all %s method on /**: the deploy fails with \"operationId '%s' has duplicate entry\"; rename the operation", first.id, reserved, strings.ToUpper(verb), reserved)
	}
}

// OperationIDFormat is O3.
var OperationIDFormat = &lint.Rule{
	ID:       "operation-id-format",
	Ref:      "O3",
	Category: lint.CategoryOperations,
	Severity: lint.Warning,
	Doc:      "Checks that an operationId starts with a letter and keeps at least one character after Service Management's sanitising.",
	Details: `The method name (operationId without characters outside [A-Za-z0-9_]) becomes the last part of the
selector API_NAME.MethodName used by the generated http, auth and usage rules. A name that is empty
or starts with a digit or an underscore is not a valid identifier there. UNVERIFIED: no upstream
message is known for this exact case (the closest real one is "http rule has bad syntax in selector
'%s'"), so corsgate reports a warning rather than an error. Same verdict for every target.`,
	Bad:    "get:\n  operationId: 2fa-verify\n",
	Good:   "get:\n  operationId: verify2fa\n",
	Source: "inferred from api-compiler NameConverter and HttpRuleGenerator (selector); python-docs-samples #676",
	Check: func(p *lint.Pass) {
		for _, op := range opsSMOperations(p.Doc) {
			_, id, ok := opsOperationID(op)
			if !ok {
				continue
			}
			name := opsMethodName(id)
			ptr := spec.Append(op.Ptr, "operationId")
			switch {
			case name == "":
				p.Report(ptr, "operationId %q has no character in [A-Za-z0-9_], so the generated method name is empty and the selector is invalid; use a name such as %s", id, strings.ToLower(op.Method)+"Item")
			case name[0] < 'A' || name[0] > 'Z':
				p.Report(ptr, "operationId %q becomes the method name %q, which does not start with a letter; the selector API_NAME.%s is not a valid identifier: start the operationId with a letter", id, name, name)
			}
		}
	},
}

// opsParam is one parameter of an operation, after following a $ref to the
// root parameters section.
type opsParam struct {
	Name   string
	In     string
	Node   *yaml.Node // the parameter object (resolved)
	Entry  *yaml.Node // the list entry as written (the $ref object when Ref is set)
	Ref    string     // the $ref text, if the entry was a reference
	shared bool       // defined on the path item, not on the operation
	idx    int        // index in its parameters list
}

// Ptr returns the pointer of the entry in the operation's or the path item's
// parameters list (built on demand: only reported parameters need one).
func (prm opsParam) Ptr(op spec.Operation) string {
	base := op.Ptr
	if prm.shared {
		base = op.PathPtr
	}
	return spec.Append(base, "parameters", itoa(prm.idx))
}

// NamePtr points at the parameter's name, or at its $ref when it is one.
func (prm opsParam) NamePtr(op spec.Operation) string {
	if prm.Ref != "" {
		return spec.Append(prm.Ptr(op), "$ref")
	}
	return spec.Append(prm.Ptr(op), "name")
}

// opsResolveParam resolves one entry of a parameters list. ok is false for an
// unresolvable $ref (ref-parameter-unresolved reports it) or a malformed entry.
func opsResolveParam(params *typesLookup, entry *yaml.Node) (opsParam, bool) {
	entry = spec.Deref(entry)
	if !spec.IsMap(entry) {
		return opsParam{}, false
	}
	prm := opsParam{Node: entry, Entry: entry}
	if r := spec.Deref(spec.Get(entry, "$ref")); r != nil {
		if !spec.IsString(r) || !strings.HasPrefix(r.Value, "#/parameters/") {
			return opsParam{}, false
		}
		prm.Ref = r.Value
		target := params.get(typesUnescape(strings.TrimPrefix(r.Value, "#/parameters/")))
		if !spec.IsMap(target) {
			return opsParam{}, false
		}
		prm.Node = target
	}
	name := spec.Deref(spec.Get(prm.Node, "name"))
	in := spec.Deref(spec.Get(prm.Node, "in"))
	if name == nil || name.Kind != yaml.ScalarNode || in == nil || in.Kind != yaml.ScalarNode {
		return opsParam{}, false
	}
	prm.Name, prm.In = name.Value, in.Value
	return prm, true
}

// opsParams returns an operation's parameters the way api-compiler's
// getAllResolvedParameters does: the operation's own, then the path item's
// that the operation does not override (same name and in). params indexes
// the root parameters section; buf is reused.
func opsParams(params *typesLookup, op spec.Operation, buf []opsParam) []opsParam {
	out := buf[:0]
	list := spec.Deref(spec.Get(op.Node, "parameters"))
	if spec.IsSeq(list) {
		for i, e := range list.Content {
			if prm, ok := opsResolveParam(params, e); ok {
				prm.idx = i
				out = append(out, prm)
			}
		}
	}
	own := len(out)
	shared := spec.Deref(spec.Get(op.Item, "parameters"))
	if spec.IsSeq(shared) {
	next:
		for i, e := range shared.Content {
			prm, ok := opsResolveParam(params, e)
			if !ok {
				continue
			}
			for _, o := range out[:own] {
				if o.Name == prm.Name && o.In == prm.In {
					continue next
				}
			}
			prm.idx, prm.shared = i, true
			out = append(out, prm)
		}
	}
	return out
}

// OperationParamSnakeCase is O5.
var OperationParamSnakeCase = &lint.Rule{
	ID:       "operation-param-snake-case",
	Heavy:    true,
	Ref:      "O5",
	Category: lint.CategoryOperations,
	Severity: lint.Error,
	Doc:      "Checks that no two parameters of one operation map to the same snake_case field name with different JSON names.",
	Details: `Service Management turns the parameters of an operation (its own and the path item's) into the
fields of one request message: the field name is the parameter name without characters outside
[A-Za-z0-9_], converted from lowerCamel to snake_case, and the JSON name is the parameter name as
written. At start-up ESPv2 maps snake_case names back to JSON names for path matching and refuses to
start when two fields of one request share a snake_case name but not a JSON name: "detected two
types with same snake_name (%s) but mistmatching json_name (%s, %s)" (the typo is upstream's).
Examples: userId and UserId, X-Request-Id and xRequestId. Only names that change when converted
count, as in ESPv2's check (foo_bar next to fooBar passes it).
Targets: error for endpoints-espv2 and api-gateway (ESPv2 data plane); warning for endpoints-esp,
which has no such start-up check (the ambiguous binding remains).`,
	Bad:    "parameters:\n- {name: userId, in: path, required: true, type: string}\n- {name: UserId, in: query, type: string}\n",
	Good:   "parameters:\n- {name: userId, in: path, required: true, type: string}\n- {name: requester, in: query, type: string}\n",
	Source: "esp-v2 src/go/configinfo/service_info.go (ProcessTypes); api-compiler NameConverter.getFieldName; esp-v2 #185",
	Check: func(p *lint.Pass) {
		sev := lint.Error
		if p.Target == lint.TargetESP {
			sev = lint.Warning
		}
		var buf []opsParam
		var pairs [][2]string
		root := newTypesLookup(p.Doc, "parameters")
		for _, op := range opsSMOperations(p.Doc) {
			if _, _, ok := opsOperationID(op); !ok {
				continue // not converted into a method
			}
			params := opsParams(root, op, buf)
			buf = params
			if len(params) < 2 {
				continue
			}
			// ESPv2 keeps a snake → JSON name map per request type; operations
			// have few parameters, so a reused slice does the job without
			// allocating a map per operation.
			pairs = pairs[:0]
			for _, prm := range params {
				snake := opsSnake(prm.Name)
				if snake == prm.Name {
					continue
				}
				prev, ok := "", false
				for _, pr := range pairs {
					if pr[0] == snake {
						prev, ok = pr[1], true
						break
					}
				}
				if !ok {
					pairs = append(pairs, [2]string{snake, prm.Name})
					continue
				}
				if prev == prm.Name {
					continue
				}
				p.ReportSeverity(sev, prm.NamePtr(op), "Operation '%s' in path '%s': parameters %q and %q both become the request field %s: ESPv2 refuses to start with \"detected two types with same snake_name (%s) but mistmatching json_name (%s, %s)\"; rename one of them", op.Method, op.Path, prev, prm.Name, snake, snake, prm.Name, prev)
			}
		}
	},
}

func init() {
	for _, r := range []*lint.Rule{OperationIDRequired, OperationIDUnique, OperationIDFormat, OperationParamSnakeCase} {
		register(r)
	}
}
