package browsertest

import (
	"context"
	"errors"
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
	"github.com/corsgate/corsgate/internal/proxy"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
)

// The spec behind the proxy. ALLOWCORS is replaced by an x-google-endpoints
// entry (name == host, so it takes effect) or by nothing.
const proxySpec = `swagger: "2.0"
info:
  title: browser test API
  version: "1.0"
host: bt.endpoints.test-project.cloud.goog
ALLOWCORS
basePath: /
securityDefinitions:
  api_key: {type: apiKey, name: key, in: query}
  firebase:
    type: oauth2
    authorizationUrl: ""
    flow: implicit
    x-google-issuer: https://securetoken.google.com/bt
    x-google-audiences: bt
paths:
  /v1/keyed/{id}:
    get:
      security: [{api_key: []}]
      responses: {200: {description: ok}}
    put:
      security: [{api_key: []}]
      responses: {200: {description: ok}}
  /v1/jwt/{id}:
    get:
      security: [{firebase: []}]
      responses: {200: {description: ok}}
  /v1/secured-options/{id}:
    put:
      security: [{api_key: []}]
      responses: {200: {description: ok}}
    options:
      security: [{api_key: []}]
      responses: {200: {description: ok}}
  /v1/items/{id}:
    get:
      operationId: getItem
      parameters: [{name: id, in: path, required: true, type: string}]
      responses: {200: {description: ok}}
    put:
      operationId: putItem
      parameters: [{name: id, in: path, required: true, type: string}]
      responses: {200: {description: ok}}
    post:
      operationId: postItem
      parameters: [{name: id, in: path, required: true, type: string}]
      responses: {200: {description: ok}}
`

const allowCorsEntry = `x-google-endpoints:
- name: bt.endpoints.test-project.cloud.goog
  allowCors: true`

// proxyConfig is one corsgate serve set-up: the proxy flavour, ESPv2-named
// flags ("$ORIGIN" is the page's origin), allowCors in the spec, and the backend.
type proxyConfig struct {
	proxy       cors.Proxy
	flags       []string
	allowCors   bool
	corsBackend bool // the backend answers CORS itself (echoes the origin)
}

var proxyConfigs = map[string]proxyConfig{
	"basic-exact":        {proxy: cors.ESPv2, flags: []string{"--cors_preset=basic", "--cors_allow_origin=$ORIGIN"}},
	"basic-other":        {proxy: cors.ESPv2, flags: []string{"--cors_preset=basic", "--cors_allow_origin=https://app.example.com"}},
	"basic-star":         {proxy: cors.ESPv2, flags: []string{"--cors_preset=basic"}},
	"basic-star-creds":   {proxy: cors.ESPv2, flags: []string{"--cors_preset=basic", "--cors_allow_credentials"}},
	"basic-exact-creds":  {proxy: cors.ESPv2, flags: []string{"--cors_preset=basic", "--cors_allow_origin=$ORIGIN", "--cors_allow_credentials"}},
	"basic-get-post":     {proxy: cors.ESPv2, flags: []string{"--cors_preset=basic", "--cors_allow_origin=$ORIGIN", "--cors_allow_methods=GET, POST"}},
	"regex-loopback":     {proxy: cors.ESPv2, flags: []string{"--cors_preset=cors_with_regex", `--cors_allow_origin_regex=http://127\.0\.0\.1:[0-9]+`}},
	"regex-localhost":    {proxy: cors.ESPv2, flags: []string{"--cors_preset=cors_with_regex", `--cors_allow_origin_regex=http://localhost:[0-9]+`}},
	"regex-partial":      {proxy: cors.ESPv2, flags: []string{"--cors_preset=cors_with_regex", `--cors_allow_origin_regex=127\.0\.0\.1`}},
	"allowcors-cors":     {proxy: cors.ESPv2, allowCors: true, corsBackend: true},
	"allowcors-plain":    {proxy: cors.ESPv2, allowCors: true},
	"both-other-cors":    {proxy: cors.ESPv2, flags: []string{"--cors_preset=basic", "--cors_allow_origin=https://app.example.com"}, allowCors: true, corsBackend: true},
	"none":               {proxy: cors.ESPv2},
	"esp-basic-dup":      {proxy: cors.ESP, flags: []string{"--cors_preset=basic", "--cors_allow_origin=$ORIGIN"}, corsBackend: true},
	"esp-basic-exact":    {proxy: cors.ESP, flags: []string{"--cors_preset=basic", "--cors_allow_origin=$ORIGIN"}},
	"esp-star-creds":     {proxy: cors.ESP, flags: []string{"--cors_preset=basic", "--cors_allow_credentials"}},
	"esp-regex-partial":  {proxy: cors.ESP, flags: []string{"--cors_preset=cors_with_regex", `--cors_allow_origin_regex=127\.0\.0\.1`}},
	"esp-none":           {proxy: cors.ESP},
	"esp-allowcors-cors": {proxy: cors.ESP, allowCors: true, corsBackend: true},
}

type proxyScenario struct {
	name  string
	cfg   string
	path  string // default /v1/items/<name>
	fetch fetchSpec
	want  cors.Verdict
	code  string // a finding the checker must report (optional)
}

func proxyScenarios() []proxyScenario {
	omit, incl := "omit", "include"
	json := map[string]string{"Content-Type": "application/json"}
	return []proxyScenario{
		{name: "exact-origin-get", cfg: "basic-exact", fetch: fetchSpec{Creds: omit}, want: cors.VerdictAllowed, code: cors.CodeMissingVaryOrigin},
		{name: "exact-origin-put-json", cfg: "basic-exact", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, want: cors.VerdictAllowed, code: cors.CodeMaxAgeAboveBrowserCap},
		{name: "other-origin-get", cfg: "basic-other", fetch: fetchSpec{Creds: omit}, want: cors.VerdictBlocked, code: cors.CodeACAOMissing},
		{name: "other-origin-put-preflight-400", cfg: "basic-other", fetch: fetchSpec{Creds: omit, Method: "PUT"}, want: cors.VerdictBlocked, code: cors.CodePreflightStatusNotOK},
		{name: "star-get", cfg: "basic-star", fetch: fetchSpec{Creds: omit}, want: cors.VerdictAllowed},
		{name: "star-custom-header-outside-list", cfg: "basic-star", fetch: fetchSpec{Creds: omit, Method: "POST", Headers: map[string]string{"X-Custom": "v"}}, want: cors.VerdictBlocked, code: cors.CodePreflightHeaderNotAllowed},
		{name: "star-authorization-in-default-list", cfg: "basic-star", fetch: fetchSpec{Creds: omit, Headers: map[string]string{"Authorization": "Bearer t"}}, want: cors.VerdictAllowed},
		{name: "regex-allowed-put", cfg: "regex-loopback", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, want: cors.VerdictAllowed},
		{name: "regex-denied-get", cfg: "regex-localhost", fetch: fetchSpec{Creds: omit}, want: cors.VerdictBlocked, code: cors.CodeACAOMissing},
		{name: "regex-is-whole-string", cfg: "regex-partial", fetch: fetchSpec{Creds: omit, Method: "PUT"}, want: cors.VerdictBlocked, code: cors.CodePreflightStatusNotOK},
		{name: "include-without-allow-credentials", cfg: "basic-exact", fetch: fetchSpec{Creds: incl}, want: cors.VerdictBlocked, code: cors.CodeACACNotTrue},
		{name: "include-exact-with-credentials-put", cfg: "basic-exact-creds", fetch: fetchSpec{Creds: incl, Method: "PUT", Headers: json, Body: "{}"}, want: cors.VerdictAllowed},
		{name: "include-star-with-credentials", cfg: "basic-star-creds", fetch: fetchSpec{Creds: incl}, want: cors.VerdictAllowed, code: cors.CodeAnyOriginWithCredentials},
		{name: "method-outside-list", cfg: "basic-get-post", fetch: fetchSpec{Creds: omit, Method: "PUT"}, want: cors.VerdictBlocked, code: cors.CodePreflightMethodNotAllowed},
		{name: "method-lower-case-patch", cfg: "basic-exact", fetch: fetchSpec{Creds: omit, Method: "patch"}, want: cors.VerdictBlocked, code: cors.CodePreflightMethodNotAllowed},
		{name: "allowcors-backend-with-cors-put", cfg: "allowcors-cors", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, want: cors.VerdictAllowed},
		{name: "allowcors-backend-without-cors-put", cfg: "allowcors-plain", fetch: fetchSpec{Creds: omit, Method: "PUT"}, want: cors.VerdictBlocked, code: cors.CodeACAOMissing},
		{name: "allowcors-backend-without-cors-get", cfg: "allowcors-plain", fetch: fetchSpec{Creds: omit}, want: cors.VerdictBlocked, code: cors.CodeACAOMissing},
		{name: "preset-and-allowcors-denied-origin-reaches-backend", cfg: "both-other-cors", fetch: fetchSpec{Creds: omit, Method: "PUT"}, want: cors.VerdictAllowed, code: cors.CodeBackendCORSOutsideProxyPolicy},
		{name: "no-cors-config-preflight-405", cfg: "none", fetch: fetchSpec{Creds: omit, Method: "PUT"}, want: cors.VerdictBlocked, code: cors.CodePreflightStatusNotOK},
		{name: "proxy-404-without-cors-headers", cfg: "basic-exact", path: "/not/in/spec", fetch: fetchSpec{Creds: omit}, want: cors.VerdictBlocked, code: cors.CodeACAOMissing},
		{name: "proxy-405-after-good-preflight", cfg: "basic-exact", fetch: fetchSpec{Creds: omit, Method: "DELETE"}, want: cors.VerdictBlocked, code: cors.CodeACAOMissing},
		{name: "esp-duplicate-allow-origin", cfg: "esp-basic-dup", fetch: fetchSpec{Creds: omit}, want: cors.VerdictBlocked, code: cors.CodeACAOMultiple},
		{name: "esp-basic-put-204", cfg: "esp-basic-exact", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, want: cors.VerdictAllowed},
		{name: "esp-star-credentials-include", cfg: "esp-star-creds", fetch: fetchSpec{Creds: incl}, want: cors.VerdictBlocked, code: cors.CodeACAOWildcardWithCredentials},
		{name: "esp-star-credentials-omit", cfg: "esp-star-creds", fetch: fetchSpec{Creds: omit}, want: cors.VerdictAllowed, code: cors.CodeACAOWildcardWithCredentials},
		{name: "esp-regex-matches-anywhere", cfg: "esp-regex-partial", fetch: fetchSpec{Creds: omit, Method: "PUT"}, want: cors.VerdictAllowed},
		{name: "esp-no-cors-403", cfg: "esp-none", fetch: fetchSpec{Creds: omit, Method: "PUT"}, want: cors.VerdictBlocked, code: cors.CodePreflightStatusNotOK},
		{name: "esp-allowcors-backend-with-cors", cfg: "esp-allowcors-cors", fetch: fetchSpec{Creds: omit, Method: "PUT"}, want: cors.VerdictAllowed},
		// Routing details: ESPv2 accepts one trailing slash and normalises
		// the path; its 405 is a real error hidden behind a CORS error.
		{name: "trailing-slash-put", cfg: "basic-exact", path: "/v1/items/trailing-slash-put/", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, want: cors.VerdictAllowed},
		{name: "double-slash-get", cfg: "basic-exact", path: "//v1//items/double-slash-get", fetch: fetchSpec{Creds: omit}, want: cors.VerdictAllowed},
		{name: "proxy-405-hidden-as-cors", cfg: "basic-exact", path: "/v1/items/proxy-405-hidden-as-cors/", fetch: fetchSpec{Creds: omit, Method: "DELETE"}, want: cors.VerdictBlocked, code: cors.CodeErrorHiddenAsCORS},
		{name: "esp-trailing-slash-put", cfg: "esp-basic-exact", path: "/v1/items/esp-trailing-slash-put/", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, want: cors.VerdictAllowed},
		// Credentials. ESPv2's CORS filter runs before jwt_authn and service
		// control, so with --cors_preset its 401 carries CORS headers and the
		// page reads it; with allowCors only nothing adds them.
		{name: "key-401-with-cors-headers", cfg: "basic-exact", path: "/v1/keyed/a", fetch: fetchSpec{Creds: omit}, want: cors.VerdictAllowed},
		{name: "key-401-without-cors-headers", cfg: "allowcors-cors", path: "/v1/keyed/b", fetch: fetchSpec{Creds: omit}, want: cors.VerdictBlocked, code: cors.CodeErrorHiddenAsCORS},
		{name: "key-sent-on-the-actual-request", cfg: "allowcors-cors", path: "/v1/keyed/c?key=k", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, want: cors.VerdictAllowed},
		{name: "jwt-401-after-the-filters-preflight", cfg: "basic-exact", path: "/v1/jwt/d", fetch: fetchSpec{Creds: omit, Headers: map[string]string{"Authorization": "Bearer not.a.token"}}, want: cors.VerdictAllowed},
		{name: "jwt-401-bare-with-allowcors", cfg: "allowcors-cors", path: "/v1/jwt/e", fetch: fetchSpec{Creds: omit, Headers: map[string]string{"Authorization": "Bearer not.a.token"}}, want: cors.VerdictBlocked, code: cors.CodeErrorHiddenAsCORS},
		{name: "secured-options-operation-rejects-the-preflight", cfg: "allowcors-cors", path: "/v1/secured-options/f", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, want: cors.VerdictBlocked, code: cors.CodePreflightStatusNotOK},
		{name: "secured-options-other-origin-under-preset", cfg: "basic-other", path: "/v1/secured-options/g", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, want: cors.VerdictBlocked, code: cors.CodeErrorHiddenAsCORS},
		{name: "esp-key-401-with-cors-headers", cfg: "esp-basic-exact", path: "/v1/keyed/h", fetch: fetchSpec{Creds: omit}, want: cors.VerdictAllowed},
		{name: "esp-secured-options-rejects-the-preflight", cfg: "esp-allowcors-cors", path: "/v1/secured-options/i", fetch: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, want: cors.VerdictBlocked, code: cors.CodeErrorHiddenAsCORS},
	}
}

// backend answers like a typical API; with cors it also answers CORS itself,
// echoing the origin (and the preflight's method and headers).
func backend(corsOn bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		if o := r.Header.Get("Origin"); corsOn && o != "" {
			h.Set("Access-Control-Allow-Origin", o)
			h.Set("Vary", "Origin")
			if r.Method == http.MethodOptions {
				h.Set("Access-Control-Allow-Methods", r.Header.Get("Access-Control-Request-Method"))
				if v := r.Header.Get("Access-Control-Request-Headers"); v != "" {
					h.Set("Access-Control-Allow-Headers", v)
				}
			}
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	})
}

// servedProxy is one running corsgate serve proxy and what it recorded.
type servedProxy struct {
	url      string
	policy   cors.Policy
	rec      *recorder
	inflight atomic.Int64
}

// idle waits until no request is being served, so every exchange of a
// finished fetch has been recorded (the proxy calls Observe before its
// ServeHTTP returns).
func (sp *servedProxy) idle(t *testing.T) {
	deadline := time.Now().Add(5 * time.Second)
	for sp.inflight.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the proxy is still busy 5 s after the fetch finished")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// startProxy runs internal/proxy as corsgate serve builds it: the spec's
// route table, the flags parsed and validated by the cors flag codec, the
// engine, and a real network backend.
func startProxy(t *testing.T, cfg proxyConfig, pageOrigin string) *servedProxy {
	t.Helper()
	src := strings.Replace(proxySpec, "ALLOWCORS", "", 1)
	if cfg.allowCors {
		src = strings.Replace(proxySpec, "ALLOWCORS", allowCorsEntry, 1)
	}
	doc, err := spec.Parse("browsertest.yaml", []byte(src), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	table, err := proxy.BuildTable(doc, spec.Deployment{})
	if err != nil {
		t.Fatal(err)
	}
	if table.AllowCors != cfg.allowCors || len(table.Providers) != 1 || !table.APIKeys {
		t.Fatalf("spec allowCors = %v, want %v", table.AllowCors, cfg.allowCors)
	}
	list := cors.ArgList{Name: "test flags"}
	for _, f := range cfg.flags {
		list.Args = append(list.Args, cors.Arg{Text: strings.ReplaceAll(f, "$ORIGIN", pageOrigin)})
	}
	flags := cors.ParseFlags(cfg.proxy, list)
	if fs := rules.FlagDiagnostics(cors.Validate(flags)); lint.MaxSeverity(fs) >= lint.Error {
		t.Fatalf("flags %v: %v", cfg.flags, fs)
	}
	sp := &servedProxy{policy: flags.Policy(), rec: newRecorder()}
	sp.policy.AllowCors = table.AllowCors
	engine, err := cors.NewEngine(&sp.policy)
	if err != nil {
		t.Fatal(err)
	}
	be := httptest.NewServer(backend(cfg.corsBackend))
	t.Cleanup(be.Close)
	beURL, _ := url.Parse(be.URL)
	h, err := proxy.New(proxy.Options{Engine: engine, Table: table, Backend: beURL, Observe: func(r *proxy.Record) {
		x := &cors.Exchange{Method: r.Method, RequestHeader: r.RequestHeader.Clone(), Status: r.Status,
			ResponseHeader: r.ResponseHeader.Clone(), Policy: &sp.policy, ProxyMade: r.ProxyMade,
			Body: append([]byte(nil), r.Body...)}
		if r.BackendHeader != nil {
			x.BackendHeader = r.BackendHeader.Clone()
		}
		sp.rec.add(r.Path, x)
	}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- proxy.Serve(ctx, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sp.inflight.Add(1)
			defer sp.inflight.Add(-1)
			h.ServeHTTP(w, r)
		}), time.Second)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("proxy.Serve: %v", err)
		}
	})
	sp.url = "http://" + ln.Addr().String()
	return sp
}

// TestProxyAgreesWithChromium sends the browser through corsgate serve's
// proxy (ESPv2 and ESP v1 semantics) and asserts, for every scenario, that
// Chromium's outcome equals cors.Check's verdict on the exchanges the proxy
// recorded, and that the outcome is the one the scenario is about.
func TestProxyAgreesWithChromium(t *testing.T) {
	p := newPage(t)
	var mu sync.Mutex
	proxies := map[string]*servedProxy{}
	get := func(name string) *servedProxy {
		mu.Lock()
		defer mu.Unlock()
		if sp := proxies[name]; sp != nil {
			return sp
		}
		cfg, ok := proxyConfigs[name]
		if !ok {
			t.Fatalf("no proxy config %q", name)
		}
		sp := startProxy(t, cfg, p.origin)
		proxies[name] = sp
		return sp
	}
	for _, s := range proxyScenarios() {
		t.Run(s.name, func(t *testing.T) {
			sp := get(s.cfg)
			path := s.path
			if path == "" {
				path = "/v1/items/" + s.name
			}
			f := s.fetch
			f.URL = sp.url + path
			o := p.fetch(f)
			sp.idle(t)
			recorded, _, _ := strings.Cut(path, "?") // the proxy records paths without the query
			j := judge(t, sp.rec.get(recorded), f.Creds)
			assertAgree(t, f, o, j)
			if j.verdict != s.want {
				t.Errorf("scenario expects %s, checker and browser say %s (browser ok=%v); findings %v", s.want, j.verdict, o.OK, codes(j.findings))
			}
			if s.code != "" && !hasCode(j.findings, s.code) {
				t.Errorf("checker did not report %s; findings %v", s.code, codes(j.findings))
			}
			t.Logf("browser ok=%v status=%d; checker %s %v", o.OK, o.Status, j.verdict, codes(j.findings))
		})
	}
}
