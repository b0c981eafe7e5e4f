package rules

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// CORS consistency between the spec and what ESP/ESPv2 do with allowCors
// (reference espv2-cors.md §1.6–1.8 and §2.4). With allowCors on (an
// x-google-endpoints entry whose name equals host exactly), ESPv2 generates an
// OPTIONS route for every path template that has no OPTIONS operation in the
// spec, without JWT or API-key checks, and sends it to the operation's
// backend; it adds no CORS headers of its own, so the backend must answer the
// preflight (esp-v2 src/go/configinfo/service_info.go processHttpRule,
// filtergen). An OPTIONS operation written in the spec wins and keeps its own
// security. ESP v1 behaves the same (src/api_manager/config.cc).

// corsAllowCorsPtr returns the pointer of the allowCors key that turns CORS on.
func corsAllowCorsPtr(doc *spec.Document) string {
	host, _ := doc.Host()
	ptr := ""
	eachEndpoint(doc, func(_ int, entry *yaml.Node, ep string) {
		if ptr != "" {
			return
		}
		if n := spec.Deref(spec.Get(entry, "name")); n == nil || n.Value != host {
			return
		}
		if on, key := allowCors(entry); on {
			ptr = spec.Append(ep, key)
		}
	})
	return ptr
}

// corsCred describes where a security scheme's credential travels.
type corsCred struct {
	headers []string // request headers carrying it (not CORS-safelisted)
	query   bool     // it can be sent in the URL query, which a preflight keeps
}

// corsCredential returns where the credential of definition name travels.
func corsCredential(defs secDefs, name string) corsCred {
	def := defs[name]
	switch {
	case defs.isAPIKey(name):
		in, n := spec.Deref(spec.Get(def, "in")), spec.Deref(spec.Get(def, "name"))
		if spec.IsString(in) && spec.IsString(n) {
			if in.Value == "query" {
				return corsCred{query: true}
			}
			return corsCred{headers: []string{n.Value}}
		}
	case defs.isOAuth2(name):
		// Default JWT locations (esp-v2 util.go): Authorization: Bearer,
		// X-Goog-Iap-Jwt-Assertion (set by IAP, not by browsers) and
		// ?access_token=. Browser apps send the Authorization header.
		locs := spec.Deref(spec.Get(def, "x-google-jwt-locations"))
		if !spec.IsSeq(locs) {
			return corsCred{headers: []string{"Authorization"}}
		}
		var c corsCred
		for _, l := range locs.Content {
			if h := spec.Deref(spec.Get(l, "header")); spec.IsString(h) {
				c.headers = append(c.headers, h.Value)
			}
			if spec.Get(l, "query") != nil {
				c.query = true
			}
		}
		return c
	}
	return corsCred{}
}

// corsPreflightCanPass reports whether some alternative of a security list can
// be satisfied by a preflight, which carries the URL (query string included)
// but no credentials headers or cookies.
func corsPreflightCanPass(list *yaml.Node, defs secDefs) bool {
	if !spec.IsSeq(list) || len(list.Content) == 0 {
		return true
	}
	for _, req := range list.Content {
		ok := true
		spec.Pairs(req, func(k, _ *yaml.Node) {
			if !defs.isAPIKey(k.Value) && !defs.isOAuth2(k.Value) {
				return // undefined or unsupported schemes are dropped (security-undefined, security-scheme-unsupported)
			}
			if !corsCredential(defs, k.Value).query {
				ok = false
			}
		})
		if ok {
			return true
		}
	}
	return false
}

// corsListHeaders returns the distinct (lower-cased) credential headers a
// security list needs when no alternative can pass a preflight; spelled
// records how each header was first written.
func corsListHeaders(list *yaml.Node, defs secDefs, spelled map[string]string) []string {
	if corsPreflightCanPass(list, defs) {
		return nil // some alternative needs no header credential
	}
	var out []string
	for _, req := range list.Content {
		spec.Pairs(req, func(k, _ *yaml.Node) {
			for _, h := range corsCredential(defs, k.Value).headers {
				lh := strings.ToLower(h)
				if !slices.Contains(out, lh) {
					out = append(out, lh)
					if _, ok := spelled[lh]; !ok {
						spelled[lh] = h
					}
				}
			}
		})
	}
	return out
}

// CORSOptionsOperationSecurity warns about spec OPTIONS operations that
// shadow the generated preflight route and demand credentials.
var CORSOptionsOperationSecurity = &lint.Rule{
	ID:       "cors-options-operation-security",
	Category: lint.CategoryCORS,
	Severity: lint.Warning,
	Doc:      "Checks, when allowCors is on, that an options operation written in the spec does not require credentials a browser preflight cannot send.",
	Details: `With allowCors: true, ESP and ESPv2 add an OPTIONS route without JWT or API-key checks for every path
that has no options operation. Where the spec defines options itself, that operation wins and keeps its
security, including security inherited from the top level. Browsers send preflights without the
Authorization header, custom headers such as x-api-key, or cookies, so such a preflight is rejected with
401 and the browser reports a CORS error. An API key in the query string still works (the preflight keeps
the URL). Fix: give the options operation security: [], or delete it and let allowCors generate the
route.`,
	Bad:    "x-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCors: true\nsecurity:\n- firebase: []\npaths:\n  /items:\n    options:\n      operationId: corsItems\n",
	Good:   "x-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCors: true\nsecurity:\n- firebase: []\npaths:\n  /items:\n    options:\n      operationId: corsItems\n      security: []\n",
	Source: "esp-v2 src/go/configinfo/service_info.go (generated CORS routes skip paths with OPTIONS; AllowWithoutApiKey, no auth rule); esp src/api_manager/config.cc",
	Check: func(p *lint.Pass) {
		if !EndpointsAllowCorsOn(p.Doc) {
			return
		}
		var defs secDefs
		ops := secOperations(p.Doc)
		for i := range ops {
			op := &ops[i]
			if op.Method != "options" || !spec.IsMap(op.Node) {
				continue
			}
			if defs == nil {
				defs = secDefinitions(p.Doc)
			}
			list, fromRoot := secRootScope(p.Doc).effective(&secExts(p.Doc)[i])
			if corsPreflightCanPass(list, defs) {
				continue
			}
			var names []string
			for _, req := range list.Content {
				names = append(names, strings.Join(secNames(req), "+"))
			}
			inherited := ""
			if fromRoot {
				inherited = " (inherited from the top-level security)"
			}
			p.ReportNode(lint.Warning, op.Key, op.Ptr, "path %q defines its own options operation, so allowCors does not generate the open preflight route for it; this operation requires the security scheme(s) %s%s, which a browser preflight never sends (no Authorization, custom headers or cookies), so preflights to %s fail with 401 and the browser reports a CORS error. Add security: [] to this operation, or remove it and let allowCors route preflights to the backend",
				op.Path, quoteList(names), inherited, op.Path)
		}
	},
}

// CORSPreflightHeaders reminds which request headers the backend's preflight
// answer must allow.
var CORSPreflightHeaders = &lint.Rule{
	ID:       "cors-preflight-headers",
	Category: lint.CategoryCORS,
	Severity: lint.Info,
	Doc:      "Reports, when allowCors is on, the credential headers (API key header, Authorization) that the backend's preflight answer must allow.",
	Details: `With allowCors: true, ESP and ESPv2 pass preflights to the backend without API-key or JWT checks
(a preflight carries no such headers anyway) and add no CORS headers of their own. The browser then sends
the real request, with the API key header or Authorization, only if the backend's OPTIONS response lists
those headers in Access-Control-Allow-Headers. corsgate cannot see the backend, so this is a reminder
naming the headers; if the proxy should answer preflights instead, use --cors_preset with
--cors_allow_headers (and do not mix the two modes).`,
	Bad:    "x-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCors: true\nsecurityDefinitions:\n  api_key: {type: apiKey, name: x-api-key, in: header}\nsecurity:\n- api_key: []\n",
	Good:   "x-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCors: true\nsecurityDefinitions:\n  api_key: {type: apiKey, name: key, in: query}\nsecurity:\n- api_key: []\n",
	Source: "esp-v2 src/go/configinfo/service_info.go (generated CORS routes); esp-v2 issue #261; Fetch standard (CORS-safelisted request headers)",
	Check: func(p *lint.Pass) {
		if !EndpointsAllowCorsOn(p.Doc) {
			return
		}
		defs := secDefinitions(p.Doc)
		if len(defs) == 0 {
			return
		}
		count := map[string]int{} // header (lower case) → operations needing it
		spelled := map[string]string{}
		// Most operations share a few security lists (often the top-level
		// one): compute each list's headers once.
		memo := map[*yaml.Node][]string{}
		scope := secRootScope(p.Doc)
		ops, exts := secOperations(p.Doc), secExts(p.Doc)
		for i := range ops {
			if ops[i].Method == "options" {
				continue
			}
			list, _ := scope.effective(&exts[i])
			if list == nil {
				continue
			}
			hs, done := memo[list]
			if !done {
				hs = corsListHeaders(list, defs, spelled)
				memo[list] = hs
			}
			for _, lh := range hs {
				count[lh]++
			}
		}
		if len(count) == 0 {
			return
		}
		hs := make([]string, 0, len(count))
		for h := range count {
			hs = append(hs, h)
		}
		sort.Strings(hs)
		parts := make([]string, len(hs))
		for i, h := range hs {
			parts[i] = spelled[h] + " (" + strconv.Itoa(count[h]) + " operation"
			if count[h] != 1 {
				parts[i] += "s"
			}
			parts[i] += ")"
		}
		p.ReportKey(corsAllowCorsPtr(p.Doc), "allowCors sends preflights to your backend, which must answer OPTIONS itself: ESP/ESPv2 add no CORS headers in this mode. Browsers send the credentials these operations need only if that answer lists them in Access-Control-Allow-Headers: %s", strings.Join(parts, ", "))
	},
}

// CORSESPBackendRouting warns about allowCors with backend routing on ESP v1.
var CORSESPBackendRouting = &lint.Rule{
	ID:       "cors-esp-backend-routing",
	Category: lint.CategoryCORS,
	Severity: lint.Warning,
	Doc:      "Checks, for target endpoints-esp, that allowCors is not combined with x-google-backend, which ESP v1 mishandles.",
	Details: `Only reported for --target endpoints-esp. ESP v1 users combining allowCors with backend routing
(x-google-backend, the serverless ESP image) reported preflights answered with 500 "invalid URL prefix
in """ or empty 204 responses (cloudendpoints/esp issues #737 and #755). ESPv2 does not have this
problem; migrate to ESPv2, or let ESP answer preflights with --cors_preset.`,
	Bad:    "# target: endpoints-esp\nx-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCors: true\nx-google-backend:\n  address: https://backend.example.com\n",
	Good:   "# target: endpoints-espv2\nx-google-endpoints:\n- name: api.endpoints.p.cloud.goog\n  allowCors: true\nx-google-backend:\n  address: https://backend.example.com\n",
	Source: "cloudendpoints/esp issues #737 and #755",
	Check: func(p *lint.Pass) {
		if p.Target != lint.TargetESP || !EndpointsAllowCorsOn(p.Doc) {
			return
		}
		if len(beSites(p.Doc, secOperations(p.Doc))) == 0 {
			return
		}
		p.ReportKey(corsAllowCorsPtr(p.Doc), "allowCors together with x-google-backend on ESP (v1): users reported preflights failing with 500 (\"invalid URL prefix\") or empty 204 responses (cloudendpoints/esp #737, #755); use ESPv2, or let ESP answer preflights with --cors_preset")
	},
}

func init() {
	for _, r := range []*lint.Rule{CORSOptionsOperationSecurity, CORSPreflightHeaders, CORSESPBackendRouting} {
		register(r)
	}
}
