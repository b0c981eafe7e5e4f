package cors

// The checker judges one request/response exchange the way a browser's CORS
// implementation does (WHATWG Fetch, commit 586cd2a, "CORS check" and
// "CORS-preflight fetch"), with the deviations observed in Chromium 156
// (cors-protocol reference §7.6), and reports stable finding codes
// (cors-protocol reference §4).
//
// Severity policy: a finding has severity "block" exactly when a browser would
// refuse to share the response because of it, so Result.Verdict is "blocked"
// if and only if Result.Findings holds a "block" finding. Two codes therefore
// carry a lower severity in the cases where Chromium still lets the response
// through:
//   - ACAO_WILDCARD_WITH_CREDENTIALS on a non-credentialed request ("*" paired
//     with Access-Control-Allow-Credentials: true) is "warn": it works for
//     this request and breaks as soon as the page sends credentials.
//   - WILDCARD_IS_LITERAL_WITH_CREDENTIALS for Access-Control-Expose-Headers
//     is "warn": the response is shared, but its non-safelisted headers
//     read as null.

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CredentialsMode is the actual request's credentials mode as the browser would set it.
type CredentialsMode int

// Credentials modes. "same-origin" never applies to the cross-origin requests
// the checker judges, so it is folded into omit.
const (
	CredentialsOmit CredentialsMode = iota
	CredentialsInclude
)

// String returns "omit" or "include".
func (m CredentialsMode) String() string {
	if m == CredentialsInclude {
		return "include"
	}
	return "omit"
}

// Exchange is one request/response pair as seen by the client (after the proxy).
type Exchange struct {
	Method         string      // request method
	RequestHeader  http.Header // request headers as sent (Origin, ACRM, ACRH, Cookie, …)
	Status         int
	ResponseHeader http.Header // final response headers, repeated lines kept
	Credentials    CredentialsMode
	// Policy is the proxy policy in force (may be nil); used for insecure/config findings such as
	// ANY_ORIGIN_WITH_CREDENTIALS, BACKEND_CORS_OUTSIDE_PROXY_POLICY, CONFIG_* codes.
	Policy *Policy
	// BackendHeader holds the CORS headers the backend itself sent, when known (nil if the proxy answered).
	BackendHeader http.Header
	// ProxyMade reports that the proxy made the response itself (a preflight
	// answer, a direct reply such as ESPv2's 404/405, an upstream failure).
	ProxyMade bool
	// Body is the start of the response body, when known (serve keeps up to
	// 512 bytes of proxy-made and error responses); messages quote it.
	Body []byte
}

// Verdict is what the browser does with the response.
type Verdict string

// Verdicts.
const (
	VerdictAllowed Verdict = "allowed"
	VerdictBlocked Verdict = "blocked"
	VerdictNotCORS Verdict = "not a CORS request"
)

// Finding is one problem (or advisory) about an exchange.
type Finding struct {
	Code     string `json:"code"`     // exactly the codes of cors-protocol.md §4, e.g. "ACAO_MISSING"
	Severity string `json:"severity"` // "block" | "insecure" | "warn" | "info"
	Message  string `json:"message"`  // what the browser will do and what to change (spec, flags or backend)
}

// Result is the checker's judgement of one exchange.
type Result struct {
	Verdict   Verdict
	Preflight bool
	Findings  []Finding
}

// Finding severities.
const (
	SeverityBlock    = "block"
	SeverityInsecure = "insecure"
	SeverityWarn     = "warn"
	SeverityInfo     = "info"
)

// Finding codes (cors-protocol reference §4). They never change meaning.
const (
	CodeACAOMissing                   = "ACAO_MISSING"
	CodeACAOMismatch                  = "ACAO_MISMATCH"
	CodeACAOMultiple                  = "ACAO_MULTIPLE"
	CodeACAOWildcardWithCredentials   = "ACAO_WILDCARD_WITH_CREDENTIALS"
	CodeACACNotTrue                   = "ACAC_NOT_TRUE"
	CodePreflightStatusNotOK          = "PREFLIGHT_STATUS_NOT_OK"
	CodePreflightMethodNotAllowed     = "PREFLIGHT_METHOD_NOT_ALLOWED"
	CodePreflightHeaderNotAllowed     = "PREFLIGHT_HEADER_NOT_ALLOWED"
	CodeWildcardIsLiteralWithCreds    = "WILDCARD_IS_LITERAL_WITH_CREDENTIALS"
	CodeAuthzWildcardNonconformant    = "AUTHZ_WILDCARD_NONCONFORMANT"
	CodeACAONull                      = "ACAO_NULL"
	CodeAnyOriginWithCredentials      = "ANY_ORIGIN_WITH_CREDENTIALS"
	CodeBackendCORSOutsideProxyPolicy = "BACKEND_CORS_OUTSIDE_PROXY_POLICY"
	CodeMissingVaryOrigin             = "MISSING_VARY_ORIGIN"
	CodeMaxAgeAboveBrowserCap         = "MAX_AGE_ABOVE_BROWSER_CAP"
	CodeMaxAgeInvalid                 = "MAX_AGE_INVALID"
	CodePNANotGranted                 = "PNA_NOT_GRANTED"
	CodeConfigOriginNotSerialized     = "CONFIG_ORIGIN_NOT_SERIALIZED"
	CodeConfigRegexUnescapedDot       = "CONFIG_REGEX_UNESCAPED_DOT"
	CodeErrorHiddenAsCORS             = "ERROR_HIDDEN_AS_CORS"
)

// Browser limits (cors-protocol reference §1.4.7).
const (
	// ChromiumMaxAgeCap is Chromium's preflight cache limit in seconds (since v76).
	ChromiumMaxAgeCap = 7200
	// FirefoxMaxAgeCap is Firefox's preflight cache limit in seconds.
	FirefoxMaxAgeCap = 86400
	// DefaultPreflightMaxAge is what a browser uses when Max-Age is absent or invalid.
	DefaultPreflightMaxAge = 5
)

const maxAgeCapTail = " s, above the browsers' caps: Chromium caches preflights for at most 7200 s (2 h) and Firefox for 86400 s (24 h), so a preflight is repeated sooner than the header says. Harmless; to say what actually happens, set --cors_max_age=2h (ESPv2; ESP v1 always sends 1728000)."

// Header names used by the checker (canonical form, as net/http stores them).
const (
	hOrigin  = "Origin"
	hACRM    = "Access-Control-Request-Method"
	hACRH    = "Access-Control-Request-Headers"
	hACRPN   = "Access-Control-Request-Private-Network"
	hACAO    = "Access-Control-Allow-Origin"
	hACAC    = "Access-Control-Allow-Credentials"
	hACAM    = "Access-Control-Allow-Methods"
	hACAH    = "Access-Control-Allow-Headers"
	hACEH    = "Access-Control-Expose-Headers"
	hMaxAge  = "Access-Control-Max-Age"
	hACAPN   = "Access-Control-Allow-Private-Network"
	hVary    = "Vary"
	hCookie  = "Cookie"
	hAuthz   = "Authorization"
	wildcard = "*"
)

// CredentialsFor picks the mode: an explicit --assume-credentials value wins, else a Cookie header means include, else omit.
func CredentialsFor(assume string, h http.Header) (CredentialsMode, error) { // assume: "", "include", "omit"
	switch assume {
	case "include":
		return CredentialsInclude, nil
	case "omit":
		return CredentialsOmit, nil
	case "":
		if len(h.Values(hCookie)) > 0 {
			return CredentialsInclude, nil
		}
		return CredentialsOmit, nil
	}
	return CredentialsOmit, fmt.Errorf("credentials mode %q: want include or omit", assume)
}

// IsPreflight reports whether the request is a CORS preflight: OPTIONS with a
// non-empty Origin and a non-empty Access-Control-Request-Method.
func IsPreflight(method string, h http.Header) bool {
	return method == http.MethodOptions && headerJoined(h, hOrigin) != "" && headerJoined(h, hACRM) != ""
}

// Check judges one exchange with the browser's rules. A preflight exchange is
// judged for the actual request it announces (ACRM/ACRH) with x.Credentials
// as that actual request's credentials mode.
func Check(x *Exchange) Result {
	c := checker{x: x}
	return c.run()
}

type checker struct {
	x        *Exchange
	origin   string
	findings []Finding
}

func (c *checker) add(code, severity, format string, args ...any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	if c.findings == nil {
		c.findings = make([]Finding, 0, 4)
	}
	c.findings = append(c.findings, Finding{Code: code, Severity: severity, Message: msg})
}

// addMsg adds a finding whose message is already built.
func (c *checker) addMsg(code, severity, msg string) {
	if c.findings == nil {
		c.findings = make([]Finding, 0, 4)
	}
	c.findings = append(c.findings, Finding{Code: code, Severity: severity, Message: msg})
}

// values returns a header's lines. Names are the canonical constants above and
// headers come from net/http (canonical keys), so this is a plain map lookup
// (Header.Values would canonicalise the name on every call).
func values(h http.Header, name string) []string { return h[name] }

func (c *checker) run() Result {
	x := c.x
	c.origin = headerJoined(x.RequestHeader, hOrigin)
	if c.origin == "" {
		// Fetch adds Origin to every CORS-mode request; without it the
		// browser does no CORS check (Envoy: an empty Origin is no Origin).
		return Result{Verdict: VerdictNotCORS}
	}
	pre := IsPreflight(x.Method, x.RequestHeader)
	granted := c.corsCheck(pre)
	if !granted {
		c.hiddenError(pre)
	}
	if pre {
		c.preflight()
	} else {
		c.actual(granted)
	}
	c.policyFindings(pre, granted)
	v := VerdictAllowed
	for _, f := range c.findings {
		if f.Severity == SeverityBlock {
			v = VerdictBlocked
			break
		}
	}
	return Result{Verdict: v, Preflight: pre, Findings: c.findings}
}

// what names the response for messages.
func (c *checker) what(pre bool) string {
	if pre {
		return "the preflight response"
	}
	return "the response"
}

// corsCheck is Fetch's "CORS check" (reference §1.3). It reports whether the
// response passes it.
func (c *checker) corsCheck(pre bool) bool {
	x := c.x
	lines := values(x.ResponseHeader, hACAO)
	include := x.Credentials == CredentialsInclude
	what := c.what(pre)
	if len(lines) == 0 {
		c.add(CodeACAOMissing, SeverityBlock,
			"The browser blocks %s: it has no Access-Control-Allow-Origin header for origin %s. %s",
			what, c.origin, c.fixOrigin(pre))
		return false
	}
	if len(lines) > 1 || strings.Contains(lines[0], ",") {
		c.add(CodeACAOMultiple, SeverityBlock,
			"The browser blocks %s: Access-Control-Allow-Origin contains multiple values (%q) but only one is allowed. %s",
			what, strings.Join(lines, ", "), c.fixMultiple())
		return false
	}
	acao := lines[0]
	acac := headerJoined(x.ResponseHeader, hACAC)
	if acao == wildcard {
		if include {
			c.add(CodeACAOWildcardWithCredentials, SeverityBlock,
				"The browser blocks %s: Access-Control-Allow-Origin is the wildcard '*', which is not allowed when the request's credentials mode is 'include'. Send the request's origin instead of '*' (ESPv2 always echoes the origin; on ESP use cors_with_regex or a fixed --cors_allow_origin), or send the request without credentials.",
				what)
			return false
		}
		if acac == "true" {
			c.add(CodeACAOWildcardWithCredentials, SeverityWarn,
				"Access-Control-Allow-Origin '*' together with Access-Control-Allow-Credentials: true works only because this request has no credentials; the browser will block the same response for fetch(..., {credentials: 'include'}) or a request with cookies. Echo the origin instead of '*', or drop Allow-Credentials.")
		}
		return true
	}
	if acao != c.origin {
		msg := "The browser blocks %s: Access-Control-Allow-Origin is %q, which is not equal to the request's origin %q (the comparison is byte-exact: no case folding, no trailing slash, no default port). %s"
		c.add(CodeACAOMismatch, SeverityBlock, msg, what, acao, c.origin, c.fixMismatch(acao))
		return false
	}
	if acao == "null" {
		c.add(CodeACAONull, SeverityInsecure,
			"Access-Control-Allow-Origin 'null' is granted: every opaque origin (sandboxed iframes, data: and file: pages, some redirects) shares it, so any site can read this response through a sandboxed iframe. Do not allow the origin 'null' in the proxy flags or the backend.")
	}
	if !include {
		return true
	}
	if acac != "true" {
		c.add(CodeACACNotTrue, SeverityBlock,
			"The browser blocks %s: the request's credentials mode is 'include' and Access-Control-Allow-Credentials is %q, which must be exactly 'true' (lower case, one line). %s",
			what, acac, c.fixCredentials())
		return false
	}
	return true
}

// Texts of proxy answers the hidden-error advice tells apart: ESPv2's and
// ESP's invalid API key (esp-v2 v2.55.7
// src/api_proxy/service_control/check_response_convert_utils.cc), and ESP's
// 403 for an OPTIONS without a method (cloudendpoints/esp v1.60.0
// src/api_manager/check_service_control.cc).
const (
	apiKeyNotValid = "API key not valid"
	espNoCORS      = "does not allow CORS traffic"
)

// hiddenBodyMax is how much of the body a message quotes.
const hiddenBodyMax = 200

// hiddenError reports ERROR_HIDDEN_AS_CORS: a response without
// Access-Control-Allow-Origin that the proxy made or that carries an error
// status. The browser gives the page only "TypeError: Failed to fetch" and
// a CORS message in the console, so the real status and body are what the
// developer needs to see.
func (c *checker) hiddenError(pre bool) {
	x := c.x
	if len(values(x.ResponseHeader, hACAO)) > 0 || x.Status < 400 && !x.ProxyMade {
		return
	}
	who, what := "the backend", "request"
	switch {
	case x.ProxyMade:
		who = "the proxy"
	case x.Policy == nil:
		who = "the server"
	}
	if pre {
		what = "preflight"
	}
	c.add(CodeErrorHiddenAsCORS, SeverityBlock,
		"The page sees only a CORS error (fetch rejects with TypeError: Failed to fetch), but the real answer to the %s was %d %s from %s%s. %s",
		what, x.Status, http.StatusText(x.Status), who, quoteBody(x.Body), c.fixHidden(pre))
}

// quoteBody names a response body for a message: its first bytes, in
// backquotes when they are plain text, else Go-quoted.
func quoteBody(b []byte) string {
	if len(b) == 0 {
		return ", with an empty body"
	}
	more := ""
	if len(b) > hiddenBodyMax {
		b, more = b[:hiddenBodyMax], "…"
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
	}
	s := strings.TrimRight(string(b), "\r\n")
	plain := utf8.ValidString(s) && !strings.ContainsAny(s, "`")
	for _, r := range s {
		if r < ' ' && r != '\t' {
			plain = false
		}
	}
	if plain {
		return ", with the body `" + s + more + "`"
	}
	return ", with the body " + strconv.Quote(s) + more
}

// fixHidden says what to change for ERROR_HIDDEN_AS_CORS, from who made the
// response, its status and the proxy policy.
func (c *checker) fixHidden(pre bool) string {
	x, p := c.x, c.x.Policy
	esp := p != nil && p.Proxy == ESP
	keyRefused := x.ProxyMade && x.Status == http.StatusBadRequest && bytes.Contains(x.Body, []byte(apiKeyNotValid))
	switch {
	case pre && x.ProxyMade && esp && x.Status == http.StatusForbidden && bytes.Contains(x.Body, []byte(espNoCORS)):
		return "ESP answers 403 to an OPTIONS that no method of the spec matches: set --cors_preset so nginx answers preflights, or allowCors: true in x-google-endpoints (name equal to host) for a path the spec defines."
	case keyRefused:
		return "The proxy refused the API key in the URL (with serve: not one of the --api-key values; deployed: not a key of a project that has this API enabled): send a valid key." + c.policyHint()
	case pre && x.ProxyMade && x.Status == http.StatusBadRequest && p != nil && p.Preset != PresetNone:
		return "ESPv2's CORS filter did not answer this preflight (the origin is not allowed, or Origin or Access-Control-Request-Method is missing): allow the origin in --cors_allow_origin or --cors_allow_origin_regex."
	case pre && x.ProxyMade && (x.Status == http.StatusNotFound || x.Status == http.StatusMethodNotAllowed):
		return "ESPv2 has no route for OPTIONS here: set --cors_preset so the proxy answers preflights, or allowCors: true in x-google-endpoints (name equal to host) so preflights to the spec's paths reach the backend."
	case pre && (x.Status == http.StatusUnauthorized || x.Status == http.StatusForbidden):
		return "A preflight never carries credentials (no Authorization, cookie or API key), so whatever checks them on OPTIONS rejects every preflight: remove the security from the spec's options operation (or delete the operation and let allowCors generate one without security), and let the backend answer OPTIONS without credentials."
	case pre && x.ProxyMade:
		return "The proxy refused the preflight before routing it (a path it rejects, headers over its limit, or a failing backend): fix that first."
	case pre && p == nil:
		return "The server must answer the preflight with a 2xx status and CORS headers."
	case pre:
		return "The backend answers preflights here (allowCors): it must answer OPTIONS with a 2xx status and CORS headers, or set --cors_preset so the proxy answers them."
	case x.Status == http.StatusUnauthorized || x.Status == http.StatusForbidden:
		who := "ESPv2 adds CORS headers to its own 401/403 only with --cors_preset (allowCors leaves them bare)"
		if esp {
			who = "ESP adds CORS headers to its own 401/403 only when --cors_preset covers the origin (allowCors leaves them bare)"
		}
		return "The request was refused for its credentials: send the API key or token the method requires on the actual request (the key header or ?key= parameter, Authorization; list the header in --cors_allow_headers). " + who + ", and a backend must add them to its error responses." + c.policyHint()
	case x.ProxyMade && !esp && (x.Status == http.StatusNotFound || x.Status == http.StatusMethodNotAllowed):
		return "ESPv2's own 404 and 405 never carry CORS headers: the method or path is not in the spec (check basePath, the method and the path), so add the operation or call the right URL."
	case x.ProxyMade && esp && x.Status == http.StatusNotFound:
		return "ESP has no method for this request: add the operation to the spec or call the right URL." + c.policyHint()
	case x.ProxyMade && x.Status >= 500:
		return "The proxy got no answer from the backend: fix the backend." + c.policyHint()
	case x.ProxyMade:
		return "The proxy refused the request before routing it (a path it rejects, or headers over its limit); such replies never carry CORS headers, so fix the request."
	}
	return "The backend's error responses lack Access-Control-Allow-Origin (CORS middleware that runs after authentication or validation, or is skipped on errors, is the usual cause): send the CORS headers on error responses too." + c.policyHint()
}

// policyHint adds, to a hidden error's fix, how the proxy could have made it
// readable.
func (c *checker) policyHint() string {
	p := c.x.Policy
	switch {
	case p == nil:
		return ""
	case p.Preset == PresetNone:
		return " Or set --cors_preset: the proxy then adds CORS headers to its answers for allowed origins, errors included."
	case !PolicyAllowsOrigin(p, c.origin):
		return " The proxy adds CORS headers only for origins its flags allow, and this origin is not one of them."
	}
	return ""
}

// preflight applies the preflight rules (reference §1.4) for the actual
// request that ACRM/ACRH describe.
func (c *checker) preflight() {
	x := c.x
	include := x.Credentials == CredentialsInclude
	if x.Status < 200 || x.Status > 299 {
		c.add(CodePreflightStatusNotOK, SeverityBlock,
			"The browser blocks the preflight: its status is %d, not an ok status (200-299). %s",
			x.Status, c.fixStatus())
	}
	// When the response is not a CORS preflight answer at all (an error
	// status, or no Access-Control-Allow-Origin: ESPv2's 400/404/405, ESP's
	// 403, a backend that does not do CORS), the method and header rules
	// would only repeat the same cause, so they are judged only on answers
	// that look like one.
	if x.Status >= 200 && x.Status <= 299 && len(values(x.ResponseHeader, hACAO)) > 0 {
		c.preflightLists(include)
	}
	c.preflightMaxAgePNA()
}

// preflightLists applies the method and header rules (reference §1.4.2-6).
func (c *checker) preflightLists(include bool) {
	x := c.x
	method := headerJoined(x.RequestHeader, hACRM)
	methods, mErr := ParseTokenList(values(x.ResponseHeader, hACAM))
	if mErr != nil {
		c.add(CodePreflightMethodNotAllowed, SeverityBlock,
			"The browser blocks the preflight: it cannot parse Access-Control-Allow-Methods (%v). Send a comma-separated list of method tokens. %s",
			mErr, c.fixMethods())
	} else if !isSafelistedMethod(method) && !containsExact(methods, method) {
		switch {
		case containsExact(methods, wildcard) && include:
			c.add(CodeWildcardIsLiteralWithCreds, SeverityBlock,
				"The browser blocks the preflight: method %s is allowed only through '*' in Access-Control-Allow-Methods, and for a request with credentials '*' is a literal method name, not a wildcard. List %s explicitly (--cors_allow_methods on the proxy, or the backend's Allow-Methods).",
				method, method)
		case containsExact(methods, wildcard):
			// allowed: non-credentialed requests may rely on '*'.
		default:
			hint := ""
			if containsFold(methods, method) {
				hint = fmt.Sprintf(" The list has it in another case: methods match case-sensitively, and a browser upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, so the page must send %q exactly as listed, or the list must contain %q.", strings.ToUpper(method), method)
			}
			c.add(CodePreflightMethodNotAllowed, SeverityBlock,
				"The browser blocks the preflight: method %s is not allowed by Access-Control-Allow-Methods (%q).%s %s",
				method, headerJoined(x.ResponseHeader, hACAM), hint, c.fixMethods())
		}
	}

	requested, _ := ParseTokenList(values(x.RequestHeader, hACRH))
	allowed, hErr := ParseTokenList(values(x.ResponseHeader, hACAH))
	if hErr != nil {
		c.add(CodePreflightHeaderNotAllowed, SeverityBlock,
			"The browser blocks the preflight: it cannot parse Access-Control-Allow-Headers (%v). Send a comma-separated list of header names. %s",
			hErr, c.fixHeaders())
	} else {
		star := containsExact(allowed, wildcard)
		var missing, viaStarLiteral []string
		for _, name := range requested {
			if containsFold(allowed, name) {
				continue
			}
			switch {
			case star && include:
				viaStarLiteral = append(viaStarLiteral, name)
			case star && strings.EqualFold(name, hAuthz):
				// Fetch: '*' never covers Authorization. Chromium 156
				// accepts it anyway (reference §7.6), so warn only.
				c.add(CodeAuthzWildcardNonconformant, SeverityWarn,
					"Authorization is allowed only through '*' in Access-Control-Allow-Headers. Chromium (and today Firefox and Safari) accept this, but the Fetch standard says '*' never covers Authorization, so it will break when browsers align (whatwg/fetch#1919). List Authorization explicitly (--cors_allow_headers on the proxy, or the backend's Allow-Headers).")
			case star:
				// allowed by the wildcard.
			default:
				missing = append(missing, name)
			}
		}
		if len(viaStarLiteral) > 0 {
			c.add(CodeWildcardIsLiteralWithCreds, SeverityBlock,
				"The browser blocks the preflight: request header(s) %s are allowed only through '*' in Access-Control-Allow-Headers, and for a request with credentials '*' is a literal header name, not a wildcard. List them explicitly (--cors_allow_headers on the proxy, or the backend's Allow-Headers).",
				strings.Join(viaStarLiteral, ", "))
		}
		if len(missing) > 0 {
			c.add(CodePreflightHeaderNotAllowed, SeverityBlock,
				"The browser blocks the preflight: request header field(s) %s are not allowed by Access-Control-Allow-Headers (%q). %s",
				strings.Join(missing, ", "), headerJoined(x.ResponseHeader, hACAH), c.fixHeaders())
		}
	}

}

// preflightMaxAgePNA reports on Max-Age and Private Network Access.
func (c *checker) preflightMaxAgePNA() {
	x := c.x
	if lines := values(x.ResponseHeader, hMaxAge); len(lines) > 0 {
		v := strings.Join(lines, ", ")
		n, ok := parseDeltaSeconds(lines)
		switch {
		case !ok:
			c.add(CodeMaxAgeInvalid, SeverityWarn,
				"Access-Control-Max-Age %q is not a non-negative whole number of seconds, so the browser caches this preflight for only %d s and repeats it almost every request. %s",
				v, DefaultPreflightMaxAge, c.fixMaxAge())
		case n > ChromiumMaxAgeCap:
			// Built without fmt: ESPv2's default 1728000 makes this the
			// finding of nearly every preflight serve sees.
			c.addMsg(CodeMaxAgeAboveBrowserCap, SeverityInfo, "Access-Control-Max-Age is "+v+maxAgeCapTail)
		}
	}

	if headerJoined(x.RequestHeader, hACRPN) == "true" && headerJoined(x.ResponseHeader, hACAPN) != "true" {
		c.add(CodePNANotGranted, SeverityInfo,
			"The preflight asked for private network access (Access-Control-Request-Private-Network: true) and the response does not grant it (no Access-Control-Allow-Private-Network: true). Chromium shelved Private Network Access and now asks the user (Local Network Access), so this does not block today; neither ESP nor ESPv2 can send the header.")
	}
}

// actual applies the rules for an actual (non-preflight) response (reference §1.5).
func (c *checker) actual(granted bool) {
	x := c.x
	if !granted || x.Credentials != CredentialsInclude {
		return
	}
	exposed, err := ParseTokenList(values(x.ResponseHeader, hACEH))
	if err == nil && containsExact(exposed, wildcard) {
		c.add(CodeWildcardIsLiteralWithCreds, SeverityWarn,
			"The response is shared, but Access-Control-Expose-Headers '*' is a literal header name for a request with credentials, so the page can read only the safelisted response headers (Cache-Control, Content-Language, Content-Length, Content-Type, Expires, Last-Modified, Pragma); others read as null. List the headers the page needs in --cors_expose_headers (or the backend's Expose-Headers).")
	}
}

// policyFindings reports the insecure and configuration findings that need
// the proxy policy or the backend's own headers.
func (c *checker) policyFindings(pre, granted bool) {
	x := c.x
	acao := headerJoined(x.ResponseHeader, hACAO)
	p := x.Policy
	reflected := granted && acao != wildcard && acao == c.origin
	if p != nil && p.Preset != PresetNone {
		if reflected && p.AllowCredentials && headerJoined(x.ResponseHeader, hACAC) == "true" && policyAllowsAnyOrigin(p) {
			c.add(CodeAnyOriginWithCredentials, SeverityInsecure,
				"Any origin is echoed in Access-Control-Allow-Origin together with Access-Control-Allow-Credentials: true, so every website can make credentialed requests and read the responses with the user's cookies. Restrict --cors_allow_origin to your front-end's origin (or an anchored --cors_allow_origin_regex), or drop --cors_allow_credentials.")
		}
		if fs := backendOutsidePolicy(x, c.origin); len(fs) > 0 {
			c.add(CodeBackendCORSOutsideProxyPolicy, SeverityInsecure,
				"The backend's own %s reached the client although the proxy policy does not grant it to origin %s (the proxy leaves responses for origins it does not allow untouched, and never replaces a backend's Allow-Credentials when --cors_allow_credentials is off). Remove CORS headers from the backend when the proxy handles CORS, or allow this origin in the proxy flags.",
				strings.Join(fs, ", "), c.origin)
		}
	}
	if !pre && reflected && !varyHasOrigin(x.ResponseHeader) && !policyStaticOrigin(p, acao) {
		c.add(CodeMissingVaryOrigin, SeverityWarn,
			"Access-Control-Allow-Origin echoes the request's origin but the response has no 'Vary: Origin', so a browser or shared cache can reuse this response for another origin (or for a non-CORS request) and the browser then blocks it. ESP and ESPv2 never add Vary; have the backend send 'Vary: Origin' on responses that can carry CORS headers.")
	}
	if p != nil && p.Preset == PresetBasic {
		if problem, _ := OriginProblem(p.AllowOrigin); problem != "" {
			c.add(CodeConfigOriginNotSerialized, SeverityWarn,
				"--cors_allow_origin %q %s; a browser sends the origin as scheme://host[:port] in lower case, without a path, trailing slash or default port, and compares byte for byte, so this value never matches. Set it to exactly one serialized origin, e.g. https://app.example.com (use --cors_preset=cors_with_regex for several).",
				p.AllowOrigin, problem)
		}
	}
	if p != nil && p.Preset == PresetRegex {
		if pos := UnescapedHostDot(p.AllowOriginRegex); pos >= 0 {
			c.add(CodeConfigRegexUnescapedDot, SeverityWarn,
				"--cors_allow_origin_regex %q has an unescaped '.' in the host part (offset %d), which matches any character, so look-alike hosts (e.g. 'exampleXcom' for 'example.com') are allowed too. Escape it as \\. (in YAML double-quoted strings write \\\\.).",
				p.AllowOriginRegex, pos)
		}
	}
}

// Fix hints. They name the place to change: the proxy flags when the proxy
// handles CORS, the backend when allowCors passes OPTIONS to it.
func (c *checker) fixOrigin(pre bool) string {
	p := c.x.Policy
	switch {
	case p == nil:
		return "If this origin should be allowed, the server must send Access-Control-Allow-Origin with exactly this origin (or '*' without credentials)."
	case p.Preset == PresetNone && p.AllowCors:
		return "allowCors passes CORS to the backend, so the backend must answer with Access-Control-Allow-Origin; or set --cors_preset and allow the origin in the proxy flags."
	case p.Preset == PresetNone:
		if pre {
			return "The proxy has no CORS configuration: set --cors_preset=basic with --cors_allow_origin (or cors_with_regex with --cors_allow_origin_regex), or set allowCors: true in x-google-endpoints (name must equal host) and answer CORS in the backend."
		}
		return "The proxy has no CORS configuration: set --cors_preset with --cors_allow_origin / --cors_allow_origin_regex, or have the backend send the header."
	case p.Preset == PresetRegex:
		return fmt.Sprintf("If this origin should be allowed, make --cors_allow_origin_regex %q match it (ESPv2 matches the whole origin, case-sensitively). The proxy's own 400/404/405 replies never carry CORS headers: check the method and path exist in the spec.", p.AllowOriginRegex)
	default:
		return fmt.Sprintf("If this origin should be allowed, set --cors_allow_origin to it (now %q). The proxy's own 400/404/405 replies never carry CORS headers: check the method and path exist in the spec.", p.AllowOrigin)
	}
}

func (c *checker) fixMultiple() string {
	p := c.x.Policy
	if p != nil && p.Proxy == ESP && p.Preset != PresetNone {
		return "ESP (nginx) adds its CORS headers next to the backend's, so both sent one: remove the CORS headers from the backend (or drop --cors_preset and use allowCors)."
	}
	if p != nil && p.Preset == PresetBasic && strings.Contains(p.AllowOrigin, ",") {
		return "--cors_allow_origin is one origin, not a list: use --cors_preset=cors_with_regex for several origins."
	}
	return "Send exactly one Access-Control-Allow-Origin line with one origin; check that the proxy and the backend do not both add it."
}

func (c *checker) fixMismatch(acao string) string {
	switch {
	case strings.TrimSuffix(acao, "/") == c.origin:
		return "Remove the trailing slash from the allowed origin."
	case strings.EqualFold(acao, c.origin):
		return "Write the allowed origin in the same case as the browser sends it (lower-case scheme and host)."
	case acao == "null":
		return "'null' matches only opaque origins (sandboxed iframes, file: pages); send this page's origin."
	}
	p := c.x.Policy
	if p != nil && p.Proxy == ESP && p.Preset == PresetBasic {
		return "ESP's basic preset always sends the configured --cors_allow_origin; set it to this origin or use cors_with_regex."
	}
	return "Send this exact origin (the backend or the proxy flags)."
}

func (c *checker) fixCredentials() string {
	p := c.x.Policy
	if p != nil && p.Preset != PresetNone && !p.AllowCredentials {
		return "Add --cors_allow_credentials to the proxy flags, or send the request without credentials."
	}
	return "Send Access-Control-Allow-Credentials: true (on the preflight too), or send the request without credentials."
}

func (c *checker) fixStatus() string {
	p := c.x.Policy
	switch {
	case p == nil:
		return "Answer the preflight with 200 or 204."
	case p.Preset == PresetNone && p.AllowCors:
		return "allowCors sends OPTIONS to the backend, which must answer it with 2xx and CORS headers."
	case p.Preset == PresetNone:
		return "The proxy has no CORS configuration, so it rejects OPTIONS: set --cors_preset, or allowCors: true in x-google-endpoints (name must equal host)."
	}
	return "ESPv2 answers 400 when the origin is not allowed (or Origin/Access-Control-Request-Method is missing): allow the origin in the proxy flags."
}

func (c *checker) fixMethods() string {
	if p := c.x.Policy; p != nil && p.Preset != PresetNone {
		return "Add the method to --cors_allow_methods."
	}
	return "Add the method to the Access-Control-Allow-Methods the server sends."
}

func (c *checker) fixHeaders() string {
	if p := c.x.Policy; p != nil && p.Preset != PresetNone {
		return "Add the header names to --cors_allow_headers."
	}
	return "Add the header names to the Access-Control-Allow-Headers the server sends."
}

func (c *checker) fixMaxAge() string {
	if p := c.x.Policy; p != nil && p.Preset != PresetNone {
		return "Set --cors_max_age to a non-negative duration (ESPv2)."
	}
	return "Send a non-negative integer number of seconds."
}

// backendOutsidePolicy lists the backend's Access-Control-Allow-* headers that
// reached the client though the proxy policy did not grant them.
func backendOutsidePolicy(x *Exchange, origin string) []string {
	if x.BackendHeader == nil || x.Policy == nil {
		return nil
	}
	p := x.Policy
	var out []string
	passed := func(name string) bool {
		b := values(x.BackendHeader, name)
		if len(b) == 0 {
			return false
		}
		r := values(x.ResponseHeader, name)
		for _, v := range b {
			if containsExact(r, v) {
				return true
			}
		}
		return false
	}
	if !PolicyAllowsOrigin(p, origin) {
		for _, name := range []string{hACAO, hACAC, hACAM, hACAH} {
			if passed(name) {
				out = append(out, name)
			}
		}
		return out
	}
	if !p.AllowCredentials && passed(hACAC) {
		out = append(out, hACAC)
	}
	return out
}

// PolicyAllowsOrigin reports whether the policy's origin matcher admits the
// origin. ESPv2 (Envoy v1.30.7 cors_filter.cc): basic is a byte-exact match,
// cors_with_regex an RE2 full match, case-sensitive, and any matcher that
// matches the literal "*" admits every origin. ESP v1 (nginx-auto.conf
// template): basic admits everything (the literal is sent regardless), the
// regex is PCRE "~*": case-insensitive, unanchored.
func PolicyAllowsOrigin(p *Policy, origin string) bool {
	switch p.Preset {
	case PresetBasic:
		if p.Proxy == ESP {
			return true
		}
		return p.AllowOrigin == wildcard || p.AllowOrigin == origin
	case PresetRegex:
		if p.Proxy == ESP {
			re, err := regexp.Compile("(?i)" + p.AllowOriginRegex)
			return err == nil && re.MatchString(origin)
		}
		re, err := regexp.Compile(`^(?:` + p.AllowOriginRegex + `)$`)
		return err == nil && (re.MatchString(wildcard) || re.MatchString(origin))
	}
	return false
}

// policyAllowsAnyOrigin reports whether every origin is echoed (origin "*" on
// ESPv2, a regex that admits "*", or an empty regex on ESP).
func policyAllowsAnyOrigin(p *Policy) bool {
	switch p.Preset {
	case PresetBasic:
		return p.Proxy != ESP && p.AllowOrigin == wildcard
	case PresetRegex:
		return PolicyAllowsOrigin(p, wildcard) && PolicyAllowsOrigin(p, "https://attacker.invalid")
	}
	return false
}

// policyStaticOrigin reports whether ACAO is a fixed configured value rather
// than an echo (ESP basic with a literal origin); Fetch then recommends no Vary.
func policyStaticOrigin(p *Policy, acao string) bool {
	return p != nil && p.Proxy == ESP && p.Preset == PresetBasic && p.AllowOrigin == acao
}

func varyHasOrigin(h http.Header) bool {
	items, _ := ParseTokenList(values(h, hVary))
	return containsFold(items, hOrigin) || containsExact(items, wildcard)
}

// ParseTokenList parses header lines holding a comma-separated list of tokens
// (Fetch "#method" / "#field-name"; RFC 9110 list syntax). Repeated lines are
// one list. Empty elements and optional whitespace are tolerated; an element
// that is not a token is an error (Chromium then fails the preflight with
// "Cannot parse Access-Control-Allow-…").
func ParseTokenList(lines []string) ([]string, error) {
	n := 0
	for _, line := range lines {
		n += strings.Count(line, ",") + 1
	}
	if n == 0 {
		return nil, nil
	}
	out := make([]string, 0, n)
	for _, line := range lines {
		for item := range strings.SplitSeq(line, ",") {
			item = strings.Trim(item, " \t")
			if item == "" {
				continue
			}
			if !isToken(item) {
				return nil, fmt.Errorf("%q is not a token", item)
			}
			out = append(out, item)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

// isTchar: RFC 9110 tchar.
func isTchar(b byte) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

// parseDeltaSeconds parses Access-Control-Max-Age: one line of 1*DIGIT. Huge
// values saturate. ok is false when the browser would fall back to 5 s.
func parseDeltaSeconds(lines []string) (int64, bool) {
	if len(lines) != 1 || lines[0] == "" {
		return 0, false
	}
	s := lines[0]
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 1<<63 - 1, true // digits only but out of range: saturate
	}
	return n, true
}

func isSafelistedMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodPost
}

func containsExact(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// headerJoined returns the header's lines joined with ", " the way a browser
// (and Envoy, with ",") combines repeated lines; "" when absent.
func headerJoined(h http.Header, name string) string {
	vs := values(h, name)
	switch len(vs) {
	case 0:
		return ""
	case 1:
		return vs[0]
	}
	return strings.Join(vs, ", ")
}
