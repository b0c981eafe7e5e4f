package proxy

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
)

// TestServeLocal: the event loop keeps a request only when the handler
// answers it without the backend (serveLocal); when it declines, nothing must
// have been written, and the request must then reach the backend; when it
// answers, the backend must not be reached (a request would block the loop).
// Checked over a matrix of methods, paths, origins and preflight headers, for
// ESPv2 and ESP v1, with and without allowCors.
func TestServeLocal(t *testing.T) {
	b := newBackend(t, "")
	u, _ := url.Parse(b.srv.URL)
	origins := []string{"", appOrigin, "https://evil.example"}
	methods := []string{"GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH"}
	acrms := []string{"", "PUT", "GET"}
	checked := map[bool]int{}
	apis := []struct {
		spec  func(allowCors bool) string
		paths []string
	}{
		{func(allowCors bool) string { return testSpec(allowCors, "") },
			[]string{"/v1/shelves", "/v1/shelves/7", "/v1/shelves/7/books/a/b", "/v1/nowhere", "/other", "/v1/shelves/a%2Fb"}},
		// Operations that require credentials: a rejection is local, an
		// accepted key goes to the backend.
		{authSpecWith, []string{"/v1/keyed", "/v1/keyed?key=k", "/v1/jwt", "/v1/secured-options", "/v1/secured-options?key=k"}},
	}
	for _, api := range apis {
		paths := api.paths
		for _, proxy := range []cors.Proxy{cors.ESPv2, cors.ESP} {
			for _, allowCors := range []bool{false, true} {
				for _, regex := range []bool{false, true} {
					p := preset(proxy, func(p *cors.Policy) { p.AllowOrigin = appOrigin })
					if regex {
						p.Preset, p.AllowOrigin, p.AllowOriginRegex = cors.PresetRegex, "", `https://app\.example\.com`
					}
					e, err := cors.NewEngine(p)
					if err != nil {
						t.Fatal(err)
					}
					h, err := New(Options{Engine: e, Table: loadTable(t, api.spec(allowCors)), Backend: u})
					if err != nil {
						t.Fatal(err)
					}
					for _, m := range methods {
						for _, path := range paths {
							for _, o := range origins {
								for _, acrm := range acrms {
									r := httptest.NewRequest(m, path, nil)
									if o != "" {
										r.Header.Set("Origin", o)
									}
									if acrm != "" {
										r.Header.Set("Access-Control-Request-Method", acrm)
									}
									before := b.reached()
									w := httptest.NewRecorder()
									local := h.serveLocal(w, r)
									if !local {
										if w.Code != 200 || len(w.Header()) != 0 || w.Body.Len() != 0 || b.reached() != before {
											t.Fatalf("serveLocal declined %s %s but wrote or forwarded", m, path)
										}
										h.ServeHTTP(httptest.NewRecorder(), r)
									}
									reached := b.reached() > before
									if local == reached {
										t.Errorf("%v allowCors=%v regex=%v %s %s origin %q acrm %q: serveLocal %v, backend reached %v",
											proxy, allowCors, regex, m, path, o, acrm, local, reached)
									}
									checked[local]++
								}
							}
						}
					}
				}
			}
		}
	}
	if checked[true] == 0 || checked[false] == 0 {
		t.Errorf("the matrix has no case of one kind: %v", checked)
	}
}

// TestEventLoopMovesConnections drives connections through the loop and off
// it: pipelined preflights answered on the loop, then a GET that needs the
// backend in the same write (the preflights' answers come first, in order),
// then more requests on the moved connection; a head too large for the
// loop's buffer; a request with a body.
func TestEventLoopMovesConnections(t *testing.T) {
	b := newBackend(t, "")
	base := startProxy(t, loadTable(t, testSpec(false, "")), preset(cors.ESPv2, func(p *cors.Policy) { p.AllowOrigin = appOrigin }), b.srv.URL, nil)
	addr := strings.TrimPrefix(base, "http://")
	pre := "OPTIONS /v1/shelves HTTP/1.1\r\nHost: h\r\nOrigin: " + appOrigin + "\r\nAccess-Control-Request-Method: PUT\r\n\r\n"
	get := "GET /v1/shelves/3 HTTP/1.1\r\nHost: h\r\nOrigin: " + appOrigin + "\r\n\r\n"
	deny := "GET /nowhere HTTP/1.1\r\nHost: h\r\n\r\n"

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, pre+pre+deny+get+pre+get)
	br := bufio.NewReader(c)
	want := []struct{ status int }{{200}, {200}, {404}, {200}, {200}, {200}}
	for i, w := range want {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v", i+1, err)
		}
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != w.status {
			t.Errorf("response %d: status %d, want %d", i+1, resp.StatusCode, w.status)
		}
		if got := resp.Header.Get("Access-Control-Allow-Origin"); (i != 2) != (got == appOrigin) {
			t.Errorf("response %d: Allow-Origin %q", i+1, got)
		}
	}
	if n := b.reached(); n != 2 {
		t.Errorf("backend reached %d times, want 2", n)
	}

	// A head larger than the loop's buffer (but under Envoy's limit) and one
	// over the limit.
	for _, tc := range []struct {
		size   int
		status int
	}{{headBufSize + 100, 200}, {MaxRequestHeaderBytes + 100, 431}} {
		big := "OPTIONS /v1/shelves HTTP/1.1\r\nHost: h\r\nOrigin: " + appOrigin + "\r\nAccess-Control-Request-Method: PUT\r\nX-Pad: " + strings.Repeat("p", tc.size) + "\r\n\r\n"
		rs := rawExchange(t, addr, big+pre, 2, "OPTIONS", "OPTIONS")
		if rs[0].StatusCode != tc.status || rs[1].StatusCode != 200 {
			t.Errorf("%d-byte head: %d then %d, want %d then 200", tc.size, rs[0].StatusCode, rs[1].StatusCode, tc.status)
		}
	}
	// Malformed input and bare LF line ends leave the loop for net/http,
	// which answers 400 (malformed) or serves the request (LF-only).
	if rs := rawExchange(t, addr, "OPTIONS /v1/shelves HTTP/1.1\r\nHost: h\r\nBad Field: x\r\n\r\n", 1, "OPTIONS"); rs[0].StatusCode != 400 {
		t.Errorf("malformed request: %d, want 400", rs[0].StatusCode)
	}
	if rs := rawExchange(t, addr, "GET /nowhere HTTP/1.1\nHost: h\n\n", 1); rs[0].StatusCode != 404 {
		t.Errorf("LF-only request: %d, want 404", rs[0].StatusCode)
	}
	// A head cut short by the client closing: no answer, no hang, and the
	// server goes on.
	if c, err := net.Dial("tcp", addr); err == nil {
		io.WriteString(c, "OPTIONS /v1/shel")
		c.(*net.TCPConn).CloseWrite()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if n, _ := c.Read(make([]byte, 64)); n != 0 {
			t.Errorf("truncated head: got %d bytes of answer", n)
		}
		c.Close()
	}
	// A request with a body leaves the loop; the backend gets the body.
	rs := rawExchange(t, addr, "POST /v1/shelves HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"+pre, 2, "POST", "OPTIONS")
	if rs[0].StatusCode != 200 || rs[1].StatusCode != 200 {
		t.Errorf("POST with a body then a preflight: %d, %d", rs[0].StatusCode, rs[1].StatusCode)
	}
}

// TestEventLoopIdleAndShutdown: the loop closes a connection idle for longer
// than the idle timeout, closes its connections at shutdown, and leaves no
// goroutine behind.
func TestEventLoopIdleAndShutdown(t *testing.T) {
	before := runtime.NumGoroutine()
	b := newBackend(t, "")
	e, _ := cors.NewEngine(preset(cors.ESPv2, nil))
	u, _ := url.Parse(b.srv.URL)
	h, err := New(Options{Engine: e, Table: loadTable(t, testSpec(false, "")), Backend: u})
	if err != nil {
		t.Fatal(err)
	}
	s := newH1Server(h)
	s.eventLoop = true
	s.idleTimeout = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := newEventLoop(s, ln); !ok && runtime.GOOS == "linux" {
		t.Fatal("no event loop on Linux")
	} else if ok {
		l.closeFDs()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.serve(ctx, ln, 2*time.Second) }()

	idle, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	if _, err := idle.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("idle connection: %v, want EOF", err)
	} else if d := time.Since(start); d < 250*time.Millisecond || d > 3*time.Second {
		t.Errorf("idle connection closed after %v (timeout 300ms, swept every second)", d)
	}

	kept, _ := net.Dial("tcp", ln.Addr().String())
	defer kept.Close()
	io.WriteString(kept, "OPTIONS /v1/shelves HTTP/1.1\r\nHost: h\r\nOrigin: "+appOrigin+"\r\nAccess-Control-Request-Method: PUT\r\n\r\n")
	kept.SetReadDeadline(time.Now().Add(5 * time.Second))
	kr := bufio.NewReader(kept)
	if resp, err := http.ReadResponse(kr, nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("preflight: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	if _, err := kr.ReadByte(); err != io.EOF {
		t.Errorf("connection on the loop after shutdown: %v, want EOF", err)
	}
	b.srv.Close()
	checkGoroutinesBack(t, before)
}

// TestPreflightBytesSameBothWays: the preflight answer written straight from
// the decision (no observer) is byte for byte the one written through the
// header map (with an observer), Date aside.
func TestPreflightBytesSameBothWays(t *testing.T) {
	policies := map[string]*cors.Policy{
		"espv2 basic": preset(cors.ESPv2, func(p *cors.Policy) { p.AllowOrigin = appOrigin }),
		"espv2 regex credentials": preset(cors.ESPv2, func(p *cors.Policy) {
			p.Preset, p.AllowOrigin, p.AllowOriginRegex, p.AllowCredentials = cors.PresetRegex, "", `https://app\.example\.com`, true
		}),
		"esp basic": preset(cors.ESP, func(p *cors.Policy) { p.AllowOrigin = appOrigin }),
	}
	raw := "OPTIONS /v1/shelves HTTP/1.1\r\nHost: h\r\nOrigin: " + appOrigin +
		"\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n"
	b := newBackend(t, "")
	for name, p := range policies {
		t.Run(name, func(t *testing.T) {
			var got [2]string
			for i, observe := range []func(*Record){nil, func(*Record) {}} {
				addr := strings.TrimPrefix(startProxy(t, loadTable(t, testSpec(false, "")), p, b.srv.URL, observe), "http://")
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				c.SetDeadline(time.Now().Add(5 * time.Second))
				io.WriteString(c, raw)
				out, _ := io.ReadAll(c)
				c.Close()
				var lines []string
				for _, l := range strings.Split(string(out), "\r\n") {
					if !strings.HasPrefix(l, "Date: ") {
						lines = append(lines, l)
					}
				}
				got[i] = strings.Join(lines, "\n")
			}
			if got[0] != got[1] {
				t.Errorf("straight from the decision:\n%s\nthrough the header map:\n%s", got[0], got[1])
			}
			if !strings.Contains(got[0], "Access-Control-Allow-Origin: "+appOrigin) {
				t.Errorf("not an allowed preflight:\n%s", got[0])
			}
		})
	}
}

// answerBytes is what the server writes for head: through the raw preflight
// path (raw) or through parseRequestHead and the handler (the full path).
// ok is false when that path does not answer the request itself.
func answerBytes(h *Handler, head []byte, raw bool) (out string, ok bool) {
	var buf bytes.Buffer
	sc := &h1ServerConn{srv: newH1Server(h), bw: bufio.NewWriter(&buf)}
	w := &sc.resp
	if raw {
		var d cors.Decision
		if !h.preflightRaw(head, &d) {
			return "", false
		}
		w.reset(sc, optionsRequest, false)
		w.writeDecision(&d)
	} else {
		req := parseRequestHead(head, nil, nil)
		if req == nil || req.ContentLength != 0 {
			return "", false
		}
		req.Body = http.NoBody
		w.reset(sc, req, req.Close)
		if !h.serveLocal(w, req) {
			return "", false
		}
	}
	w.finish()
	sc.bw.Flush()
	var lines []string
	for _, l := range strings.Split(buf.String(), "\r\n") {
		if !strings.HasPrefix(l, "Date: ") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n"), true
}

// rawTestHeads are request heads around the allowed preflight: methods,
// escaped, unknown, trailing-slash and non-normalised paths, repeated and odd
// CORS fields, fields that send a request down the full path (a method
// override among them), cookies and Private Network Access.
func rawTestHeads() []string {
	var heads []string
	for _, m := range []string{"OPTIONS", "GET", "options"} {
		for _, path := range []string{"/v1/shelves", "/v1/shelves/7?x=1", "/v1/shelves/a%2Fb", "/nowhere", "/v1/shelves/(x)",
			"/v1/shelves/", "//v1//shelves", "/v1/x/../shelves/./7", "/../v1/shelves", "/v1/%73helves", "/v1\\shelves"} {
			for _, o := range []string{"", "Origin: " + appOrigin + "\r\n", "Origin: https://evil.example\r\n", "Origin: " + appOrigin + "\r\nOrigin: x\r\n", "origin:  " + appOrigin + " \r\n"} {
				for _, pre := range []string{"", "Access-Control-Request-Method: PUT\r\n", "Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type, x-a\r\n", "Access-Control-Request-Method:\r\n"} {
					for _, extra := range []string{"", "Pragma: no-cache\r\n", "Connection: close\r\n", "Connection: keep-alive\r\n", "Connection: Keep-Alive, Upgrade\r\n", "Content-Length: 0\r\n", "X-Pad: " + strings.Repeat("p", MaxRequestHeaderBytes) + "\r\n",
						"Cookie: a=b\r\n", "cookie:\r\n", "Access-Control-Request-Private-Network: true\r\n",
						"Access-Control-Request-Private-Network: true\r\nAccess-Control-Request-Private-Network: true\r\n",
						"X-HTTP-Method-Override: GET\r\n", "x-http-method-override: OPTIONS\r\n"} {
						heads = append(heads, m+" "+path+" HTTP/1.1\r\nHost: h\r\n"+o+pre+extra+"\r\n")
					}
				}
			}
		}
	}
	return heads
}

// rawHandlers are handlers over the policies and proxies the raw preflight
// path must agree on; opts, if set, adjusts each one's options.
func rawHandlers(t testing.TB, opts func(*Options)) []*Handler {
	return rawHandlersFor(t, func(allowCors bool) string { return testSpec(allowCors, "") }, opts)
}

// securedHandlers are rawHandlers over authSpec, whose operations require
// API keys and JWTs (checked at t0).
func securedHandlers(t testing.TB) []*Handler {
	return rawHandlersFor(t, authSpecWith, func(o *Options) { o.Auth.Now = func() time.Time { return t0 } })
}

func rawHandlersFor(t testing.TB, specFor func(allowCors bool) string, opts func(*Options)) []*Handler {
	b := newBackend(t, "")
	u, _ := url.Parse(b.srv.URL)
	var hs []*Handler
	for _, proxy := range []cors.Proxy{cors.ESPv2, cors.ESP} {
		for _, allowCors := range []bool{false, true} {
			for _, mut := range []func(*cors.Policy){
				func(p *cors.Policy) { p.AllowOrigin = appOrigin },
				func(p *cors.Policy) { p.AllowOrigin = "*" },
				func(p *cors.Policy) {
					p.Preset, p.AllowOrigin, p.AllowOriginRegex, p.AllowCredentials = cors.PresetRegex, "", `https://[a-z]+\.example\.com`, true
				},
			} {
				e, err := cors.NewEngine(preset(proxy, mut))
				if err != nil {
					t.Fatal(err)
				}
				o := Options{Engine: e, Table: loadTable(t, specFor(allowCors)), Backend: u}
				if opts != nil {
					opts(&o)
				}
				h, err := New(o)
				if err != nil {
					t.Fatal(err)
				}
				hs = append(hs, h)
			}
		}
	}
	return hs
}

// TestPreflightRawSameAnswer: whenever the event loop answers a preflight
// from its raw head, the full path answers it too, with the same bytes
// (Date aside); and the raw path does answer the plain allowed preflight.
func TestPreflightRawSameAnswer(t *testing.T) {
	hs := rawHandlers(t, nil)
	heads := rawTestHeads()
	answered := 0
	for _, h := range hs {
		for _, head := range heads {
			raw, ok := answerBytes(h, []byte(head), true)
			if !ok {
				continue
			}
			answered++
			full, fok := answerBytes(h, []byte(head), false)
			if !fok || raw != full {
				t.Fatalf("head %q:\nraw path:\n%s\nfull path (answers %v):\n%s", head, raw, fok, full)
			}
		}
	}
	plain := "OPTIONS /v1/shelves HTTP/1.1\r\nHost: h\r\nOrigin: " + appOrigin + "\r\nAccess-Control-Request-Method: PUT\r\n\r\n"
	if _, ok := answerBytes(hs[0], []byte(plain), true); !ok {
		t.Errorf("the raw path does not answer a plain allowed preflight")
	}
	browser := "OPTIONS /v1/shelves HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nOrigin: " + appOrigin +
		"\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type\r\nSec-Fetch-Mode: cors\r\n\r\n"
	if _, ok := answerBytes(hs[0], []byte(browser), true); !ok {
		t.Errorf("the raw path does not answer a browser's preflight (Connection: keep-alive)")
	}
	if answered < 100 {
		t.Errorf("the raw path answered only %d of the heads", answered)
	}
	// A path ESPv2 normalises is answered from the raw head too; a method
	// override and a path nginx refuses are not (the full path answers).
	pre := "Origin: " + appOrigin + "\r\nAccess-Control-Request-Method: PUT\r\n\r\n"
	espv2, esp := hs[0], hs[6]
	if esp.engine.Proxy() != cors.ESP || espv2.engine.Proxy() != cors.ESPv2 {
		t.Fatal("rawHandlers changed order")
	}
	for _, tc := range []struct {
		h    *Handler
		head string
		raw  bool
	}{
		{espv2, "OPTIONS //v1/./shelves/ HTTP/1.1\r\nHost: h\r\n" + pre, true},
		{espv2, "OPTIONS /v1/shelves HTTP/1.1\r\nHost: h\r\nX-HTTP-Method-Override: OPTIONS\r\n" + pre, false},
		{esp, "OPTIONS /v1/shelves/ HTTP/1.1\r\nHost: h\r\n" + pre, true},
		{esp, "OPTIONS /../v1/shelves HTTP/1.1\r\nHost: h\r\n" + pre, false},
	} {
		if _, ok := answerBytes(tc.h, []byte(tc.head), true); ok != tc.raw {
			t.Errorf("%q: answered from the raw head %v, want %v", tc.head, ok, tc.raw)
		}
		if _, ok := answerBytes(tc.h, []byte(tc.head), false); !ok {
			t.Errorf("%q: the full path does not answer it", tc.head)
		}
	}
}

func FuzzPreflightRaw(f *testing.F) {
	f.Add([]byte("OPTIONS /v1/shelves HTTP/1.1\r\nHost: h\r\nOrigin: " + appOrigin + "\r\nAccess-Control-Request-Method: PUT\r\n\r\n"))
	f.Add([]byte("OPTIONS /v1/shelves/1?q HTTP/1.1\r\nHost: h\r\nOrigin: https://a.example.com\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: a\r\n\r\n"))
	f.Add([]byte("OPTIONS /v1/shelves HTTP/1.1\r\nHost: h\r\ncookie: x\r\nOrigin: " + appOrigin + "\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Private-Network: true\r\n\r\n"))
	f.Add([]byte("OPTIONS //v1/x/../shelves/ HTTP/1.1\r\nHost: h\r\nOrigin: " + appOrigin + "\r\nAccess-Control-Request-Method: PUT\r\n\r\n"))
	f.Add([]byte("POST /v1/shelves HTTP/1.1\r\nHost: h\r\nX-HTTP-Method-Override: OPTIONS\r\nOrigin: " + appOrigin + "\r\nAccess-Control-Request-Method: PUT\r\n\r\n"))
	for _, head := range authTestHeads(f)[:40] {
		f.Add([]byte(head))
	}
	hs := append(rawHandlers(f, nil), securedHandlers(f)...)
	observed := newObservedHandlers(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		end := headEnd(data)
		if end <= 0 {
			return
		}
		head := data[:end]
		for _, h := range hs {
			raw, ok := answerBytes(h, head, true)
			if !ok {
				continue
			}
			if full, fok := answerBytes(h, head, false); !fok || raw != full {
				t.Fatalf("head %q:\nraw path:\n%s\nfull path (answers %v):\n%s", head, raw, fok, full)
			}
		}
		for _, h := range observed.hs {
			observed.check(t, h, head)
		}
	})
}

// TestPreflightRawObserved: with an observer, the raw path offers each
// allowed preflight to ObservePreflight, and what it offers is what the full
// path's Record says of the same request (so a line written from it is the
// line the full path would write); a declining observer sends the request
// down the full path, and ObservePreflight without Observe is ignored.
func TestPreflightRawObserved(t *testing.T) {
	o := newObservedHandlers(t)
	offered := 0
	for _, h := range o.hs {
		for _, head := range rawTestHeads() {
			if o.check(t, h, []byte(head)) {
				offered++
			}
		}
	}
	if offered < 100 {
		t.Errorf("only %d heads were offered to the observer", offered)
	}

	o.accept = false
	head := []byte("OPTIONS /v1/shelves HTTP/1.1\r\nHost: h\r\nCookie: a\r\nOrigin: " + appOrigin + "\r\nAccess-Control-Request-Method: PUT\r\n\r\n")
	o.pf = nil
	if _, ok := answerBytes(o.hs[0], head, true); ok || o.pf == nil {
		t.Errorf("a declining observer: answered %v, offered %v; want the full path after the offer", ok, o.pf != nil)
	}

	noObserve := rawHandlers(t, func(o *Options) {
		o.ObservePreflight = func(*PreflightRecord) bool { t.Error("ObservePreflight called without Observe"); return false }
	})
	if _, ok := answerBytes(noObserve[0], head, true); !ok {
		t.Errorf("ObservePreflight without Observe stopped the raw path")
	}
}

// observedHandlers are rawHandlers with both observers, recording what each
// was given.
type observedHandlers struct {
	hs     []*Handler
	full   *Record
	pf     *PreflightRecord
	accept bool
}

func newObservedHandlers(t testing.TB) *observedHandlers {
	o := &observedHandlers{accept: true}
	o.hs = rawHandlers(t, func(opts *Options) {
		opts.Observe = func(r *Record) { o.full = r }
		opts.ObservePreflight = func(p *PreflightRecord) bool { c := *p; o.pf = &c; return o.accept }
	})
	return o
}

// check answers head from the raw head and by the full path; when the raw
// path answers, the answers must be equal and the observer's record must say
// what the full Record says. It reports whether the raw path answered.
func (o *observedHandlers) check(t testing.TB, h *Handler, head []byte) bool {
	t.Helper()
	o.pf, o.full = nil, nil
	raw, ok := answerBytes(h, head, true)
	if !ok {
		if o.pf != nil {
			t.Fatalf("head %q: offered to the observer but not answered from the raw head", head)
		}
		return false
	}
	got := o.pf
	if got == nil {
		t.Fatalf("head %q: answered from the raw head without the observer", head)
	}
	fullAnswer, fok := answerBytes(h, head, false)
	if !fok || raw != fullAnswer {
		t.Fatalf("head %q:\nraw path:\n%s\nfull path (answers %v):\n%s", head, raw, fok, fullAnswer)
	}
	full := o.full
	if full == nil {
		t.Fatalf("head %q: the full path did not observe the request", head)
	}
	rh := full.RequestHeader
	one := func(name string) (string, bool) {
		vs := rh.Values(name)
		if len(vs) > 1 {
			t.Fatalf("head %q: %s repeated, yet offered from the raw head", head, name)
		}
		if len(vs) == 0 {
			return "", false
		}
		return vs[0], true
	}
	origin, _ := one("Origin")
	acrm, _ := one("Access-Control-Request-Method")
	acrh, hasACRH := one("Access-Control-Request-Headers")
	pna, hasPNA := one("Access-Control-Request-Private-Network")
	want := PreflightRecord{Method: full.Method, Path: full.Path, Origin: origin, ACRM: acrm, ACRH: acrh, HasACRH: hasACRH,
		PrivateNetwork: pna, HasPrivateNetwork: hasPNA, Cookie: len(rh.Values("Cookie")) > 0, Status: full.Status}
	if *got != want {
		t.Fatalf("head %q:\nraw record  %+v\nfull record %+v", head, *got, want)
	}
	if full.Route != RouteCORSPreflight {
		t.Fatalf("head %q: the full path answered on route %q", head, full.Route)
	}
	return true
}

// authTestHeads are request heads at authSpec's operations: with and
// without API keys and tokens (valid, malformed, expired), preflights from
// allowed and other origins, and paths ESPv2 normalises.
func authTestHeads(t testing.TB) []string {
	good := tokenFor(t, nil)
	expired := tokenFor(t, func(c map[string]any) { c["exp"] = t0.Unix() - 3600 })
	var heads []string
	for _, m := range []string{"GET", "OPTIONS"} {
		for _, path := range []string{"/v1/keyed", "/v1/keyed?key=k", "/v1/keyed?key=", "/v1/jwt?x=1", "/v1/both?key=k",
			"/v1/secured-options", "/v1/secured-options?key=k", "//v1/./jwt/", "/v1/open"} {
			for _, o := range []string{"", "Origin: " + appOrigin + "\r\n", "Origin: https://evil.example\r\n"} {
				for _, pre := range []string{"", "Access-Control-Request-Method: GET\r\n"} {
					for _, cred := range []string{"", "Authorization: Bearer " + good + "\r\n", "Authorization: Bearer x.y.z\r\n",
						"Authorization: Bearer " + expired + "\r\n", "X-Api-Key: k\r\n"} {
						heads = append(heads, m+" "+path+" HTTP/1.1\r\nHost: h\r\n"+o+pre+cred+"\r\n")
					}
				}
			}
		}
	}
	return heads
}

// TestAuthRawSameAnswer: at operations that require credentials the raw
// head path answers only what the CORS filter (or nginx) answers before any
// check, with the full path's bytes; every credential rejection comes from
// the full path.
func TestAuthRawSameAnswer(t *testing.T) {
	hs := securedHandlers(t)
	rejected, raws := 0, 0
	for _, h := range hs {
		for _, head := range authTestHeads(t) {
			full, fok := answerBytes(h, []byte(head), false)
			raw, ok := answerBytes(h, []byte(head), true)
			if fok && (strings.Contains(full, "Jwt") || strings.Contains(full, "JWT") || strings.Contains(full, "API key")) {
				rejected++
				if ok {
					t.Fatalf("head %q: a credential rejection answered from the raw head:\n%s", head, raw)
				}
			}
			if ok {
				raws++
				if !fok || raw != full {
					t.Fatalf("head %q:\nraw path:\n%s\nfull path (answers %v):\n%s", head, raw, fok, full)
				}
			}
		}
	}
	if rejected < 100 || raws < 50 {
		t.Errorf("the matrix is thin: %d rejections, %d raw answers", rejected, raws)
	}
}

// TestAuthAnswersSameEveryWay: a credential rejection is the same bytes
// (Date aside) from the event loop and from the goroutine server, and the
// same status, fields and body from net/http's server (which orders the
// fields its own way).
func TestAuthAnswersSameEveryWay(t *testing.T) {
	h := securedHandlers(t)[0] // ESPv2, no allowCors, basic preset for appOrigin
	servers := map[string]func(context.Context, net.Listener, http.Handler, time.Duration) error{
		"event loop": Serve, "goroutines": ServeGoroutines, "net/http": ServeStd,
	}
	addrs := map[string]string{}
	for name, serve := range servers {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- serve(ctx, ln, h, time.Second) }()
		t.Cleanup(func() { cancel(); <-done })
		addrs[name] = ln.Addr().String()
	}
	compared := 0
	for _, head := range authTestHeads(t) {
		if !strings.Contains(head, "keyed") && !strings.Contains(head, "jwt") {
			continue
		}
		head = strings.Replace(head, "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1)
		first := roundTrip(t, addrs["event loop"], head)
		for _, name := range []string{"goroutines", "net/http"} {
			got := roundTrip(t, addrs[name], head)
			a, b := first, got
			if name == "net/http" {
				a, b = sortedHead(a), sortedHead(b)
			}
			if a != b {
				t.Fatalf("head %q:\nevent loop:\n%s\n%s:\n%s", head, first, name, got)
			}
		}
		if strings.Contains(first, " 401 ") || strings.Contains(first, " 403 ") {
			compared++
		}
	}
	if compared < 20 {
		t.Errorf("only %d rejections compared", compared)
	}
}

// roundTrip sends head on a new connection and returns the whole answer,
// the Date line removed.
func roundTrip(t *testing.T, addr, head string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, head)
	out, _ := io.ReadAll(c)
	var lines []string
	for _, l := range strings.Split(string(out), "\r\n") {
		if !strings.HasPrefix(l, "Date: ") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// sortedHead is an answer with its header fields sorted.
func sortedHead(s string) string {
	head, body, _ := strings.Cut(s, "\n\n")
	lines := strings.Split(head, "\n")
	sort.Strings(lines[1:])
	return strings.Join(lines, "\n") + "\n\n" + body
}
