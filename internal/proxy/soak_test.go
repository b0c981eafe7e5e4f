package proxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
)

// flakyBackend is sometimes slow, sometimes resets the connection, sometimes
// answers 500.
func flakyBackend(t testing.TB) *httptest.Server {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		switch {
		case i%97 == 0: // reset: close the connection without an answer
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
					return
				}
			}
		case i%53 == 0: // slow
			time.Sleep(5 * time.Millisecond)
		case i%17 == 0: // failing
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "backend failed")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func soakCount() int {
	if v, err := strconv.Atoi(os.Getenv("CORSGATE_SOAK_N")); err == nil && v > 0 {
		return v
	}
	if testing.Short() || raceEnabled {
		return 3000
	}
	return 10000
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestSoak sends mixed preflights, actual requests (with and without the
// API key an operation requires) and unknown paths from
// several workers through the proxy to a flaky backend, and checks that every
// answer is one the proxy may give, that goroutines do not grow and that the
// heap stays flat. CORSGATE_SOAK_N sets the request count (default 10000,
// 3000 with -short or the race detector).
func TestSoak(t *testing.T) {
	t.Run("espv2", func(t *testing.T) { soak(t, cors.ESPv2, soakCount()) })
	// ESP v1 adds headers alongside the backend's, on every response.
	t.Run("esp", func(t *testing.T) { soak(t, cors.ESP, soakCount()/3) })
}

func soak(t *testing.T, px cors.Proxy, total int) {
	backend := flakyBackend(t)
	var observed atomic.Int64
	// The API plus an operation that requires an API key.
	src := testSpec(true, "securityDefinitions:\n  api_key: {type: apiKey, name: key, in: query}\n") +
		"  /keyed:\n    get:\n      security: [{api_key: []}]\n      responses: {200: {description: ok}}\n"
	base := startProxy(t, loadTable(t, src), preset(px, func(p *cors.Policy) { p.AllowOrigin = appOrigin }),
		backend.URL, func(*Record) { observed.Add(1) })
	esp := px == cors.ESP
	const workers = 8
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxIdleConns: workers}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()

	type kind struct {
		method, path string
		hdr          http.Header
		ok           map[int]bool
	}
	kinds := []kind{
		{"OPTIONS", "/v1/shelves", preflightReq(appOrigin, "PUT"), map[int]bool{200: true, 204: true}},
		{"OPTIONS", "/v1/shelves/9", preflightReq("https://evil.example", "PUT"), map[int]bool{200: true, 500: true, 503: true}},
		{"GET", "/v1/shelves/9", hdrs("Origin", appOrigin), map[int]bool{200: true, 500: true, 503: true}},
		{"POST", "/v1/shelves", hdrs("Origin", "https://evil.example"), map[int]bool{200: true, 500: true, 503: true}},
		{"GET", "/nowhere", hdrs("Origin", appOrigin), map[int]bool{404: true}},
		{"GET", "/v1/keyed", hdrs("Origin", appOrigin), map[int]bool{401: true}},
		{"GET", "/v1/keyed?key=k", hdrs("Origin", appOrigin), map[int]bool{200: true, 500: true, 503: true}},
	}
	if esp {
		// basic answers every OPTIONS itself with 204.
		kinds[1].ok = map[int]bool{204: true}
		// nginx answers a failed upstream with 502, not Envoy's 503.
		for _, k := range kinds {
			if k.ok[503] {
				k.ok[502] = true
			}
		}
	}
	var bad atomic.Int64
	var mu sync.Mutex
	var firstBad string
	run := func(n int) {
		var sent atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := sent.Add(1)
					if i > int64(n) {
						return
					}
					k := kinds[int(i)%len(kinds)]
					req, _ := http.NewRequest(k.method, base+k.path, nil)
					req.Header = k.hdr.Clone()
					resp, err := client.Do(req)
					if err != nil {
						bad.Add(1)
						mu.Lock()
						if firstBad == "" {
							firstBad = err.Error()
						}
						mu.Unlock()
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					allowed := resp.Header.Get("Access-Control-Allow-Origin")
					okCORS := (k.hdr.Get("Origin") == appOrigin && k.path != "/nowhere") == (allowed == appOrigin)
					if esp {
						// The configured literal on every response, whatever the Origin.
						okCORS = allowed == appOrigin && len(resp.Header.Values("Access-Control-Allow-Origin")) == 1
					}
					if !k.ok[resp.StatusCode] || !okCORS {
						bad.Add(1)
						mu.Lock()
						if firstBad == "" {
							firstBad = k.method + " " + k.path + ": " + resp.Status + " ACAO=" + allowed
						}
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
	}
	warm := total / 10
	run(warm)
	client.CloseIdleConnections()
	time.Sleep(50 * time.Millisecond)
	g0, h0 := runtime.NumGoroutine(), heapInUse()
	start := time.Now()
	run(total - warm)
	elapsed := time.Since(start)
	client.CloseIdleConnections()
	// Let server goroutines of closed connections exit. The proxy's idle
	// keep-alive connections to the backend stay open (two transport
	// goroutines and one backend server goroutine each, at most one per
	// worker); a leak per request would exceed that at once.
	const slack = 3*workers + 2
	var g1 int
	for i := 0; i < 50; i++ {
		time.Sleep(20 * time.Millisecond)
		if g1 = runtime.NumGoroutine(); g1 <= g0+slack {
			break
		}
	}
	h1 := heapInUse()
	t.Logf("%d requests (%d after warm-up) in %v (%.0f req/s), %d bad; goroutines %d -> %d; heap %d KiB -> %d KiB",
		total, total-warm, elapsed.Round(time.Millisecond), float64(total-warm)/elapsed.Seconds(), bad.Load(), g0, g1, h0>>10, h1>>10)
	if bad.Load() != 0 {
		t.Errorf("%d unexpected answers; first: %s", bad.Load(), firstBad)
	}
	if observed.Load() < int64(total) {
		t.Errorf("observer saw %d requests, want at least %d", observed.Load(), total)
	}
	if g1 > g0+slack {
		t.Errorf("goroutines grew from %d to %d", g0, g1)
	}
	if h1 > h0+8<<20 {
		t.Errorf("heap grew from %d KiB to %d KiB", h0>>10, h1>>10)
	}
}
