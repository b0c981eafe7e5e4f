package proxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/google/go-cmp/cmp"
)

// authSpec has operations that need an API key, a JWT, both, nothing, and
// an explicit options operation that keeps the key; ALLOWCORS becomes an
// x-google-endpoints entry (name == host) or nothing.
const authSpec = `swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.test
basePath: /v1
ALLOWCORS
securityDefinitions:
  api_key: {type: apiKey, name: key, in: query}
  fb:
    type: oauth2
    authorizationUrl: ""
    flow: implicit
    x-google-issuer: https://securetoken.google.com/p
    x-google-audiences: p
paths:
  /keyed:
    get:
      security: [{api_key: []}]
      responses: {200: {description: ok}}
  /jwt:
    get:
      security: [{fb: []}]
      responses: {200: {description: ok}}
  /both:
    get:
      security: [{api_key: [], fb: []}]
      responses: {200: {description: ok}}
  /secured-options:
    get:
      security: [{api_key: []}]
      responses: {200: {description: ok}}
    options:
      security: [{api_key: []}]
      responses: {200: {description: ok}}
  /open:
    get:
      responses: {200: {description: ok}}
`

func authSpecWith(allowCors bool) string {
	entry := ""
	if allowCors {
		entry = "x-google-endpoints:\n  - name: api.example.test\n    allowCors: true"
	}
	return strings.Replace(authSpec, "ALLOWCORS", entry, 1)
}

// t0 is the clock of the credential checks in these tests.
var t0 = time.Unix(1_700_000_000, 0)

// tokenFor signs claims as the test RSA key (kid rs); mod may change them.
func tokenFor(t testing.TB, mod func(map[string]any)) string {
	c := map[string]any{"iss": "https://securetoken.google.com/p", "aud": "p", "sub": "u1", "exp": t0.Unix() + 3600}
	if mod != nil {
		mod(c)
	}
	return signingKeys(t).sign(t, map[string]any{"alg": "RS256", "kid": "rs"}, c)
}

// recordingBackend answers 200 (204 for OPTIONS) and keeps the last
// request's X-Endpoint-API-UserInfo.
type recordingBackend struct {
	mu       sync.Mutex
	hits     int
	userInfo []string
}

func (rb *recordingBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rb.mu.Lock()
	rb.hits++
	rb.userInfo = r.Header.Values("X-Endpoint-Api-Userinfo")
	rb.mu.Unlock()
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	io.WriteString(w, "ok")
}

// authAnswer is what a client sees of a credential check.
type authAnswer struct {
	Status    int
	Body      string
	Challenge string
	ACAO      string
	Reached   bool
	UserInfo  []string
}

type authCase struct {
	name      string
	policy    *cors.Policy
	allowCors bool
	auth      AuthOptions
	method    string
	target    string
	req       http.Header
	want      authAnswer
}

func runAuthCases(t *testing.T, cases []authCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rb := &recordingBackend{}
			be := httptest.NewServer(rb)
			defer be.Close()
			u, _ := url.Parse(be.URL)
			e, err := cors.NewEngine(tc.policy)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := spec.Parse("auth.yaml", []byte(authSpecWith(tc.allowCors)), spec.Options{})
			if err != nil {
				t.Fatal(err)
			}
			tb, err := BuildTable(doc, spec.Deployment{})
			if err != nil {
				t.Fatal(err)
			}
			auth := tc.auth
			auth.Now = func() time.Time { return t0 }
			h, err := New(Options{Engine: e, Table: tb, Backend: u, Auth: auth})
			if err != nil {
				t.Fatal(err)
			}
			base := "http://" + startLean(t, h)
			req, _ := http.NewRequest(tc.method, base+tc.target, nil)
			req.Host = testHost
			for k, v := range tc.req {
				req.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			rb.mu.Lock()
			got := authAnswer{Status: resp.StatusCode, Body: string(body), Challenge: resp.Header.Get("WWW-Authenticate"),
				ACAO: strings.Join(resp.Header.Values("Access-Control-Allow-Origin"), ","), Reached: rb.hits > 0, UserInfo: rb.userInfo}
			rb.mu.Unlock()
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tc.method, tc.target, diff)
			}
		})
	}
}

func espv2Body(code int, msg string) string { return string(jsonBody(code, msg)) }

// TestAuthESPv2: ESPv2's answers for API keys and JWTs, with --cors_preset
// (the CORS filter decorates the rejections of an allowed origin) and with
// pass-through only (nothing decorates them), on operations, on the
// generated allowCors OPTIONS routes and on an explicit secured options
// operation.
func TestAuthESPv2(t *testing.T) {
	v2 := cors.ESPv2
	basic := preset(v2, func(p *cors.Policy) { p.AllowOrigin = appOrigin })
	none := off(v2)
	o := hdrs("Origin", appOrigin)
	evil := hdrs("Origin", "https://evil.example")
	bearer := func(tok string) http.Header { return hdrs("Origin", appOrigin, "Authorization", "Bearer "+tok) }
	realm := `Bearer realm="http://` + testHost
	invalid := `", error="invalid_token"`
	good := tokenFor(t, nil)
	payload := strings.Split(good, ".")[1]
	keyMissing := espv2Body(401, "UNAUTHENTICATED: "+MsgKeyMissing)
	jwtBody := func(s jwtStatus) string { return espv2Body(jwtCode(s), s.String()) }
	jwks, _, err := ParseJWKS([]byte(signingKeys(t).jwksJSON()))
	if err != nil {
		t.Fatal(err)
	}
	forged := tokenFor(t, nil)
	forged = forged[:strings.LastIndexByte(forged, '.')+1] + b64([]byte("forged"))

	cases := []authCase{
		// API keys.
		{name: "no key: service control's 401, decorated by the CORS filter", policy: basic, method: "GET", target: "/v1/keyed", req: o,
			want: authAnswer{Status: 401, Body: keyMissing, ACAO: appOrigin}},
		{name: "any key is accepted without --api-key", policy: basic, method: "GET", target: "/v1/keyed?key=abc", req: o,
			want: authAnswer{Status: 200, Body: "ok", ACAO: appOrigin, Reached: true}},
		{name: "an empty key is no key", policy: basic, method: "GET", target: "/v1/keyed?key=", req: o,
			want: authAnswer{Status: 401, Body: keyMissing, ACAO: appOrigin}},
		{name: "the key is read where the scheme puts it", policy: basic, method: "GET", target: "/v1/keyed?api_key=abc", req: o,
			want: authAnswer{Status: 401, Body: keyMissing, ACAO: appOrigin}},
		{name: "a key outside --api-key gets the invalid-key 400", policy: basic, auth: AuthOptions{APIKeys: []string{"good"}},
			method: "GET", target: "/v1/keyed?key=bad", req: o,
			want: authAnswer{Status: 400, Body: espv2Body(400, "INVALID_ARGUMENT: "+MsgKeyInvalid), ACAO: appOrigin}},
		{name: "a key from --api-key passes", policy: basic, auth: AuthOptions{APIKeys: []string{"good"}},
			method: "GET", target: "/v1/keyed?key=good", req: o, want: authAnswer{Status: 200, Body: "ok", ACAO: appOrigin, Reached: true}},
		{name: "another origin's 401 has no CORS headers", policy: basic, method: "GET", target: "/v1/keyed", req: evil,
			want: authAnswer{Status: 401, Body: keyMissing}},
		{name: "pass-through only: nothing adds CORS headers to the 401", policy: none, allowCors: true, method: "GET", target: "/v1/keyed", req: o,
			want: authAnswer{Status: 401, Body: keyMissing}},
		{name: "an operation without security needs nothing", policy: none, method: "GET", target: "/v1/open",
			want: authAnswer{Status: 200, Body: "ok", Reached: true}},

		// JWTs.
		{name: "missing token", policy: basic, method: "GET", target: "/v1/jwt", req: o,
			want: authAnswer{Status: 401, Body: jwtBody(jwtMissed), Challenge: realm + `/v1/jwt"`, ACAO: appOrigin}},
		{name: "malformed token", policy: basic, method: "GET", target: "/v1/jwt?x=1", req: bearer("abc.def"),
			want: authAnswer{Status: 401, Body: jwtBody(jwtBadFormat), Challenge: realm + "/v1/jwt?x=1" + invalid, ACAO: appOrigin}},
		{name: "token from another issuer", policy: basic, method: "GET", target: "/v1/jwt",
			req:  bearer(tokenFor(t, func(c map[string]any) { c["iss"] = "https://accounts.google.com" })),
			want: authAnswer{Status: 401, Body: jwtBody(jwtUnknownIssuer), Challenge: realm + "/v1/jwt" + invalid, ACAO: appOrigin}},
		{name: "token for another audience: 403", policy: basic, method: "GET", target: "/v1/jwt",
			req:  bearer(tokenFor(t, func(c map[string]any) { c["aud"] = "other" })),
			want: authAnswer{Status: 403, Body: jwtBody(jwtAudienceNotAllowed), Challenge: realm + "/v1/jwt" + invalid, ACAO: appOrigin}},
		{name: "audience compared without scheme and trailing slash", policy: basic, method: "GET", target: "/v1/jwt",
			req:  bearer(tokenFor(t, func(c map[string]any) { c["aud"] = []string{"x", "https://p/"} })),
			want: authAnswer{Status: 200, Body: "ok", ACAO: appOrigin, Reached: true, UserInfo: []string{strings.Split(tokenFor(t, func(c map[string]any) { c["aud"] = []string{"x", "https://p/"} }), ".")[1]}}},
		{name: "expired token", policy: basic, method: "GET", target: "/v1/jwt",
			req:  bearer(tokenFor(t, func(c map[string]any) { c["exp"] = t0.Unix() - 61 })),
			want: authAnswer{Status: 401, Body: jwtBody(jwtExpired), Challenge: realm + "/v1/jwt" + invalid, ACAO: appOrigin}},
		{name: "expired within the 60 s skew passes", policy: basic, method: "GET", target: "/v1/jwt",
			req:  bearer(tokenFor(t, func(c map[string]any) { c["exp"] = t0.Unix() - 60 })),
			want: authAnswer{Status: 200, Body: "ok", ACAO: appOrigin, Reached: true, UserInfo: []string{strings.Split(tokenFor(t, func(c map[string]any) { c["exp"] = t0.Unix() - 60 }), ".")[1]}}},
		{name: "forged signature passes without --jwks", policy: basic, method: "GET", target: "/v1/jwt", req: bearer(forged),
			want: authAnswer{Status: 200, Body: "ok", ACAO: appOrigin, Reached: true, UserInfo: []string{payload}}},
		{name: "forged signature fails with --jwks", policy: basic, auth: AuthOptions{JWKS: jwks}, method: "GET", target: "/v1/jwt", req: bearer(forged),
			want: authAnswer{Status: 401, Body: jwtBody(jwtVerificationFail), Challenge: realm + "/v1/jwt" + invalid, ACAO: appOrigin}},
		{name: "valid token: the backend gets the payload", policy: basic, auth: AuthOptions{JWKS: jwks}, method: "GET", target: "/v1/jwt", req: bearer(good),
			want: authAnswer{Status: 200, Body: "ok", ACAO: appOrigin, Reached: true, UserInfo: []string{payload}}},
		{name: "token in access_token", policy: none, method: "GET", target: "/v1/jwt?access_token=" + good,
			want: authAnswer{Status: 200, Body: "ok", Reached: true, UserInfo: []string{payload}}},
		{name: "Authorization without Bearer is no token", policy: none, method: "GET", target: "/v1/jwt", req: hdrs("Authorization", "Basic "+good),
			want: authAnswer{Status: 401, Body: jwtBody(jwtMissed), Challenge: realm + `/v1/jwt"`}},
		{name: "every token must pass: a bad access_token fails a good header", policy: none, method: "GET", target: "/v1/jwt?access_token=x.y.z",
			req:  hdrs("Authorization", "Bearer "+good),
			want: authAnswer{Status: 401, Body: jwtBody(jwtHeaderBadBase64), Challenge: realm + "/v1/jwt?access_token=x.y.z" + invalid}},
		{name: "JWT before the key: neither gives the JWT's 401", policy: basic, method: "GET", target: "/v1/both", req: o,
			want: authAnswer{Status: 401, Body: jwtBody(jwtMissed), Challenge: realm + `/v1/both"`, ACAO: appOrigin}},
		{name: "JWT without the key gives the key's 401", policy: basic, method: "GET", target: "/v1/both", req: bearer(good),
			want: authAnswer{Status: 401, Body: keyMissing, ACAO: appOrigin}},

		// Preflights.
		{name: "allowed preflight: the CORS filter answers before any check", policy: basic, method: "OPTIONS", target: "/v1/secured-options",
			req: preflightReq(appOrigin, "GET"), want: authAnswer{Status: 200, ACAO: appOrigin}},
		{name: "preflight from another origin reaches the secured options operation: 401", policy: basic, method: "OPTIONS", target: "/v1/secured-options",
			req: preflightReq("https://evil.example", "GET"), want: authAnswer{Status: 401, Body: keyMissing}},
		{name: "pass-through: the secured options operation rejects the preflight", policy: none, allowCors: true, method: "OPTIONS", target: "/v1/secured-options",
			req: preflightReq(appOrigin, "GET"), want: authAnswer{Status: 401, Body: keyMissing}},
		{name: "pass-through: the generated OPTIONS route needs no key", policy: none, allowCors: true, method: "OPTIONS", target: "/v1/keyed",
			req: preflightReq(appOrigin, "GET"), want: authAnswer{Status: 204, Reached: true}},
		{name: "pass-through: the generated OPTIONS route needs no JWT", policy: none, allowCors: true, method: "OPTIONS", target: "/v1/jwt",
			req: preflightReq(appOrigin, "GET"), want: authAnswer{Status: 204, Reached: true}},
	}
	runAuthCases(t, cases)
}

// TestAuthESP: ESP v1's answers. nginx's CORS block adds its headers to
// every response it decorates, ESP's 401/403 included, and answers any
// OPTIONS with basic before ESP checks anything.
func TestAuthESP(t *testing.T) {
	basic := preset(cors.ESP, func(p *cors.Policy) { p.AllowOrigin = appOrigin })
	none := off(cors.ESP)
	o := hdrs("Origin", appOrigin)
	bearer := func(tok string) http.Header { return hdrs("Origin", appOrigin, "Authorization", "Bearer "+tok) }
	espBody := func(code int, msg string) string { return string(jsonBody(code, msg)) }
	good := tokenFor(t, nil)
	cases := []authCase{
		{name: "no key", policy: basic, method: "GET", target: "/v1/keyed", req: o,
			want: authAnswer{Status: 401, Body: espBody(16, MsgKeyMissing), Challenge: "Bearer", ACAO: appOrigin}},
		{name: "key outside --api-key", policy: basic, auth: AuthOptions{APIKeys: []string{"good"}}, method: "GET", target: "/v1/keyed?key=bad", req: o,
			want: authAnswer{Status: 400, Body: espBody(3, MsgKeyInvalid), ACAO: appOrigin}},
		{name: "missing token", policy: basic, method: "GET", target: "/v1/jwt", req: o,
			want: authAnswer{Status: 401, Body: espBody(16, espJWTPrefix+espJWTMissing), Challenge: "Bearer", ACAO: appOrigin}},
		{name: "Authorization without Bearer is taken whole", policy: none, method: "GET", target: "/v1/jwt", req: hdrs("Authorization", "Basic abc"),
			want: authAnswer{Status: 401, Body: espBody(16, espJWTPrefix+espJWTTwoDots), Challenge: espChallengeInvalid}},
		{name: "expired token", policy: basic, method: "GET", target: "/v1/jwt", req: bearer(tokenFor(t, func(c map[string]any) { c["exp"] = t0.Unix() - 61 })),
			want: authAnswer{Status: 401, Body: espBody(16, espJWTPrefix+espJWTTime), Challenge: espChallengeInvalid, ACAO: appOrigin}},
		{name: "another issuer", policy: basic, method: "GET", target: "/v1/jwt", req: bearer(tokenFor(t, func(c map[string]any) { c["iss"] = "https://x" })),
			want: authAnswer{Status: 401, Body: espBody(16, espJWTPrefix+espJWTIssuer), Challenge: espChallengeInvalid, ACAO: appOrigin}},
		{name: "issuer compared without scheme", policy: basic, method: "GET", target: "/v1/jwt", req: bearer(tokenFor(t, func(c map[string]any) { c["iss"] = "securetoken.google.com/p/" })),
			want: authAnswer{Status: 200, Body: "ok", ACAO: appOrigin, Reached: true}},
		{name: "another audience: 403", policy: basic, method: "GET", target: "/v1/jwt", req: bearer(tokenFor(t, func(c map[string]any) { c["aud"] = "other" })),
			want: authAnswer{Status: 403, Body: espBody(7, espJWTPrefix+espJWTAudience), Challenge: espChallengeInvalid, ACAO: appOrigin}},
		{name: "the service name is always an audience", policy: basic, method: "GET", target: "/v1/jwt", req: bearer(tokenFor(t, func(c map[string]any) { c["aud"] = "https://api.example.test" })),
			want: authAnswer{Status: 200, Body: "ok", ACAO: appOrigin, Reached: true}},
		{name: "a valid token, then the missing key", policy: basic, method: "GET", target: "/v1/both", req: bearer(good),
			want: authAnswer{Status: 401, Body: espBody(16, MsgKeyMissing), Challenge: espChallengeInvalid, ACAO: appOrigin}},
		{name: "basic answers every OPTIONS before ESP", policy: basic, method: "OPTIONS", target: "/v1/secured-options", req: preflightReq("https://evil.example", "GET"),
			want: authAnswer{Status: 204, ACAO: appOrigin}},
		{name: "pass-through: the secured options operation rejects the preflight", policy: none, allowCors: true, method: "OPTIONS", target: "/v1/secured-options",
			req: preflightReq(appOrigin, "GET"), want: authAnswer{Status: 401, Body: espBody(16, MsgKeyMissing), Challenge: "Bearer"}},
		{name: "pass-through: the generated CORS method needs nothing", policy: none, allowCors: true, method: "OPTIONS", target: "/v1/both",
			req: preflightReq(appOrigin, "GET"), want: authAnswer{Status: 204, Reached: true}},
		{name: "ESP's 403 for OPTIONS carries its challenge", policy: none, method: "OPTIONS", target: "/v1/keyed",
			req: preflightReq(appOrigin, "GET"), want: authAnswer{Status: 403, Body: espBody(7, MsgESPNoCORS), Challenge: "Bearer"}},
	}
	runAuthCases(t, cases)
}

// TestAuthDefaultAudience: a scheme without audiences allows ESPv2's
// default https://SERVICE_NAME, which jwt_verify_lib compares without the
// scheme and a trailing slash, so the bare service name passes too.
func TestAuthDefaultAudience(t *testing.T) {
	src := strings.Replace(authSpecWith(false), "    x-google-audiences: p\n", "", 1)
	e, err := cors.NewEngine(off(cors.ESPv2))
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{Engine: e, Table: loadTable(t, src), Mock: &Mock{}, Auth: AuthOptions{Now: func() time.Time { return t0 }}})
	if err != nil {
		t.Fatal(err)
	}
	for aud, want := range map[string]int{"https://api.example.test": 200, "api.example.test": 200, "http://api.example.test/": 200,
		"p": 403, "https://api.example.test/v1": 403} {
		r := httptest.NewRequest("GET", "/v1/jwt", nil)
		r.Header.Set("Authorization", "Bearer "+tokenFor(t, func(c map[string]any) { c["aud"] = aud }))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("aud %q: %d, want %d (%s)", aud, w.Code, want, w.Body)
		}
	}
}

// TestJWTLocations: where a provider reads its token comes from the model's
// Credentials, in Envoy's extraction order; cookie-only locations leave
// Envoy's own defaults (no X-Goog-Iap-Jwt-Assertion).
func TestJWTLocations(t *testing.T) {
	doc, err := spec.Parse("locs.yaml", []byte(`swagger: "2.0"
info: {title: t, version: "1"}
paths: {}
securityDefinitions:
  plain: {type: oauth2, authorizationUrl: "", flow: implicit}
  cookies:
    type: oauth2
    authorizationUrl: ""
    flow: implicit
    x-google-jwt-locations: [{cookie: session}]
  custom:
    type: oauth2
    authorizationUrl: ""
    flow: implicit
    x-google-jwt-locations:
    - {query: tok}
    - {header: x-token, value_prefix: "JWT "}
    - {header: Authorization, value_prefix: "Bearer "}
`), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type locs struct {
		Headers []string
		Params  []string
	}
	want := map[string]locs{
		"plain":   {[]string{"Authorization|Bearer ", "X-Goog-Iap-Jwt-Assertion|"}, []string{"access_token"}},
		"cookies": {[]string{"Authorization|Bearer "}, []string{"access_token"}},
		"custom":  {[]string{"Authorization|Bearer ", "X-Token|JWT "}, []string{"tok"}},
	}
	for name, w := range want {
		hs, ps := jwtLocations(doc.Google().Scheme(name))
		var got locs
		for _, h := range hs {
			got.Headers = append(got.Headers, h.name+"|"+h.prefix)
		}
		got.Params = ps
		if d := cmp.Diff(w, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", name, d)
		}
	}
}
