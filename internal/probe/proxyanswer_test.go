package probe

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/proxy"
	"github.com/corsgate/corsgate/internal/spec"
)

const answerSpec = `swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.test
paths:
  /v1/items/{id}:
    get:
      operationId: get
      responses: {200: {description: ok}}
`

func mustDoc(t testing.TB, src string) *spec.Document {
	t.Helper()
	d, err := spec.Parse("api.yaml", []byte(src), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// serveHandler is corsgate serve's proxy for a policy, in front of backend
// (nil: serve's mock).
func serveHandler(t *testing.T, p cors.Policy, doc *spec.Document, backend *url.URL) http.Handler {
	return newServeHandler(t, p, doc, backend, &proxy.Mock{})
}

// serveHandlerMock is serve's proxy in front of its mock backend, which
// answers CORS itself (echoing the origin) when mockCORS is set.
func serveHandlerMock(t *testing.T, p cors.Policy, doc *spec.Document, mockCORS bool) http.Handler {
	m := &proxy.Mock{}
	if mockCORS {
		m.CORS = proxy.MockCORSEcho
	}
	return newServeHandler(t, p, doc, nil, m)
}

func newServeHandler(t *testing.T, p cors.Policy, doc *spec.Document, backend *url.URL, mock http.Handler) http.Handler {
	t.Helper()
	table, err := proxy.BuildTable(doc, spec.Deployment{})
	if err != nil {
		t.Fatal(err)
	}
	p.AllowCors = table.AllowCors
	e, err := cors.NewEngine(&p)
	if err != nil {
		t.Fatal(err)
	}
	o := proxy.Options{Engine: e, Table: table, Backend: backend}
	if backend == nil {
		o.Mock = mock
	}
	h, err := proxy.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestRecognizesServeAnswers keeps the recogniser and serve's replies from
// drifting apart: every reply serve's proxy makes itself is recognised, with
// the right kind, and the backend's answers are not.
func TestRecognizesServeAnswers(t *testing.T) {
	doc := mustDoc(t, answerSpec)
	basic := cors.Policy{Proxy: cors.ESPv2, Preset: cors.PresetBasic, AllowOrigin: "https://app.example.com",
		AllowMethods: cors.DefaultAllowMethods, AllowHeaders: cors.DefaultAllowHeadersESP2}
	off := cors.Policy{Proxy: cors.ESPv2}
	espOff := cors.Policy{Proxy: cors.ESP}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed, _ := url.Parse("http://" + ln.Addr().String())
	ln.Close()
	for _, tc := range []struct {
		name    string
		policy  cors.Policy
		backend *url.URL
		method  string
		path    string
		header  http.Header
		want    AnswerKind // "" = not a proxy answer
	}{
		{"espv2 404", off, nil, "GET", "/nowhere", nil, AnswerNotDefined},
		{"espv2 405", off, nil, "PUT", "/v1/items/1", nil, AnswerMethodNotAllowed},
		{"espv2 cors fallback 400", basic, nil, "OPTIONS", "/v1/items/1", http.Header{"Origin": {"https://evil.test"}, "Access-Control-Request-Method": {"GET"}}, AnswerCORSFallback},
		{"espv2 upstream failure", off, closed, "GET", "/v1/items/1", nil, AnswerUpstream},
		{"esp 403", espOff, nil, "OPTIONS", "/v1/items/1", nil, AnswerESPNoCORS},
		{"esp 404", espOff, nil, "GET", "/nowhere", nil, AnswerESPNotFound},
		{"backend answer", off, nil, "GET", "/v1/items/1", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := serveHandler(t, tc.policy, doc, tc.backend)
			req := httptest.NewRequest(tc.method, tc.path, nil)
			for k, v := range tc.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			a, ok := RecognizeProxyAnswer(rec.Code, rec.Body.Bytes())
			switch {
			case tc.want == "" && ok:
				t.Errorf("%d %s recognised as %+v", rec.Code, rec.Body, a)
			case tc.want != "" && !ok:
				t.Errorf("%d %s not recognised", rec.Code, rec.Body)
			case ok && a.Kind != tc.want:
				t.Errorf("%d %s recognised as %s, want %s", rec.Code, rec.Body, a.Kind, tc.want)
			}
		})
	}
}

// TestRecognizeUpstreamTexts: the refusals of the checks serve does not
// emulate, as ESPv2's and ESP's own tests expect them.
func TestRecognizeUpstreamTexts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		proxy  cors.Proxy
		want   AnswerKind
	}{
		// esp-v2 tests/integration_test/service_control_failed_request_report_test
		{"espv2 no api key", 401, `{"code":401,"message":"UNAUTHENTICATED: Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."}`, cors.ESPv2, AnswerAPIKey},
		// esp-v2 tests/integration_test/service_control_check_fail_test
		{"espv2 bad api key", 400, `{"code":400,"message":"INVALID_ARGUMENT: API key not valid. Please pass a valid API key."}`, cors.ESPv2, AnswerAPIKey},
		{"espv2 api not enabled", 403, `{"code":403,"message":"PERMISSION_DENIED: API echo-api.endpoints.cloudesf-testing.cloud.goog is not enabled for the project."}`, cors.ESPv2, AnswerAPIKey},
		// esp-v2 tests/integration_test/grpc_integration_test, jwt tests
		{"espv2 jwt missing", 401, `{"code":401,"message":"Jwt is missing"}`, cors.ESPv2, AnswerJWT},
		{"espv2 jwt audience", 403, `{"code":403,"message":"Audiences in Jwt are not allowed"}`, cors.ESPv2, AnswerJWT},
		{"espv2 jwks", 401, `{"code":401,"message":"Jwks remote fetch is failed"}`, cors.ESPv2, AnswerJWT},
		// cloudendpoints/esp src/nginx/t (pretty-printed google.rpc.Status)
		{"esp no api key", 401, "{\n \"code\": 16,\n \"message\": \"Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.\",\n \"details\": [{\"@type\": \"type.googleapis.com/google.rpc.DebugInfo\", \"stackEntries\": [], \"detail\": \"service_control\"}]\n}", cors.ESP, AnswerAPIKey},
		{"esp jwt", 401, `{"code": 16, "message": "JWT validation failed: Missing or invalid credentials"}`, cors.ESP, AnswerJWT},
		{"esp bad key", 400, `{"code": 3, "message": "API key not valid. Please pass a valid API key."}`, cors.ESP, AnswerAPIKey},
		{"backend 404 json", 404, `{"code":404,"message":"not found"}`, "", ""},
		{"backend text", 401, `Jwt is missing`, "", ""},
		{"backend jwt-like with another code", 401, `{"code":16,"message":"Jwt is missing"}`, "", ""},
		{"empty", 400, ``, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, ok := RecognizeProxyAnswer(tc.status, []byte(tc.body))
			if tc.want == "" {
				if ok {
					t.Errorf("recognised as %+v", a)
				}
				return
			}
			if !ok || a.Kind != tc.want || a.Proxy != tc.proxy {
				t.Errorf("got %+v %v, want %s from %s", a, ok, tc.want, tc.proxy)
			}
		})
	}
}

func FuzzRecognizeProxyAnswer(f *testing.F) {
	f.Add(404, []byte(`{"code":404,"message":"The current request is not defined by this API."}`))
	f.Add(401, []byte(`{"code": 16, "message": "JWT validation failed: x"}`))
	f.Add(400, []byte(`{"code":null}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		a, ok := RecognizeProxyAnswer(status, body)
		if ok && (a.Kind == "" || a.Describe() == "") {
			t.Errorf("recognised without a kind: %+v", a)
		}
	})
}
