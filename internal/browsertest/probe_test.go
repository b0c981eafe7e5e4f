package browsertest

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/probe"
	"github.com/corsgate/corsgate/internal/spec"
)

// startRecorded serves h on loopback, recording each exchange the way
// startProxy does, for servers that are not corsgate's proxy.
func startRecorded(t *testing.T, h http.Handler) *servedProxy {
	t.Helper()
	sp := &servedProxy{rec: newRecorder()}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sp.inflight.Add(1)
		defer sp.inflight.Add(-1)
		h.ServeHTTP(w, r)
		sp.rec.add(r.URL.Path, &cors.Exchange{Method: r.Method, RequestHeader: r.Header.Clone()})
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	sp.url = "http://" + ln.Addr().String()
	return sp
}

// reflectAny echoes every origin, null included, with credentials: the
// misconfiguration probe's hostile origins look for.
var reflectAny = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if o := r.Header.Get("Origin"); o != "" {
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Set("Vary", "Origin")
	}
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", r.Header.Get("Access-Control-Request-Method"))
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Write([]byte(`{"ok":true}`))
})

// TestProbeAgreesWithChromium probes servers (corsgate serve's proxy in
// several ESPv2 and ESP configurations, and a server that reflects any
// origin) with corsgate probe, then has Chromium make the same calls from
// the page's origin, and from a sandboxed iframe for the origin null: for
// every operation, the browser sends a preflight exactly when probe did,
// with the same Access-Control-Request-Headers, and the page may read the
// answer exactly when probe's verdicts say so.
func TestProbeAgreesWithChromium(t *testing.T) {
	p := newPage(t)
	doc, err := spec.Parse("browsertest.yaml", []byte(strings.Replace(proxySpec, "ALLOWCORS", "", 1)), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	docCORS, err := spec.Parse("browsertest.yaml", []byte(strings.Replace(proxySpec, "ALLOWCORS", allowCorsEntry, 1)), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type server struct {
		name   string
		start  func() *servedProxy
		doc    *spec.Document
		creds  string
		header string // a header the page sets on every call
	}
	proxied := func(cfg string) func() *servedProxy {
		return func() *servedProxy { return startProxy(t, proxyConfigs[cfg], p.origin) }
	}
	servers := []server{
		{name: "espv2 basic exact", start: proxied("basic-exact"), doc: doc, creds: "omit"},
		{name: "espv2 basic exact, credentials", start: proxied("basic-exact-creds"), doc: doc, creds: "include"},
		{name: "espv2 basic, other origin", start: proxied("basic-other"), doc: doc, creds: "omit"},
		{name: "espv2 GET and POST only", start: proxied("basic-get-post"), doc: doc, creds: "omit"},
		{name: "espv2 default headers, custom header", start: proxied("basic-exact"), doc: doc, creds: "omit", header: "X-Custom"},
		{name: "espv2 allowCors, backend without CORS", start: proxied("allowcors-plain"), doc: docCORS, creds: "omit"},
		{name: "espv2 allowCors, backend with CORS", start: proxied("allowcors-cors"), doc: docCORS, creds: "omit"},
		{name: "espv2 without CORS", start: proxied("none"), doc: doc, creds: "omit"},
		{name: "esp duplicate Allow-Origin", start: proxied("esp-basic-dup"), doc: doc, creds: "omit"},
		{name: "esp star, credentials", start: proxied("esp-star-creds"), doc: doc, creds: "include"},
		{name: "reflects any origin", start: func() *servedProxy { return startRecorded(t, reflectAny) }, doc: doc, creds: "include"},
	}
	compared, allowed := 0, 0
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			sp := s.start()
			u, _ := url.Parse(sp.url)
			cred, _ := cors.CredentialsFor(s.creds, nil)
			headers := http.Header{}
			if s.header != "" {
				headers.Set(s.header, "v")
			}
			rep, err := probe.Run(context.Background(), probe.Options{Target: u, Doc: s.doc, Origins: []string{p.origin},
				Hostile: probe.HostileAll, AllowUnsafe: true, Credentials: cred, Headers: headers, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			sp.idle(t)
			type call struct{ pre, act *probe.Result }
			calls := map[string]*call{}
			var order []string
			for _, res := range rep.Results {
				if res.OriginKind != probe.OriginGiven && res.OriginKind != probe.OriginNull {
					continue
				}
				k := res.ForMethod + " " + res.Path + " " + res.Origin
				if calls[k] == nil {
					calls[k] = &call{}
					order = append(order, k)
				}
				if res.Kind == probe.KindPreflight {
					calls[k].pre = res
				} else {
					calls[k].act = res
				}
			}
			for _, k := range order {
				c := calls[k]
				act := c.act
				if act == nil || act.Error != "" || c.pre != nil && c.pre.Error != "" {
					t.Fatalf("%s: probe did not complete the call: %+v %+v", k, c.pre, act)
				}
				// The page sets the headers probe's preflight announced (the
				// scenario's header, Authorization for a JWT operation), with
				// the values probe's actual request sent, else a placeholder.
				page := map[string]string{}
				if c.pre != nil {
					for _, name := range strings.Split(c.pre.RequestHeaders.Get("Access-Control-Request-Headers"), ",") {
						if name = strings.TrimSpace(name); name != "" {
							page[name] = act.RequestHeaders.Get(name)
							if page[name] == "" {
								page[name] = "Bearer " + probe.Placeholder
							}
						}
					}
				}
				null := act.Origin == "null"
				if null && len(page) > 0 {
					continue // the sandboxed iframe sends no custom headers
				}
				f := fetchSpec{URL: sp.url + act.Path, Method: act.ForMethod, Creds: s.creds, Sandboxed: null}
				if len(page) > 0 {
					f.Headers = page
				}
				before := len(sp.rec.get(act.Path))
				o := p.fetch(f)
				sp.idle(t)
				xs := sp.rec.get(act.Path)[before:]
				var browserPre *cors.Exchange
				for _, x := range xs {
					if cors.IsPreflight(x.Method, x.RequestHeader) {
						browserPre = x
					}
				}
				if (browserPre != nil) != (c.pre != nil) {
					t.Errorf("%s: the browser sent a preflight: %v; probe: %v", k, browserPre != nil, c.pre != nil)
				}
				if browserPre != nil && c.pre != nil {
					if got, want := browserPre.RequestHeader.Get(cors.HeaderACRH), c.pre.RequestHeaders.Get(cors.HeaderACRH); got != want {
						t.Errorf("%s: the browser's Access-Control-Request-Headers %q, probe's %q", k, got, want)
					}
				}
				want := act.Verdict == cors.VerdictAllowed && (c.pre == nil || c.pre.Verdict == cors.VerdictAllowed)
				if o.OK != want {
					t.Errorf("%s: browser ok=%v (%s); probe: preflight %v, actual %s %v", k, o.OK, o.Error, verdictOf(c.pre), act.Verdict, act.Findings)
				}
				compared++
				if o.OK {
					allowed++
				}
			}
		})
	}
	t.Logf("%d calls compared with Chromium, %d allowed, %d blocked", compared, allowed, compared-allowed)
	if compared < 40 || allowed < 10 || compared-allowed < 10 {
		t.Errorf("%d calls compared, %d allowed: too few of each to tell", compared, allowed)
	}
}

func verdictOf(r *probe.Result) string {
	if r == nil {
		return "none"
	}
	return string(r.Verdict)
}
