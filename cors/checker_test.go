package cors

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testOrigin = "http://127.0.0.1:8001"

// hdr builds a header from name/value pairs with Add, so repeated names give
// repeated lines.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// get is an actual GET from testOrigin.
func get(resp http.Header) *Exchange {
	return &Exchange{Method: "GET", RequestHeader: hdr("Origin", testOrigin), Status: 200, ResponseHeader: resp}
}

// pre is a preflight from testOrigin for method acrm and headers acrh ("" = none).
func pre(acrm, acrh string, status int, resp http.Header) *Exchange {
	req := hdr("Origin", testOrigin, "Access-Control-Request-Method", acrm)
	if acrh != "" {
		req.Set("Access-Control-Request-Headers", acrh)
	}
	return &Exchange{Method: "OPTIONS", RequestHeader: req, Status: status, ResponseHeader: resp}
}

func incl(x *Exchange) *Exchange { x.Credentials = CredentialsInclude; return x }

func withPolicy(x *Exchange, p *Policy, backend http.Header) *Exchange {
	x.Policy, x.BackendHeader = p, backend
	return x
}

// espv2Preflight is what ESPv2 answers with its default flags (reference §1.4).
func espv2Preflight(origin string) http.Header {
	return hdr("Access-Control-Allow-Origin", origin,
		"Access-Control-Allow-Methods", DefaultAllowMethods,
		"Access-Control-Allow-Headers", DefaultAllowHeadersESP2,
		"Access-Control-Max-Age", "1728000",
		"Access-Control-Expose-Headers", DefaultExposeHeaders)
}

type checkCase struct {
	name    string
	x       *Exchange
	verdict Verdict
	pre     bool
	codes   []string // "CODE:severity" in report order
	msgHas  string   // a substring the messages must contain (optional)
}

func checkCases() []checkCase {
	acaoV := func(kv ...string) http.Header {
		return hdr(append([]string{"Access-Control-Allow-Origin", testOrigin, "Vary", "Origin"}, kv...)...)
	}
	basic := func(origin string, creds bool) *Policy {
		return &Policy{Proxy: ESPv2, Preset: PresetBasic, AllowOrigin: origin, AllowCredentials: creds}
	}
	regex := func(re string, creds bool) *Policy {
		return &Policy{Proxy: ESPv2, Preset: PresetRegex, AllowOriginRegex: re, AllowCredentials: creds}
	}
	return []checkCase{
		// not CORS
		{name: "no origin", x: &Exchange{Method: "GET", RequestHeader: hdr(), Status: 200, ResponseHeader: hdr()}, verdict: VerdictNotCORS},
		{name: "empty origin", x: &Exchange{Method: "GET", RequestHeader: hdr("Origin", ""), Status: 200, ResponseHeader: hdr()}, verdict: VerdictNotCORS},
		{name: "OPTIONS without origin", x: &Exchange{Method: "OPTIONS", RequestHeader: hdr("Access-Control-Request-Method", "PUT"), Status: 400, ResponseHeader: hdr()}, verdict: VerdictNotCORS},

		// CORS check §1.3
		{name: "GET no ACAO", x: get(hdr()), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block"}, msgHas: "no Access-Control-Allow-Origin"},
		{name: "GET exact ACAO with Vary", x: get(acaoV()), verdict: VerdictAllowed},
		{name: "GET exact ACAO without Vary", x: get(hdr("Access-Control-Allow-Origin", testOrigin)), verdict: VerdictAllowed, codes: []string{"MISSING_VARY_ORIGIN:warn"}},
		{name: "Vary list, other case", x: get(hdr("Access-Control-Allow-Origin", testOrigin, "Vary", "accept-encoding, origin")), verdict: VerdictAllowed},
		{name: "Vary star", x: get(hdr("Access-Control-Allow-Origin", testOrigin, "Vary", "*")), verdict: VerdictAllowed},
		{name: "Vary on second line", x: get(hdr("Access-Control-Allow-Origin", testOrigin, "Vary", "Accept", "Vary", "Origin")), verdict: VerdictAllowed},
		{name: "GET ACAO star", x: get(hdr("Access-Control-Allow-Origin", "*")), verdict: VerdictAllowed},
		{name: "trailing slash", x: get(hdr("Access-Control-Allow-Origin", testOrigin+"/")), verdict: VerdictBlocked, codes: []string{"ACAO_MISMATCH:block"}, msgHas: "trailing slash"},
		{name: "case differs", x: get(hdr("Access-Control-Allow-Origin", "HTTP://127.0.0.1:8001")), verdict: VerdictBlocked, codes: []string{"ACAO_MISMATCH:block"}, msgHas: "same case"},
		{name: "other origin", x: get(hdr("Access-Control-Allow-Origin", "https://app.example.com")), verdict: VerdictBlocked, codes: []string{"ACAO_MISMATCH:block"}},
		{name: "default port added", x: get(hdr("Access-Control-Allow-Origin", "http://127.0.0.1:8001:80")), verdict: VerdictBlocked, codes: []string{"ACAO_MISMATCH:block"}},
		{name: "star with ACAC, omit", x: get(hdr("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "true")), verdict: VerdictAllowed, codes: []string{"ACAO_WILDCARD_WITH_CREDENTIALS:warn"}},
		{name: "star with ACAC, include", x: incl(get(hdr("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "true"))), verdict: VerdictBlocked, codes: []string{"ACAO_WILDCARD_WITH_CREDENTIALS:block"}},
		{name: "star without ACAC, include", x: incl(get(hdr("Access-Control-Allow-Origin", "*"))), verdict: VerdictBlocked, codes: []string{"ACAO_WILDCARD_WITH_CREDENTIALS:block"}},
		{name: "include exact ACAC true", x: incl(get(acaoV("Access-Control-Allow-Credentials", "true"))), verdict: VerdictAllowed},
		{name: "include ACAC True", x: incl(get(acaoV("Access-Control-Allow-Credentials", "True"))), verdict: VerdictBlocked, codes: []string{"ACAC_NOT_TRUE:block"}, msgHas: `"True"`},
		{name: "include ACAC missing", x: incl(get(acaoV())), verdict: VerdictBlocked, codes: []string{"ACAC_NOT_TRUE:block"}},
		{name: "include ACAC repeated", x: incl(get(acaoV("Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Credentials", "true"))), verdict: VerdictBlocked, codes: []string{"ACAC_NOT_TRUE:block"}},
		{name: "omit ACAC False is fine", x: get(acaoV("Access-Control-Allow-Credentials", "False")), verdict: VerdictAllowed},
		{name: "ACAO repeated lines", x: get(hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Origin", testOrigin)), verdict: VerdictBlocked, codes: []string{"ACAO_MULTIPLE:block"}, msgHas: "multiple values"},
		{name: "ACAO comma list", x: get(hdr("Access-Control-Allow-Origin", testOrigin+", "+testOrigin)), verdict: VerdictBlocked, codes: []string{"ACAO_MULTIPLE:block"}},
		{name: "ACAO star repeated", x: get(hdr("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Origin", "*")), verdict: VerdictBlocked, codes: []string{"ACAO_MULTIPLE:block"}},
		{name: "ESP duplicate ACAO names the cause", x: withPolicy(get(hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Origin", testOrigin)), &Policy{Proxy: ESP, Preset: PresetRegex, AllowOriginRegex: "127"}, hdr("Access-Control-Allow-Origin", testOrigin)), verdict: VerdictBlocked, codes: []string{"ACAO_MULTIPLE:block"}, msgHas: "next to the backend's"},
		{name: "ACAO null from a normal page", x: get(hdr("Access-Control-Allow-Origin", "null")), verdict: VerdictBlocked, codes: []string{"ACAO_MISMATCH:block"}, msgHas: "opaque"},
		{name: "null origin granted", x: &Exchange{Method: "GET", RequestHeader: hdr("Origin", "null"), Status: 200, ResponseHeader: hdr("Access-Control-Allow-Origin", "null", "Vary", "Origin")}, verdict: VerdictAllowed, codes: []string{"ACAO_NULL:insecure"}},
		{name: "null origin, ACAO star", x: &Exchange{Method: "GET", RequestHeader: hdr("Origin", "null"), Status: 200, ResponseHeader: hdr("Access-Control-Allow-Origin", "*")}, verdict: VerdictAllowed},
		{name: "null origin, page origin", x: &Exchange{Method: "GET", RequestHeader: hdr("Origin", "null"), Status: 200, ResponseHeader: hdr("Access-Control-Allow-Origin", testOrigin)}, verdict: VerdictBlocked, codes: []string{"ACAO_MISMATCH:block"}},
		{name: "5xx with CORS headers is shared", x: &Exchange{Method: "GET", RequestHeader: hdr("Origin", testOrigin), Status: 503, ResponseHeader: acaoV()}, verdict: VerdictAllowed},
		{name: "POST without ACAO", x: &Exchange{Method: "POST", RequestHeader: hdr("Origin", testOrigin), Status: 404, ResponseHeader: hdr("Content-Type", "application/json")}, verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block"}, msgHas: "404 Not Found from the server, with an empty body"},
		{name: "OPTIONS without ACRM is an actual request", x: &Exchange{Method: "OPTIONS", RequestHeader: hdr("Origin", testOrigin), Status: 204, ResponseHeader: acaoV()}, verdict: VerdictAllowed},

		// preflight §1.4
		{name: "preflight PUT x-custom ok", x: pre("PUT", "x-custom", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "x-custom")), verdict: VerdictAllowed, pre: true},
		{name: "preflight 204 ok", x: pre("PUT", "", 204, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT")), verdict: VerdictAllowed, pre: true},
		{name: "preflight 400", x: pre("PUT", "x-custom", 400, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "x-custom")), verdict: VerdictBlocked, pre: true, codes: []string{"PREFLIGHT_STATUS_NOT_OK:block"}},
		{name: "preflight 301", x: pre("PUT", "", 301, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT")), verdict: VerdictBlocked, pre: true, codes: []string{"PREFLIGHT_STATUS_NOT_OK:block"}},
		{name: "preflight 400 without CORS headers", x: pre("PUT", "", 400, hdr()), verdict: VerdictBlocked, pre: true, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block", "PREFLIGHT_STATUS_NOT_OK:block"}, msgHas: "2xx status"},
		{name: "preflight 200 without CORS headers: no list findings", x: pre("PUT", "x-a", 200, hdr()), verdict: VerdictBlocked, pre: true, codes: []string{"ACAO_MISSING:block"}},
		{name: "preflight wrong origin still checks lists", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", "https://other.test", "Access-Control-Allow-Methods", "GET")), verdict: VerdictBlocked, pre: true, codes: []string{"ACAO_MISMATCH:block", "PREFLIGHT_METHOD_NOT_ALLOWED:block"}},
		{name: "authorization via star, omit", x: pre("GET", "authorization", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Headers", "*")), verdict: VerdictAllowed, pre: true, codes: []string{"AUTHZ_WILDCARD_NONCONFORMANT:warn"}},
		{name: "authorization listed", x: pre("GET", "authorization", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Headers", "*, Authorization")), verdict: VerdictAllowed, pre: true},
		{name: "authorization via star, include", x: incl(pre("GET", "authorization", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Headers", "*"))), verdict: VerdictBlocked, pre: true, codes: []string{"WILDCARD_IS_LITERAL_WITH_CREDENTIALS:block"}},
		{name: "x-custom via star, omit", x: pre("GET", "x-custom", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Headers", "*")), verdict: VerdictAllowed, pre: true},
		{name: "method case patch", x: pre("patch", "", 200, espv2Preflight(testOrigin)), verdict: VerdictBlocked, pre: true, codes: []string{"PREFLIGHT_METHOD_NOT_ALLOWED:block", "MAX_AGE_ABOVE_BROWSER_CAP:info"}, msgHas: "case-sensitively"},
		{name: "ESPv2 defaults, POST json", x: pre("POST", "content-type", 200, espv2Preflight(testOrigin)), verdict: VerdictAllowed, pre: true, codes: []string{"MAX_AGE_ABOVE_BROWSER_CAP:info"}},
		{name: "ESPv2 defaults, x-custom", x: pre("POST", "x-custom", 200, espv2Preflight(testOrigin)), verdict: VerdictBlocked, pre: true, codes: []string{"PREFLIGHT_HEADER_NOT_ALLOWED:block", "MAX_AGE_ABOVE_BROWSER_CAP:info"}, msgHas: "x-custom"},
		{name: "ESPv2 defaults, DELETE", x: pre("DELETE", "", 200, espv2Preflight(testOrigin)), verdict: VerdictAllowed, pre: true, codes: []string{"MAX_AGE_ABOVE_BROWSER_CAP:info"}},
		{name: "ESPv2 defaults, several headers one missing", x: pre("PUT", "authorization,content-type,x-trace", 200, espv2Preflight(testOrigin)), verdict: VerdictBlocked, pre: true, codes: []string{"PREFLIGHT_HEADER_NOT_ALLOWED:block", "MAX_AGE_ABOVE_BROWSER_CAP:info"}},
		{name: "include ACAM star PUT", x: incl(pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "*"))), verdict: VerdictBlocked, pre: true, codes: []string{"WILDCARD_IS_LITERAL_WITH_CREDENTIALS:block"}},
		{name: "include ACAH star x-custom", x: incl(pre("GET", "x-custom", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Headers", "*"))), verdict: VerdictBlocked, pre: true, codes: []string{"WILDCARD_IS_LITERAL_WITH_CREDENTIALS:block"}},
		{name: "omit ACAM star PUT", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "*")), verdict: VerdictAllowed, pre: true},
		{name: "include preflight without ACAC", x: incl(pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT"))), verdict: VerdictBlocked, pre: true, codes: []string{"ACAC_NOT_TRUE:block"}},
		{name: "include ACAM star but PUT listed", x: incl(pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "*, PUT"))), verdict: VerdictAllowed, pre: true},
		{name: "no ACAM, safelisted method", x: pre("GET", "x-custom", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Headers", "X-Custom")), verdict: VerdictAllowed, pre: true},
		{name: "no ACAM, PUT", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin)), verdict: VerdictBlocked, pre: true, codes: []string{"PREFLIGHT_METHOD_NOT_ALLOWED:block"}},
		{name: "ACAM unparsable", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT POST")), verdict: VerdictBlocked, pre: true, codes: []string{"PREFLIGHT_METHOD_NOT_ALLOWED:block"}, msgHas: "cannot parse"},
		{name: "ACAH unparsable", x: pre("GET", "x-custom", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Headers", "x custom")), verdict: VerdictBlocked, pre: true, codes: []string{"PREFLIGHT_HEADER_NOT_ALLOWED:block"}, msgHas: "cannot parse"},
		{name: "ACAH unparsable even if unused", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "a;b")), verdict: VerdictBlocked, pre: true, codes: []string{"PREFLIGHT_HEADER_NOT_ALLOWED:block"}},
		{name: "ACAH empty items and OWS", x: pre("GET", "x-custom", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Headers", " , x-custom\t,,")), verdict: VerdictAllowed, pre: true},
		{name: "ACAH case-insensitive", x: pre("GET", "x-custom", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Headers", "X-CUSTOM")), verdict: VerdictAllowed, pre: true},
		{name: "ACAM repeated lines", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "GET", "Access-Control-Allow-Methods", "PUT")), verdict: VerdictAllowed, pre: true},
		{name: "ACRH with OWS from a non-browser client", x: pre("GET", "X-A , x-b", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Headers", "x-a,X-B")), verdict: VerdictAllowed, pre: true},
		{name: "max-age -1", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", "-1")), verdict: VerdictAllowed, pre: true, codes: []string{"MAX_AGE_INVALID:warn"}},
		{name: "max-age abc", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", "abc")), verdict: VerdictAllowed, pre: true, codes: []string{"MAX_AGE_INVALID:warn"}},
		{name: "max-age two lines", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", "10", "Access-Control-Max-Age", "10")), verdict: VerdictAllowed, pre: true, codes: []string{"MAX_AGE_INVALID:warn"}},
		{name: "max-age 7200", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", "7200")), verdict: VerdictAllowed, pre: true},
		{name: "max-age 0", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", "0")), verdict: VerdictAllowed, pre: true},
		{name: "max-age 7201", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", "7201")), verdict: VerdictAllowed, pre: true, codes: []string{"MAX_AGE_ABOVE_BROWSER_CAP:info"}},
		{name: "max-age huge", x: pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", "99999999999999999999999")), verdict: VerdictAllowed, pre: true, codes: []string{"MAX_AGE_ABOVE_BROWSER_CAP:info"}},
		{name: "PNA asked, not granted", x: func() *Exchange {
			x := pre("GET", "", 200, hdr("Access-Control-Allow-Origin", testOrigin))
			x.RequestHeader.Set("Access-Control-Request-Private-Network", "true")
			return x
		}(), verdict: VerdictAllowed, pre: true, codes: []string{"PNA_NOT_GRANTED:info"}},
		{name: "PNA granted", x: func() *Exchange {
			x := pre("GET", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Private-Network", "true"))
			x.RequestHeader.Set("Access-Control-Request-Private-Network", "true")
			return x
		}(), verdict: VerdictAllowed, pre: true},
		{name: "ACEH ignored on preflight", x: incl(pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT", "Access-Control-Expose-Headers", "*"))), verdict: VerdictAllowed, pre: true},

		// actual response §1.5
		{name: "include ACEH star", x: incl(get(acaoV("Access-Control-Allow-Credentials", "true", "Access-Control-Expose-Headers", "*"))), verdict: VerdictAllowed, codes: []string{"WILDCARD_IS_LITERAL_WITH_CREDENTIALS:warn"}, msgHas: "read as null"},
		{name: "omit ACEH star", x: get(acaoV("Access-Control-Expose-Headers", "*")), verdict: VerdictAllowed},

		// policy findings
		{name: "any origin with credentials (basic *)", x: withPolicy(incl(get(hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Credentials", "true"))), basic("*", true), nil), verdict: VerdictAllowed, codes: []string{"ANY_ORIGIN_WITH_CREDENTIALS:insecure", "MISSING_VARY_ORIGIN:warn"}},
		{name: "any origin with credentials (regex .*)", x: withPolicy(pre("PUT", "", 200, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT")), regex(".*", true), nil), verdict: VerdictAllowed, pre: true, codes: []string{"ANY_ORIGIN_WITH_CREDENTIALS:insecure"}},
		{name: "specific regex with credentials", x: withPolicy(incl(get(acaoV("Access-Control-Allow-Credentials", "true"))), regex(`http://127\.0\.0\.1:[0-9]+`, true), nil), verdict: VerdictAllowed},
		{name: "any origin without credentials", x: withPolicy(get(acaoV()), basic("*", false), nil), verdict: VerdictAllowed},
		{name: "backend ACAO for an origin the proxy denies", x: withPolicy(get(hdr("Access-Control-Allow-Origin", "*")), basic("https://app.example.com", false), hdr("Access-Control-Allow-Origin", "*")), verdict: VerdictAllowed, codes: []string{"BACKEND_CORS_OUTSIDE_PROXY_POLICY:insecure"}},
		{name: "backend preflight answer for a denied origin (ModeBoth)", x: withPolicy(pre("PUT", "", 204, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT")), &Policy{Proxy: ESPv2, Preset: PresetBasic, AllowOrigin: "https://app.example.com", AllowCors: true}, hdr("Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Methods", "PUT")), verdict: VerdictAllowed, pre: true, codes: []string{"BACKEND_CORS_OUTSIDE_PROXY_POLICY:insecure"}},
		{name: "backend CORS with allowCors only is by design", x: withPolicy(get(hdr("Access-Control-Allow-Origin", "*")), &Policy{Proxy: ESPv2, AllowCors: true}, hdr("Access-Control-Allow-Origin", "*")), verdict: VerdictAllowed},
		{name: "backend ACAC passes though credentials are off", x: withPolicy(incl(get(acaoV("Access-Control-Allow-Credentials", "true"))), basic(testOrigin, false), hdr("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "true")), verdict: VerdictAllowed, codes: []string{"BACKEND_CORS_OUTSIDE_PROXY_POLICY:insecure"}, msgHas: "Access-Control-Allow-Credentials"},
		{name: "backend ACAO replaced by the proxy", x: withPolicy(get(acaoV()), basic(testOrigin, false), hdr("Access-Control-Allow-Origin", "*")), verdict: VerdictAllowed},
		{name: "denied origin gets the proxy's ACAO_MISSING fix", x: withPolicy(get(hdr()), basic("https://app.example.com", false), hdr()), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block"}, msgHas: "--cors_allow_origin"},
		{name: "ESP basic static origin needs no Vary", x: withPolicy(get(hdr("Access-Control-Allow-Origin", testOrigin)), &Policy{Proxy: ESP, Preset: PresetBasic, AllowOrigin: testOrigin}, nil), verdict: VerdictAllowed},
		{name: "config origin with user info (as lint says)", x: withPolicy(get(hdr()), basic("https://user@a.example.com", false), nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "CONFIG_ORIGIN_NOT_SERIALIZED:warn"}, msgHas: "has user info"},
		{name: "config regex optional www (as lint says)", x: withPolicy(get(hdr()), regex(`^https://(www.)?example\.com$`, false), nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "CONFIG_REGEX_UNESCAPED_DOT:warn"}, msgHas: "unescaped '.'"},
		{name: "config origin list", x: withPolicy(get(hdr()), basic("https://a.example.com,https://b.example.com", false), nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "CONFIG_ORIGIN_NOT_SERIALIZED:warn"}, msgHas: "holds several origins"},
		{name: "config origin trailing slash", x: withPolicy(get(hdr()), basic(testOrigin+"/", false), nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "CONFIG_ORIGIN_NOT_SERIALIZED:warn"}, msgHas: "trailing slash"},
		// errors the browser hides behind a CORS error
		{name: "backend 401 without CORS headers names status, body and fix", x: withPolicy(hidden("GET", 401, false, `{"code":401,"message":"Method doesn't allow unregistered callers"}`), &Policy{Proxy: ESPv2, AllowCors: true}, nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block"}, msgHas: "401 Unauthorized from the backend, with the body `{\"code\":401,\"message\":\"Method doesn't allow unregistered callers\"}`. The request was refused for its credentials: send the API key"},
		{name: "401 hint: set --cors_preset", x: withPolicy(hidden("GET", 401, false, "denied"), &Policy{Proxy: ESPv2, AllowCors: true}, nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block"}, msgHas: "Or set --cors_preset"},
		{name: "401 hint: origin not allowed", x: withPolicy(hidden("GET", 401, false, "denied"), basic("https://app.example.com", false), nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block"}, msgHas: "this origin is not one of them"},
		{name: "preflight 401 from a secured options operation", x: withPolicy(hidden("OPTIONS", 401, false, ""), &Policy{Proxy: ESPv2, AllowCors: true}, nil), verdict: VerdictBlocked, pre: true, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block", "PREFLIGHT_STATUS_NOT_OK:block"}, msgHas: "remove the security from the spec's options operation"},
		{name: "ESPv2's own 405", x: withPolicy(hidden("DELETE", 405, true, `{"code":405}`), basic(testOrigin, false), nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block"}, msgHas: "from the proxy, with the body `{\"code\":405}`. ESPv2's own 404 and 405 never carry CORS headers"},
		{name: "ESPv2's preflight 400", x: withPolicy(hidden("OPTIONS", 400, true, `{"code":400}`), basic("https://app.example.com", false), nil), verdict: VerdictBlocked, pre: true, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block", "PREFLIGHT_STATUS_NOT_OK:block"}, msgHas: "did not answer this preflight"},
		{name: "ESPv2's 405 to OPTIONS without CORS configuration", x: withPolicy(hidden("OPTIONS", 405, true, ""), &Policy{Proxy: ESPv2}, nil), verdict: VerdictBlocked, pre: true, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block", "PREFLIGHT_STATUS_NOT_OK:block"}, msgHas: "no route for OPTIONS"},
		{name: "ESP's 403 to OPTIONS", x: withPolicy(hidden("OPTIONS", 403, true, `{"code":7,"message":"The service does not allow CORS traffic."}`), &Policy{Proxy: ESP}, nil), verdict: VerdictBlocked, pre: true, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block", "PREFLIGHT_STATUS_NOT_OK:block"}, msgHas: "ESP answers 403"},
		{name: "ESP's 403 for a token on a preflight is about credentials", x: withPolicy(hidden("OPTIONS", 403, true, `{"code":7,"message":"JWT validation failed: Audience not allowed"}`), &Policy{Proxy: ESP, AllowCors: true}, nil), verdict: VerdictBlocked, pre: true, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block", "PREFLIGHT_STATUS_NOT_OK:block"}, msgHas: "remove the security from the spec's options operation"},
		{name: "ESPv2's 401 from a secured options operation, origin outside the preset", x: withPolicy(hidden("OPTIONS", 401, true, `{"code":401,"message":"UNAUTHENTICATED: Method doesn't allow unregistered callers"}`), basic("https://app.example.com", false), nil), verdict: VerdictBlocked, pre: true, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block", "PREFLIGHT_STATUS_NOT_OK:block"}, msgHas: "401 Unauthorized from the proxy, with the body `{\"code\":401,\"message\":\"UNAUTHENTICATED: Method doesn't allow unregistered callers\"}`. A preflight never carries credentials"},
		{name: "the proxy's invalid-key 400", x: withPolicy(hidden("GET", 400, true, `{"code":400,"message":"INVALID_ARGUMENT: API key not valid. Please pass a valid API key."}`), &Policy{Proxy: ESPv2, AllowCors: true}, nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block"}, msgHas: "The proxy refused the API key in the URL (with serve: not one of the --api-key values; deployed: not a key of a project that has this API enabled): send a valid key. Or set --cors_preset"},
		{name: "the invalid-key 400 of a preflight to a secured options operation", x: withPolicy(hidden("OPTIONS", 400, true, `{"code":3,"message":"API key not valid. Please pass a valid API key."}`), &Policy{Proxy: ESP, AllowCors: true}, nil), verdict: VerdictBlocked, pre: true, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block", "PREFLIGHT_STATUS_NOT_OK:block"}, msgHas: "The proxy refused the API key in the URL"},
		{name: "ESP's 401 names ESP's rule", x: withPolicy(hidden("GET", 401, true, `{"code":16}`), &Policy{Proxy: ESP, AllowCors: true}, nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block"}, msgHas: "ESP adds CORS headers to its own 401/403 only when --cors_preset covers the origin"},
		{name: "ESP's 404", x: withPolicy(hidden("GET", 404, true, ""), &Policy{Proxy: ESP}, nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block"}, msgHas: "ESP has no method"},
		{name: "proxy 503", x: withPolicy(hidden("GET", 503, true, ""), &Policy{Proxy: ESPv2, AllowCors: true}, nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block"}, msgHas: "no answer from the backend"},
		{name: "proxy 400 for a rejected path", x: withPolicy(hidden("GET", 400, true, `{"code":400,"message":""}`), &Policy{Proxy: ESPv2}, nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block"}, msgHas: "before routing it"},
		{name: "preflight refused before routing", x: withPolicy(hidden("OPTIONS", 431, true, ""), &Policy{Proxy: ESPv2}, nil), verdict: VerdictBlocked, pre: true, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block", "PREFLIGHT_STATUS_NOT_OK:block"}, msgHas: "refused the preflight before routing"},
		{name: "backend 500 body is quoted when not plain", x: withPolicy(hidden("GET", 500, false, "boom\x00\n"+strings.Repeat("x", 300)), &Policy{Proxy: ESPv2, AllowCors: true}, nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block"}, msgHas: `with the body "boom\x00\n` + strings.Repeat("x", 194) + `"…`},
		{name: "backend 500 generic fix", x: withPolicy(hidden("GET", 500, false, "oops"), &Policy{Proxy: ESPv2, AllowCors: true}, nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "ERROR_HIDDEN_AS_CORS:block"}, msgHas: "error responses lack Access-Control-Allow-Origin"},
		{name: "a 2xx without CORS headers is no hidden error", x: withPolicy(hidden("GET", 200, false, "fine"), &Policy{Proxy: ESPv2, AllowCors: true}, nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block"}},
		{name: "an error with CORS headers is readable", x: &Exchange{Method: "GET", RequestHeader: hdr("Origin", testOrigin), Status: 401, ResponseHeader: hdr("Access-Control-Allow-Origin", "*"), Body: []byte("denied")}, verdict: VerdictAllowed},
		{name: "config regex unescaped dot", x: withPolicy(get(hdr()), regex(`https://app.example.com`, false), nil), verdict: VerdictBlocked, codes: []string{"ACAO_MISSING:block", "CONFIG_REGEX_UNESCAPED_DOT:warn"}, msgHas: "offset 11"},
	}
}

// hidden is a response without CORS headers to method from testOrigin (a
// preflight for PUT when method is OPTIONS).
func hidden(method string, status int, proxyMade bool, body string) *Exchange {
	req := hdr("Origin", testOrigin)
	if method == "OPTIONS" {
		req.Set("Access-Control-Request-Method", "PUT")
	}
	return &Exchange{Method: method, RequestHeader: req, Status: status, ResponseHeader: hdr("Content-Type", "application/json"),
		ProxyMade: proxyMade, Body: []byte(body)}
}

func findingCodes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+":"+f.Severity)
	}
	return out
}

func TestCheck(t *testing.T) {
	for _, tc := range checkCases() {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(tc.x)
			if got.Verdict != tc.verdict || got.Preflight != tc.pre {
				t.Errorf("verdict %q preflight %v, want %q %v; findings %v", got.Verdict, got.Preflight, tc.verdict, tc.pre, got.Findings)
			}
			if diff := cmp.Diff(tc.codes, findingCodes(got.Findings)); diff != "" {
				t.Errorf("codes (-want +got):\n%s\n%v", diff, got.Findings)
			}
			var all strings.Builder
			for _, f := range got.Findings {
				if len(f.Message) < 40 {
					t.Errorf("%s: message too short: %q", f.Code, f.Message)
				}
				all.WriteString(f.Message + "\n")
			}
			if tc.msgHas != "" && !strings.Contains(all.String(), tc.msgHas) {
				t.Errorf("messages do not mention %q:\n%s", tc.msgHas, all.String())
			}
			// block findings and the verdict agree
			blocked := false
			for _, f := range got.Findings {
				blocked = blocked || f.Severity == SeverityBlock
			}
			if got.Verdict != VerdictNotCORS && blocked != (got.Verdict == VerdictBlocked) {
				t.Errorf("verdict %q disagrees with block findings %v", got.Verdict, got.Findings)
			}
		})
	}
}

// TestCheckCoversEveryCode fails when a code of reference §4 has no case.
func TestCheckCoversEveryCode(t *testing.T) {
	all := []string{
		CodeACAOMissing, CodeACAOMismatch, CodeACAOMultiple, CodeACAOWildcardWithCredentials,
		CodeACACNotTrue, CodePreflightStatusNotOK, CodePreflightMethodNotAllowed,
		CodePreflightHeaderNotAllowed, CodeWildcardIsLiteralWithCreds, CodeAuthzWildcardNonconformant,
		CodeACAONull, CodeAnyOriginWithCredentials, CodeBackendCORSOutsideProxyPolicy,
		CodeMissingVaryOrigin, CodeMaxAgeAboveBrowserCap, CodeMaxAgeInvalid, CodePNANotGranted,
		CodeConfigOriginNotSerialized, CodeConfigRegexUnescapedDot,
		CodeErrorHiddenAsCORS, // corsgate's own, not in reference §4
	}
	if len(all) != 20 {
		t.Fatalf("reference §4 has 19 codes and corsgate adds 1, list has %d", len(all))
	}
	seen := map[string]bool{}
	for _, tc := range checkCases() {
		for _, f := range Check(tc.x).Findings {
			seen[f.Code] = true
		}
	}
	for _, c := range all {
		if !seen[c] {
			t.Errorf("no test case produces %s", c)
		}
	}
}

func TestCheckDoesNotModifyExchange(t *testing.T) {
	x := incl(pre("PUT", "x-a", 200, espv2Preflight(testOrigin)))
	before := x.ResponseHeader.Clone()
	reqBefore := x.RequestHeader.Clone()
	Check(x)
	if diff := cmp.Diff(before, x.ResponseHeader); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(reqBefore, x.RequestHeader); diff != "" {
		t.Error(diff)
	}
}

func TestCredentialsFor(t *testing.T) {
	for _, tc := range []struct {
		name    string
		assume  string
		h       http.Header
		want    CredentialsMode
		wantErr bool
	}{
		{"default omit", "", hdr("Origin", testOrigin), CredentialsOmit, false},
		{"cookie means include", "", hdr("Cookie", "a=b"), CredentialsInclude, false},
		{"empty cookie line still include", "", hdr("Cookie", ""), CredentialsInclude, false},
		{"assume include wins", "include", hdr(), CredentialsInclude, false},
		{"assume omit wins over cookie", "omit", hdr("Cookie", "a=b"), CredentialsOmit, false},
		{"bad value", "same-origin", hdr(), CredentialsOmit, true},
		{"case matters", "Include", hdr(), CredentialsOmit, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CredentialsFor(tc.assume, tc.h)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("CredentialsFor(%q) = %v, %v; want %v, err %v", tc.assume, got, err, tc.want, tc.wantErr)
			}
		})
	}
	if CredentialsInclude.String() != "include" || CredentialsOmit.String() != "omit" {
		t.Error("String")
	}
}

func TestIsPreflight(t *testing.T) {
	for _, tc := range []struct {
		method string
		h      http.Header
		want   bool
	}{
		{"OPTIONS", hdr("Origin", testOrigin, "Access-Control-Request-Method", "PUT"), true},
		{"OPTIONS", hdr("Origin", testOrigin, "Access-Control-Request-Method", ""), false},
		{"OPTIONS", hdr("Access-Control-Request-Method", "PUT"), false},
		{"OPTIONS", hdr("Origin", testOrigin), false},
		{"options", hdr("Origin", testOrigin, "Access-Control-Request-Method", "PUT"), false},
		{"GET", hdr("Origin", testOrigin, "Access-Control-Request-Method", "PUT"), false},
	} {
		if got := IsPreflight(tc.method, tc.h); got != tc.want {
			t.Errorf("IsPreflight(%s, %v) = %v", tc.method, tc.h, got)
		}
	}
}

func TestParseTokenList(t *testing.T) {
	for _, tc := range []struct {
		in      []string
		want    []string
		wantErr bool
	}{
		{nil, nil, false},
		{[]string{""}, nil, false},
		{[]string{"GET, POST, PUT, PATCH, DELETE, OPTIONS"}, []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}, false},
		{[]string{"a,b", "c"}, []string{"a", "b", "c"}, false},
		{[]string{" ,\ta ,, b\t"}, []string{"a", "b"}, false},
		{[]string{"*"}, []string{"*"}, false},
		{[]string{"a b"}, nil, true},
		{[]string{"a;b"}, nil, true},
		{[]string{"x-é"}, nil, true},
		{[]string{`"a"`}, nil, true},
	} {
		got, err := ParseTokenList(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseTokenList(%q) error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseTokenList(%q): %s", tc.in, diff)
		}
	}
}

func TestParseDeltaSeconds(t *testing.T) {
	for _, tc := range []struct {
		in []string
		n  int64
		ok bool
	}{
		{[]string{"0"}, 0, true},
		{[]string{"600"}, 600, true},
		{[]string{"1728000"}, 1728000, true},
		{[]string{"99999999999999999999"}, 1<<63 - 1, true},
		{[]string{"-1"}, 0, false},
		{[]string{"+5"}, 0, false},
		{[]string{"1.5"}, 0, false},
		{[]string{" 5"}, 0, false},
		{[]string{""}, 0, false},
		{[]string{"5", "5"}, 0, false},
		{nil, 0, false},
	} {
		n, ok := parseDeltaSeconds(tc.in)
		if n != tc.n || ok != tc.ok {
			t.Errorf("parseDeltaSeconds(%q) = %d, %v; want %d, %v", tc.in, n, ok, tc.n, tc.ok)
		}
	}
}

func TestPolicyAllowsOrigin(t *testing.T) {
	const o = "https://app.example.com"
	for _, tc := range []struct {
		name   string
		p      Policy
		origin string
		want   bool
	}{
		{"espv2 basic exact", Policy{Preset: PresetBasic, AllowOrigin: o}, o, true},
		{"espv2 basic case-sensitive", Policy{Preset: PresetBasic, AllowOrigin: o}, "https://APP.example.com", false},
		{"espv2 basic trailing slash never matches", Policy{Preset: PresetBasic, AllowOrigin: o + "/"}, o, false},
		{"espv2 basic star", Policy{Preset: PresetBasic, AllowOrigin: "*"}, "http://evil.test", true},
		{"espv2 regex full match", Policy{Preset: PresetRegex, AllowOriginRegex: `https://app\.example\.com`}, o + ".evil.test", false},
		{"espv2 regex matches", Policy{Preset: PresetRegex, AllowOriginRegex: `https://[a-z]+\.example\.com`}, o, true},
		{"espv2 regex case-sensitive", Policy{Preset: PresetRegex, AllowOriginRegex: `https://app\.example\.com`}, "HTTPS://app.example.com", false},
		{"espv2 regex alternation is anchored as a whole", Policy{Preset: PresetRegex, AllowOriginRegex: `https://a\.test|https://b\.test`}, "https://b.test.evil", false},
		{"espv2 regex .* matches star", Policy{Preset: PresetRegex, AllowOriginRegex: `.*`}, "null", true},
		{"espv2 bad regex", Policy{Preset: PresetRegex, AllowOriginRegex: `(`}, o, false},
		{"no preset", Policy{AllowCors: true}, o, false},
		{"esp basic any", Policy{Proxy: ESP, Preset: PresetBasic, AllowOrigin: o}, "http://other.test", true},
		{"esp regex case-insensitive anywhere", Policy{Proxy: ESP, Preset: PresetRegex, AllowOriginRegex: `app\.example\.com`}, "HTTPS://APP.EXAMPLE.COM.evil.test", true},
		{"esp regex no match", Policy{Proxy: ESP, Preset: PresetRegex, AllowOriginRegex: `^https://app\.example\.com$`}, "https://other.test", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PolicyAllowsOrigin(&tc.p, tc.origin); got != tc.want {
				t.Errorf("PolicyAllowsOrigin(%+v, %q) = %v", tc.p, tc.origin, got)
			}
		})
	}
}

func TestCheckMessagesNameTheFlags(t *testing.T) {
	// With a proxy policy the fix names the proxy flag; without one, the server.
	p := &Policy{Proxy: ESPv2, Preset: PresetBasic, AllowOrigin: testOrigin, MaxAge: time.Hour}
	r := Check(withPolicy(pre("PUT", "x-trace", 200, espv2Preflight(testOrigin)), p, nil))
	var msgs string
	for _, f := range r.Findings {
		msgs += f.Message
	}
	if !strings.Contains(msgs, "--cors_allow_headers") {
		t.Errorf("header fix does not name --cors_allow_headers: %s", msgs)
	}
	r = Check(pre("PUT", "x-trace", 200, espv2Preflight(testOrigin)))
	msgs = ""
	for _, f := range r.Findings {
		msgs += f.Message
	}
	if strings.Contains(msgs, "--cors_allow_headers") {
		t.Errorf("without a policy the fix should not name proxy flags: %s", msgs)
	}
}

// BenchmarkCheckPreflight: an allowed preflight answered with ESPv2's
// defaults (one info finding, MAX_AGE_ABOVE_BROWSER_CAP).
func BenchmarkCheckPreflight(b *testing.B) {
	x := pre("PUT", "content-type", 200, espv2Preflight(testOrigin))
	if r := Check(x); r.Verdict != VerdictAllowed || len(r.Findings) != 1 {
		b.Fatalf("unexpected result %+v", r)
	}
	b.ReportAllocs()
	for b.Loop() {
		Check(x)
	}
}

// BenchmarkCheckPreflightBlocked: a header outside the list (the message is
// formatted).
func BenchmarkCheckPreflightBlocked(b *testing.B) {
	x := pre("PUT", "content-type,x-custom", 200, espv2Preflight(testOrigin))
	if r := Check(x); r.Verdict != VerdictBlocked {
		b.Fatalf("unexpected result %+v", r)
	}
	b.ReportAllocs()
	for b.Loop() {
		Check(x)
	}
}

func BenchmarkCheckActual(b *testing.B) {
	x := get(hdr("Access-Control-Allow-Origin", testOrigin, "Vary", "Origin", "Access-Control-Expose-Headers", DefaultExposeHeaders))
	b.ReportAllocs()
	for b.Loop() {
		Check(x)
	}
}
