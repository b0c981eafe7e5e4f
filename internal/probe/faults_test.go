package probe

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// settleGoroutines waits until the goroutine count is back to at most
// before (goroutines of finished requests exit asynchronously), and fails
// with a stack dump if it is not within a few seconds.
func settleGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutines: %d before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:n])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func target(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestFaults: each way a target can fail gives a clear error, in bounded
// time, and leaves no goroutine behind.
func TestFaults(t *testing.T) {
	closedAddr := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return ln.Addr().String()
	}
	for _, tc := range []struct {
		name string
		// server returns the target URL; it is started outside the
		// goroutine count.
		server      func(t *testing.T) string
		opts        func(*Options)
		unreachable bool   // Run fails with ErrUnreachable
		wantErr     string // in Run's error or in every failed result
		maxTime     time.Duration
		attempts    int // requests sent for the first exchange (0: not checked)
	}{
		{
			name:   "nothing listens",
			server: func(t *testing.T) string { return "http://" + closedAddr() },
			opts:   func(o *Options) { o.Retries = 2 },
			// Connection errors are retried: three attempts, then the run stops.
			unreachable: true, wantErr: "cannot connect", maxTime: 3 * time.Second,
		},
		{
			name: "TLS: a certificate nobody trusts",
			server: func(t *testing.T) string {
				s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
				s.Config.ErrorLog = quietLog()
				t.Cleanup(s.Close)
				return s.URL
			},
			unreachable: true, wantErr: "TLS: ", maxTime: 3 * time.Second,
		},
		{
			name: "TLS: plain HTTP on the other side",
			server: func(t *testing.T) string {
				s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
				t.Cleanup(s.Close)
				return strings.Replace(s.URL, "http://", "https://", 1)
			},
			unreachable: true, wantErr: "TLS: ", maxTime: 3 * time.Second,
		},
		{
			name: "the server closes every connection",
			server: func(t *testing.T) string {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				go func() {
					for {
						c, err := ln.Accept()
						if err != nil {
							return
						}
						buf := make([]byte, 4096)
						c.Read(buf)
						c.Close()
					}
				}()
				t.Cleanup(func() { ln.Close() })
				return "http://" + ln.Addr().String()
			},
			opts:        func(o *Options) { o.Retries = 1 },
			unreachable: true, wantErr: "closed the connection", maxTime: 3 * time.Second,
		},
		{
			name: "slower than the deadline",
			server: func(t *testing.T) string {
				stop := make(chan struct{})
				s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/a" {
						return // the first request (alone) is answered at once
					}
					select {
					case <-stop:
					case <-r.Context().Done():
					}
				}))
				t.Cleanup(func() { close(stop); s.Close() })
				return s.URL
			},
			opts: func(o *Options) {
				o.Paths = []string{"/a", "/b", "/c", "/d"}
				o.Deadline, o.Timeout = 500*time.Millisecond, 10*time.Second
			},
			wantErr: "deadline", maxTime: 3 * time.Second,
		},
		{
			name: "slower than the timeout",
			server: func(t *testing.T) string {
				stop := make(chan struct{})
				s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/a" {
						return
					}
					select {
					case <-stop:
					case <-r.Context().Done():
					}
				}))
				t.Cleanup(func() { close(stop); s.Close() })
				return s.URL
			},
			opts: func(o *Options) {
				o.Paths = []string{"/a", "/b"}
				o.Timeout = 300 * time.Millisecond
			},
			wantErr: "no answer within 300ms", maxTime: 3 * time.Second,
		},
		{
			name: "response headers too large",
			server: func(t *testing.T) string {
				s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/a" {
						return
					}
					for i := range 40 {
						w.Header().Set("X-Big-"+string(rune('a'+i%26))+string(rune('a'+i/26)), strings.Repeat("x", 32<<10))
					}
				}))
				t.Cleanup(s.Close)
				return s.URL
			},
			opts:    func(o *Options) { o.Paths = []string{"/a", "/b"} },
			wantErr: "response headers are larger", maxTime: 3 * time.Second,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := tc.server(t)
			before := runtime.NumGoroutine()
			o := Options{Target: target(t, base), Paths: []string{"/a"}, Origins: []string{appOrigin}, Hostile: HostileNone,
				Timeout: 2 * time.Second}
			if tc.opts != nil {
				tc.opts(&o)
			}
			start := time.Now()
			rep, err := Run(context.Background(), o)
			took := time.Since(start)
			if took > tc.maxTime {
				t.Errorf("took %s, want at most %s", took, tc.maxTime)
			}
			if tc.unreachable {
				if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want ErrUnreachable with %q", err, tc.wantErr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if !rep.Incomplete() {
					t.Errorf("report complete: %+v", rep.Summary)
				}
				for _, res := range rep.Results[1:] {
					if !strings.Contains(res.Error, tc.wantErr) {
						t.Errorf("%s: error %q, want %q", res.Path, res.Error, tc.wantErr)
					}
					if res.Verdict != "" || len(res.Findings) != 0 {
						t.Errorf("%s: a failed exchange has a verdict %q or findings %v", res.Path, res.Verdict, res.Findings)
					}
				}
			}
			settleGoroutines(t, before)
		})
	}
}

// TestHugeBody: a body far larger than what probe reads is cut off; the
// exchange is judged from its head, in bounded time.
func TestHugeBody(t *testing.T) {
	var sent atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		chunk := []byte(strings.Repeat("x", 32<<10))
		for range 1 << 15 { // 1 GiB
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(s.Close)
	before := runtime.NumGoroutine()
	start := time.Now()
	rep, err := Run(context.Background(), Options{Target: target(t, s.URL), Paths: []string{"/a", "/b"}, Origins: []string{appOrigin},
		Hostile: HostileNone, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %s", took)
	}
	for _, res := range rep.Results {
		if res.Error != "" || res.Status != 200 || res.Verdict != "allowed" {
			t.Errorf("%s: %q %d %s", res.Path, res.Error, res.Status, res.Verdict)
		}
	}
	if n := sent.Load(); n > 64<<20 {
		t.Errorf("the server wrote %d bytes before probe hung up", n)
	}
	settleGoroutines(t, before)
}

// countingTransport records, at the client, when each request starts and
// how many are in flight.
type countingTransport struct {
	next              http.RoundTripper
	mu                sync.Mutex
	starts            []time.Time
	inFlight, maxSeen int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.starts = append(c.starts, time.Now())
	c.inFlight++
	c.maxSeen = max(c.maxSeen, c.inFlight)
	c.mu.Unlock()
	resp, err := c.next.RoundTrip(r)
	c.mu.Lock()
	c.inFlight--
	c.mu.Unlock()
	return resp, err
}

// TestConcurrencyAndRate: requests in flight never exceed --concurrency
// (counted at the client and at the server), and starts never come faster
// than --rate.
func TestConcurrencyAndRate(t *testing.T) {
	var inFlight, maxAtServer atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := maxAtServer.Load(); n > m && !maxAtServer.CompareAndSwap(m, n); m = maxAtServer.Load() {
		}
		time.Sleep(30 * time.Millisecond)
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	}))
	t.Cleanup(s.Close)
	paths := make([]string, 40)
	for i := range paths {
		paths[i] = "/p/" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	for _, tc := range []struct {
		name        string
		concurrency int
		rate        float64
	}{
		{"concurrency 3, no rate", 3, 0},
		{"concurrency 8, rate 50/s", 8, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			maxAtServer.Store(0)
			ct := &countingTransport{next: newClient(tc.concurrency, 5*time.Second, nil).Transport}
			client := &http.Client{Transport: ct, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			rep, err := Run(context.Background(), Options{Target: target(t, s.URL), Paths: paths, Origins: []string{appOrigin},
				Hostile: HostileNone, Concurrency: tc.concurrency, Rate: tc.rate, Timeout: 5 * time.Second, Client: client})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Summary.Requests != len(paths) || rep.Summary.Failed != 0 || len(ct.starts) != len(paths) {
				t.Fatalf("summary %+v, %d requests seen", rep.Summary, len(ct.starts))
			}
			if m := maxAtServer.Load(); m > int64(tc.concurrency) || ct.maxSeen > tc.concurrency {
				t.Errorf("%d requests in flight at the server, %d at the client; --concurrency %d", m, ct.maxSeen, tc.concurrency)
			}
			if tc.rate == 0 {
				if ct.maxSeen < 2 {
					t.Errorf("never more than %d request in flight with --concurrency %d", ct.maxSeen, tc.concurrency)
				}
				return
			}
			// Starts are at least 1/rate apart when they leave the limiter:
			// n requests take at least (n-1)/rate, and a one-second window
			// holds about rate+1 starts (one more allowed for a goroutine
			// delayed between the limiter and the transport).
			if took, min := ct.starts[len(ct.starts)-1].Sub(ct.starts[0]), time.Duration(float64(len(paths)-1)/tc.rate*float64(time.Second)); took < min*95/100 {
				t.Errorf("%d requests started within %s, faster than --rate %v allows (%s)", len(paths), took, tc.rate, min)
			}
			for i := range ct.starts {
				n := 0
				for _, s := range ct.starts[i:] {
					if s.Sub(ct.starts[i]) < time.Second {
						n++
					}
				}
				if n > int(tc.rate)+2 {
					t.Errorf("%d starts within one second, --rate %v", n, tc.rate)
					break
				}
			}
		})
	}
}

// TestDeadlineCancelsWaitingForRate: a low rate and a short deadline end
// the run on time; what was not sent is said so.
func TestDeadlineCancelsWaitingForRate(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(s.Close)
	start := time.Now()
	rep, err := Run(context.Background(), Options{Target: target(t, s.URL), Paths: []string{"/a", "/b", "/c", "/d", "/e"},
		Origins: []string{appOrigin}, Hostile: HostileNone, Rate: 1, Deadline: 1500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2500*time.Millisecond {
		t.Errorf("took %s", took)
	}
	// The requests wait for the limiter concurrently, so which of them got
	// a slot before the deadline varies; the others say why they were not sent.
	if rep.Summary.Failed == 0 {
		t.Errorf("summary %+v: every request was sent", rep.Summary)
	}
	for _, res := range rep.Results {
		if res.Error != "" && !strings.Contains(res.Error, "deadline") {
			t.Errorf("%s: %q, want the deadline named", res.Path, res.Error)
		}
	}
}

func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// TestInterrupted: cancelling the run (Ctrl-C) ends it at once; what was
// not done says it was interrupted, not that a deadline passed.
func TestInterrupted(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(s.Close)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	rep, err := Run(ctx, Options{Target: target(t, s.URL), Paths: []string{"/a", "/b", "/c", "/d", "/e"},
		Origins: []string{appOrigin}, Hostile: HostileNone, Rate: 2})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %s after the interruption", took)
	}
	if rep.Summary.Failed == 0 {
		t.Errorf("summary %+v", rep.Summary)
	}
	for _, res := range rep.Results {
		if res.Error != "" && !strings.Contains(res.Error, "interrupted") {
			t.Errorf("%s: %q", res.Path, res.Error)
		}
	}
}
