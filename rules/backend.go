package rules

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// The x-google-backend family (reference endpoints-rules.md §1.2). Service
// Management parses the extension into google.api.BackendRule with proto-JSON,
// so snake_case and lowerCamel field names are both accepted and numbers may
// be written as strings. ESPv2 then validates the rule at start-up
// (esp-v2 src/go/util/url_util.go ParseURI / ParseBackendProtocol,
// src/go/configinfo/service_info.go processBackendRule). ESP v1 only honours
// the extension with backend routing enabled.

const backendKey = "x-google-backend"

// beField maps every accepted spelling of a BackendRule field to its proto
// (snake_case) name.
var beField = map[string]string{
	"address":                       "address",
	"deadline":                      "deadline",
	"path_translation":              "path_translation",
	"pathTranslation":               "path_translation",
	"jwt_audience":                  "jwt_audience",
	"jwtAudience":                   "jwt_audience",
	"disable_auth":                  "disable_auth",
	"disableAuth":                   "disable_auth",
	"protocol":                      "protocol",
	"operation_deadline":            "operation_deadline",
	"operationDeadline":             "operation_deadline",
	"min_deadline":                  "min_deadline",
	"minDeadline":                   "min_deadline",
	"overrides_by_request_protocol": "overrides_by_request_protocol",
	"overridesByRequestProtocol":    "overrides_by_request_protocol",
	"selector":                      "selector",
}

// beDocumented are the fields Google documents for OpenAPI, for suggestions.
var beDocumented = []string{"address", "deadline", "path_translation", "jwt_audience", "disable_auth", "protocol"}

// beSite is one x-google-backend object: at the top level (op == nil) or on an operation.
type beSite struct {
	node *yaml.Node // the extension value (dereferenced)
	key  *yaml.Node
	ptr  string
	op   *spec.Operation
}

var beSitesCache secDocCache[[]beSite]

// beSites returns the top-level and operation-level x-google-backend values,
// computed once per document.
func beSites(doc *spec.Document, ops []spec.Operation) []beSite {
	return beSitesCache.get(doc, func() []beSite { return beFindSites(doc, ops) })
}

func beFindSites(doc *spec.Document, ops []spec.Operation) []beSite {
	var out []beSite
	if k, v := spec.MapGet(doc.Root, backendKey); k != nil {
		out = append(out, beSite{node: spec.Deref(v), key: k, ptr: spec.Pointer(backendKey)})
	}
	exts := secExts(doc)
	for i := range ops {
		if e := &exts[i]; e.beK != nil {
			out = append(out, beSite{node: e.be, key: e.beK, ptr: spec.Append(ops[i].Ptr, backendKey), op: &ops[i]})
		}
	}
	return out
}

// beGet returns the key and value of a field under either spelling.
func beGet(site beSite, proto string) (k, v *yaml.Node) {
	for i := 0; site.node != nil && site.node.Kind == yaml.MappingNode && i+1 < len(site.node.Content); i += 2 {
		kk := site.node.Content[i]
		if beField[kk.Value] == proto {
			return kk, spec.Deref(site.node.Content[i+1])
		}
	}
	return nil, nil
}

// at returns the pointer of field key k of the site (built only when reporting).
func (s beSite) at(k *yaml.Node) string { return spec.Append(s.ptr, k.Value) }

func beWhere(s beSite) string {
	if s.op == nil {
		return "top-level x-google-backend"
	}
	return "x-google-backend of operation '" + s.op.Method + "' in path '" + s.op.Path + "'"
}

// BackendFields checks the shape of x-google-backend.
var BackendFields = &lint.Rule{
	ID:       "backend-fields",
	Category: lint.CategoryBackend,
	Severity: lint.Error,
	Doc:      "Checks that x-google-backend is an object holding only BackendRule fields of the right type.",
	Details: `The extension is parsed into google.api.BackendRule with proto-JSON: an unknown key fails the
deploy ("Cannot find field"). Both spellings are accepted: jwt_audience/jwtAudience,
disable_auth/disableAuth, path_translation/pathTranslation; setting both spellings of one field is an
error. operation_deadline, min_deadline and overrides_by_request_protocol exist in the proto but are not
supported in OpenAPI (warning); selector is filled in by Service Management (warning). jwt_audience must
be a string and disable_auth a boolean.`,
	Bad:    "x-google-backend:\n  address: https://backend.example.com\n  jwtAudiance: https://backend.example.com\n",
	Good:   "x-google-backend:\n  address: https://backend.example.com\n  jwt_audience: https://backend.example.com\n",
	Source: "google.api.BackendRule proto; Cloud Endpoints docs, OpenAPI extensions (x-google-backend)",
	Check: func(p *lint.Pass) {
		for _, s := range beSites(p.Doc, secOperations(p.Doc)) {
			if !spec.IsMap(s.node) {
				p.Report(s.ptr, "%s must be an object such as {address: https://backend.example.com}, not %s", beWhere(s), spec.TypeName(s.node))
				continue
			}
			seen := map[string]string{}
			spec.Pairs(s.node, func(k, v *yaml.Node) {
				kp := spec.Append(s.ptr, k.Value)
				proto, ok := beField[k.Value]
				if !ok {
					msg := "Extension x-google-backend cannot be converted into proto type google.api.BackendRule. Details: Cannot find field: %s in message google.api.BackendRule"
					if sug := lint.Suggest(k.Value, beDocumented); sug != "" {
						p.ReportKey(kp, msg+" (did you mean %q?)", k.Value, sug)
					} else {
						p.ReportKey(kp, msg+"; valid keys are %s", k.Value, strings.Join(beDocumented, ", "))
					}
					return
				}
				if prev, dup := seen[proto]; dup {
					p.ReportKey(kp, "%s sets %s twice (as %s and %s); keep one spelling", beWhere(s), proto, prev, k.Value)
					return
				}
				seen[proto] = k.Value
				switch proto {
				case "operation_deadline", "min_deadline", "overrides_by_request_protocol":
					p.ReportKeySeverity(lint.Warning, kp, "%s is a google.api.BackendRule field but is not supported in OpenAPI x-google-backend; use deadline", k.Value)
				case "selector":
					p.ReportKeySeverity(lint.Warning, kp, "selector is filled in by Service Management from the operation; remove it from x-google-backend")
				case "jwt_audience":
					if !spec.IsString(v) {
						p.Report(kp, "%s must be a string (the audience of the ID token ESPv2 sends to the backend), not %s", k.Value, describe(v))
					}
				case "disable_auth":
					if !spec.IsBool(v) {
						p.Report(kp, "%s must be a boolean (true or false), not %s", k.Value, describe(v))
					}
				}
			})
		}
	},
}

// beLocalHost reports whether host is loopback or obviously private, where
// plain http is normal (sidecars, cluster-internal services).
func beLocalHost(host string) bool {
	h := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if a, err := netip.ParseAddr(h); err == nil {
		return a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsLinkLocalUnicast()
	}
	h = strings.ToLower(h)
	return h == "localhost" || !strings.Contains(h, ".") || strings.HasSuffix(h, ".local") ||
		strings.HasSuffix(h, ".internal") || strings.HasSuffix(h, ".localhost") || strings.HasSuffix(h, ".svc")
}

// beSplitAddress splits an address into scheme (lower case, "" when absent)
// and host (without port).
func beSplitAddress(addr string) (scheme, host string) {
	rest := addr
	if i := strings.Index(addr, "://"); i >= 0 {
		scheme, rest = strings.ToLower(addr[:i]), addr[i+3:]
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	host = rest
	if strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, ']'); i >= 0 {
			return scheme, host[:i+1]
		}
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return scheme, host
}

// beFindPlaceholder returns the placeholder in addr, if any. Every
// placeholderRE alternative needs $, {, < or an upper-case letter, so most
// addresses skip the (backtracking) regexp.
func beFindPlaceholder(addr string) string {
	for i := 0; i < len(addr); i++ {
		if c := addr[i]; c == '$' || c == '{' || c == '<' || 'A' <= c && c <= 'Z' {
			return placeholderRE.FindString(addr)
		}
	}
	return ""
}

// BackendAddress checks the address URL.
var BackendAddress = &lint.Rule{
	ID:       "backend-address",
	Heavy:    true,
	Category: lint.CategoryBackend,
	Severity: lint.Error,
	Doc:      "Checks that x-google-backend address is an https URL (http only for local or private backends, never grpc).",
	Details: `ESPv2 parses the address at start-up: the scheme must be http, https, grpc or grpcs ("unknown
backend scheme [%s], should be one of "http(s)" or "grpc(s)""), and a grpc scheme on an OpenAPI (HTTP)
operation stops it ("gRPC protocol conflicted with http backend"). Without a scheme ESPv2 assumes https
(info). http:// to a public host sends traffic unencrypted, and serverless backends (Cloud Run, Cloud
Functions, App Engine) expect https: warning; http to loopback, private addresses and single-label or
cluster-internal names is not reported. Unsubstituted placeholders such as ${backend_url} or
https://REGION-PROJECT_ID.cloudfunctions.net are reported as warnings (templates are often linted before
substitution).`,
	Bad:    "x-google-backend:\n  address: grpcs://backend.example.com\n",
	Good:   "x-google-backend:\n  address: https://backend-abc123-uc.a.run.app\n",
	Source: "esp-v2 src/go/util/url_util.go (ParseURI), src/go/configinfo/service_info.go; Cloud Endpoints troubleshooting (https:// or grpcs://)",
	Check: func(p *lint.Pass) {
		for _, s := range beSites(p.Doc, secOperations(p.Doc)) {
			ak, v := beGet(s, "address")
			if v == nil {
				continue
			}
			ptr := s.at(ak)
			if !spec.IsString(v) {
				p.Report(ptr, "x-google-backend address must be a string URL such as https://backend.example.com, not %s", describe(v))
				continue
			}
			addr := strings.TrimSpace(v.Value)
			if m := beFindPlaceholder(addr); m != "" {
				p.ReportSeverity(lint.Warning, ptr, "x-google-backend address %q still holds the placeholder %q; substitute the real backend URL before deploy", addr, m)
				continue
			}
			scheme, host := beSplitAddress(addr)
			switch scheme {
			case "https":
			case "":
				p.ReportSeverity(lint.Info, ptr, "x-google-backend address %q has no scheme; ESPv2 assumes https (port 443). Write https://%s to make it explicit", addr, addr)
			case "http":
				if beLocalHost(host) {
					break
				}
				extra := ""
				if strings.HasSuffix(host, ".run.app") || strings.HasSuffix(host, ".cloudfunctions.net") || strings.HasSuffix(host, ".appspot.com") {
					extra = "; Cloud Run, Cloud Functions and App Engine backends must be called with https://"
				}
				p.ReportSeverity(lint.Warning, ptr, "x-google-backend address %q uses http://: traffic to %s and the ID token ESPv2 attaches travel unencrypted%s. Use https://", addr, host, extra)
			case "grpc", "grpcs":
				p.Report(ptr, "x-google-backend address %q uses %s://, but OpenAPI operations are HTTP; ESPv2 fails at start-up with \"gRPC protocol conflicted with http backend; this is an API compiler bug\". Use https:// (or http://)", addr, scheme)
			default:
				p.Report(ptr, "unknown backend scheme [%s], should be one of \"http(s)\" or \"grpc(s)\" (address %q); ESPv2 refuses to start", scheme, addr)
			}
			if scheme != "" && host == "" {
				p.Report(ptr, "x-google-backend address %q has no host name", addr)
			}
		}
	},
}

// BackendAddressRequired checks that every operation has a backend address
// where one is needed. Its verdict depends on the target. UNVERIFIED (chosen
// behaviour): an operation-level x-google-backend is taken to replace the
// top-level one as a whole, so an address is not inherited.
var BackendAddressRequired = &lint.Rule{
	ID:       "backend-address-required",
	Category: lint.CategoryBackend,
	Severity: lint.Error,
	Doc:      "Checks that every operation resolves to a backend address on API Gateway, and that an operation-level x-google-backend without address does not silently drop the top-level address.",
	Details: `An operation-level x-google-backend overrides the top-level one for that operation. corsgate
assumes the override is of the whole object (no field, address included, is inherited); this is inferred
from the BackendRule being generated per operation and is not verified against Service Management.
Target api-gateway: there is no sidecar backend, so every operation needs an address, either from its own
x-google-backend or (when it has none) from the top-level one: error. Targets endpoints-espv2 and
endpoints-esp: an x-google-backend without address is ESPv2 sidecar mode (requests go to --backend), which
is valid; corsgate only warns when an operation's x-google-backend has no address while the top-level one
has, because that operation then goes to the local backend instead of the top-level address.`,
	Bad:    "x-google-backend:\n  address: https://backend.example.com\npaths:\n  /slow:\n    get:\n      x-google-backend:\n        deadline: 60\n",
	Good:   "x-google-backend:\n  address: https://backend.example.com\npaths:\n  /slow:\n    get:\n      x-google-backend:\n        address: https://backend.example.com\n        deadline: 60\n",
	Source: "esp-v2 src/go/configinfo/service_info.go (empty address = local backend); API Gateway docs (x-google-backend required); esp-v2 examples/testdata/sidecar_backend",
	Check: func(p *lint.Pass) {
		ops, exts := secOperations(p.Doc), secExts(p.Doc)
		rootSite := beSite{}
		rootK, rootV := spec.MapGet(p.Doc.Root, backendKey)
		if rootK != nil {
			rootSite = beSite{node: spec.Deref(rootV), key: rootK, ptr: spec.Pointer(backendKey)}
		}
		_, rootAddr := beGet(rootSite, "address")
		apigw := p.Target == lint.TargetAPIGateway
		if apigw && rootK == nil {
			// Report once when nothing defines a backend at all.
			found := false
			for i := range exts {
				if exts[i].beK != nil {
					found = true
					break
				}
			}
			if !found {
				if len(ops) > 0 {
					p.ReportNode(lint.Error, p.Doc.Root, "/"+backendKey, "API Gateway has no backend to send requests to: add a top-level x-google-backend with an address (or one per operation)")
				}
				return
			}
		}
		for i := range ops {
			op := &ops[i]
			k, v := exts[i].beK, exts[i].be
			if k == nil {
				if apigw && rootAddr == nil && rootK != nil {
					p.ReportNode(lint.Error, op.Key, op.Ptr, "Operation '%s' in path '%s' has no backend address: it has no x-google-backend and the top-level one has no address; API Gateway has no sidecar backend to fall back to", op.Method, op.Path)
				} else if apigw && rootK == nil {
					p.ReportNode(lint.Error, op.Key, op.Ptr, "Operation '%s' in path '%s' has no x-google-backend and there is no top-level one; API Gateway cannot route it", op.Method, op.Path)
				}
				continue
			}
			site := beSite{node: spec.Deref(v), key: k, op: op}
			if !spec.IsMap(site.node) {
				continue // backend-fields
			}
			if _, a := beGet(site, "address"); a != nil {
				continue
			}
			site.ptr = spec.Append(op.Ptr, backendKey)
			switch {
			case apigw:
				p.ReportKey(site.ptr, "%s has no address; API Gateway has no sidecar backend, and an operation-level x-google-backend overrides the top-level one (corsgate assumes the address is not inherited): add address", beWhere(site))
			case rootAddr != nil && spec.IsString(rootAddr):
				p.ReportKeySeverity(lint.Warning, site.ptr, "%s has no address, so this operation is likely sent to the local --backend (ESPv2 sidecar mode), not to the top-level address %q: an operation-level x-google-backend overrides the top-level one (corsgate assumes no field is inherited); repeat address here if the top-level backend was meant", beWhere(site), rootAddr.Value)
			}
		}
	},
}

// BackendESPRouting reminds ESP v1 users of backend routing.
var BackendESPRouting = &lint.Rule{
	ID:       "backend-esp-routing",
	Category: lint.CategoryBackend,
	Severity: lint.Warning,
	Doc:      "Checks, for target endpoints-esp, that a spec using x-google-backend is served by an ESP started with backend routing enabled.",
	Details: `Only reported for --target endpoints-esp, once per file. ESP v1 ignores x-google-backend unless it
is started with --enable_backend_routing (the serverless ESP image turns it on); otherwise every request
goes to --backend. This requirement is recalled from Google's documentation and not verified against ESP's
source. ESPv2 and API Gateway always honour x-google-backend.`,
	Bad:    "# target: endpoints-esp\nx-google-backend:\n  address: https://backend.example.com\n",
	Good:   "# target: endpoints-espv2\nx-google-backend:\n  address: https://backend.example.com\n",
	Source: "Cloud Endpoints docs (ESP --enable_backend_routing); esp docker/serverless/env-start-esp.py",
	Check: func(p *lint.Pass) {
		if p.Target != lint.TargetESP {
			return
		}
		sites := beSites(p.Doc, secOperations(p.Doc))
		if len(sites) == 0 {
			return
		}
		p.ReportKey(sites[0].ptr, "ESP (v1) honours x-google-backend only when started with --enable_backend_routing (the serverless ESP image enables it); without it the x-google-backend settings in this file (%d) are ignored and requests go to --backend. Consider ESPv2, which always honours them", len(sites))
	},
}

// BackendPathTranslation checks the path_translation enum.
var BackendPathTranslation = &lint.Rule{
	ID:       "backend-path-translation",
	Category: lint.CategoryBackend,
	Severity: lint.Error,
	Doc:      "Checks that x-google-backend path_translation is APPEND_PATH_TO_ADDRESS or CONSTANT_ADDRESS.",
	Details: `path_translation is the enum google.api.BackendRule.PathTranslation; any other value (wrong case
included) fails proto-JSON parsing. When omitted, a top-level backend defaults to APPEND_PATH_TO_ADDRESS
and an operation-level one to CONSTANT_ADDRESS (the latter recalled from the docs, not verified).`,
	Bad:    "x-google-backend:\n  address: https://backend.example.com\n  path_translation: APPEND_PATH\n",
	Good:   "x-google-backend:\n  address: https://backend.example.com\n  path_translation: APPEND_PATH_TO_ADDRESS\n",
	Source: "google.api.BackendRule.PathTranslation proto; esp-v2 examples/dynamic_routing",
	Check: func(p *lint.Pass) {
		for _, s := range beSites(p.Doc, secOperations(p.Doc)) {
			k, v := beGet(s, "path_translation")
			if k == nil {
				continue
			}
			ptr := s.at(k)
			if spec.IsString(v) && (v.Value == "APPEND_PATH_TO_ADDRESS" || v.Value == "CONSTANT_ADDRESS") {
				continue
			}
			hint := ""
			if spec.IsString(v) {
				if u := strings.ToUpper(v.Value); u == "APPEND_PATH_TO_ADDRESS" || u == "CONSTANT_ADDRESS" {
					hint = "; write it in upper case: " + u
				} else if sug := lint.Suggest(u, []string{"APPEND_PATH_TO_ADDRESS", "CONSTANT_ADDRESS"}); sug != "" {
					hint = "; did you mean " + sug + "?"
				}
			}
			p.Report(ptr, "%s must be APPEND_PATH_TO_ADDRESS or CONSTANT_ADDRESS, not %s%s", k.Value, describe(v), hint)
		}
	},
}

// BackendProtocol checks the protocol value.
var BackendProtocol = &lint.Rule{
	ID:       "backend-protocol",
	Category: lint.CategoryBackend,
	Severity: lint.Error,
	Doc:      "Checks that x-google-backend protocol is http/1.1 or h2 (any case) when set.",
	Details:  `ESPv2 refuses to start on any other value: "unknown backend http protocol [%s], should be one of "http/1.1", "h2", or not set".`,
	Bad:      "x-google-backend:\n  address: https://backend.example.com\n  protocol: http2\n",
	Good:     "x-google-backend:\n  address: https://backend.example.com\n  protocol: h2\n",
	Source:   "esp-v2 src/go/util/url_util.go (ParseBackendProtocol)",
	Check: func(p *lint.Pass) {
		for _, s := range beSites(p.Doc, secOperations(p.Doc)) {
			k, v := beGet(s, "protocol")
			if k == nil {
				continue
			}
			ptr := s.at(k)
			if !spec.IsString(v) {
				p.Report(ptr, "protocol must be the string \"http/1.1\" or \"h2\", not %s", describe(v))
				continue
			}
			switch strings.ToLower(v.Value) {
			case "http/1.1", "h2", "":
				continue
			}
			p.Report(ptr, "unknown backend http protocol [%s], should be one of \"http/1.1\", \"h2\", or not set; ESPv2 refuses to start", v.Value)
		}
	},
}

// BackendDeadline checks deadline.
var BackendDeadline = &lint.Rule{
	ID:       "backend-deadline",
	Category: lint.CategoryBackend,
	Severity: lint.Error,
	Doc:      "Checks that x-google-backend deadline is a positive number of seconds.",
	Details: `deadline is a double (seconds; default 15). A number written as a string ("7.5") is accepted by
proto-JSON and Google's own examples use it: info. 0 means the default: info. A negative value makes
ESPv2 log "Negative deadline of %v specified for method %v. Using default deadline %v instead.":
warning. Anything that is not a number fails the deploy: error.`,
	Bad:    "x-google-backend:\n  address: https://backend.example.com\n  deadline: 30s\n",
	Good:   "x-google-backend:\n  address: https://backend.example.com\n  deadline: 30.0\n",
	Source: "esp-v2 src/go/configinfo/service_info.go, src/go/util/util.go (DefaultResponseDeadline); esp-v2 examples/testdata/sidecar_backend",
	Check: func(p *lint.Pass) {
		for _, s := range beSites(p.Doc, secOperations(p.Doc)) {
			k, v := beGet(s, "deadline")
			if k == nil {
				continue
			}
			ptr := s.at(k)
			if v == nil || v.Kind != yaml.ScalarNode || !(spec.IsNumber(v) || spec.IsString(v)) {
				p.Report(ptr, "deadline must be a number of seconds such as 30.0, not %s", describe(v))
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v.Value), 64)
			if err != nil {
				p.Report(ptr, "deadline %q is not a number of seconds; write a number such as 30.0 (no unit)", v.Value)
				continue
			}
			method := "the top-level backend"
			if s.op != nil {
				method = "operation '" + s.op.Method + "' in path '" + s.op.Path + "'"
			}
			switch {
			case f < 0:
				p.ReportSeverity(lint.Warning, ptr, "Negative deadline of %v specified for method %s. Using default deadline 15s instead (ESPv2); write a positive number of seconds", f, method)
			case f == 0:
				p.ReportSeverity(lint.Info, ptr, "deadline 0 means the default deadline (15s); remove it or write the number of seconds you want")
			case spec.IsString(v):
				p.ReportSeverity(lint.Info, ptr, "deadline is written as the string %q; Service Management accepts it (proto-JSON), but a number is clearer: deadline: %v", v.Value, f)
			}
		}
	},
}

// BackendAuthOneof checks jwt_audience and disable_auth are not both set.
var BackendAuthOneof = &lint.Rule{
	ID:       "backend-auth-oneof",
	Category: lint.CategoryBackend,
	Severity: lint.Error,
	Doc:      "Checks that x-google-backend does not set both jwt_audience and disable_auth.",
	Details: `jwt_audience and disable_auth are one oneof (authentication) in google.api.BackendRule, so a rule
cannot carry both. Choose jwt_audience to send an ID token with that audience, or disable_auth: true to
forward the caller's Authorization header untouched.`,
	Bad:    "x-google-backend:\n  address: https://backend.example.com\n  jwt_audience: https://backend.example.com\n  disable_auth: true\n",
	Good:   "x-google-backend:\n  address: https://backend.example.com\n  disable_auth: true\n",
	Source: "google.api.BackendRule proto (oneof authentication)",
	Check: func(p *lint.Pass) {
		for _, s := range beSites(p.Doc, secOperations(p.Doc)) {
			ak, _ := beGet(s, "jwt_audience")
			dk, _ := beGet(s, "disable_auth")
			if ak == nil || dk == nil {
				continue
			}
			dptr := s.at(dk)
			p.ReportKey(dptr, "%s sets both %s and %s, which are one oneof in google.api.BackendRule; keep %s to send an ID token, or %s: true to forward the caller's Authorization header", beWhere(s), ak.Value, dk.Value, ak.Value, dk.Value)
		}
	},
}

// BackendPlacement reports x-google-backend on a path item.
var BackendPlacement = &lint.Rule{
	ID:       "backend-placement",
	Category: lint.CategoryBackend,
	Severity: lint.Error,
	Doc:      "Checks that x-google-backend is not placed on a path item, where Google silently ignores it.",
	Details: `x-google-backend is read at the top level and on operations only. On a path item (next to get:,
post:) it is ignored without a word, and ESPv2 sends the requests to its local backend (esp-v2 issue
#437). Move it into each operation, or to the top level.`,
	Bad:    "paths:\n  /{proxy+}:\n    x-google-backend:\n      address: https://backend.example.com\n    get: {}\n",
	Good:   "paths:\n  /items:\n    get:\n      x-google-backend:\n        address: https://backend.example.com\n",
	Source: "esp-v2 issue #437 (OpenAPI compiler does not support x-google-backend at path level)",
	Check: func(p *lint.Pass) {
		spec.Pairs(spec.Get(p.Doc.Root, "paths"), func(pk, item *yaml.Node) {
			k, _ := spec.MapGet(item, backendKey)
			if k == nil {
				return
			}
			var methods []string
			spec.Pairs(item, func(mk, _ *yaml.Node) {
				if spec.IsMethod(mk.Value) {
					methods = append(methods, mk.Value)
				}
			})
			where := "move it into each operation"
			if len(methods) > 0 {
				where = "move it into " + strings.Join(methods, ", ")
			}
			p.ReportKey(spec.Pointer("paths", pk.Value, backendKey), "x-google-backend on the path item %q is silently ignored by Service Management (only the top level and operations are read), so its requests go to ESPv2's local backend; %s, or to the top level", pk.Value, where)
		})
	},
}

func init() {
	for _, r := range []*lint.Rule{BackendFields, BackendAddress, BackendAddressRequired, BackendESPRouting,
		BackendPathTranslation, BackendProtocol, BackendDeadline, BackendAuthOneof, BackendPlacement} {
		register(r)
	}
}
