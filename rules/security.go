package rules

import (
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"weak"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// The security family (reference endpoints-rules.md §1.4 and §2.6, S1–S10).
//
// How Service Management reads security (api-compiler AuthBuilder and
// AuthRuleGenerator): every oauth2 definition becomes an AuthProvider whose id
// is the definition name; apiKey definitions decide whether a method requires
// an API key; an operation's own security list replaces the root one, and an
// API key is required only when EVERY alternative of that list names an apiKey
// definition. Google's documented idioms are never reported here:
// authorizationUrl: "" with flow: implicit, and oauth2 without scopes.

// secDefs indexes securityDefinitions by name.
type secDefs map[string]*yaml.Node

func secDefinitions(doc *spec.Document) secDefs {
	defs := secDefs{}
	spec.Pairs(spec.Get(doc.Root, "securityDefinitions"), func(k, v *yaml.Node) {
		if _, dup := defs[k.Value]; !dup {
			defs[k.Value] = v
		}
	})
	return defs
}

// typ returns the definition's type as written ("" when missing or not a string).
func (d secDefs) typ(name string) string {
	t := spec.Deref(spec.Get(d[name], "type"))
	if !spec.IsString(t) {
		return ""
	}
	return t.Value
}

// isAPIKey mirrors api-compiler, which compares type case-insensitively.
func (d secDefs) isAPIKey(name string) bool { return strings.EqualFold(d.typ(name), "apiKey") }
func (d secDefs) isOAuth2(name string) bool { return strings.EqualFold(d.typ(name), "oauth2") }

// secList is one security list (root or operation) as written.
type secList struct {
	node *yaml.Node      // the sequence
	op   *spec.Operation // nil for the root list
}

// path returns the list's JSON pointer (built only when reporting).
func (l secList) path() string {
	if l.op == nil {
		return "/security"
	}
	return spec.Append(l.op.Ptr, "security")
}

var secListsCache secDocCache[[]secList]

// secLists returns the root security list and every operation's own list
// (inherited root lists are not repeated), computed once per document.
func secLists(doc *spec.Document, ops []spec.Operation) []secList {
	return secListsCache.get(doc, func() []secList {
		var out []secList
		if v := spec.Deref(spec.Get(doc.Root, "security")); spec.IsSeq(v) {
			out = append(out, secList{node: v})
		}
		exts := secExts(doc)
		for i := range ops {
			if v := exts[i].sec; exts[i].secK != nil && spec.IsSeq(v) {
				out = append(out, secList{node: v, op: &ops[i]})
			}
		}
		return out
	})
}

// secScope resolves which security list applies to an operation. Build it
// once per check (secRootScope) so the top-level list is looked up once.
type secScope struct {
	root    *yaml.Node
	hasRoot bool
}

func secRootScope(doc *spec.Document) secScope {
	k, v := spec.MapGet(doc.Root, "security")
	return secScope{root: spec.Deref(v), hasRoot: k != nil}
}

// effective returns the security list that applies to an operation (given
// its secExt): its own, else the top-level one; nil when neither exists (no
// requirement). fromRoot tells which.
func (s secScope) effective(e *secExt) (list *yaml.Node, fromRoot bool) {
	if e.secK != nil {
		return e.sec, false
	}
	return s.root, s.hasRoot
}

// secRequiresAPIKey mirrors api-compiler AuthBuilder.isApiKeyRequired: true
// only when the list is non-empty and every requirement object names an
// apiKey definition.
func secRequiresAPIKey(list *yaml.Node, defs secDefs) bool {
	if !spec.IsSeq(list) || len(list.Content) == 0 {
		return false
	}
	for _, req := range list.Content {
		req = spec.Deref(req)
		if req == nil || req.Kind != yaml.MappingNode {
			return false
		}
		found := false
		for j := 0; j+1 < len(req.Content) && !found; j += 2 {
			found = defs.isAPIKey(req.Content[j].Value)
		}
		if !found {
			return false
		}
	}
	return true
}

// secNames returns the scheme names of one requirement object, in order.
func secNames(req *yaml.Node) []string {
	var names []string
	spec.Pairs(req, func(k, _ *yaml.Node) { names = append(names, k.Value) })
	return names
}

func secWhere(l secList) string {
	if l.op == nil {
		return "the top-level security"
	}
	return "Operation '" + l.op.Method + "' in path '" + l.op.Path + "'"
}

// SecurityAPIKeyOr is S1.
var SecurityAPIKeyOr = &lint.Rule{
	ID:       "security-apikey-or",
	Ref:      "S1",
	Category: lint.CategorySecurity,
	Severity: lint.Error,
	Doc:      "Checks that an API key requirement is not OR-ed with an alternative that has no API key.",
	Details: `Cloud Endpoints and API Gateway document OR-ing an API key with another requirement as unsupported.
Service Management does not reject it: it marks the method "API key not required" as soon as one
alternative lacks an API key, so the key is silently not enforced for anyone. To require both, put them
in one requirement object (API key AND a JWT is supported); to require only the JWT, drop the key.`,
	Bad:    "security:\n- api_key: []\n- google_jwt: []\n",
	Good:   "security:\n- api_key: []\n  google_jwt: []\n",
	Source: "Cloud Endpoints / API Gateway OpenAPI feature limitations; api-compiler AuthBuilder.isApiKeyRequired",
	Check: func(p *lint.Pass) {
		defs := secDefinitions(p.Doc)
		if len(defs) == 0 {
			return
		}
		for _, l := range secLists(p.Doc, secOperations(p.Doc)) {
			if len(l.node.Content) < 2 {
				continue
			}
			keyIdx, without := -1, ""
			for i, req := range l.node.Content {
				names := secNames(req)
				hasKey := false
				for _, n := range names {
					if defs.isAPIKey(n) {
						hasKey = true
					}
				}
				switch {
				case hasKey && keyIdx < 0:
					keyIdx = i
				case !hasKey && len(names) > 0 && without == "":
					without = strings.Join(names, "+") // {} is security-empty-requirement's case
				}
			}
			if keyIdx < 0 || without == "" {
				continue
			}
			p.Report(spec.Append(l.path(), strconv.Itoa(keyIdx)), "%s: the API key requirement %s is OR-ed with %q, which has no API key. Service Management then treats the API key as not required (callers who send only %s bypass it), and OR with an API key is documented as unsupported; put the schemes in one requirement object (API key AND the other) or remove the API key alternative",
				secWhere(l), quoteList(secNames(l.node.Content[keyIdx])), without, without)
		}
	},
}

// SecurityOAuth2And is S2.
var SecurityOAuth2And = &lint.Rule{
	ID:       "security-oauth2-and",
	Ref:      "S2",
	Category: lint.CategorySecurity,
	Severity: lint.Error,
	Doc:      "Checks that no security requirement object ANDs two oauth2 schemes.",
	Details: `Service Management accepts only OR between JWT providers (separate list items) and rejects a
requirement object naming two oauth2 definitions. AND of an API key with one oauth2 scheme is supported.`,
	Bad:    "security:\n- firebase: []\n  google_id_token: []\n",
	Good:   "security:\n- firebase: []\n- google_id_token: []\n",
	Source: "api-compiler AuthRequirementValidator.reportLogicallyAndedSchemaError; API Gateway OpenAPI limitations",
	Check: func(p *lint.Pass) {
		defs := secDefinitions(p.Doc)
		for _, l := range secLists(p.Doc, secOperations(p.Doc)) {
			for i, req := range l.node.Content {
				var oauth []string
				for _, n := range secNames(req) {
					if defs.isOAuth2(n) {
						oauth = append(oauth, n)
					}
				}
				if len(oauth) < 2 {
					continue
				}
				p.ReportKey(spec.Append(l.path(), strconv.Itoa(i), oauth[1]), "%s: security section contains multiple security definitions '%s' within the scope (Security Requirement Object) that get logically ANDed (both requirements need to be satisfied to allow the request). We only support allowing logical OR between security definitions. Therefore, please write requirements in different objects inside the array (which would mean logical OR, that is, any of the requirement should be sufficient to allow the request.)",
					secWhere(l), strings.Join(oauth, ","))
			}
		}
	},
}

// SecurityUndefined is S4. Its verdict depends on the target.
var SecurityUndefined = &lint.Rule{
	ID:       "security-undefined",
	Ref:      "S4",
	Category: lint.CategorySecurity,
	Severity: lint.Error,
	Doc:      "Checks that every scheme named in a security requirement is defined in securityDefinitions.",
	Details: `Target api-gateway: API Gateway rejects the config. Targets endpoints-espv2 and endpoints-esp:
Service Management and the proxies do not check the name; the requirement is dropped, so the operation
may accept unauthenticated traffic. corsgate reports an error on every target: a deploy failure on API
Gateway, a silent security hole on Endpoints, and the latter is the worse of the two.`,
	Bad:    "securityDefinitions:\n  api_key: {type: apiKey, name: key, in: query}\nsecurity:\n- apikey: []\n",
	Good:   "securityDefinitions:\n  api_key: {type: apiKey, name: key, in: query}\nsecurity:\n- api_key: []\n",
	Source: "Cloud Endpoints OpenAPI feature limitations (Security definition validation); API Gateway OpenAPI 2.0 limitations",
	Check: func(p *lint.Pass) {
		defs := secDefinitions(p.Doc)
		names := make([]string, 0, len(defs))
		for n := range defs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, l := range secLists(p.Doc, secOperations(p.Doc)) {
			for i, req := range l.node.Content {
				spec.Pairs(req, func(k, _ *yaml.Node) {
					if _, ok := defs[k.Value]; ok {
						return
					}
					hint := ""
					if s := lint.Suggest(k.Value, names); s != "" {
						hint = " (did you mean " + strconv.Quote(s) + "?)"
					} else if len(names) == 0 {
						hint = " (the spec has no securityDefinitions)"
					}
					ptr := spec.Append(l.path(), strconv.Itoa(i), k.Value)
					if p.Target == lint.TargetAPIGateway {
						p.ReportKey(ptr, "%s: security scheme %q is not defined in securityDefinitions%s; API Gateway rejects the API config", secWhere(l), k.Value, hint)
						return
					}
					p.ReportKey(ptr, "%s: security scheme %q is not defined in securityDefinitions%s; Service Management and ESP/ESPv2 do not check this and drop the requirement, so the operation may accept unauthenticated calls", secWhere(l), k.Value, hint)
				})
			}
		}
	},
}

// SecuritySchemeUnsupported is S6.
var SecuritySchemeUnsupported = &lint.Rule{
	ID:       "security-scheme-unsupported",
	Ref:      "S6",
	Category: lint.CategorySecurity,
	Severity: lint.Warning,
	Doc:      "Checks that security definitions use a type Google supports: apiKey or oauth2 (with x-google-issuer), not basic.",
	Details: `Service Management ignores type: basic with a warning, so operations that name it get no
authentication at all. A missing type or one outside the Swagger 2.0 enum (basic, apiKey, oauth2) fails
schema validation: error.`,
	Bad:    "securityDefinitions:\n  basic_auth:\n    type: basic\n",
	Good:   "securityDefinitions:\n  api_key:\n    type: apiKey\n    name: key\n    in: query\n",
	Source: "api-compiler AuthBuilder.addAuthProvider; Swagger 2.0 schema (securityDefinitions)",
	Check: func(p *lint.Pass) {
		spec.Pairs(spec.Get(p.Doc.Root, "securityDefinitions"), func(k, v *yaml.Node) {
			ptr := spec.Pointer("securityDefinitions", k.Value)
			if !spec.IsMap(v) {
				p.ReportSeverity(lint.Error, ptr, "security definition %q must be an object with a type, not %s", k.Value, spec.TypeName(v))
				return
			}
			tk, t := spec.MapGet(v, "type")
			t = spec.Deref(t)
			switch {
			case tk == nil:
				p.ReportKeySeverity(lint.Error, ptr, "security definition %q has no type; write type: apiKey or type: oauth2 (with x-google-issuer)", k.Value)
			case !spec.IsString(t):
				p.ReportSeverity(lint.Error, spec.Append(ptr, "type"), "security definition %q: type must be a string (apiKey or oauth2), not %s", k.Value, describe(t))
			case t.Value == "basic":
				p.Report(spec.Append(ptr, "type"), "Security Schema '%s' is not supported. Only support schema are OAuth2 (and apiKey); Service Management ignores it, so operations that require it are not authenticated", k.Value)
			case t.Value == "apiKey" || t.Value == "oauth2":
			default:
				p.ReportSeverity(lint.Error, spec.Append(ptr, "type"), "security definition %q: type %q is not one of the Swagger 2.0 types basic, apiKey and oauth2 (case matters)", k.Value, t.Value)
			}
		})
	},
}

// secAPIKeyLocations are where ESPv2 reads an API key by default (esp-v2
// src/go/util/util.go / service_control config_parser; ESP v1 reads the same).
func secAPIKeyDefault(in, name string) bool {
	switch in {
	case "query":
		return name == "key" || name == "api_key"
	case "header":
		return strings.EqualFold(name, "x-api-key")
	}
	return false
}

// SecurityAPIKeyLocation is S7.
var SecurityAPIKeyLocation = &lint.Rule{
	ID:       "security-apikey-location",
	Ref:      "S7",
	Category: lint.CategorySecurity,
	Severity: lint.Warning,
	Doc:      "Checks that apiKey definitions use a location the proxy reads: query key, query api_key or header x-api-key.",
	Details: `ESPv2 (and ESP) look for an API key in the query parameters key and api_key and in the header
x-api-key. The open-source api-compiler ignored other apiKey definitions with the warning "apiKey '%s'
is ignored. Only apiKey with 'name' as 'key' and 'in' as 'query' are supported"; whether today's Service
Management maps other names is not verified, so corsgate warns: callers sending the key elsewhere may be
rejected, or the key not checked.`,
	Bad:    "securityDefinitions:\n  api_key: {type: apiKey, name: X-Goog-Key, in: header}\n",
	Good:   "securityDefinitions:\n  api_key: {type: apiKey, name: x-api-key, in: header}\n",
	Source: "api-compiler AuthBuilder.isValidApiKeyDefinition; esp-v2 service_control config (default API key locations)",
	Check: func(p *lint.Pass) {
		spec.Pairs(spec.Get(p.Doc.Root, "securityDefinitions"), func(k, v *yaml.Node) {
			t := spec.Deref(spec.Get(v, "type"))
			if !spec.IsString(t) || !strings.EqualFold(t.Value, "apiKey") {
				return
			}
			ptr := spec.Pointer("securityDefinitions", k.Value)
			in, name := spec.Deref(spec.Get(v, "in")), spec.Deref(spec.Get(v, "name"))
			if !spec.IsString(in) || !spec.IsString(name) {
				p.ReportKey(ptr, "apiKey definition %q needs string name and in (query or header); ESPv2 reads the key from query key, query api_key or header x-api-key", k.Value)
				return
			}
			if secAPIKeyDefault(in.Value, name.Value) {
				return
			}
			p.Report(spec.Append(ptr, "name"), "apiKey '%s' (in: %s) is not a location ESP/ESPv2 read API keys from (query key, query api_key, header x-api-key); the historical converter said \"apiKey '%s' is ignored. Only apiKey with 'name' as 'key' and 'in' as 'query' are supported\"; use name: key, in: query (or name: x-api-key, in: header)",
				name.Value, in.Value, name.Value)
		})
	},
}

// SecurityNoAPIKey is S8.
var SecurityNoAPIKey = &lint.Rule{
	ID:       "security-no-apikey",
	Ref:      "S8",
	Category: lint.CategorySecurity,
	Severity: lint.Info,
	Doc:      "Reports operations that do not require an API key, as gcloud's deploy warning does.",
	Details: `Service Management prints this warning for every such operation on deploy. It is often intended
(public or JWT-only methods); it matters when you rely on API keys for quota, analytics or to identify the
consumer project. Turn the rule off in .corsgate.yaml (security-no-apikey: off) if your API is
intentionally keyless.`,
	Bad:    "paths:\n  /echo:\n    post:\n      operationId: echo\n      responses: {200: {description: ok}}\n",
	Good:   "paths:\n  /echo:\n    post:\n      operationId: echo\n      security:\n      - api_key: []\n      responses: {200: {description: ok}}\n",
	Source: "api-compiler AuthBuilder.createUsageRulePerMethod (gcloud endpoints services deploy warning)",
	Check: func(p *lint.Pass) {
		defs := secDefinitions(p.Doc)
		scope := secRootScope(p.Doc)
		ops, exts := secOperations(p.Doc), secExts(p.Doc)
		for i := range ops {
			op := &ops[i]
			if op.Path == "/**" {
				continue // api-compiler skips the wildcard path
			}
			list, _ := scope.effective(&exts[i])
			if secRequiresAPIKey(list, defs) {
				continue
			}
			p.ReportNode(lint.Info, op.Key, op.Ptr, "Operation '%s' in path '%s': Operation does not require an API key; callers may invoke the method without specifying an associated API-consuming project. To enable API key all the SecurityRequirement Objects inside security definition must reference at least one SecurityDefinition of type : 'apiKey'.", op.Method, op.Path)
		}
	},
}

// SecurityEmptyRequirement is S9.
var SecurityEmptyRequirement = &lint.Rule{
	ID:       "security-empty-requirement",
	Ref:      "S9",
	Category: lint.CategorySecurity,
	Severity: lint.Warning,
	Doc:      "Checks for an empty requirement {} OR-ed with other requirements, which makes them optional.",
	Details: `An empty requirement object means "no authentication". Next to an API key it makes the key
optional (and Service Management stops requiring it for everyone); next to an oauth2 scheme it is
documented as unsupported by API Gateway. To make an operation public, write security: [] instead.`,
	Bad:    "security:\n- api_key: []\n- {}\n",
	Good:   "security:\n- api_key: []\n",
	Source: "API Gateway OpenAPI 2.0 limitations; api-compiler AuthBuilder.isApiKeyRequired",
	Check: func(p *lint.Pass) {
		defs := secDefinitions(p.Doc)
		for _, l := range secLists(p.Doc, secOperations(p.Doc)) {
			if len(l.node.Content) < 2 {
				continue
			}
			var others []string
			empty := -1
			oauth := false
			for i, req := range l.node.Content {
				names := secNames(req)
				if len(names) == 0 && spec.IsMap(req) {
					if empty < 0 {
						empty = i
					}
					continue
				}
				for _, n := range names {
					if defs.isOAuth2(n) {
						oauth = true
					}
				}
				others = append(others, names...)
			}
			if empty < 0 || len(others) == 0 {
				continue
			}
			why := "it makes the API key optional: Service Management then does not require a key from anyone"
			if oauth {
				why = "an optional JWT (empty requirement OR-ed with oauth2) is not supported by API Gateway, and ESPv2 then accepts calls without a token"
			}
			p.Report(spec.Append(l.path(), strconv.Itoa(empty)), "%s: the empty requirement {} is OR-ed with %s; %s. Write security: [] to make the operation public, or drop {}", secWhere(l), quoteList(others), why)
		}
	},
}

// SecurityIssuer checks oauth2 definitions for x-google-issuer (S10 family).
var SecurityIssuer = &lint.Rule{
	ID:       "security-issuer-missing",
	Ref:      "S10",
	Category: lint.CategorySecurity,
	Severity: lint.Error,
	Doc:      "Checks that every oauth2 security definition has x-google-issuer.",
	Details: `Each oauth2 definition becomes a JWT provider whose issuer comes from x-google-issuer (legacy
x-issuer). Without it tokens cannot be matched to the provider, and ESPv2 cannot find the signing keys by
OpenID Connect discovery when x-google-jwks_uri is also missing. Error when an operation or the top-level
security uses the definition; warning when it is unused. authorizationUrl: "" and flow: implicit are
Google's documented idiom and are not reported.`,
	Bad:    "securityDefinitions:\n  firebase:\n    type: oauth2\n    authorizationUrl: \"\"\n    flow: implicit\n",
	Good:   "securityDefinitions:\n  firebase:\n    type: oauth2\n    authorizationUrl: \"\"\n    flow: implicit\n    x-google-issuer: https://securetoken.google.com/my-project\n",
	Source: "api-compiler AuthBuilder.addAuthProvider; Cloud Endpoints docs, OpenAPI extensions (x-google-issuer)",
	Check: func(p *lint.Pass) {
		var used map[string]bool
		spec.Pairs(spec.Get(p.Doc.Root, "securityDefinitions"), func(k, v *yaml.Node) {
			t := spec.Deref(spec.Get(v, "type"))
			if !spec.IsString(t) || !strings.EqualFold(t.Value, "oauth2") {
				return
			}
			if spec.Get(v, "x-google-issuer") != nil || spec.Get(v, "x-issuer") != nil {
				return
			}
			if used == nil {
				used = secUsedNames(p.Doc)
			}
			sev, tail := lint.Error, "JWTs for operations that require it cannot be validated"
			if !used[k.Value] {
				sev, tail = lint.Warning, "no operation uses it yet, but it is still turned into a JWT provider"
			}
			p.ReportKeySeverity(sev, spec.Pointer("securityDefinitions", k.Value), "oauth2 security definition %q has no x-google-issuer (the JWT iss value, e.g. https://securetoken.google.com/PROJECT_ID or a service account email); %s", k.Value, tail)
		})
	},
}

// secUsedNames returns every scheme name used in any security list.
func secUsedNames(doc *spec.Document) map[string]bool {
	used := map[string]bool{}
	for _, l := range secLists(doc, secOperations(doc)) {
		for _, req := range l.node.Content {
			spec.Pairs(req, func(k, _ *yaml.Node) { used[k.Value] = true })
		}
	}
	return used
}

// secStringExtensions are the scalar auth extensions api-compiler reads with
// getExtensionValue(String.class).
var secStringExtensions = []string{"x-google-issuer", "x-google-jwks_uri", "x-google-audiences", "x-issuer", "x-jwks_uri"}

// SecurityExtensionType is S10 (x-google-audiences and friends are strings).
var SecurityExtensionType = &lint.Rule{
	ID:       "security-extension-type",
	Ref:      "S10",
	Category: lint.CategorySecurity,
	Severity: lint.Error,
	Doc:      "Checks that x-google-issuer, x-google-jwks_uri and x-google-audiences are strings (several audiences are one comma-separated string, not a list).",
	Details: `Service Management reads these extensions as Java strings and fails with "Extension %s has invalid
type. Valid type is java.lang.String" for a YAML list or a number.`,
	Bad:    "x-google-audiences:\n- aud1\n- aud2\n",
	Good:   "x-google-audiences: \"aud1,aud2\"\n",
	Source: "api-compiler VendorExtensionUtils.getExtensionValue; Cloud Endpoints docs, OpenAPI extensions",
	Check: func(p *lint.Pass) {
		spec.Pairs(spec.Get(p.Doc.Root, "securityDefinitions"), func(k, v *yaml.Node) {
			for _, ext := range secStringExtensions {
				_, ev := spec.MapGet(v, ext)
				if ev == nil || spec.IsString(ev) {
					continue
				}
				fix := ""
				if ext == "x-google-audiences" && spec.IsSeq(ev) {
					var auds []string
					for _, a := range spec.Deref(ev).Content {
						if a.Kind == yaml.ScalarNode {
							auds = append(auds, a.Value)
						}
					}
					fix = "; write the audiences as one comma-separated string: x-google-audiences: " + strconv.Quote(strings.Join(auds, ","))
				}
				report := p.Report
				if spec.Deref(ev).Kind != yaml.ScalarNode {
					report = p.ReportKey // a block list starts on the next line
				}
				report(spec.Pointer("securityDefinitions", k.Value, ext), "Extension %s has invalid type. Valid type is java.lang.String (found %s)%s", ext, spec.TypeName(ev), fix)
			}
		})
	},
}

// SecurityJWTLocations is S10 (x-google-jwt-locations item shape).
var SecurityJWTLocations = &lint.Rule{
	ID:       "security-jwt-locations",
	Ref:      "S10",
	Category: lint.CategorySecurity,
	Severity: lint.Error,
	Doc:      "Checks that x-google-jwt-locations is a list whose items set exactly one of header or query, with value_prefix only on header.",
	Details: `Each item is a google.api.JwtLocation: a oneof of header, query (and cookie, which ESPv2 ignores:
warning) plus value_prefix. ESPv2 refuses to start on value_prefix with query ("JwtLocation type [Query]
should be set without valuePrefix, but it was set to [%s]"). valuePrefix is accepted as the proto-JSON
spelling of value_prefix.`,
	Bad:    "x-google-jwt-locations:\n- query: access_token\n  value_prefix: \"Bearer \"\n",
	Good:   "x-google-jwt-locations:\n- header: Authorization\n  value_prefix: \"Bearer \"\n- query: access_token\n",
	Source: "esp-v2 src/go/configgenerator/filtergen (jwt_authn); google.api.JwtLocation proto",
	Check: func(p *lint.Pass) {
		spec.Pairs(spec.Get(p.Doc.Root, "securityDefinitions"), func(k, v *yaml.Node) {
			_, locs := spec.MapGet(v, "x-google-jwt-locations")
			if locs == nil {
				return
			}
			ptr := spec.Pointer("securityDefinitions", k.Value, "x-google-jwt-locations")
			if !spec.IsSeq(locs) {
				p.ReportKey(ptr, "Extension x-google-jwt-locations must be a list of {header: NAME, value_prefix: PREFIX} or {query: NAME} items, not %s", spec.TypeName(locs))
				return
			}
			for i, item := range spec.Deref(locs).Content {
				secCheckJWTLocation(p, spec.Deref(item), spec.Append(ptr, strconv.Itoa(i)))
			}
		})
	},
}

func secCheckJWTLocation(p *lint.Pass, item *yaml.Node, ptr string) {
	if !spec.IsMap(item) {
		p.Report(ptr, "x-google-jwt-locations item must be an object such as {header: Authorization, value_prefix: \"Bearer \"} or {query: access_token}, not %s", spec.TypeName(item))
		return
	}
	var kinds []string
	prefix := ""
	hasPrefix := false
	spec.Pairs(item, func(kk, vv *yaml.Node) {
		kp := spec.Append(ptr, kk.Value)
		switch kk.Value {
		case "header", "query", "cookie":
			kinds = append(kinds, kk.Value)
			if !spec.IsString(vv) || vv.Value == "" {
				p.Report(kp, "x-google-jwt-locations %s must be a non-empty string, not %s", kk.Value, describe(vv))
			}
			if kk.Value == "cookie" {
				p.ReportKeySeverity(lint.Warning, kp, "x-google-jwt-locations cookie is defined in google.api.JwtLocation but ESPv2 ignores it (it logs an unexpected type); send the token in a header or query parameter")
			}
		case "value_prefix", "valuePrefix":
			hasPrefix = true
			if spec.IsString(vv) {
				prefix = vv.Value
			} else {
				p.Report(kp, "x-google-jwt-locations %s must be a string such as \"Bearer \", not %s", kk.Value, describe(vv))
			}
		default:
			msg := "Extension x-google-jwt-locations cannot be converted into proto type google.api.JwtLocation. Details: Cannot find field: %s in message google.api.JwtLocation"
			if s := lint.Suggest(kk.Value, []string{"header", "query", "value_prefix"}); s != "" {
				p.ReportKey(kp, msg+" (did you mean %q?)", kk.Value, s)
			} else {
				p.ReportKey(kp, msg+"; valid keys are header, query and value_prefix", kk.Value)
			}
		}
	})
	switch {
	case len(kinds) == 0:
		p.Report(ptr, "x-google-jwt-locations item sets neither header nor query; set exactly one")
	case len(kinds) > 1:
		p.Report(spec.Append(ptr, kinds[1]), "x-google-jwt-locations item sets %s; header, query and cookie are one oneof, set exactly one per item (use two items for two locations)", strings.Join(kinds, " and "))
	case hasPrefix && kinds[0] == "query":
		ptrKey := "value_prefix"
		if spec.Get(item, ptrKey) == nil {
			ptrKey = "valuePrefix"
		}
		p.Report(spec.Append(ptr, ptrKey), "JwtLocation type [Query] should be set without valuePrefix, but it was set to [%s]; ESPv2 refuses to start. Remove value_prefix from the query location", prefix)
	}
}

// SecurityLegacyExtension reports x-issuer / x-jwks_uri.
var SecurityLegacyExtension = &lint.Rule{
	ID:       "security-legacy-extension",
	Ref:      "S10",
	Category: lint.CategorySecurity,
	Severity: lint.Warning,
	Doc:      "Checks for the deprecated x-issuer and x-jwks_uri spellings, and for both spellings on one definition.",
	Details: `Service Management still reads x-issuer and x-jwks_uri but warns that they are deprecated. When a
definition has both the legacy and the current name, the deploy fails ("multiple extension definitions …
for the same extension are used"): error.`,
	Bad:    "securityDefinitions:\n  jwt:\n    type: oauth2\n    x-issuer: https://issuer.example.com\n",
	Good:   "securityDefinitions:\n  jwt:\n    type: oauth2\n    x-google-issuer: https://issuer.example.com\n",
	Source: "api-compiler VendorExtensionUtils.usedExtension (ExtensionNames legacy issuer/jwks)",
	Check: func(p *lint.Pass) {
		spec.Pairs(spec.Get(p.Doc.Root, "securityDefinitions"), func(k, v *yaml.Node) {
			for _, pair := range [][2]string{{"x-issuer", "x-google-issuer"}, {"x-jwks_uri", "x-google-jwks_uri"}} {
				legacy, current := pair[0], pair[1]
				if spec.Get(v, legacy) == nil {
					continue
				}
				ptr := spec.Pointer("securityDefinitions", k.Value, legacy)
				if spec.Get(v, current) != nil {
					p.ReportKeySeverity(lint.Error, ptr, "OpenAPI spec is invalid since multiple extension definitions '%s,%s' for the same extension are used; keep only %s", legacy, current, current)
					continue
				}
				p.ReportKey(ptr, "Extension name %s has been deprecated, please rename it to %s.", legacy, current)
			}
		})
	},
}

// secRequirementOK reports whether req is a mapping of names to lists.
func secRequirementOK(req *yaml.Node) bool {
	if req == nil || req.Kind != yaml.MappingNode {
		return false
	}
	for i := 1; i < len(req.Content); i += 2 {
		if !spec.IsSeq(req.Content[i]) {
			return false
		}
	}
	return true
}

// secListOK reports whether v is a well-formed security list.
func secListOK(v *yaml.Node) bool {
	v = spec.Deref(v)
	if v == nil || v.Kind != yaml.SequenceNode {
		return false
	}
	for _, req := range v.Content {
		if !secRequirementOK(spec.Deref(req)) {
			return false
		}
	}
	return true
}

// SecurityRequirementShape checks the shape of security lists.
var SecurityRequirementShape = &lint.Rule{
	ID:       "security-requirement-shape",
	Category: lint.CategorySecurity,
	Severity: lint.Error,
	Doc:      "Checks that security (top level and per operation) is a list of requirement objects mapping scheme names to scope lists.",
	Details: `The Swagger 2.0 schema requires security to be an array of objects whose values are arrays of scopes
(empty for apiKey and for Google's JWT providers). A bare name such as "- api_key" or a mapping instead of
a list fails schema validation, and corsgate's other security rules cannot see the requirement.`,
	Bad:    "security:\n- api_key\n",
	Good:   "security:\n- api_key: []\n",
	Source: "Swagger 2.0 schema (security, securityRequirement)",
	Check: func(p *lint.Pass) {
		check := func(v *yaml.Node, ptr string) {
			v = spec.Deref(v)
			if !spec.IsSeq(v) {
				p.Report(ptr, "security must be a list of requirement objects such as [{api_key: []}], not %s", spec.TypeName(v))
				return
			}
			for i, req := range v.Content {
				req = spec.Deref(req)
				if secRequirementOK(req) {
					continue
				}
				ip := spec.Append(ptr, strconv.Itoa(i))
				if !spec.IsMap(req) {
					hint := ""
					if spec.IsString(req) {
						hint = "; write - " + req.Value + ": []"
					}
					p.Report(ip, "security requirement must be an object mapping scheme names to scope lists, not %s%s", describe(req), hint)
					continue
				}
				spec.Pairs(req, func(k, sv *yaml.Node) {
					if !spec.IsSeq(sv) {
						p.Report(spec.Append(ip, k.Value), "scopes of %q must be a list (write %s: [] for apiKey and JWT providers), not %s", k.Value, k.Value, describe(sv))
					}
				})
			}
		}
		if k, v := spec.MapGet(p.Doc.Root, "security"); k != nil {
			check(v, "/security")
		}
		ops, exts := secOperations(p.Doc), secExts(p.Doc)
		for i := range ops {
			if exts[i].secK != nil && !secListOK(exts[i].sec) {
				check(exts[i].sec, spec.Append(ops[i].Ptr, "security"))
			}
		}
	},
}

func init() {
	register(SecurityRequirementShape)
	for _, r := range []*lint.Rule{SecurityAPIKeyOr, SecurityOAuth2And, SecurityUndefined, SecuritySchemeUnsupported,
		SecurityAPIKeyLocation, SecurityNoAPIKey, SecurityEmptyRequirement, SecurityIssuer, SecurityExtensionType,
		SecurityJWTLocations, SecurityLegacyExtension} {
		register(r)
	}
}

// secDocCache shares per-document data (the operation list, the
// x-google-backend sites) between the rules of these families (security,
// backend, quota, CORS): building the operation list allocates a JSON pointer
// per operation, and a dozen rules each rebuilding it would dominate their
// cost on large specs. Entries are keyed by a weak pointer and dropped when
// the document is collected. Callers must not modify the cached values.
type secDocCache[T any] struct {
	mu sync.Mutex
	m  map[weak.Pointer[spec.Document]]T
}

func (c *secDocCache[T]) get(doc *spec.Document, build func() T) T {
	wp := weak.Make(doc)
	c.mu.Lock()
	v, ok := c.m[wp]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = build()
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[wp]; ok {
		return prev
	}
	if c.m == nil {
		c.m = map[weak.Pointer[spec.Document]]T{}
	}
	c.m[wp] = v
	runtime.AddCleanup(doc, func(wp weak.Pointer[spec.Document]) {
		c.mu.Lock()
		delete(c.m, wp)
		c.mu.Unlock()
	}, wp)
	return v
}

func secOperations(doc *spec.Document) []spec.Operation {
	return doc.Operations() // computed once per document by package spec
}

// secExt holds the keys of one operation that these families read, found in
// one pass over the operation's keys (ext[i] belongs to secOperations()[i]).
type secExt struct {
	secK, sec     *yaml.Node // security
	beK, be       *yaml.Node // x-google-backend
	quotaK, quota *yaml.Node // x-google-quota
	legacy        bool       // x-google-backend-url or x-google-backend-deadline
}

var secExtCache secDocCache[[]secExt]

// secExts returns the per-operation keys, computed once per document.
func secExts(doc *spec.Document) []secExt {
	return secExtCache.get(doc, func() []secExt {
		ops := secOperations(doc)
		out := make([]secExt, len(ops))
		for i := range ops {
			n := spec.Deref(ops[i].Node)
			if n == nil || n.Kind != yaml.MappingNode {
				continue
			}
			e := &out[i]
			for j := 0; j+1 < len(n.Content); j += 2 {
				k := n.Content[j]
				if k.Kind != yaml.ScalarNode {
					continue
				}
				switch k.Value {
				case "security":
					if e.secK == nil {
						e.secK, e.sec = k, spec.Deref(n.Content[j+1])
					}
				case backendKey:
					if e.beK == nil {
						e.beK, e.be = k, spec.Deref(n.Content[j+1])
					}
				case quotaKey:
					if e.quotaK == nil {
						e.quotaK, e.quota = k, spec.Deref(n.Content[j+1])
					}
				case "x-google-backend-url", "x-google-backend-deadline":
					e.legacy = true
				}
			}
		}
		return out
	})
}
