package proxy

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// headCases are request heads; take says whether the lean server parses the
// head itself (true) or hands the connection to net/http (false).
var headCases = []struct {
	name string
	head string
	take bool
}{
	{"preflight", "OPTIONS /v1/items/42 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nOrigin: http://app.example.com\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type\r\n\r\n", true},
	{"get with query", "GET /v1/items?a=1&b=%20x HTTP/1.1\r\nHost: h\r\nOrigin: http://a\r\n\r\n", true},
	{"empty query", "GET /v1/items? HTTP/1.1\r\nHost: h\r\n\r\n", true},
	{"escaped path", "GET /v1/a%2Fb HTTP/1.1\r\nHost: h\r\n\r\n", true},
	{"path with sub-delims", "GET /v1/a;b=c/$x&y+z,w:v@u HTTP/1.1\r\nHost: h\r\n\r\n", true},
	{"path with ! and (", "GET /v1/(a)!*' HTTP/1.1\r\nHost: h\r\n\r\n", true},
	{"lower-case and odd field names", "GET / HTTP/1.1\r\nhost: h\r\nx-custom-thing: 1\r\nX-CUSTOM-THING: 2\r\nx_under: y\r\n\r\n", true},
	{"repeated fields keep order", "GET / HTTP/1.1\r\nHost: h\r\nAccept: a\r\nCookie: c=1\r\nAccept: b\r\nAccept: c\r\n\r\n", true},
	{"whitespace around values", "GET / HTTP/1.1\r\nHost:  h \r\nOrigin:\thttp://a\t\r\nX-Empty:\r\nX-Spaces:   \r\n\r\n", true},
	{"content-length body", "POST /v1/items HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\n", true},
	{"connection close", "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Close\r\n\r\n", true},
	{"pragma no-cache", "GET / HTTP/1.1\r\nHost: h\r\nPragma: no-cache\r\n\r\n", true},
	{"pragma with cache-control", "GET / HTTP/1.1\r\nHost: h\r\nPragma: no-cache\r\nCache-Control: max-age=1\r\n\r\n", true},
	{"custom method", "PROPFIND /dav HTTP/1.1\r\nHost: h\r\n\r\n", true},
	{"utf-8 in value", "GET / HTTP/1.1\r\nHost: h\r\nX-Name: caf\xc3\xa9\r\n\r\n", true},
	{"te trailers", "GET / HTTP/1.1\r\nHost: h\r\nTE: trailers\r\n\r\n", true},
	{"ipv6 host", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", true},

	{"http/1.0", "GET / HTTP/1.0\r\nHost: h\r\n\r\n", false},
	{"no host", "GET / HTTP/1.1\r\nOrigin: http://a\r\n\r\n", false},
	{"two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", false},
	{"chunked body", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", false},
	{"expect", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n", false},
	{"upgrade", "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", false},
	{"absolute form", "GET http://h/x HTTP/1.1\r\nHost: h\r\n\r\n", false},
	{"asterisk form", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", false},
	{"folded field", "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n 2\r\n\r\n", false},
	{"space before colon", "GET / HTTP/1.1\r\nHost: h\r\nX-A : 1\r\n\r\n", false},
	{"bad length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", false},
	{"two lengths", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", false},
	{"control in value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x01b\r\n\r\n", false},
	{"bad host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", false},
	{"lower-case version", "GET / http/1.1\r\nHost: h\r\n\r\n", false},
	{"space in target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", false},
}

// TestParseRequestHeadMatchesNetHTTP: every head the lean server takes parses
// to the request net/http's own parser gives, and the common heads are taken
// (so the fast path is really in use).
func TestParseRequestHeadMatchesNetHTTP(t *testing.T) {
	for _, tt := range headCases {
		t.Run(tt.name, func(t *testing.T) {
			head := []byte(tt.head)
			if end := headEnd(head); end != len(head) {
				t.Fatalf("headEnd = %d, want %d", end, len(head))
			}
			got := parseRequestHead(head, nil, nil)
			if (got != nil) != tt.take {
				t.Fatalf("taken = %v, want %v", got != nil, tt.take)
			}
			if got != nil {
				compareWithNetHTTP(t, head, got)
			}
		})
	}
}

func compareWithNetHTTP(t *testing.T, head []byte, got *http.Request) {
	t.Helper()
	want, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
	if err != nil {
		t.Fatalf("taken, but net/http refuses it: %v\n%q", err, head)
	}
	type view struct {
		Method, RequestURI, Proto, Host string
		URL                             url.URL
		Header                          http.Header
		ContentLength                   int64
		Close                           bool
	}
	v := func(r *http.Request) view {
		return view{r.Method, r.RequestURI, r.Proto, r.Host, *r.URL, r.Header, r.ContentLength, r.Close}
	}
	if d := cmp.Diff(v(want), v(got)); d != "" {
		t.Errorf("request differs from net/http's (-net/http +ours):\n%s\nhead %q", d, head)
	}
}

func FuzzParseRequestHead(f *testing.F) {
	for _, tt := range headCases {
		f.Add([]byte(tt.head))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		end := headEnd(data)
		if end <= 0 {
			return
		}
		head := data[:end]
		got := parseRequestHead(head, nil, nil)
		if got == nil {
			return
		}
		compareWithNetHTTP(t, head, got)
	})
}

// startLean runs Serve (the lean server) for h on a loopback port until the
// test ends, and returns the address.
func startLean(t testing.TB, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h, 2*time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// exchange writes raw bytes on one connection and reads n responses.
func rawExchange(t *testing.T, addr, raw string, n int, methods ...string) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var out []*http.Response
	for i := 0; i < n; i++ {
		m := "GET"
		if i < len(methods) {
			m = methods[i]
		}
		resp, err := http.ReadResponse(br, &http.Request{Method: m})
		for err == nil && resp.StatusCode < 200 {
			resp, err = http.ReadResponse(br, &http.Request{Method: m}) // 100 Continue
		}
		if err != nil {
			t.Fatalf("response %d: %v", i+1, err)
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("response %d body: %v", i+1, err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		out = append(out, resp)
	}
	return out
}

func bodyOf(r *http.Response) string {
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

// echoHandler answers with the method, path, a header and the body it read.
var echoHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s %s %s x=%s body=%s", r.Method, r.URL.Path, r.Proto, r.Header.Get("X-A"), b)
})

func TestLeanServerKeepAliveAndPipelining(t *testing.T) {
	addr := startLean(t, echoHandler)
	raw := "GET /one HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n" +
		"POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc" +
		"GET /three HTTP/1.1\r\nHost: h\r\nX-A: 3\r\n\r\n"
	rs := rawExchange(t, addr, raw, 3)
	want := []string{"GET /one HTTP/1.1 x=1 body=", "POST /two HTTP/1.1 x= body=abc", "GET /three HTTP/1.1 x=3 body="}
	for i, r := range rs {
		if got := bodyOf(r); got != want[i] {
			t.Errorf("response %d = %q, want %q", i+1, got, want[i])
		}
		if r.ContentLength != int64(len(want[i])) || r.TransferEncoding != nil {
			t.Errorf("response %d framing: length %d, TE %v", i+1, r.ContentLength, r.TransferEncoding)
		}
		if r.Header.Get("Date") == "" {
			t.Errorf("response %d has no Date", i+1)
		}
	}
}

// TestLeanServerHandoff: requests the lean server does not take are served by
// net/http on the same connection, from the first byte of that request, and
// the connection keeps working.
func TestLeanServerHandoff(t *testing.T) {
	addr := startLean(t, echoHandler)
	big := strings.Repeat("x", headBufSize)
	tests := []struct {
		name string
		raw  string
		n    int
		want []string
	}{
		{"http/1.0 after a taken request",
			"GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.0\r\nHost: h\r\nX-A: 2\r\n\r\n", 2,
			[]string{"GET /a HTTP/1.1 x= body=", "GET /b HTTP/1.0 x=2 body="}},
		{"chunked request body",
			"POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /d HTTP/1.1\r\nHost: h\r\n\r\n", 2,
			[]string{"POST /c HTTP/1.1 x= body=abc", "GET /d HTTP/1.1 x= body="}},
		{"head larger than the buffer",
			"GET /e HTTP/1.1\r\nHost: h\r\nX-Big: " + big + "\r\nX-A: 5\r\n\r\n", 1,
			[]string{"GET /e HTTP/1.1 x=5 body="}},
		{"expect 100-continue",
			"POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nhi", 1,
			[]string{"POST /f HTTP/1.1 x= body=hi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := rawExchange(t, addr, tt.raw, tt.n)
			for i, r := range rs {
				if got := bodyOf(r); got != tt.want[i] {
					t.Errorf("response %d = %q, want %q", i+1, got, tt.want[i])
				}
			}
		})
	}
	// Malformed: net/http's own 400.
	rs := rawExchange(t, addr, "GET / HTTP/1.1\r\nHost: h\r\nBad Field: x\r\n\r\n", 1)
	if rs[0].StatusCode != 400 {
		t.Errorf("malformed request: %d, want 400", rs[0].StatusCode)
	}
}

func TestLeanServerFraming(t *testing.T) {
	long := strings.Repeat("y", pendingMax+1)
	mux := http.NewServeMux()
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "small") })
	mux.HandleFunc("/long", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, long) })
	mux.HandleFunc("/two-writes", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "a")
		io.WriteString(w, "b")
	})
	mux.HandleFunc("/flushed", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first")
		http.NewResponseController(w).Flush()
		io.WriteString(w, "second")
	})
	mux.HandleFunc("/declared", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "4")
		io.WriteString(w, "four")
	})
	mux.HandleFunc("/nocontent", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(204)
		if _, err := io.WriteString(w, "ignored"); err != http.ErrBodyNotAllowed {
			t.Errorf("write after 204: %v", err)
		}
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	mux.HandleFunc("/trailer", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		io.WriteString(w, "data")
		w.Header().Set("X-Sum", "42")
		w.Header().Set(http.TrailerPrefix+"X-Late", "late")
	})
	mux.HandleFunc("/crlf", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["X-Evil"] = []string{"a\r\nSet-Cookie: injected"}
		w.Header()["Bad Name"] = []string{"dropped"}
	})
	addr := startLean(t, mux)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	t.Cleanup(client.CloseIdleConnections)
	get := func(method, path string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+addr+path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s %s body: %v", method, path, err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		return resp
	}
	chunked := func(r *http.Response) bool { return len(r.TransferEncoding) == 1 && r.TransferEncoding[0] == "chunked" }

	if r := get("GET", "/small"); bodyOf(r) != "small" || r.ContentLength != 5 || chunked(r) {
		t.Errorf("/small: length %d chunked %v", r.ContentLength, chunked(r))
	}
	if r := get("GET", "/two-writes"); bodyOf(r) != "ab" || r.ContentLength != 2 {
		t.Errorf("/two-writes: length %d", r.ContentLength)
	}
	if r := get("GET", "/long"); bodyOf(r) != long || !chunked(r) {
		t.Errorf("/long: chunked %v", chunked(r))
	}
	if r := get("GET", "/flushed"); bodyOf(r) != "firstsecond" || !chunked(r) {
		t.Errorf("/flushed: chunked %v", chunked(r))
	}
	if r := get("GET", "/declared"); bodyOf(r) != "four" || r.ContentLength != 4 {
		t.Errorf("/declared: length %d", r.ContentLength)
	}
	if r := get("HEAD", "/declared"); bodyOf(r) != "" || r.ContentLength != 4 {
		t.Errorf("HEAD /declared: length %d", r.ContentLength)
	}
	if r := get("GET", "/nocontent"); r.StatusCode != 204 || r.Header.Get("Content-Length") != "" {
		t.Errorf("/nocontent: %d %v", r.StatusCode, r.Header)
	}
	if r := get("GET", "/empty"); r.StatusCode != 200 || r.ContentLength != 0 {
		t.Errorf("/empty: %d length %d", r.StatusCode, r.ContentLength)
	}
	if r := get("GET", "/trailer"); bodyOf(r) != "data" || r.Trailer.Get("X-Sum") != "42" || r.Trailer.Get("X-Late") != "late" {
		t.Errorf("/trailer: trailer %v", r.Trailer)
	}
	if r := get("GET", "/crlf"); r.Header.Get("Set-Cookie") != "" || r.Header.Get("X-Evil") != "a  Set-Cookie: injected" || r.Header.Get("Bad Name") != "" {
		t.Errorf("/crlf: header %v", r.Header)
	}
}

// TestLeanServerClosing covers the cases that must end the connection:
// Connection: close, a body shorter than declared, a large unread request
// body, a panic in the handler.
func TestLeanServerClosing(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("/short", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		io.WriteString(w, "short")
	})
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) })
	addr := startLean(t, mux)

	closed := func(raw string, n int) (*http.Response, bool) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, raw)
		br := bufio.NewReader(c)
		var first *http.Response
		for i := 0; i < n; i++ {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				return first, true
			}
			io.ReadAll(resp.Body)
			if first == nil {
				first = resp
			}
		}
		_, err = br.ReadByte()
		return first, err == io.EOF
	}
	if r, ok := closed("GET /ok HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", 1); !ok || r == nil || !r.Close {
		t.Errorf("Connection: close: connection open or no close in the response")
	}
	if _, ok := closed("GET /short HTTP/1.1\r\nHost: h\r\n\r\nGET /ok HTTP/1.1\r\nHost: h\r\n\r\n", 2); !ok {
		t.Errorf("short body: connection kept")
	}
	if _, ok := closed("GET /panic HTTP/1.1\r\nHost: h\r\n\r\n", 1); !ok {
		t.Errorf("panic: connection kept")
	}
	big := fmt.Sprintf("POST /ok HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n", maxDiscard+1) + strings.Repeat("z", maxDiscard+1)
	if r, ok := closed(big, 1); !ok || r == nil || r.StatusCode != 200 {
		t.Errorf("unread large body: connection kept or no answer")
	}
	// A small unread body is read away and the connection goes on.
	rs := rawExchange(t, addr, "POST /ok HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcdGET /ok HTTP/1.1\r\nHost: h\r\n\r\n", 2)
	if bodyOf(rs[1]) != "ok" {
		t.Errorf("after a small unread body: %q", bodyOf(rs[1]))
	}
	// The server still works.
	if rs := rawExchange(t, addr, "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n", 1); bodyOf(rs[0]) != "ok" {
		t.Errorf("after the closes: %q", bodyOf(rs[0]))
	}
}

// TestLeanServerShutdown: idle connections are closed at shutdown, an
// in-flight request completes, handed-off connections are shut down too, and
// no goroutine is left behind.
func TestLeanServerShutdown(t *testing.T) {
	before := runtime.NumGoroutine()
	entered := make(chan struct{}, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			entered <- struct{}{}
			time.Sleep(300 * time.Millisecond)
		}
		io.WriteString(w, "done "+r.URL.Path)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h, 3*time.Second) }()

	idle, _ := net.Dial("tcp", addr) // opened, never used
	defer idle.Close()
	kept, _ := net.Dial("tcp", addr) // one request, then idle
	defer kept.Close()
	io.WriteString(kept, "GET /k HTTP/1.1\r\nHost: h\r\n\r\n")
	kr := bufio.NewReader(kept)
	if resp, err := http.ReadResponse(kr, nil); err != nil || bodyOf(resp) != "done /k" {
		t.Fatalf("kept: %v", err)
	}
	legacy, _ := net.Dial("tcp", addr) // handed off to net/http
	defer legacy.Close()
	io.WriteString(legacy, "GET /l HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\n")
	lr := bufio.NewReader(legacy)
	if resp, err := http.ReadResponse(lr, nil); err != nil || bodyOf(resp) != "done /l" {
		t.Fatalf("legacy: %v", err)
	}
	slow, _ := net.Dial("tcp", addr)
	defer slow.Close()
	io.WriteString(slow, "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
	<-entered
	cancel()

	slow.SetDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(slow), nil)
	if err != nil || bodyOf(resp) != "done /slow" || !resp.Close {
		t.Errorf("in-flight request: err %v, close %v", err, resp != nil && resp.Close)
	}
	for name, c := range map[string]net.Conn{"idle": idle, "kept": kept, "legacy": legacy} {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if n, err := c.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("%s connection: read %d, %v; want EOF", name, n, err)
		}
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	checkGoroutinesBack(t, before)
}

// TestLeanServerRequestFields: the handler sees what net/http would give it.
func TestLeanServerRequestFields(t *testing.T) {
	var got atomic.Pointer[http.Request]
	addr := startLean(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Clone(context.Background()))
		if r.Context().Value(http.LocalAddrContextKey) == nil {
			t.Error("no LocalAddrContextKey in the context")
		}
	}))
	rawExchange(t, addr, "GET /p/a%2Fb?q=1 HTTP/1.1\r\nHost: example.test\r\nOrigin: http://a\r\n\r\n", 1)
	r := got.Load()
	if r.Host != "example.test" || r.URL.EscapedPath() != "/p/a%2Fb" || r.URL.RawQuery != "q=1" ||
		r.RequestURI != "/p/a%2Fb?q=1" || r.Header.Get("Origin") != "http://a" || r.Header.Get("Host") != "" ||
		!strings.HasPrefix(r.RemoteAddr, "127.0.0.1:") || r.Body == nil {
		t.Errorf("request: host %q path %q query %q uri %q header %v remote %q", r.Host, r.URL.EscapedPath(),
			r.URL.RawQuery, r.RequestURI, r.Header, r.RemoteAddr)
	}
}

// memConn is a connection that reads the same request over and over and
// discards what is written: BenchmarkLeanServer measures the server's and
// the handler's own work per request, without system calls.
type memConn struct {
	req       []byte
	left, off int
	written   int
}

func (c *memConn) Read(p []byte) (int, error) {
	if c.left == 0 {
		return 0, io.EOF
	}
	n := 0
	for len(p) > 0 && c.left > 0 {
		k := copy(p, c.req[c.off:])
		p, n, c.off = p[k:], n+k, c.off+k
		if c.off == len(c.req) {
			c.off = 0
			c.left--
			break // one request per read, as a client waiting for each answer
		}
	}
	return n, nil
}
func (c *memConn) Write(p []byte) (int, error)      { c.written += len(p); return len(p), nil }
func (c *memConn) Close() error                     { return nil }
func (c *memConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *memConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *memConn) SetDeadline(time.Time) error      { return nil }
func (c *memConn) SetReadDeadline(time.Time) error  { return nil }
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }

// BenchmarkLeanServer: a preflight the proxy answers itself, through the lean
// server and the ESPv2 handler, per request (no network).
func BenchmarkLeanServer(b *testing.B) {
	h, _ := benchHandler(b, nil)
	raw := []byte("OPTIONS /v1/shelves/12 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\nOrigin: " + appOrigin +
		"\r\nAccess-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type\r\n\r\n")
	s := newH1Server(h)
	b.ReportAllocs()
	mc := &memConn{req: raw, left: b.N}
	sc := &h1ServerConn{srv: s, c: mc}
	s.wg.Add(1)
	s.conns[sc] = struct{}{}
	b.ResetTimer()
	sc.serve()
	b.StopTimer()
	if mc.left != 0 || mc.written < b.N*100 {
		b.Fatalf("%d requests left, %d bytes written", mc.left, mc.written)
	}
}

// FuzzLeanServerConn feeds arbitrary bytes to one connection of the lean
// server (with net/http behind it for handed-off connections): whatever the
// input, serving it ends (the input ends with EOF) without a panic, and what
// the server wrote parses as HTTP responses.
func FuzzLeanServerConn(f *testing.F) {
	for _, tt := range headCases {
		f.Add([]byte(tt.head))
		f.Add([]byte(tt.head + tt.head))
	}
	f.Add([]byte("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /y HTTP/1.1\r\nHost: h\r\n\r\n"))
	f.Add([]byte("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.0\r\n\r\n"))
	s := newH1Server(echoHandler)
	go s.std.Serve(s.handoffs)
	f.Cleanup(func() { s.std.Close() })
	f.Fuzz(func(t *testing.T, data []byte) {
		mc := &onceConn{data: data}
		sc := &h1ServerConn{srv: s, c: mc}
		s.mu.Lock()
		s.conns[sc] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		sc.serve()
		if mc.handedOff() {
			return // net/http answers the rest; not ours to check
		}
		out := bufio.NewReader(bytes.NewReader(mc.out.Bytes()))
		for {
			if _, err := out.Peek(1); err == io.EOF {
				break
			}
			resp, err := http.ReadResponse(out, nil)
			if err != nil {
				t.Fatalf("the server wrote an unparsable response: %v\n%q", err, mc.out.Bytes())
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				t.Fatalf("response body: %v\n%q", err, mc.out.Bytes())
			}
		}
	})
}

// onceConn reads data once, then EOF; it records what is written.
type onceConn struct {
	data   []byte
	out    bytes.Buffer
	mu     sync.Mutex
	closed bool
}

func (c *onceConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.data)
	c.data = c.data[n:]
	return n, nil
}
func (c *onceConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	return c.out.Write(p)
}
func (c *onceConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return nil
}

// handedOff: the connection is not closed after serve returned, so it went
// to net/http.
func (c *onceConn) handedOff() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.closed
}
func (c *onceConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *onceConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *onceConn) SetDeadline(time.Time) error      { return nil }
func (c *onceConn) SetReadDeadline(time.Time) error  { return nil }
func (c *onceConn) SetWriteDeadline(time.Time) error { return nil }

// TestLeanServerShutdownTimeout: a handler still waiting when the grace
// period ends has its context cancelled and its connection closed, and Serve
// returns soon after instead of waiting for it.
func TestLeanServerShutdownTimeout(t *testing.T) {
	entered := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h, 200*time.Millisecond) }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
	<-entered
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Serve returned after %v", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the grace period")
	}
}

// TestLeanServerFieldOrder: fields are written in name order, every time.
func TestLeanServerFieldOrder(t *testing.T) {
	addr := startLean(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, k := range []string{"Zeta", "Alpha", "Mu", "Beta", "Access-Control-Allow-Origin", "X-B", "X-A"} {
			w.Header().Set(k, "v")
		}
		w.Header().Add("Mu", "second")
	}))
	for i := 0; i < 20; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
		b, _ := io.ReadAll(c)
		c.Close()
		head := string(b)
		head = head[:strings.Index(head, "\r\n\r\n")]
		var names []string
		for _, line := range strings.Split(head, "\r\n")[1:] {
			if k, _, ok := strings.Cut(line, ":"); ok && k != "Date" && k != "Content-Length" && k != "Connection" {
				names = append(names, k)
			}
		}
		got := strings.Join(names, ",")
		if want := "Access-Control-Allow-Origin,Alpha,Beta,Mu,Mu,X-A,X-B,Zeta"; got != want {
			t.Fatalf("field order %s, want %s", got, want)
		}
	}
}

// checkGoroutinesBack fails t unless the goroutine count falls back to before
// within 3 s (goroutines that are ending need a moment).
func checkGoroutinesBack(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("goroutines: %d before, %d after", before, n)
	}
}
