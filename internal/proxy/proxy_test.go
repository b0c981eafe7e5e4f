package proxy

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/google/go-cmp/cmp"
)

const testHost = "api.example.test"

// testSpec builds a small spec; allowCors puts an x-google-endpoints entry
// whose name equals host.
func testSpec(allowCors bool, extra string) string {
	s := "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\nhost: " + testHost + "\nbasePath: /v1\n"
	if allowCors {
		s += "x-google-endpoints:\n  - name: " + testHost + "\n    allowCors: true\n"
	}
	s += extra
	s += `paths:
  /shelves:
    get:
      responses: {200: {description: ok}}
    post:
      responses: {200: {description: ok}}
  /shelves/{shelfId}:
    get:
      responses: {200: {description: ok}}
  /shelves/{shelfId}/books/{book=**}:
    get:
      responses: {200: {description: ok}}
`
	return s
}

func loadTable(t testing.TB, src string) *Table {
	t.Helper()
	doc, err := spec.Parse("test.yaml", []byte(src), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := BuildTable(doc, spec.Deployment{})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// backend is an httptest server that records what reached it.
type backend struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits []string // "METHOD request-target", plus " override=V" when X-HTTP-Method-Override came
	mode string
}

func newBackend(t testing.TB, mode string) *backend {
	b := &backend{mode: mode}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		hit := r.Method + " " + r.RequestURI
		if v, ok := r.Header["X-Http-Method-Override"]; ok {
			hit += " override=" + strings.Join(v, ",")
		}
		b.hits = append(b.hits, hit)
		b.mu.Unlock()
		switch b.mode {
		case "cors": // a backend that does CORS itself
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Access-Control-Allow-Methods", "GET")
			w.Header().Set("Access-Control-Expose-Headers", "X-Backend")
			w.Header().Set("Vary", "Origin")
		case "500":
			w.WriteHeader(500)
			io.WriteString(w, "boom")
			return
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *backend) reached() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.hits)
}

// last is the last request the backend saw ("" if none).
func (b *backend) last() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.hits) == 0 {
		return ""
	}
	return b.hits[len(b.hits)-1]
}

func startProxy(t testing.TB, tb *Table, p *cors.Policy, backendURL string, observe func(*Record)) string {
	t.Helper()
	e, err := cors.NewEngine(p)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(backendURL)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{Engine: e, Table: tb, Backend: u, Observe: observe})
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + startLean(t, h)
}

func preset(proxy cors.Proxy, mut func(*cors.Policy)) *cors.Policy {
	p := &cors.Policy{Proxy: proxy, Preset: cors.PresetBasic, AllowOrigin: "*", AllowMethods: cors.DefaultAllowMethods,
		AllowHeaders: cors.DefaultAllowHeadersESP2, ExposeHeaders: cors.DefaultExposeHeaders, MaxAge: cors.DefaultMaxAge}
	if proxy == cors.ESP {
		p.AllowHeaders = cors.DefaultAllowHeadersESP
		p.MaxAge = 0
	}
	if mut != nil {
		mut(p)
	}
	return p
}

func off(proxy cors.Proxy) *cors.Policy { return &cors.Policy{Proxy: proxy} }

const appOrigin = "https://app.example.com"

type exchange struct {
	status  int
	acHdr   http.Header // every Access-Control-* response header
	vary    []string
	reached bool
	body    string
}

func do(t *testing.T, base, method, path string, hdr http.Header, b *backend) exchange {
	t.Helper()
	before := b.reached()
	req, err := http.NewRequest(method, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readExchange(t, resp, b, before)
}

// doRaw is do with the request target written exactly as given (Go's client
// would clean or escape "//", "\", "#" and the like).
func doRaw(t *testing.T, base, method, target string, hdr http.Header, b *backend) exchange {
	t.Helper()
	before := b.reached()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	var head strings.Builder
	head.WriteString(method + " " + target + " HTTP/1.1\r\nHost: " + testHost + "\r\nConnection: close\r\n")
	for k, vs := range hdr {
		for _, v := range vs {
			head.WriteString(k + ": " + v + "\r\n")
		}
	}
	head.WriteString("\r\n")
	if _, err := io.WriteString(c, head.String()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Fatal(err)
	}
	return readExchange(t, resp, b, before)
}

func readExchange(t *testing.T, resp *http.Response, b *backend, before int) exchange {
	t.Helper()
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	x := exchange{status: resp.StatusCode, vary: resp.Header.Values("Vary"), reached: b.reached() > before, body: string(body)}
	for k, v := range resp.Header {
		if strings.HasPrefix(k, "Access-Control-") {
			if x.acHdr == nil {
				x.acHdr = http.Header{}
			}
			x.acHdr[k] = v
		}
	}
	return x
}

func hdrs(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

var (
	espv2Preflight = func(origin string) http.Header {
		return hdrs("Access-Control-Allow-Origin", origin, "Access-Control-Allow-Methods", cors.DefaultAllowMethods,
			"Access-Control-Allow-Headers", cors.DefaultAllowHeadersESP2, "Access-Control-Max-Age", "1728000",
			"Access-Control-Expose-Headers", cors.DefaultExposeHeaders)
	}
	espv2Actual = func(origin string) http.Header {
		return hdrs("Access-Control-Allow-Origin", origin, "Access-Control-Expose-Headers", cors.DefaultExposeHeaders)
	}
	preflightReq = func(origin, acrm string) http.Header {
		return hdrs("Origin", origin, "Access-Control-Request-Method", acrm)
	}
	body400 = `{"code":400,"message":"` + MsgPreflightMissing + `"}`
	body404 = `{"code":404,"message":"` + MsgNotDefined + `"}`
)

type behaviour struct {
	name      string
	allowCors bool
	specExtra string
	spec      string // a whole spec instead of testSpec
	policy    *cors.Policy
	backend   string // "", "cors", "500", "down"
	method    string
	path      string
	raw       bool // send path as the request target byte for byte
	req       http.Header
	want      exchange
	bodyHas   string // when want.body is empty: a substring the body must hold
	// backendSaw, if set, is the backend's record of the request (see
	// backend.hits): the method and target the proxy forwarded.
	backendSaw string
}

func runBehaviours(t *testing.T, cases []behaviour) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBackend(t, tc.backend)
			target := b.srv.URL
			if tc.backend == "down" {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				target = "http://" + ln.Addr().String()
				ln.Close()
			}
			src := tc.spec
			if src == "" {
				src = testSpec(tc.allowCors, tc.specExtra)
			}
			base := startProxy(t, loadTable(t, src), tc.policy, target, nil)
			var got exchange
			if tc.raw {
				got = doRaw(t, base, tc.method, tc.path, tc.req, b)
			} else {
				got = do(t, base, tc.method, tc.path, tc.req, b)
			}
			if tc.backendSaw != "" && b.last() != tc.backendSaw {
				t.Errorf("the backend saw %q, want %q", b.last(), tc.backendSaw)
			}
			want := tc.want
			if tc.bodyHas != "" {
				if !strings.Contains(got.body, tc.bodyHas) {
					t.Errorf("body %q does not contain %q", got.body, tc.bodyHas)
				}
				got.body = ""
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(exchange{})); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tc.method, tc.path, diff)
			}
		})
	}
}

// TestESPv2 drives every ESPv2 behaviour of the issue through a real
// listener: status, every Access-Control-* header, Vary, and whether the
// backend was reached.
func TestESPv2(t *testing.T) {
	v2 := cors.ESPv2
	exact := preset(v2, func(p *cors.Policy) { p.AllowOrigin = appOrigin })
	regex := preset(v2, func(p *cors.Policy) {
		p.Preset, p.AllowOriginRegex = cors.PresetRegex, `https://[a-z]+\.example\.com`
	})
	creds := preset(v2, func(p *cors.Policy) { p.AllowCredentials = true })
	cases := []behaviour{
		{name: "allowed preflight is answered 200 with no body", policy: preset(v2, nil), method: "OPTIONS", path: "/v1/shelves",
			req:  hdrs("Origin", appOrigin, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom"),
			want: exchange{status: 200, acHdr: espv2Preflight(appOrigin)}},
		{name: "preflight to a path not in the spec is answered too", policy: preset(v2, nil), method: "OPTIONS", path: "/nowhere",
			req: preflightReq(appOrigin, "GET"), want: exchange{status: 200, acHdr: espv2Preflight(appOrigin)}},
		{name: "preflight from another origin gets the 400 without CORS headers", policy: exact, method: "OPTIONS", path: "/v1/shelves",
			req: preflightReq("https://evil.example", "GET"), want: exchange{status: 400, body: body400}},
		{name: "OPTIONS without ACRM gets 400", policy: preset(v2, nil), method: "OPTIONS", path: "/v1/shelves",
			req: hdrs("Origin", appOrigin), want: exchange{status: 400, body: body400}},
		{name: "OPTIONS without Origin gets 400", policy: preset(v2, nil), method: "OPTIONS", path: "/v1/shelves",
			req: hdrs("Access-Control-Request-Method", "GET"), want: exchange{status: 400, body: body400}},
		{name: "actual request: Allow-Origin and Expose-Headers replace the backend's", policy: preset(v2, nil), backend: "cors",
			method: "GET", path: "/v1/shelves", req: hdrs("Origin", appOrigin),
			want: exchange{status: 200, reached: true, vary: []string{"Origin"}, body: `{"ok":true}`,
				acHdr: hdrs("Access-Control-Allow-Origin", appOrigin, "Access-Control-Expose-Headers", cors.DefaultExposeHeaders,
					"Access-Control-Allow-Methods", "GET")}},
		{name: "actual request from a disallowed origin is untouched", policy: exact, backend: "cors",
			method: "GET", path: "/v1/shelves/7", req: hdrs("Origin", "https://evil.example"),
			want: exchange{status: 200, reached: true, vary: []string{"Origin"}, body: `{"ok":true}`,
				acHdr: hdrs("Access-Control-Allow-Origin", "*", "Access-Control-Expose-Headers", "X-Backend",
					"Access-Control-Allow-Methods", "GET")}},
		{name: "no Vary is added", policy: preset(v2, nil), method: "POST", path: "/v1/shelves", req: hdrs("Origin", appOrigin),
			want: exchange{status: 200, reached: true, body: `{"ok":true}`, acHdr: espv2Actual(appOrigin)}},
		{name: "credentials: Allow-Credentials on actual responses", policy: creds, method: "GET", path: "/v1/shelves",
			req: hdrs("Origin", appOrigin), want: exchange{status: 200, reached: true, body: `{"ok":true}`,
				acHdr: hdrs("Access-Control-Allow-Origin", appOrigin, "Access-Control-Allow-Credentials", "true",
					"Access-Control-Expose-Headers", cors.DefaultExposeHeaders)}},
		{name: "credentials: Allow-Credentials on the preflight", policy: creds, method: "OPTIONS", path: "/v1/shelves",
			req: preflightReq(appOrigin, "DELETE"), want: exchange{status: 200, acHdr: func() http.Header {
				h := espv2Preflight(appOrigin)
				h.Set("Access-Control-Allow-Credentials", "true")
				return h
			}()}},
		{name: "unknown path: 404 without CORS headers", policy: preset(v2, nil), method: "GET", path: "/v1/nothing",
			req: hdrs("Origin", appOrigin), want: exchange{status: 404, body: body404}},
		{name: "known path, other method: 405 without CORS headers", policy: preset(v2, nil), method: "DELETE", path: "/v1/shelves/3",
			req: hdrs("Origin", appOrigin), want: exchange{status: 405,
				body: `{"code":405,"message":"The current request is matched to the defined url template \"/v1/shelves/{shelf_id}\" but its http method is not allowed"}`}},
		{name: "regex is whole-string", policy: regex, method: "OPTIONS", path: "/v1/shelves",
			req: preflightReq("https://app.example.com.evil.net", "GET"), want: exchange{status: 400, body: body400}},
		{name: "regex is case-sensitive", policy: regex, method: "GET", path: "/v1/shelves",
			req: hdrs("Origin", "https://APP.example.com"), want: exchange{status: 200, reached: true, body: `{"ok":true}`}},
		{name: "regex match echoes the origin", policy: regex, method: "OPTIONS", path: "/v1/shelves",
			req: preflightReq(appOrigin, "GET"), want: exchange{status: 200, acHdr: espv2Preflight(appOrigin)}},
		{name: "repeated Origin lines are joined and do not match", policy: exact, method: "GET", path: "/v1/shelves",
			req: http.Header{"Origin": {appOrigin, appOrigin}}, want: exchange{status: 200, reached: true, body: `{"ok":true}`}},
		{name: "* methods echo the ACRM", policy: preset(v2, func(p *cors.Policy) { p.AllowMethods, p.AllowHeaders = "*", "*" }),
			method: "OPTIONS", path: "/v1/shelves", req: hdrs("Origin", appOrigin, "Access-Control-Request-Method", "PATCH",
				"Access-Control-Request-Headers", "x-a"), want: exchange{status: 200, acHdr: hdrs("Access-Control-Allow-Origin", appOrigin,
				"Access-Control-Allow-Methods", "PATCH", "Access-Control-Allow-Headers", "x-a", "Access-Control-Max-Age", "1728000",
				"Access-Control-Expose-Headers", cors.DefaultExposeHeaders)}},
		{name: "path template ** and basePath", policy: preset(v2, nil), method: "GET", path: "/v1/shelves/1/books/a/b/c",
			req: hdrs("Origin", appOrigin), want: exchange{status: 200, reached: true, body: `{"ok":true}`, acHdr: espv2Actual(appOrigin)}},
		{name: "without basePath the path is unknown", policy: preset(v2, nil), method: "GET", path: "/shelves",
			want: exchange{status: 404, body: body404}},
		{name: "allowCors only: OPTIONS reaches the backend untouched", allowCors: true, policy: off(v2), method: "OPTIONS",
			path: "/v1/shelves/1", req: preflightReq(appOrigin, "GET"), want: exchange{status: 204, reached: true}},
		{name: "allowCors only: backend CORS headers pass", allowCors: true, policy: off(v2), backend: "cors", method: "OPTIONS",
			path: "/v1/shelves", req: preflightReq(appOrigin, "GET"), want: exchange{status: 204, reached: true, vary: []string{"Origin"},
				acHdr: hdrs("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "GET", "Access-Control-Expose-Headers", "X-Backend")}},
		{name: "allowCors only: OPTIONS to an unknown path is 404", allowCors: true, policy: off(v2), method: "OPTIONS",
			path: "/v1/nothing", req: preflightReq(appOrigin, "GET"), want: exchange{status: 404, body: body404}},
		{name: "allowCors with name != host is ignored", specExtra: "x-google-endpoints:\n  - name: other.example.test\n    allowCors: true\n",
			policy: off(v2), method: "OPTIONS", path: "/v1/shelves", req: preflightReq(appOrigin, "GET"),
			want: exchange{status: 405}, bodyHas: `"code":405`},
		{name: "both: allowed preflight is answered by the proxy", allowCors: true, policy: exact, method: "OPTIONS", path: "/v1/shelves",
			req: preflightReq(appOrigin, "GET"), want: exchange{status: 200, acHdr: espv2Preflight(appOrigin)}},
		{name: "both: disallowed preflight reaches the backend", allowCors: true, policy: exact, backend: "cors", method: "OPTIONS",
			path: "/v1/shelves", req: preflightReq("https://evil.example", "GET"), want: exchange{status: 204, reached: true,
				vary: []string{"Origin"}, acHdr: hdrs("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "GET",
					"Access-Control-Expose-Headers", "X-Backend")}},
		{name: "both: OPTIONS without ACRM from an allowed origin reaches the backend, decorated", allowCors: true, policy: exact,
			method: "OPTIONS", path: "/v1/shelves", req: hdrs("Origin", appOrigin),
			want: exchange{status: 204, reached: true, acHdr: espv2Actual(appOrigin)}},
		{name: "preflight route without a filter answer (empty Origin, origin *) is forwarded", policy: preset(v2, nil),
			method: "OPTIONS", path: "/v1/shelves", req: http.Header{"Origin": {""}, "Access-Control-Request-Method": {"GET"}},
			want: exchange{status: 204, reached: true}},
		{name: "neither: OPTIONS to a known path is 405", policy: off(v2), method: "OPTIONS", path: "/v1/shelves",
			req: preflightReq(appOrigin, "GET"), want: exchange{status: 405,
				body: `{"code":405,"message":"The current request is matched to the defined url template \"/v1/shelves\" but its http method is not allowed"}`}},
		{name: "neither: OPTIONS to an unknown path is 404", policy: off(v2), method: "OPTIONS", path: "/x",
			req: preflightReq(appOrigin, "GET"), want: exchange{status: 404, body: body404}},
		{name: "x-google-allow all routes unknown paths to the backend", specExtra: "x-google-allow: all\n", policy: preset(v2, nil),
			method: "GET", path: "/anything/else", req: hdrs("Origin", appOrigin),
			want: exchange{status: 200, reached: true, body: `{"ok":true}`, acHdr: espv2Actual(appOrigin)}},
		{name: "request headers over 60 KiB get 431", policy: preset(v2, nil), method: "GET", path: "/v1/shelves",
			req:  hdrs("Origin", appOrigin, "X-Big", strings.Repeat("a", 61*1024)),
			want: exchange{status: 431, body: `{"code":431,"message":"Request Header Fields Too Large"}`}},
		{name: "backend down: 503 JSON, decorated for an allowed origin", policy: preset(v2, nil), backend: "down", method: "GET",
			path: "/v1/shelves", req: hdrs("Origin", appOrigin),
			want: exchange{status: 503, acHdr: espv2Actual(appOrigin), body: `{"code":503,"message":"` + MsgUpstreamConnect + `"}`}},
		{name: "backend 500 passes through, decorated", policy: preset(v2, nil), backend: "500", method: "GET", path: "/v1/shelves",
			req: hdrs("Origin", appOrigin), want: exchange{status: 500, reached: true, body: "boom", acHdr: espv2Actual(appOrigin)}},
	}
	runBehaviours(t, cases)
}

// TestESP runs the behaviours where ESP v1 differs.
func TestESP(t *testing.T) {
	v1 := cors.ESP
	espActual := func(acao string) http.Header {
		return hdrs("Access-Control-Allow-Origin", acao, "Access-Control-Allow-Methods", cors.DefaultAllowMethods,
			"Access-Control-Allow-Headers", cors.DefaultAllowHeadersESP, "Access-Control-Expose-Headers", cors.DefaultExposeHeaders)
	}
	espPreflight := func(acao string) http.Header {
		return hdrs("Access-Control-Allow-Origin", acao, "Access-Control-Allow-Methods", cors.DefaultAllowMethods,
			"Access-Control-Allow-Headers", cors.DefaultAllowHeadersESP, "Access-Control-Max-Age", "1728000")
	}
	regex := preset(v1, func(p *cors.Policy) { p.Preset, p.AllowOriginRegex = cors.PresetRegex, `^https://app\.example\.com$` })
	body403 := `{"code":7,"message":"` + MsgESPNoCORS + `"}`
	body404 := `{"code":5,"message":"` + MsgESPNoSuchCall + `"}`
	cases := []behaviour{
		{name: "basic: any OPTIONS gets 204 with the literal origin", policy: preset(v1, nil), method: "OPTIONS", path: "/anywhere",
			want: exchange{status: 204, acHdr: espPreflight("*")}},
		{name: "basic: preflight never reaches the backend", policy: preset(v1, nil), method: "OPTIONS", path: "/v1/shelves",
			req: preflightReq(appOrigin, "PUT"), want: exchange{status: 204, acHdr: espPreflight("*")}},
		{name: "basic: headers added alongside the backend's (duplicates)", policy: preset(v1, nil), backend: "cors",
			method: "GET", path: "/v1/shelves", req: hdrs("Origin", appOrigin),
			want: exchange{status: 200, reached: true, vary: []string{"Origin"}, body: `{"ok":true}`, acHdr: http.Header{
				"Access-Control-Allow-Origin":   {"*", "*"},
				"Access-Control-Allow-Methods":  {"GET", cors.DefaultAllowMethods},
				"Access-Control-Allow-Headers":  {cors.DefaultAllowHeadersESP},
				"Access-Control-Expose-Headers": {"X-Backend", cors.DefaultExposeHeaders}}}},
		{name: "basic: headers on ESP's own 404 too", policy: preset(v1, nil), method: "GET", path: "/nothing",
			req: hdrs("Origin", appOrigin), want: exchange{status: 404, body: body404, acHdr: espActual("*")}},
		{name: "basic: headers even without Origin", policy: preset(v1, nil), method: "GET", path: "/v1/shelves",
			want: exchange{status: 200, reached: true, body: `{"ok":true}`, acHdr: espActual("*")}},
		{name: "regex: case-insensitive match echoes the origin", policy: regex, method: "OPTIONS", path: "/v1/shelves",
			req: preflightReq("HTTPS://APP.EXAMPLE.COM", "GET"), want: exchange{status: 204, acHdr: espPreflight("HTTPS://APP.EXAMPLE.COM")}},
		{name: "regex: no match and no allowCors gives 403", policy: regex, method: "OPTIONS", path: "/v1/shelves",
			req: preflightReq("https://evil.example", "GET"), want: exchange{status: 403, body: body403}},
		{name: "regex: no match with allowCors reaches the backend", allowCors: true, policy: regex, method: "OPTIONS", path: "/v1/shelves",
			req: preflightReq("https://evil.example", "GET"), want: exchange{status: 204, reached: true}},
		{name: "neither: OPTIONS is 403", policy: off(v1), method: "OPTIONS", path: "/v1/shelves",
			req: preflightReq(appOrigin, "GET"), want: exchange{status: 403, body: body403}},
		{name: "neither: unknown path is 404", policy: off(v1), method: "GET", path: "/v1/x", want: exchange{status: 404, body: body404}},
		{name: "credentials on the 204", policy: preset(v1, func(p *cors.Policy) { p.AllowCredentials = true }), method: "OPTIONS",
			path: "/v1/shelves", want: exchange{status: 204, acHdr: func() http.Header {
				h := espPreflight("*")
				h.Set("Access-Control-Allow-Credentials", "true")
				return h
			}()}},
		{name: "backend down: nginx 502 page, decorated", policy: preset(v1, nil), backend: "down", method: "GET", path: "/v1/shelves",
			want: exchange{status: 502, acHdr: espActual("*")}, bodyHas: "nginx"},
	}
	runBehaviours(t, cases)
}

func TestESPPreflightContentHeaders(t *testing.T) {
	b := newBackend(t, "")
	base := startProxy(t, loadTable(t, testSpec(false, "")), preset(cors.ESP, nil), b.srv.URL, nil)
	resp, err := http.DefaultClient.Do(mustReq(t, "OPTIONS", base+"/v1/shelves"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// nginx sends both fields add_header names on its 204 (TestNginxAgrees);
	// net/http's server would drop Content-Length, corsgate's keeps it.
	if got := resp.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := resp.Header.Values("Content-Length"); len(got) != 1 || got[0] != "0" {
		t.Errorf("Content-Length = %q, want one \"0\"", got)
	}
}

func mustReq(t *testing.T, method, u string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestObserveRecord(t *testing.T) {
	b := newBackend(t, "cors")
	var mu sync.Mutex
	var recs []Record
	base := startProxy(t, loadTable(t, testSpec(false, "")), preset(cors.ESPv2, nil), b.srv.URL, func(r *Record) {
		mu.Lock()
		defer mu.Unlock()
		c := *r
		c.RequestHeader, c.ResponseHeader = r.RequestHeader.Clone(), r.ResponseHeader.Clone()
		recs = append(recs, c)
	})
	do(t, base, "GET", "/v1/shelves?x=1", hdrs("Origin", appOrigin), b)
	do(t, base, "OPTIONS", "/v1/shelves", preflightReq(appOrigin, "GET"), b)
	mu.Lock()
	defer mu.Unlock()
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	r := recs[0]
	if r.Method != "GET" || r.Path != "/v1/shelves" || r.Query != "x=1" || r.Status != 200 || !r.BackendReached ||
		r.Route != "operation" || r.BackendHeader.Get("Access-Control-Allow-Origin") != "*" ||
		r.ResponseHeader.Get("Access-Control-Allow-Origin") != appOrigin {
		t.Errorf("record 0 = %+v", r)
	}
	r = recs[1]
	if r.Status != 200 || r.BackendReached || r.BackendHeader != nil || r.Route != "cors-preflight" {
		t.Errorf("record 1 = %+v", r)
	}
}

// TestObserveRecordBody: a Record keeps who made the response and the
// start of the body of proxy-made and error responses (for the checker's
// ERROR_HIDDEN_AS_CORS), and nothing of a backend's success.
func TestObserveRecordBody(t *testing.T) {
	for _, tc := range []struct {
		name, backend, method, path string
		proxyMade                   bool
		body                        string
	}{
		{"backend 200", "", "GET", "/v1/shelves", false, ""},
		{"backend 500", "500", "GET", "/v1/shelves", false, "boom"},
		{"proxy 404", "", "GET", "/v1/nothing", true, body404},
		{"proxy preflight", "", "OPTIONS", "/v1/shelves", true, ""},
		{"proxy 503", "down", "GET", "/v1/shelves", true, `{"code":503,"message":"` + MsgUpstreamConnect + `"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBackend(t, tc.backend)
			target := b.srv.URL
			if tc.backend == "down" {
				b.srv.Close()
			}
			type seen struct {
				proxyMade bool
				body      string
			}
			recs := make(chan seen, 1)
			base := startProxy(t, loadTable(t, testSpec(false, "")), preset(cors.ESPv2, nil), target, func(r *Record) {
				recs <- seen{r.ProxyMade, string(r.Body)} // Observe runs after the answer is written
			})
			do(t, base, tc.method, tc.path, preflightReq(appOrigin, "GET"), b)
			select {
			case got := <-recs:
				if got.proxyMade != tc.proxyMade || got.body != tc.body {
					t.Errorf("record: proxy-made %v, body %q; want %v, %q", got.proxyMade, got.body, tc.proxyMade, tc.body)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no record")
			}
		})
	}
}

func TestForwardedHeaders(t *testing.T) {
	var got http.Header
	var host string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, host = r.Header.Clone(), r.Host
	}))
	defer srv.Close()
	base := startProxy(t, loadTable(t, testSpec(false, "")), preset(cors.ESPv2, nil), srv.URL, nil)
	req := mustReq(t, "GET", base+"/v1/shelves")
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	req.Host = "api.example.test"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Get("X-Forwarded-For") != "203.0.113.7" || got.Get("X-Forwarded-Proto") != "http" || host != "api.example.test" {
		t.Errorf("backend saw XFF %q, XFP %q, Host %q", got.Get("X-Forwarded-For"), got.Get("X-Forwarded-Proto"), host)
	}
}

// TestUnverifiedChoices pins the behaviours the reference marks UNVERIFIED
// (see docs/serve.md): Content-Length 0 on ESPv2's 200 preflight, an empty
// Allow-Headers when "*" echoes a missing ACRH, escaped-path matching.
func TestUnverifiedChoices(t *testing.T) {
	b := newBackend(t, "")
	base := startProxy(t, loadTable(t, testSpec(false, "")), preset(cors.ESPv2, func(p *cors.Policy) { p.AllowHeaders = "*" }), b.srv.URL, nil)
	req := mustReq(t, "OPTIONS", base+"/v1/shelves")
	req.Header.Set("Origin", appOrigin)
	req.Header.Set("Access-Control-Request-Method", "GET")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ContentLength != 0 || resp.Header.Get("Content-Length") != "0" {
		t.Errorf("preflight Content-Length %q, want \"0\"", resp.Header.Get("Content-Length"))
	}
	if v, ok := resp.Header["Access-Control-Allow-Headers"]; !ok || len(v) != 1 || v[0] != "" {
		t.Errorf("Allow-Headers = %q (present %v), want one empty value", v, ok)
	}
	// %2F does not split a segment: /v1/shelves/a%2Fb is /v1/shelves/{shelfId}.
	x := do(t, base, "GET", "/v1/shelves/a%2Fb", nil, b)
	if x.status != 200 || !x.reached {
		t.Errorf("GET /v1/shelves/a%%2Fb: %d reached %v", x.status, x.reached)
	}
}

// TestUpstreamFailures drives the Envoy-like local replies for a backend that
// answers too late (504) or with bytes that are not HTTP (502), for ESPv2 and
// ESP v1, and checks that the CORS headers still decorate them.
func TestUpstreamFailures(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer slow.Close()
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		buf.WriteString("NOT HTTP AT ALL\r\n\r\n")
		buf.Flush()
		c.Close()
	}))
	defer garbage.Close()
	tests := []struct {
		name    string
		proxy   cors.Proxy
		backend string
		status  int
		body    string
	}{
		{"espv2 timeout", cors.ESPv2, slow.URL, 504, `{"code":504,"message":"upstream request timeout"}`},
		{"espv2 garbage", cors.ESPv2, garbage.URL, 502, `{"code":502,"message":"` + MsgUpstreamBad + `"}`},
		{"esp timeout", cors.ESP, slow.URL, 504, "504 Gateway Time-out"},
		{"esp garbage", cors.ESP, garbage.URL, 502, "502 Bad Gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := cors.NewEngine(preset(tt.proxy, nil))
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(tt.backend)
			h, err := New(Options{Engine: e, Table: loadTable(t, testSpec(false, "")), Backend: u, BackendTimeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/v1/shelves", nil)
			r.Header.Set("Origin", appOrigin)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.body) {
				t.Errorf("got %d %q, want %d containing %q", w.Code, w.Body, tt.status, tt.body)
			}
			if w.Header().Get("Access-Control-Allow-Origin") == "" {
				t.Errorf("local reply not decorated: %v", w.Header())
			}
		})
	}
}

// TestGracefulShutdown cancels Serve while a request is in flight: the
// request still completes, and Serve returns without error.
func TestGracefulShutdown(t *testing.T) {
	entered := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		time.Sleep(200 * time.Millisecond)
		io.WriteString(w, "late but complete")
	}))
	defer srv.Close()
	e, _ := cors.NewEngine(preset(cors.ESPv2, nil))
	u, _ := url.Parse(srv.URL)
	h, err := New(Options{Engine: e, Table: loadTable(t, testSpec(false, "")), Backend: u})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h, 5*time.Second) }()
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/v1/shelves")
		if err != nil {
			got <- result{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- result{string(b), err}
	}()
	<-entered
	cancel()
	r := <-got
	if r.err != nil || r.body != "late but complete" {
		t.Errorf("in-flight request: %q, %v", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/v1/shelves"); err == nil {
		t.Errorf("server still accepts requests after shutdown")
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{"127.0.0.1": true, "::1": true, "localhost": true, "127.0.0.2": true,
		"example.run.app": false, "10.0.0.1": false} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestH1Transport covers what the same-goroutine transport must get right:
// keep-alive reuse, a backend that closes its connection, 103 Early Hints,
// HEAD, and requests it hands to net/http (bodies).
func TestH1Transport(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("do") {
		case "close":
			w.Header().Set("Connection", "close")
		case "hints":
			w.Header().Set("Link", "</a.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
		}
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+string(b))
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	spec := "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\nhost: h\npaths:\n  /v1/shelves:\n" +
		"    get: {responses: {200: {description: ok}}}\n    head: {responses: {200: {description: ok}}}\n" +
		"    post: {responses: {200: {description: ok}}}\n"
	base := startProxy(t, loadTable(t, spec), preset(cors.ESPv2, nil), srv.URL, nil)
	get := func(method, q, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+"/v1/shelves"+q, strings.NewReader(body))
		if body == "" {
			req.Body = nil
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for i := 0; i < 5; i++ {
		if code, body := get("GET", "", ""); code != 200 || body != "GET " {
			t.Fatalf("GET: %d %q", code, body)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("5 sequential GETs used %d backend connections, want 1 (keep-alive)", n)
	}
	if code, body := get("GET", "?do=close", ""); code != 200 || body != "GET " {
		t.Errorf("Connection: close: %d %q", code, body)
	}
	if code, body := get("GET", "", ""); code != 200 || body != "GET " {
		t.Errorf("after a closed connection: %d %q", code, body)
	}
	if code, body := get("GET", "?do=hints", ""); code != 200 || body != "GET " {
		t.Errorf("103 Early Hints: %d %q", code, body)
	}
	if code, _ := get("HEAD", "", ""); code != 200 {
		t.Errorf("HEAD: %d", code)
	}
	if code, body := get("POST", "", "payload"); code != 200 || body != "POST payload" {
		t.Errorf("POST with a body: %d %q", code, body)
	}
}

// TestH1TransportIdleClose: a backend that closes idle keep-alive
// connections quickly must not make a non-idempotent request fail.
func TestH1TransportIdleClose(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	srv.Config.IdleTimeout = 300 * time.Millisecond
	srv.Start()
	defer srv.Close()
	base := startProxy(t, loadTable(t, testSpec(false, "")), preset(cors.ESPv2, nil), srv.URL, nil)
	for i, pause := range []time.Duration{0, 500 * time.Millisecond, 1200 * time.Millisecond} {
		time.Sleep(pause)
		resp, err := http.Post(base+"/v1/shelves", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("POST %d after %v idle: %d", i, pause, resp.StatusCode)
		}
	}
}
