package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/google/go-cmp/cmp"
)

// seenRequest is what a backend received.
type seenRequest struct {
	Method, URI, Host string
	Header            http.Header
	ContentLength     int64
	TransferEncoding  []string
	Body              string
}

// exchangeResult is what a client received.
type exchangeResult struct {
	Status  int
	Header  http.Header
	Body    string
	Trailer http.Header
	Err     string
}

// TestForwardMatchesReverseProxy sends the same requests through a proxy that
// forwards directly (forwardH1) and one that uses httputil.ReverseProxy for
// everything (StdForward), to the same backend: the backend must receive the
// same requests and the client the same responses, for plain bodies, chunked
// and close-delimited bodies, trailers, hop-by-hop fields in both directions,
// X-Forwarded-* and Forwarded, TE, User-Agent present, absent or empty, odd
// queries (which ReverseProxy re-encodes, so they must take its path) and
// requests with bodies (ReverseProxy's path too).
func TestForwardMatchesReverseProxy(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]seenRequest{}
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h := r.Header.Clone()
		mu.Lock()
		seen[r.Header.Get("X-Case")] = seenRequest{r.Method, r.RequestURI, r.Host, h, r.ContentLength, r.TransferEncoding, string(b)}
		mu.Unlock()
		switch r.Header.Get("X-Reply") {
		case "chunked":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "part one,")
			http.NewResponseController(w).Flush()
			io.WriteString(w, "part two")
		case "trailer":
			w.Header().Set("Trailer", "X-Checksum")
			io.WriteString(w, "with trailer")
			w.Header().Set("X-Checksum", "abc")
			w.Header().Set(http.TrailerPrefix+"X-Undeclared", "late")
		case "hop":
			w.Header().Set("Connection", "X-Private, keep-alive")
			w.Header().Set("X-Private", "secret")
			w.Header().Set("Keep-Alive", "timeout=5")
			w.Header().Set("Proxy-Authenticate", "Basic")
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Add("Access-Control-Expose-Headers", "a")
			w.Header().Add("Access-Control-Expose-Headers", "b")
			io.WriteString(w, "hop")
		case "sse":
			w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
			w.Header().Set("Content-Length", "11")
			io.WriteString(w, "data: x\n\n\n\n")
		case "close":
			c, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
			buf.Flush()
			c.Close()
		case "short":
			w.Header().Set("Content-Length", "20")
			io.WriteString(w, "only ten b")
		case "nocontent":
			w.WriteHeader(204)
		case "status":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(418)
			io.WriteString(w, `{"teapot":true}`)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "11")
			io.WriteString(w, `{"ok":true}`)
		}
	}))
	defer backend.Close()

	start := func(std bool) string {
		e, err := cors.NewEngine(preset(cors.ESPv2, func(p *cors.Policy) { p.AllowOrigin = appOrigin }))
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(backend.URL)
		h, err := New(Options{Engine: e, Table: loadTable(t, testSpec(false, "")), Backend: u, StdForward: std})
		if err != nil {
			t.Fatal(err)
		}
		if (h.h1 != nil) == std {
			t.Fatalf("direct forwarding on = %v with StdForward %v", h.h1 != nil, std)
		}
		return startLean(t, h)
	}
	direct, std := start(false), start(true)

	cases := []struct {
		name, method, target, extra, body string
	}{
		{"plain get", "GET", "/v1/shelves", "Origin: " + appOrigin + "\r\nUser-Agent: test/1\r\nAccept: a\r\nAccept: b\r\n", ""},
		{"no user agent", "GET", "/v1/shelves/1", "", ""},
		{"empty user agent", "GET", "/v1/shelves/1", "User-Agent:\r\n", ""},
		{"two user agents", "GET", "/v1/shelves/1", "User-Agent: a\r\nUser-Agent: b\r\n", ""},
		{"query", "GET", "/v1/shelves?b=2&a=%41&c", "", ""},
		{"empty query", "GET", "/v1/shelves?", "", ""},
		{"semicolon query", "GET", "/v1/shelves?a=1;b=2", "", ""},
		{"bad escape query", "GET", "/v1/shelves?a=%zz", "", ""},
		{"escaped path", "GET", "/v1/shelves/a%2Fb", "", ""},
		{"hop-by-hop request fields", "GET", "/v1/shelves", "Connection: keep-alive, X-Drop, X-Forwarded-For\r\nX-Drop: 1\r\nKeep-Alive: 5\r\nProxy-Authorization: x\r\nTE: trailers, deflate\r\nTrailer: X-T\r\nX-Forwarded-For: 10.0.0.1\r\n", ""},
		{"te without trailers", "GET", "/v1/shelves", "TE: deflate\r\n", ""},
		{"forwarded fields", "GET", "/v1/shelves", "Forwarded: for=1.2.3.4\r\nX-Forwarded-Host: h\r\nX-Forwarded-Proto: https\r\n", ""},
		{"post without body", "POST", "/v1/shelves", "Content-Length: 0\r\n", ""},
		{"post with body", "POST", "/v1/shelves", "Content-Length: 5\r\nContent-Type: text/plain\r\n", "hello"},
		{"pragma", "GET", "/v1/shelves", "Pragma: no-cache\r\n", ""},
		{"reply chunked", "GET", "/v1/shelves", "X-Reply: chunked\r\n", ""},
		{"reply trailer", "GET", "/v1/shelves", "X-Reply: trailer\r\nTE: trailers\r\n", ""},
		{"reply hop-by-hop", "GET", "/v1/shelves", "X-Reply: hop\r\nOrigin: " + appOrigin + "\r\n", ""},
		{"reply event stream", "GET", "/v1/shelves", "X-Reply: sse\r\n", ""},
		{"reply close-delimited", "GET", "/v1/shelves", "X-Reply: close\r\n", ""},
		{"reply 204", "GET", "/v1/shelves", "X-Reply: nocontent\r\n", ""},
		{"reply 418", "GET", "/v1/shelves", "X-Reply: status\r\nOrigin: " + appOrigin + "\r\n", ""},
		{"head is not an operation", "HEAD", "/v1/shelves", "", ""},
		{"short body from the backend", "GET", "/v1/shelves", "X-Reply: short\r\n", ""},
		{"http/1.0 client", "GET", "/v1/shelves", "", "HTTP/1.0"},
	}
	send := func(addr, c, method, target, extra, body string) exchangeResult {
		proto := "HTTP/1.1"
		if body == "HTTP/1.0" {
			proto, body = "HTTP/1.0", ""
		}
		raw := method + " " + target + " " + proto + "\r\nHost: front.test\r\nX-Case: " + c + "\r\n" + extra + "\r\n" + body
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(conn, raw)
		resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
		if err != nil {
			return exchangeResult{Err: err.Error()}
		}
		b, err := io.ReadAll(resp.Body)
		res := exchangeResult{Status: resp.StatusCode, Header: resp.Header, Body: string(b), Trailer: resp.Trailer}
		if err != nil {
			res.Err = err.Error()
		}
		delete(res.Header, "Date")
		if v := res.Header["Trailer"]; len(v) == 1 {
			// ReverseProxy lists trailer names in map order.
			names := strings.Split(v[0], ", ")
			sort.Strings(names)
			res.Header["Trailer"] = []string{strings.Join(names, ", ")}
		}
		return res
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := send(direct, "direct "+c.name, c.method, c.target, c.extra, c.body)
			b := send(std, "std "+c.name, c.method, c.target, c.extra, c.body)
			if d := cmp.Diff(b, a); d != "" {
				t.Errorf("client sees a difference (-ReverseProxy +direct):\n%s", d)
			}
			mu.Lock()
			sa, sb := seen["direct "+c.name], seen["std "+c.name]
			mu.Unlock()
			sa.Header.Del("X-Case")
			sb.Header.Del("X-Case")
			if d := cmp.Diff(sb, sa); d != "" {
				t.Errorf("backend sees a difference (-ReverseProxy +direct):\n%s", d)
			}
			if reached := sa.Method != ""; reached != (a.Status != 405) {
				t.Errorf("backend reached %v with status %d", reached, a.Status)
			}
		})
	}
}

// TestForwardErrors: backend failures answered by the direct path are the
// ones ReverseProxy's error handler gives.
func TestForwardErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	for _, std := range []bool{false, true} {
		e, _ := cors.NewEngine(preset(cors.ESPv2, nil))
		u, _ := url.Parse(refused)
		h, err := New(Options{Engine: e, Table: loadTable(t, testSpec(false, "")), Backend: u, StdForward: std})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", "/v1/shelves", nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		want := fmt.Sprintf(`{"code":503,"message":%q}`, MsgUpstreamConnect)
		if w.Code != 503 || w.Body.String() != want {
			t.Errorf("std %v: %d %s, want 503 %s", std, w.Code, w.Body, want)
		}
	}
}
