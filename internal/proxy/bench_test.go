package proxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
)

// discardWriter is a minimal ResponseWriter, so the handler benchmarks count
// the proxy's own allocations and not httptest.ResponseRecorder's.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(c int)           { w.code = c }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }

func benchHandler(b *testing.B, observe func(*Record)) (*Handler, *httptest.Server) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	b.Cleanup(backend.Close)
	e, err := cors.NewEngine(preset(cors.ESPv2, func(p *cors.Policy) { p.AllowOrigin = appOrigin }))
	if err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse(backend.URL)
	h, err := New(Options{Engine: e, Table: loadTable(b, testSpec(false, "")), Backend: u, Observe: observe})
	if err != nil {
		b.Fatal(err)
	}
	return h, backend
}

// BenchmarkHandler measures the proxy's handler alone (no client, no
// listener in front): an ESPv2 preflight it answers itself, and a GET it
// proxies to a loopback backend.
func BenchmarkHandler(b *testing.B) {
	h, _ := benchHandler(b, nil)
	pre := httptest.NewRequest("OPTIONS", "/v1/shelves/12", nil)
	pre.Header.Set("Origin", appOrigin)
	pre.Header.Set("Access-Control-Request-Method", "PUT")
	pre.Header.Set("Access-Control-Request-Headers", "content-type")
	b.Run("preflight", func(b *testing.B) {
		b.ReportAllocs()
		w := &discardWriter{h: http.Header{}}
		for b.Loop() {
			clear(w.h)
			h.ServeHTTP(w, pre)
		}
		if w.code != 200 {
			b.Fatalf("status %d", w.code)
		}
	})
	get := httptest.NewRequest("GET", "/v1/shelves/12", nil)
	get.Header.Set("Origin", appOrigin)
	b.Run("proxied-get", func(b *testing.B) {
		b.ReportAllocs()
		w := &discardWriter{h: http.Header{}}
		for b.Loop() {
			clear(w.h)
			h.ServeHTTP(w, get)
		}
		if w.code != 200 || w.h.Get("Access-Control-Allow-Origin") != appOrigin {
			b.Fatalf("status %d, headers %v", w.code, w.h)
		}
	})
}

// BenchmarkEndToEnd measures full requests over loopback: client -> proxy
// listener -> (backend), with keep-alive connections, in parallel.
func BenchmarkEndToEnd(b *testing.B) {
	h, backend := benchHandler(b, nil)
	front := httptest.NewServer(h)
	b.Cleanup(front.Close)
	_ = backend
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(client.CloseIdleConnections)
	run := func(b *testing.B, method string, hdr http.Header, want int) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req, _ := http.NewRequest(method, front.URL+"/v1/shelves/12", nil)
				req.Header = hdr
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					b.Errorf("status %d, want %d", resp.StatusCode, want)
					return
				}
			}
		})
	}
	b.Run("preflight", func(b *testing.B) {
		run(b, "OPTIONS", http.Header{"Origin": {appOrigin}, "Access-Control-Request-Method": {"PUT"}}, 200)
	})
	b.Run("proxied-get", func(b *testing.B) {
		run(b, "GET", http.Header{"Origin": {appOrigin}}, 200)
	})
}

// BenchmarkAuth measures requests to operations that require credentials:
// an API key that is accepted (the request is proxied) or missing (the
// proxy's 401), and a JWT that is accepted (parsed and checked, then
// proxied) or missing.
func BenchmarkAuth(b *testing.B) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	b.Cleanup(backend.Close)
	e, err := cors.NewEngine(preset(cors.ESPv2, func(p *cors.Policy) { p.AllowOrigin = appOrigin }))
	if err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse(backend.URL)
	h, err := New(Options{Engine: e, Table: loadTable(b, authSpecWith(false)), Backend: u, Auth: AuthOptions{Now: func() time.Time { return t0 }}})
	if err != nil {
		b.Fatal(err)
	}
	req := func(target, authz string) *http.Request {
		r := httptest.NewRequest("GET", target, nil)
		r.Header.Set("Origin", appOrigin)
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		return r
	}
	for _, tc := range []struct {
		name string
		r    *http.Request
		want int
	}{
		{"key-accepted", req("/v1/keyed?key=k", ""), 200},
		{"key-missing-401", req("/v1/keyed", ""), 401},
		{"jwt-accepted", req("/v1/jwt", "Bearer "+tokenFor(b, nil)), 200},
		{"jwt-missing-401", req("/v1/jwt", ""), 401},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			w := &discardWriter{h: http.Header{}}
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, tc.r)
			}
			if w.code != tc.want {
				b.Fatalf("status %d, want %d", w.code, tc.want)
			}
		})
	}
}
