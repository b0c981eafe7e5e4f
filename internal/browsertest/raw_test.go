package browsertest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/cors"
)

// rawScenario is a server that answers with chosen headers (cors-protocol
// reference §7.6), and the fetch the page makes against it. "$ORIGIN" in a
// header value is replaced by the page's origin.
type rawScenario struct {
	name  string
	fetch fetchSpec // URL is filled in
	// preStatus/pre answer OPTIONS; status/resp answer everything else.
	preStatus int
	pre       []string
	status    int
	resp      []string
	body      string // the actual response's body
	code      string // a finding the checker must report (optional)
}

// ESPv2's preflight answer with its default flags (esp-v2 reference §1.4).
var espv2Pre = []string{
	"Access-Control-Allow-Origin", "$ORIGIN",
	"Access-Control-Allow-Methods", cors.DefaultAllowMethods,
	"Access-Control-Allow-Headers", cors.DefaultAllowHeadersESP2,
	"Access-Control-Max-Age", "1728000",
	"Access-Control-Expose-Headers", cors.DefaultExposeHeaders,
}

func rawScenarios() []rawScenario {
	acao := []string{"Access-Control-Allow-Origin", "$ORIGIN", "Vary", "Origin"}
	with := func(base []string, kv ...string) []string { return append(append([]string(nil), base...), kv...) }
	omit, incl := "omit", "include"
	return []rawScenario{
		{name: "get-no-cors-headers", fetch: fetchSpec{Creds: omit}, status: 200},
		{name: "get-exact-origin", fetch: fetchSpec{Creds: omit}, status: 200, resp: acao},
		{name: "get-exact-origin-no-vary", fetch: fetchSpec{Creds: omit}, status: 200, resp: []string{"Access-Control-Allow-Origin", "$ORIGIN"}},
		{name: "get-star", fetch: fetchSpec{Creds: omit}, status: 200, resp: []string{"Access-Control-Allow-Origin", "*"}},
		{name: "get-trailing-slash", fetch: fetchSpec{Creds: omit}, status: 200, resp: []string{"Access-Control-Allow-Origin", "$ORIGIN/"}},
		{name: "get-upper-case-origin", fetch: fetchSpec{Creds: omit}, status: 200, resp: []string{"Access-Control-Allow-Origin", "HTTP://127.0.0.1" + ":PORT"}},
		{name: "star-acac-omit", fetch: fetchSpec{Creds: omit}, status: 200, resp: []string{"Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "true"}},
		{name: "star-acac-include", fetch: fetchSpec{Creds: incl}, status: 200, resp: []string{"Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "true"}},
		{name: "include-exact-acac-true", fetch: fetchSpec{Creds: incl}, status: 200, resp: with(acao, "Access-Control-Allow-Credentials", "true")},
		{name: "include-acac-True", fetch: fetchSpec{Creds: incl}, status: 200, resp: with(acao, "Access-Control-Allow-Credentials", "True")},
		{name: "include-acac-two-lines", fetch: fetchSpec{Creds: incl}, status: 200, resp: with(acao, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Credentials", "true")},
		{name: "acao-comma-list", fetch: fetchSpec{Creds: omit}, status: 200, resp: []string{"Access-Control-Allow-Origin", "$ORIGIN, $ORIGIN"}},
		{name: "acao-two-lines", fetch: fetchSpec{Creds: omit}, status: 200, resp: []string{"Access-Control-Allow-Origin", "$ORIGIN", "Access-Control-Allow-Origin", "$ORIGIN"}},
		{name: "acao-null-normal-page", fetch: fetchSpec{Creds: omit}, status: 200, resp: []string{"Access-Control-Allow-Origin", "null"}},
		{name: "sandboxed-acao-null", fetch: fetchSpec{Creds: omit, Sandboxed: true}, status: 200, resp: []string{"Access-Control-Allow-Origin", "null"}},
		{name: "sandboxed-acao-page-origin", fetch: fetchSpec{Creds: omit, Sandboxed: true}, status: 200, resp: acao},
		{name: "status-503-with-cors", fetch: fetchSpec{Creds: omit}, status: 503, resp: acao},
		{name: "post-text-plain-no-preflight", fetch: fetchSpec{Creds: omit, Method: "POST", Headers: map[string]string{"Content-Type": "text/plain;charset=UTF-8"}, Body: "x"}, status: 200, resp: acao},
		{name: "put-x-custom-ok", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: map[string]string{"X-Custom": "v"}}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "x-custom"), status: 200, resp: acao},
		{name: "put-preflight-204", fetch: fetchSpec{Creds: omit, Method: "PUT"}, preStatus: 204, pre: with(acao, "Access-Control-Allow-Methods", "PUT"), status: 200, resp: acao},
		{name: "put-preflight-400", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: map[string]string{"X-Custom": "v"}}, preStatus: 400, pre: with(acao, "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "x-custom"), status: 200, resp: acao},
		{name: "authorization-via-acah-star", fetch: fetchSpec{Creds: omit, Headers: map[string]string{"Authorization": "Bearer t"}}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Headers", "*"), status: 200, resp: acao},
		{name: "x-custom-via-acah-star", fetch: fetchSpec{Creds: omit, Headers: map[string]string{"X-Custom": "v"}}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Headers", "*"), status: 200, resp: acao},
		{name: "acah-upper-case", fetch: fetchSpec{Creds: omit, Headers: map[string]string{"X-Custom": "v"}}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Headers", "X-CUSTOM"), status: 200, resp: acao},
		{name: "acah-unparsable", fetch: fetchSpec{Creds: omit, Headers: map[string]string{"X-Custom": "v"}}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Headers", "x-custom, x other"), status: 200, resp: acao},
		{name: "acah-empty-items", fetch: fetchSpec{Creds: omit, Headers: map[string]string{"X-Custom": "v"}}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Headers", " ,x-custom,, "), status: 200, resp: acao},
		{name: "method-patch-lower-case", fetch: fetchSpec{Creds: omit, Method: "patch"}, preStatus: 200, pre: espv2Pre, status: 200, resp: acao},
		{name: "method-put-acam-lower-case", fetch: fetchSpec{Creds: omit, Method: "PUT"}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Methods", "put"), status: 200, resp: acao},
		{name: "espv2-post-json", fetch: fetchSpec{Creds: omit, Method: "POST", Headers: map[string]string{"Content-Type": "application/json"}, Body: "{}"}, preStatus: 200, pre: espv2Pre, status: 200, resp: acao},
		{name: "espv2-post-x-custom", fetch: fetchSpec{Creds: omit, Method: "POST", Headers: map[string]string{"X-Custom": "v"}}, preStatus: 200, pre: espv2Pre, status: 200, resp: acao},
		{name: "espv2-delete", fetch: fetchSpec{Creds: omit, Method: "DELETE"}, preStatus: 200, pre: espv2Pre, status: 200, resp: acao},
		{name: "include-acam-star-put", fetch: fetchSpec{Creds: incl, Method: "PUT"}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "*"), status: 200, resp: with(acao, "Access-Control-Allow-Credentials", "true")},
		{name: "include-acah-star-x-custom", fetch: fetchSpec{Creds: incl, Headers: map[string]string{"X-Custom": "v"}}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Headers", "*"), status: 200, resp: with(acao, "Access-Control-Allow-Credentials", "true")},
		{name: "omit-acam-star-put", fetch: fetchSpec{Creds: omit, Method: "PUT"}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Methods", "*"), status: 200, resp: acao},
		{name: "include-preflight-without-acac", fetch: fetchSpec{Creds: incl, Method: "PUT"}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Methods", "PUT"), status: 200, resp: with(acao, "Access-Control-Allow-Credentials", "true")},
		{name: "include-put-ok", fetch: fetchSpec{Creds: incl, Method: "PUT"}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT"), status: 200, resp: with(acao, "Access-Control-Allow-Credentials", "true")},
		{name: "include-aceh-star", fetch: fetchSpec{Creds: incl, Read: "X-Custom"}, status: 200, resp: with(acao, "Access-Control-Allow-Credentials", "true", "Access-Control-Expose-Headers", "*", "X-Custom", "v")},
		{name: "omit-aceh-star", fetch: fetchSpec{Creds: omit, Read: "X-Custom"}, status: 200, resp: with(acao, "Access-Control-Expose-Headers", "*", "X-Custom", "v")},
		{name: "max-age-invalid", fetch: fetchSpec{Creds: omit, Method: "PUT"}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", "-1"), status: 200, resp: acao},
		{name: "long-accept-needs-preflight", fetch: fetchSpec{Creds: omit, Headers: map[string]string{"Accept": strings.Repeat("a", 129)}}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Headers", "accept"), status: 200, resp: acao},
		{name: "range-safelisted", fetch: fetchSpec{Creds: omit, Headers: map[string]string{"Range": "bytes=0-"}}, status: 200, resp: acao},
		{name: "acam-unparsable", fetch: fetchSpec{Creds: omit, Method: "PUT"}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Methods", "PUT POST"), status: 200, resp: acao},
		{name: "acam-empty-items-and-lines", fetch: fetchSpec{Creds: omit, Method: "PUT"}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Methods", ", GET,,", "Access-Control-Allow-Methods", " PUT "), status: 200, resp: acao},
		{name: "include-preflight-acac-two-lines", fetch: fetchSpec{Creds: incl, Method: "PUT"}, preStatus: 200, pre: with(acao, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT"), status: 200, resp: with(acao, "Access-Control-Allow-Credentials", "true")},
		{name: "preflight-redirect-301", fetch: fetchSpec{Creds: omit, Method: "PUT"}, preStatus: 301, pre: with(acao, "Access-Control-Allow-Methods", "PUT", "Location", "/elsewhere"), status: 200, resp: acao},
		{name: "include-aceh-listed", fetch: fetchSpec{Creds: incl, Read: "X-Custom"}, status: 200, resp: with(acao, "Access-Control-Allow-Credentials", "true", "Access-Control-Expose-Headers", "X-Custom", "X-Custom", "v")},
		// An allowed actual request refused with 401 and no CORS headers (an
		// API-key or JWT rejection under allowCors): the page sees only a
		// CORS error, and the checker names the 401 and its body.
		{name: "put-allowed-then-401-without-cors", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: map[string]string{"Content-Type": "application/json"}, Body: "{}"},
			preStatus: 204, pre: with(acao, "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "content-type"),
			status: 401, resp: []string{"Content-Type", "application/json"}, body: `{"code":401,"message":"UNAUTHENTICATED: Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."}`,
			code: cors.CodeErrorHiddenAsCORS},
		{name: "get-401-with-cors", fetch: fetchSpec{Creds: omit}, status: 401, resp: acao, body: `{"code":401}`},
		{name: "content-type-quote-unsafe", fetch: fetchSpec{Creds: omit, Method: "POST", Headers: map[string]string{"Content-Type": `text/plain; charset="utf-8"`}, Body: "x"}, preStatus: 200, pre: acao, status: 200, resp: acao},
	}
}

// TestRawServersAgreeWithChromium runs the reference §7.6 table (and more)
// against servers that send chosen headers, and asserts Chromium's outcome
// equals cors.Check's verdict for every scenario.
func TestRawServersAgreeWithChromium(t *testing.T) {
	p := newPage(t)
	rec := newRecorder()
	scenarios := map[string]rawScenario{}
	for _, s := range rawScenarios() {
		scenarios["/"+s.name] = s
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := scenarios[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		status, kv := s.status, s.resp
		if r.Method == http.MethodOptions {
			status, kv = s.preStatus, s.pre
			if status == 0 {
				status = http.StatusMethodNotAllowed
			}
		}
		origin := p.origin
		for i := 0; i+1 < len(kv); i += 2 {
			v := strings.ReplaceAll(kv[i+1], "$ORIGIN", origin)
			v = strings.ReplaceAll(v, "127.0.0.1:PORT", strings.TrimPrefix(origin, "http://"))
			w.Header().Add(kv[i], v)
		}
		w.Header().Set("Cache-Control", "no-store")
		body := ""
		if r.Method != http.MethodOptions {
			body = s.body
		}
		rec.add(r.URL.Path, &cors.Exchange{
			Method: r.Method, RequestHeader: r.Header.Clone(), Status: status, ResponseHeader: w.Header().Clone(),
			Body: []byte(body),
		})
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(api.Close)

	for _, s := range rawScenarios() {
		t.Run(s.name, func(t *testing.T) {
			f := s.fetch
			f.URL = api.URL + "/" + s.name
			o := p.fetch(f)
			j := judge(t, rec.get("/"+s.name), f.Creds)
			assertAgree(t, f, o, j)
			if s.code != "" && !hasCode(j.findings, s.code) {
				t.Errorf("checker did not report %s; findings %v", s.code, codes(j.findings))
			}
			if s.code == cors.CodeErrorHiddenAsCORS && o.OK {
				t.Errorf("the page read the %d although the checker says it is hidden", o.Status)
			}
			t.Logf("browser ok=%v %s; checker %s %v", o.OK, o.Error, j.verdict, codes(j.findings))
		})
	}
}
