package rules

import (
	"fmt"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// Path template rules (reference endpoints-rules.md §2.5, P1–P7).
//
// Service Management copies each path key (with basePath in front, path
// variables renamed to snake_case) into an HTTP rule, and ESPv2 parses it
// with Google's path-template grammar (esp-v2 src/go/util/httppattern/
// uri_template_parser.go, which emulates ESP's C++ path matcher; corsgate
// applies the same verdicts to ESP v1):
//
//	Template  = "/" | "/" Segments [ Verb ] ;
//	Segments  = Segment { "/" Segment } ;
//	Segment   = "*" | "**" | LITERAL | Variable ;
//	Variable  = "{" FieldPath [ "=" Segments ] "}" ;
//	FieldPath = IDENT { "." IDENT } ;
//	Verb      = ":" LITERAL ;
//
// and, after "**", only literal segments. A template that does not parse
// makes ESPv2 fail at start-up with "invalid uri template %s".

// pathsProblem kinds.
type pathsProblemKind int

const (
	pathsOK            pathsProblemKind = iota
	pathsPartial                        // a variable shares its segment with other text (P1)
	pathsTrailingSlash                  // the template ends with "/" (P2)
	pathsGreedyPlus                     // AWS-style {proxy+} (P4)
	pathsGrammar                        // anything else outside the grammar (P4)
)

// pathsVar is one template variable.
type pathsVar struct {
	Name string // the field path, e.g. "id" or "book.name"
	Raw  string // as written, e.g. "{id=shelves/*}"
}

// pathsTemplate is the result of parsing a path key.
type pathsTemplate struct {
	Vars    []pathsVar
	Kind    pathsProblemKind
	Problem string // why, when Kind != pathsOK
}

// pathsParse parses a path key with Google's template grammar. It never
// fails: problems are returned in the result, and variables are collected on
// a best-effort basis even from broken templates (for path-params-match).
func pathsParse(path string) pathsTemplate {
	var t pathsTemplate
	set := func(k pathsProblemKind, format string, args ...any) {
		if t.Kind == pathsOK {
			t.Kind = k
			t.Problem = fmt.Sprintf(format, args...)
		}
	}
	if path == "/" {
		return t
	}
	if !strings.HasPrefix(path, "/") {
		set(pathsGrammar, "a template must start with /")
		return t
	}
	if strings.HasSuffix(path, "/") {
		set(pathsTrailingSlash, "it ends with /")
	}
	afterDouble := false // a ** was seen: only literal segments may follow
	i := 1
	n := len(path)
	for i <= n {
		// One segment starts at i and ends at the next '/' outside braces.
		if i == n || path[i] == '/' {
			if !(i == n && t.Kind == pathsTrailingSlash) {
				set(pathsGrammar, "it has an empty segment (//)")
			}
			i++
			continue
		}
		switch {
		case path[i] == '{':
			end := strings.IndexByte(path[i:], '}')
			if end < 0 {
				set(pathsGrammar, "a { has no closing }")
				return t
			}
			raw := path[i : i+end+1]
			body := raw[1 : len(raw)-1]
			name, pattern, hasPattern := strings.Cut(body, "=")
			switch {
			case strings.ContainsAny(body, "{"):
				set(pathsGrammar, "variables cannot be nested (%s)", raw)
			case name == "":
				set(pathsGrammar, "the variable %s has no name", raw)
			case strings.HasSuffix(name, "+"):
				name = strings.TrimSuffix(name, "+")
				if name == "" {
					set(pathsGrammar, "the variable %s has no name", raw)
					break
				}
				set(pathsGreedyPlus, "%s is AWS API Gateway syntax", raw)
			case strings.Contains(name, ".."), strings.HasPrefix(name, "."), strings.HasSuffix(name, "."):
				set(pathsGrammar, "the variable %s has an empty field name", raw)
			}
			if name != "" {
				t.Vars = append(t.Vars, pathsVar{Name: name, Raw: raw})
			}
			if hasPattern {
				if pattern == "" {
					set(pathsGrammar, "the variable %s has an empty pattern after =", raw)
				}
				for _, seg := range strings.Split(pattern, "/") {
					switch {
					case seg == "":
						if pattern != "" {
							set(pathsGrammar, "the variable %s has an empty segment in its pattern", raw)
						}
					case seg == "**":
						if afterDouble {
							set(pathsGrammar, "only literal segments may follow ** (%s)", raw)
						}
						afterDouble = true
					case seg == "*":
						if afterDouble {
							set(pathsGrammar, "only literal segments may follow ** (%s)", raw)
						}
					case strings.ContainsAny(seg, "*:"):
						set(pathsGrammar, "the pattern segment %q in %s is neither *, ** nor a literal", seg, raw)
					}
				}
			} else if afterDouble {
				set(pathsGrammar, "only literal segments may follow ** (%s matches a segment)", raw)
			}
			i += end + 1
			if i < n && path[i] != '/' && path[i] != ':' {
				set(pathsPartial, "%s is followed by %q in the same segment", raw, pathsSegmentRest(path[i:]))
				// Skip the rest of the segment.
				for i < n && path[i] != '/' {
					if path[i] == '{' {
						if end := strings.IndexByte(path[i:], '}'); end > 0 {
							if nm, _, _ := strings.Cut(path[i+1:i+end], "="); strings.TrimSuffix(nm, "+") != "" {
								t.Vars = append(t.Vars, pathsVar{Name: strings.TrimSuffix(nm, "+"), Raw: path[i : i+end+1]})
							}
							i += end + 1
							continue
						}
					}
					i++
				}
			}
		default:
			j := i
			for j < n && path[j] != '/' && path[j] != ':' {
				j++
			}
			seg := path[i:j]
			switch {
			case strings.ContainsAny(seg, "{}"):
				if k := strings.IndexByte(seg, '{'); k >= 0 {
					set(pathsPartial, "%q mixes text and a variable in one segment", seg)
					// Collect the variables for path-params-match.
					rest := seg[k:]
					for {
						a := strings.IndexByte(rest, '{')
						if a < 0 {
							break
						}
						b := strings.IndexByte(rest[a:], '}')
						if b < 0 {
							break
						}
						if nm, _, _ := strings.Cut(rest[a+1:a+b], "="); strings.TrimSuffix(nm, "+") != "" {
							t.Vars = append(t.Vars, pathsVar{Name: strings.TrimSuffix(nm, "+"), Raw: rest[a : a+b+1]})
						}
						rest = rest[a+b+1:]
					}
				} else {
					set(pathsGrammar, "the segment %q has a } without {", seg)
				}
			case seg == "**":
				if afterDouble {
					set(pathsGrammar, "only literal segments may follow **")
				}
				afterDouble = true
			case seg == "*":
				if afterDouble {
					set(pathsGrammar, "only literal segments may follow **")
				}
			case strings.Contains(seg, "*"):
				set(pathsGrammar, "the segment %q mixes * with text; * and ** must be whole segments", seg)
			}
			i = j
		}
		if i < n && path[i] == ':' {
			// Verb: a literal up to the end of the template.
			verb := path[i+1:]
			switch {
			case verb == "":
				set(pathsGrammar, "the custom verb after : is empty")
			case strings.ContainsAny(verb, "/:{}"):
				set(pathsGrammar, "a : starts a custom verb, which must be the end of the template (found %q after it)", verb)
			}
			return t
		}
		i++ // the '/'
	}
	return t
}

// pathsSegmentRest returns s up to the next '/'.
func pathsSegmentRest(s string) string {
	if k := strings.IndexByte(s, '/'); k >= 0 {
		return s[:k]
	}
	return s
}

// pathsEach calls fn for every path key that is a path (not an x- extension).
func pathsEach(doc *spec.Document, fn func(k, item *yaml.Node, ptr string)) {
	spec.Pairs(spec.Get(doc.Root, "paths"), func(k, v *yaml.Node) {
		if k.Kind != yaml.ScalarNode || !strings.HasPrefix(k.Value, "/") {
			return // structure-path-keys
		}
		fn(k, v, spec.Pointer("paths", k.Value))
	})
}

// PathVariableSegment is P1.
var PathVariableSegment = &lint.Rule{
	ID:       "path-variable-segment",
	Ref:      "P1",
	Category: lint.CategoryPaths,
	Severity: lint.Error,
	Doc:      "Checks that every path template variable is a whole path segment.",
	Details: `Cloud Endpoints and API Gateway list this among their OpenAPI limitations: /items/{id} is
supported, /items/overview.{format} and /items/prefix_{id}_suffix are not. Google's path-template
grammar has no way to express them, so ESPv2 fails to start ("invalid uri template"). Move the
variable into its own segment, or make the whole segment the variable and parse it in the backend.
Same verdict for every target.`,
	Bad:    "paths:\n  /items/{id}.json:\n    get: {operationId: getItem, responses: {200: {description: ok}}}\n",
	Good:   "paths:\n  /items/{id}:\n    get: {operationId: getItem, responses: {200: {description: ok}}}\n",
	Source: "Cloud Endpoints and API Gateway docs, OpenAPI feature limitations (URL path templating); esp-v2 uri_template_parser.go",
	Check: func(p *lint.Pass) {
		pathsEach(p.Doc, func(k, _ *yaml.Node, ptr string) {
			if t := pathsParse(k.Value); t.Kind == pathsPartial {
				p.ReportKey(ptr, "path %q: template variables must be whole segments: %s; ESPv2 rejects it (invalid uri template %s)", k.Value, t.Problem, k.Value)
			}
		})
	},
}

// PathTrailingSlash is P2.
var PathTrailingSlash = &lint.Rule{
	ID:       "path-trailing-slash",
	Ref:      "P2",
	Category: lint.CategoryPaths,
	Severity: lint.Error,
	Doc:      "Checks that no path other than / ends with a slash.",
	Details: `The Cloud Endpoints known-issues page says paths with a trailing slash are rejected by gcloud
endpoints services deploy; Google's path-template grammar has no empty segment, so ESPv2 would not
accept the template either. Remove the slash (requests to /items/ are then not matched: clients must
call /items). Same verdict for every target.`,
	Bad:    "paths:\n  /items/:\n    get: {operationId: listItems, responses: {200: {description: ok}}}\n",
	Good:   "paths:\n  /items:\n    get: {operationId: listItems, responses: {200: {description: ok}}}\n",
	Source: "Cloud Endpoints docs, Known issues; openreferral/api-specification PR #18",
	Check: func(p *lint.Pass) {
		pathsEach(p.Doc, func(k, _ *yaml.Node, ptr string) {
			if k.Value != "/" && strings.HasSuffix(k.Value, "/") {
				p.ReportKey(ptr, "path %q ends with a slash, which gcloud endpoints services deploy rejects; write %q", k.Value, strings.TrimRight(k.Value, "/"))
			}
		})
	},
}

// PathRoot is P3.
var PathRoot = &lint.Rule{
	ID:       "path-root",
	Ref:      "P3",
	Category: lint.CategoryPaths,
	Severity: lint.Warning,
	Doc:      "Checks for operations on the root path /, which ESP v1 does not serve and which break under a basePath.",
	Details: `Service Management accepts operations on /, and ESPv2 special-cases the template "/". ESP v1 does not:
requests fail with "Invalid HTTP template: /" (cloudendpoints/esp #569), so target endpoints-esp
gets a warning. With a basePath other than /, the generated template is basePath + "/" (for example
/v1/), which ends with a slash that Google's path-template grammar has no segment for; corsgate warns
for every target then (UNVERIFIED: whether Service Management normalises it). Targets
endpoints-espv2 and api-gateway without a basePath: not reported.`,
	Bad:    "# target endpoints-esp\npaths:\n  /:\n    get: {operationId: root, responses: {200: {description: ok}}}\n",
	Good:   "paths:\n  /status:\n    get: {operationId: status, responses: {200: {description: ok}}}\n",
	Source: "Cloud Endpoints docs, OpenAPI feature limitations (older text); cloudendpoints/esp #569",
	Check: func(p *lint.Pass) {
		k, item := spec.MapGet(spec.Get(p.Doc.Root, "paths"), "/")
		if k == nil || !pathsHasOperation(item) {
			return
		}
		ptr := spec.Pointer("paths", "/")
		if bp := spec.Deref(spec.Get(p.Doc.Root, "basePath")); spec.IsString(bp) && bp.Value != "" && bp.Value != "/" {
			p.ReportKey(ptr, "operations on / under basePath %q become the template %q, which ends with a slash that Google's path templates cannot express; move them to a named path such as /status", bp.Value, strings.TrimRight(bp.Value, "/")+"/")
			return
		}
		if p.Target == lint.TargetESP {
			p.ReportKey(ptr, "ESP v1 rejects requests to operations on / (\"Invalid HTTP template: /\"); move them to a named path such as /status, or deploy with ESPv2")
		}
	},
}

// pathsHasOperation reports whether a path item holds at least one operation.
func pathsHasOperation(item *yaml.Node) bool {
	found := false
	spec.Pairs(item, func(k, _ *yaml.Node) {
		if spec.IsMethod(k.Value) {
			found = true
		}
	})
	return found
}

// PathTemplateSyntax is P4.
var PathTemplateSyntax = &lint.Rule{
	ID:       "path-template-syntax",
	Ref:      "P4",
	Category: lint.CategoryPaths,
	Severity: lint.Error,
	Doc:      "Checks that every path is a valid Google path template: literal segments, *, **, {var} and {var=pattern}, with only literals after **.",
	Details: `ESPv2 parses the path of every HTTP rule with Google's path-template grammar (the grammar of ESP's
path matcher too) and fails at start-up with "invalid uri template %s" when one does not parse: empty segments (//), * or ** mixed
with text, nested or unbalanced braces, a : (custom verb) that is not in the last segment, and any
* , ** or variable after a **. AWS API Gateway's greedy {proxy+} is not Google syntax: the + is read
as part of the variable name and the variable matches a single segment, so /api/{proxy+} never
matches /api/a/b; write {proxy=**}. Mid-segment variables and trailing slashes have their own rules
(path-variable-segment, path-trailing-slash). Same verdict for every target.`,
	Bad:    "paths:\n  /api/{proxy+}:\n    get: {operationId: proxy, responses: {200: {description: ok}}}\n",
	Good:   "paths:\n  /api/{proxy=**}:\n    get: {operationId: proxy, responses: {200: {description: ok}}}\n",
	Source: "esp-v2 src/go/util/httppattern/uri_template_parser.go (invalid uri template); esp-v2 PR #262",
	Check: func(p *lint.Pass) {
		pathsEach(p.Doc, func(k, _ *yaml.Node, ptr string) {
			t := pathsParse(k.Value)
			switch t.Kind {
			case pathsGreedyPlus:
				fixed := pathsFixGreedy(k.Value)
				p.ReportKey(ptr, "path %q: %s: Google path templates have no greedy + modifier, so this variable matches one segment only; write %q to match the rest of the path", k.Value, t.Problem, fixed)
			case pathsGrammar:
				p.ReportKey(ptr, "invalid uri template %s: %s (ESPv2 refuses to start with this path)", k.Value, t.Problem)
			}
		})
	},
}

// pathsFixGreedy rewrites {name+} as {name=**}.
func pathsFixGreedy(path string) string {
	var b strings.Builder
	for {
		i := strings.Index(path, "+}")
		if i < 0 {
			b.WriteString(path)
			return b.String()
		}
		b.WriteString(path[:i])
		b.WriteString("=**}")
		path = path[i+2:]
	}
}

// PathParamsMatch is P5.
var PathParamsMatch = &lint.Rule{
	ID:       "path-params-match",
	Heavy:    true,
	Ref:      "P5",
	Category: lint.CategoryPaths,
	Severity: lint.Error,
	Doc:      "Checks that every path template variable has an in: path parameter and every in: path parameter appears in the template.",
	Details: `Swagger 2.0 requires both directions. Parameters count from the operation and from its path item,
following $ref to the root parameters section. Service Management renames each template variable
after its parameter (shelfId becomes shelf_id in the generated HTTP rule); a variable without a
parameter is left as written and is not passed to the request message, and a path parameter that is
not in the template can never be set. Same verdict for every target.`,
	Bad:    "paths:\n  /shelves/{shelfId}:\n    get:\n      operationId: getShelf\n      parameters:\n      - {name: shelf, in: path, required: true, type: string}\n",
	Good:   "paths:\n  /shelves/{shelfId}:\n    get:\n      operationId: getShelf\n      parameters:\n      - {name: shelfId, in: path, required: true, type: string}\n",
	Source: "Swagger 2.0 specification (Path Templating, parameter in: path); api-compiler HttpRuleGenerator",
	Check: func(p *lint.Pass) {
		reported := map[*yaml.Node]bool{} // path-item parameters are reported once
		var buf []opsParam
		root := newTypesLookup(p.Doc, "parameters")
		for _, op := range p.Doc.Operations() {
			if !strings.HasPrefix(op.Path, "/") || !spec.IsMap(op.Node) {
				continue
			}
			t := pathsParse(op.Path)
			params := opsParams(root, op, buf)
			buf = params
			for _, v := range t.Vars {
				name := v.Name
				if i := strings.IndexByte(name, '.'); i >= 0 {
					name = name[:i] // {book.name}: the parameter is book
				}
				found := false
				for _, prm := range params {
					if prm.In == "path" && (prm.Name == name || prm.Name == v.Name) {
						found = true
						break
					}
				}
				if !found {
					p.ReportNode(lint.Error, op.Key, op.Ptr, "Operation '%s' in path '%s': the template variable %s has no 'in: path' parameter named %q; add - {name: %s, in: path, required: true, type: string}", op.Method, op.Path, v.Raw, v.Name, v.Name)
				}
			}
			for _, prm := range params {
				if prm.In != "path" {
					continue
				}
				found := false
				for _, v := range t.Vars {
					if v.Name == prm.Name || strings.HasPrefix(v.Name, prm.Name+".") {
						found = true
						break
					}
				}
				if found || reported[prm.Entry] {
					continue
				}
				reported[prm.Entry] = true
				p.Report(prm.NamePtr(op), "path parameter %q is not in the path template '%s' (Operation '%s'); rename it to match a {variable} or change in: to query", prm.Name, op.Path, op.Method)
			}
		}
	},
}

// BasePathTrailingSlash is P6.
var BasePathTrailingSlash = &lint.Rule{
	ID:       "base-path-trailing-slash",
	Ref:      "P6",
	Category: lint.CategoryPaths,
	Severity: lint.Warning,
	Doc:      "Checks that basePath does not end with a slash (other than basePath: /).",
	Details: `Service Management prefixes basePath to every path to build the HTTP rules (api-compiler
HttpRuleGenerator: basePath + path), so basePath: /v1/ with path /items gives /v1//items, an empty
segment that Google's path templates cannot express, and requests to /v1/items do not match it.
Same verdict for every target.`,
	Bad:    "basePath: /v1/\n",
	Good:   "basePath: /v1\n",
	Source: "inferred from api-compiler HttpRuleGenerator and esp-v2 uri_template_parser.go",
	Check: func(p *lint.Pass) {
		v := spec.Deref(spec.Get(p.Doc.Root, "basePath"))
		if !spec.IsString(v) || v.Value == "/" || !strings.HasSuffix(v.Value, "/") || !strings.HasPrefix(v.Value, "/") {
			return
		}
		p.Report("/basePath", "basePath %q ends with a slash: Service Management prefixes it to every path, giving %q; write basePath: %s", v.Value, v.Value+"/items", strings.TrimRight(v.Value, "/"))
	},
}

// PathCaseConflict is P7.
var PathCaseConflict = &lint.Rule{
	ID:       "path-case-conflict",
	Ref:      "P7",
	Category: lint.CategoryPaths,
	Severity: lint.Warning,
	Doc:      "Checks that, with x-google-allow: all, no two paths differ only in letter case.",
	Details: `ESP and ESPv2 match paths case-sensitively. With x-google-allow: all every unmatched request goes to
the generated catch-all methods on /**, which carry no security, so a request to /Widgets bypasses
the API key or JWT checks defined for /widgets. Two paths that differ only in case suggest the API
expects case-insensitive routing that the proxy does not do; the backend should reject (or the spec
should not rely on) case variants. Same verdict for every target.`,
	Bad:    "x-google-allow: all\npaths:\n  /widgets: {get: {operationId: list, security: [{api_key: []}], responses: {200: {description: ok}}}}\n  /Widgets: {get: {operationId: listUpper, responses: {200: {description: ok}}}}\n",
	Good:   "x-google-allow: all\npaths:\n  /widgets: {get: {operationId: list, security: [{api_key: []}], responses: {200: {description: ok}}}}\n",
	Source: "Cloud Endpoints docs, OpenAPI extensions (x-google-allow)",
	Check: func(p *lint.Pass) {
		if !allowAll(p.Doc) {
			return
		}
		first := map[string]string{}
		pathsEach(p.Doc, func(k, _ *yaml.Node, ptr string) {
			low := strings.ToLower(k.Value)
			if f, ok := first[low]; ok && f != k.Value {
				p.ReportKey(ptr, "path %q differs from %q only in letter case: paths are matched case-sensitively, and with x-google-allow: all other case variants reach the backend through the catch-all methods on /**, without security", k.Value, f)
				return
			}
			first[low] = k.Value
		})
	},
}

func init() {
	for _, r := range []*lint.Rule{PathVariableSegment, PathTrailingSlash, PathRoot, PathTemplateSyntax, PathParamsMatch, BasePathTrailingSlash, PathCaseConflict} {
		register(r)
	}
}
