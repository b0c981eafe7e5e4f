package proxy

import (
	"net/http"
	"strings"
	"time"
)

// AuthOptions configure how serve checks credentials.
type AuthOptions struct {
	// APIKeys, when set, are the only API keys accepted (--api-key); any
	// other gets the proxy's invalid-key answer. Nil accepts any non-empty
	// key (serve cannot ask Service Control).
	APIKeys []string
	// JWKS verifies token signatures (--jwks); nil skips the signature
	// check (serve never fetches a key set).
	JWKS *JWKS
	// Now is the clock exp and nbf are checked against (tests); nil is
	// time.Now.
	Now func() time.Time
}

// ESPv2's service control answers (esp-v2 v2.55.7
// src/envoy/http/service_control/handler_impl.cc callCheck for the missing
// key; src/api_proxy/service_control/check_response_convert_utils.cc for an
// invalid one), sent with the status's name in front as absl::Status
// ToString writes it (filter.cc rejectRequest); the bodies are pinned by
// tests/integration_test/service_control_failed_request_report_test and
// service_control_check_fail_test.
const (
	MsgKeyMissing = "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
	MsgKeyInvalid = "API key not valid. Please pass a valid API key."
)

// Route names of credential rejections (Record.Route).
const (
	routeJWT    = "jwt-rejected"
	routeAPIKey = "api-key-rejected"
)

// authBodies are the precomputed answers of the credential checks.
type authBodies struct {
	keyMissing, keyInvalid       []byte
	espKeyMissing, espKeyInvalid []byte
	jwt                          [len(jwtStatusText)][]byte
}

func newAuthBodies() *authBodies {
	b := &authBodies{
		keyMissing:    jsonBody(http.StatusUnauthorized, "UNAUTHENTICATED: "+MsgKeyMissing),
		keyInvalid:    jsonBody(http.StatusBadRequest, "INVALID_ARGUMENT: "+MsgKeyInvalid),
		espKeyMissing: jsonBody(16, MsgKeyMissing), // google.rpc UNAUTHENTICATED
		espKeyInvalid: jsonBody(3, MsgKeyInvalid),  // google.rpc INVALID_ARGUMENT
	}
	for s := range b.jwt {
		b.jwt[s] = jsonBody(jwtCode(jwtStatus(s)), jwtStatus(s).String())
	}
	return b
}

// jwtCode is the status Envoy's jwt_authn filter answers a failure with:
// 403 for audiences, 401 for the rest (envoy
// source/extensions/filters/http/jwt_authn/filter.cc onComplete).
func jwtCode(s jwtStatus) int {
	if s == jwtAudienceNotAllowed {
		return http.StatusForbidden
	}
	return http.StatusUnauthorized
}

// authorizeESPv2 runs ESPv2's jwt_authn and then its service control
// filter for a request routed to an operation that requires credentials;
// on a rejection p becomes the filter's local reply, which still passes
// back through the CORS filter (see planESPv2).
func (h *Handler) authorizeESPv2(r *reqView, a *authReq, p *plan) {
	req := r.req
	if len(a.providers) > 0 {
		st, payloads := h.verifyJWTs(req, a.providers)
		if st != jwtOK {
			// Envoy adds a challenge naming the request's URI (scheme,
			// host, :path cut to 256 bytes: Http::Utility::buildOriginalUri),
			// with error="invalid_token" unless the token was missing.
			uri := p.path
			if req.URL.RawQuery != "" || req.URL.ForceQuery {
				uri += "?" + req.URL.RawQuery
			}
			if len(uri) > 256 {
				uri = uri[:256]
			}
			challenge := `Bearer realm="http://` + req.Host + uri + `"`
			if st != jwtMissed {
				challenge += `, error="invalid_token"`
			}
			p.route, p.step, p.code, p.body, p.challenge = routeJWT, stepDirect, jwtCode(st), h.authBodies.jwt[st], challenge
			return
		}
		// ESPv2 forwards each verified payload (jwt_authn
		// forward_payload_header, X-Endpoint-API-UserInfo, replacing any
		// the client sent).
		p.userInfo = payloads
		p.upstream = true
	}
	if a.apiKey {
		switch key := findKey(req, a.keyLocs); {
		case key == "":
			p.route, p.step, p.code, p.body = routeAPIKey, stepDirect, http.StatusUnauthorized, h.authBodies.keyMissing
		case h.apiKeys != nil && !h.apiKeys[key]:
			p.route, p.step, p.code, p.body = routeAPIKey, stepDirect, http.StatusBadRequest, h.authBodies.keyInvalid
		}
	}
}

// verifyJWTs is jwt_authn's requirement for the operation: one provider, or
// requires_any of several, which passes as soon as one provider accepts the
// request and otherwise fails with the last error that is neither "missing"
// nor "unknown issuer", else "unknown issuer", else "missing" (envoy
// source/extensions/filters/http/jwt_authn/verifier.cc AnyVerifierImpl; read
// in a later copy than v1.30.7).
func (h *Handler) verifyJWTs(req *http.Request, ps []*Provider) (jwtStatus, []string) {
	final := jwtMissed
	for _, pv := range ps {
		st, payloads := h.verifyProvider(req, pv)
		if st == jwtOK {
			return st, payloads
		}
		if st != jwtMissed && st != jwtUnknownIssuer || final == jwtMissed {
			final = st
		}
	}
	return final, nil
}

// verifyProvider extracts the provider's tokens and verifies every one,
// the last extracted first, as Envoy's authenticator does (authenticator.cc
// startVerify: parse, issuer, time, audiences, then the signature; all
// tokens must pass).
func (h *Handler) verifyProvider(req *http.Request, pv *Provider) (jwtStatus, []string) {
	toks := pv.tokens(req)
	if len(toks) == 0 {
		return jwtMissed, nil
	}
	now := uint64(h.now().Unix())
	payloads := make([]string, 0, len(toks))
	for i := len(toks) - 1; i >= 0; i-- {
		t, st := parseToken(toks[i])
		if st != jwtOK {
			return st, nil
		}
		if pv.Issuer != "" && t.iss != pv.Issuer {
			return jwtUnknownIssuer, nil
		}
		if st := t.checkTime(now); st != jwtOK {
			return st, nil
		}
		if pv.audESPv2 != nil && !anyAudience(t.aud, pv.audESPv2, sanitizeAudience) {
			return jwtAudienceNotAllowed, nil
		}
		if h.jwks != nil {
			if st := h.jwks.verifyESPv2(t); st != jwtOK {
				return st, nil
			}
		}
		payloads = append(payloads, t.payloadB64)
	}
	return jwtOK, payloads
}

func anyAudience(aud []string, allowed map[string]bool, norm func(string) string) bool {
	for _, a := range aud {
		if allowed[norm(a)] {
			return true
		}
	}
	return false
}

// tokens are the provider's tokens in a request, as Envoy's extractor finds
// them (jwt_authn extractor.cc extract): each header location in order (its
// lines joined with ","; with a prefix, the token is the run of base64url
// characters and dots after the first occurrence of the prefix, and a value
// without the prefix gives none), then each query parameter (decoded; the
// first occurrence). Which of two later Envoy copies v1.30.7 has for
// repeated header lines and for text after the token is UNVERIFIED: serve
// follows the one that joins lines and stops at the first other character.
func (pv *Provider) tokens(req *http.Request) []string {
	var toks []string
	for _, hl := range pv.headers {
		vs := req.Header[hl.name]
		if len(vs) == 0 {
			continue
		}
		v := vs[0]
		if len(vs) > 1 {
			v = strings.Join(vs, ",")
		}
		if hl.prefix != "" {
			i := strings.Index(v, hl.prefix)
			if i < 0 {
				continue
			}
			v = extractJWT(v, i+len(hl.prefix))
		}
		toks = append(toks, v)
	}
	for _, name := range pv.params {
		if v, ok := queryParam(req.URL.RawQuery, name, true); ok {
			toks = append(toks, v)
		}
	}
	return toks
}

// extractJWT returns the run of base64url characters and dots that starts
// at or after from; v itself when there is none.
func extractJWT(v string, from int) string {
	start := -1
	for i := from; i < len(v); i++ {
		if isJWTChar(v[i]) {
			start = i
			break
		}
	}
	if start < 0 {
		return v
	}
	end := start
	for end < len(v) && isJWTChar(v[end]) {
		end++
	}
	return v[start:end]
}

func isJWTChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

// findKey is the API key in the first location present (a present but
// empty value counts as no key, and ends the search), as ESPv2's
// extractAPIKey (esp-v2 v2.55.7 src/envoy/http/service_control/handler_utils.cc)
// and ESP v1's ExtractApiKey read it. Query values are taken as sent, not
// decoded (Envoy's QueryParamsMulti::parseQueryString). It allocates nothing.
func findKey(req *http.Request, locs []keyLoc) string {
	for _, l := range locs {
		if l.query {
			if v, ok := queryParam(req.URL.RawQuery, l.name, false); ok {
				return v
			}
			continue
		}
		if vs := req.Header[l.name]; len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// queryParam returns the first value of parameter name in a raw query
// (parameters split on "&", name and value on the first "="; one without
// "=" has an empty value), percent-decoded when decode is set (Envoy's
// PercentEncoding::decode: invalid escapes and "+" are kept).
func queryParam(raw, name string, decode bool) (string, bool) {
	for raw != "" {
		var p string
		p, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(p, "=")
		if decode {
			k, v = percentDecode(k), percentDecode(v)
		}
		if k == name {
			return v, true
		}
	}
	return "", false
}

func percentDecode(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c, ok := decodeEscape(s, i); ok && s[i] == '%' {
			b = append(b, c)
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// ESP v1's challenges (cloudendpoints/esp v1.60.0 src/nginx/error.cc
// ngx_esp_handle_www_authenticate): on every 401 and 403 ESP makes,
// "Bearer" when the request brought no JWT, else with error="invalid_token".
const (
	espChallengeMissing = "Bearer"
	espChallengeInvalid = `Bearer, error="invalid_token"`
)

// authorizeESP runs ESP v1's CheckAuth and then CheckServiceControl
// (cloudendpoints/esp v1.60.0 src/api_manager/check_auth.cc,
// check_service_control.cc) for a request routed to an operation that
// requires credentials.
func (h *Handler) authorizeESP(r *reqView, a *authReq, p *plan) {
	req := r.req
	challenge := espChallengeMissing
	if len(a.providers) > 0 {
		tok := espTokenOf(req)
		if tok == "" {
			h.rejectESP(p, http.StatusUnauthorized, 16, espJWTMissing, espChallengeMissing)
			return
		}
		challenge = espChallengeInvalid
		if msg, code := h.checkTokenESP(tok, a.providers); msg != "" {
			rpc := 16 // UNAUTHENTICATED
			if code == http.StatusForbidden {
				rpc = 7 // PERMISSION_DENIED
			}
			h.rejectESP(p, code, rpc, msg, challenge)
			return
		}
	}
	if a.apiKey {
		switch key := findKey(req, a.keyLocs); {
		case key == "":
			p.route, p.step, p.code, p.body, p.challenge = routeAPIKey, stepDirect, http.StatusUnauthorized, h.authBodies.espKeyMissing, challenge
		case h.apiKeys != nil && !h.apiKeys[key]:
			p.route, p.step, p.code, p.body = routeAPIKey, stepDirect, http.StatusBadRequest, h.authBodies.espKeyInvalid
		}
	}
}

func (h *Handler) rejectESP(p *plan, code, rpc int, msg, challenge string) {
	p.route, p.step, p.code, p.body, p.challenge = routeJWT, stepDirect, code, jsonBody(rpc, espJWTPrefix+msg), challenge
}

// espTokenOf is ESP v1's AuthChecker::GetAuthToken: X-Goog-Iap-Jwt-Assertion
// if present; else Authorization, after "Bearer " when it starts so (the
// whole value otherwise); else the access_token parameter.
func espTokenOf(req *http.Request) string {
	if vs := req.Header["X-Goog-Iap-Jwt-Assertion"]; len(vs) > 0 {
		return vs[0]
	}
	vs := req.Header["Authorization"]
	if len(vs) == 0 {
		v, _ := queryParam(req.URL.RawQuery, "access_token", false)
		return v
	}
	if v, ok := strings.CutPrefix(vs[0], "Bearer "); ok && v != "" {
		return v
	}
	return vs[0]
}

// checkTokenESP parses and checks a token as ESP v1 does: the parse (times
// included), the issuer among the operation's providers (both without
// scheme and trailing slash), the audience (the service name, or one of the
// issuer's providers' audiences: 403 otherwise), then the signature when a
// key set is given. It returns ESP's message and status ("" when the token
// passes).
func (h *Handler) checkTokenESP(tok string, ps []*Provider) (string, int) {
	t, msg := parseTokenESP(tok, h.now().Unix())
	if msg != "" {
		return msg, http.StatusUnauthorized
	}
	iss := urlContent(t.iss)
	var match []*Provider
	for _, pv := range ps {
		if pv.Issuer != "" && iss != "" && urlContent(pv.Issuer) == iss {
			match = append(match, pv)
		}
	}
	if len(match) == 0 {
		return espJWTIssuer, http.StatusUnauthorized
	}
	allowed := false
	for _, a := range t.aud {
		a = urlContent(a)
		if h.table.ServiceName != "" && a == h.table.ServiceName {
			allowed = true
		}
		for _, pv := range match {
			allowed = allowed || pv.audESP[a]
		}
	}
	if !allowed {
		return espJWTAudience, http.StatusForbidden
	}
	if h.jwks != nil {
		if msg := h.jwks.verifyESP(t); msg != "" {
			return msg, http.StatusUnauthorized
		}
	}
	return "", 0
}
