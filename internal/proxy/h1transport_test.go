package proxy

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWriteRequestMatchesNetHTTP: what h1Transport writes for a request reads
// back (with net/http's server parser) exactly as what http.Request.Write
// writes for it.
func TestWriteRequestMatchesNetHTTP(t *testing.T) {
	mk := func(method, target string, hdr http.Header, host string, close bool) *http.Request {
		u, err := url.Parse(target)
		if err != nil {
			t.Fatal(err)
		}
		return &http.Request{Method: method, URL: u, Header: hdr, Host: host, Close: close}
	}
	tests := []struct {
		name string
		req  *http.Request
	}{
		{"get", mk("GET", "http://127.0.0.1:9000/v1/items/42", http.Header{"Origin": {"http://a"}, "Accept": {"a", "b"}}, "", false)},
		{"empty user agent", mk("GET", "http://b/x?q=1", http.Header{"User-Agent": {""}}, "front:8080", false)},
		{"no user agent", mk("GET", "http://b/x", http.Header{}, "", false)},
		{"user agent", mk("GET", "http://b/x", http.Header{"User-Agent": {"curl/8"}}, "", false)},
		{"options", mk("OPTIONS", "http://b/x", http.Header{"Origin": {"o"}}, "", false)},
		{"delete", mk("DELETE", "http://b/x", nil, "", false)},
		{"head", mk("HEAD", "http://b/x", nil, "", false)},
		{"post gets a length", mk("POST", "http://b/x", nil, "", false)},
		{"put gets a length", mk("PUT", "http://b/x", nil, "", false)},
		{"patch gets a length", mk("PATCH", "http://b/x", nil, "", false)},
		{"custom method", mk("PROPFIND", "http://b/x", nil, "", false)},
		{"close", mk("GET", "http://b/x", nil, "", true)},
		{"escaped path and empty query", mk("GET", "http://b/a%2Fb?", nil, "", false)},
		{"root", mk("GET", "http://b", nil, "", false)},
		{"value with spaces and newline", mk("GET", "http://b/x", http.Header{"X-A": {" padded ", "a\nb"}}, "", false)},
		{"framing headers dropped", mk("GET", "http://b/x", http.Header{"Content-Length": {"5"}, "Transfer-Encoding": {"chunked"}, "Trailer": {"X"}, "Host": {"evil"}}, "", false)},
		{"invalid name dropped", mk("GET", "http://b/x", http.Header{"Bad Name": {"v"}, "Ok": {"v"}}, "", false)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ours, theirs bytes.Buffer
			bw := bufio.NewWriter(&ours)
			if err := writeRequest(bw, tt.req); err != nil {
				t.Fatal(err)
			}
			bw.Flush()
			if err := tt.req.Write(&theirs); err != nil {
				t.Fatal(err)
			}
			a, err := http.ReadRequest(bufio.NewReader(&theirs))
			if err != nil {
				t.Fatalf("net/http's own output: %v", err)
			}
			b, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(ours.Bytes())))
			if err != nil {
				t.Fatalf("our output does not parse: %v\n%q", err, ours.Bytes())
			}
			type view struct {
				Method, RequestURI, Host string
				Header                   http.Header
				ContentLength            int64
				Close                    bool
			}
			v := func(r *http.Request) view {
				return view{r.Method, r.RequestURI, r.Host, r.Header, r.ContentLength, r.Close}
			}
			if d := cmp.Diff(v(a), v(b)); d != "" {
				t.Errorf("differs from http.Request.Write (-net/http +ours):\n%s\nours %q", d, ours.Bytes())
			}
		})
	}
}

var responseCases = []struct {
	name string
	raw  string
	fast bool // parsed by parseResponseHead
}{
	{"json", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nDate: Wed, 25 Nov 2026 14:00:00 GMT\r\n\r\n{\"ok\":true}", true},
	{"cors headers", "HTTP/1.1 201 Created\r\naccess-control-allow-origin: *\r\nAccess-Control-Expose-Headers: a\r\nAccess-Control-Expose-Headers: b\r\nContent-Length: 0\r\n\r\n", true},
	{"no reason", "HTTP/1.1 404\r\nContent-Length: 2\r\n\r\nno", true},
	{"odd reason", "HTTP/1.1 418 I'm a teapot \r\nContent-Length: 0\r\n\r\n", true},
	{"connection close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", true},
	{"empty value", "HTTP/1.1 200 OK\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n", true},

	{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n", false},
	{"close delimited", "HTTP/1.1 200 OK\r\n\r\nuntil close", false},
	{"http/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", false},
	{"no content", "HTTP/1.1 204 No Content\r\n\r\n", false},
	{"not modified", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", false},
	{"continue", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false},
	{"two lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", false},
	{"folded", "HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\nContent-Length: 0\r\n\r\n", false},
	{"bad status", "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", false},
	{"garbage", "NOT HTTP AT ALL\r\n\r\n", false},
}

// TestReadResponseMatchesNetHTTP: the responses h1Transport parses itself
// read exactly as http.ReadResponse reads them, the others are left to it
// whole, and the common ones take the fast path.
func TestReadResponseMatchesNetHTTP(t *testing.T) {
	for _, tt := range responseCases {
		t.Run(tt.name, func(t *testing.T) {
			head := []byte(tt.raw)
			if end := headEnd(head); end > 0 {
				if got := parseResponseHead(head[:end], &http.Request{Method: "GET"}) != nil; got != tt.fast {
					t.Errorf("fast = %v, want %v", got, tt.fast)
				}
			}
			compareResponse(t, []byte(tt.raw))
		})
	}
}

func compareResponse(t *testing.T, raw []byte) {
	t.Helper()
	req := &http.Request{Method: "GET"}
	want, werr := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), req)
	got, gerr := readResponse(bufio.NewReader(bytes.NewReader(raw)), req)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("errors differ: net/http %v, ours %v\n%q", werr, gerr, raw)
	}
	if werr != nil {
		return
	}
	wb, werr := io.ReadAll(want.Body)
	gb, gerr := io.ReadAll(got.Body)
	if (werr == nil) != (gerr == nil) || !bytes.Equal(wb, gb) {
		t.Errorf("bodies differ: net/http %q %v, ours %q %v\n%q", wb, werr, gb, gerr, raw)
	}
	type view struct {
		Status                   string
		StatusCode, Major, Minor int
		Proto                    string
		Header                   http.Header
		ContentLength            int64
		Close                    bool
		TransferEncoding         []string
	}
	v := func(r *http.Response) view {
		return view{r.Status, r.StatusCode, r.ProtoMajor, r.ProtoMinor, r.Proto, r.Header, r.ContentLength, r.Close, r.TransferEncoding}
	}
	if d := cmp.Diff(v(want), v(got)); d != "" {
		t.Errorf("differs from http.ReadResponse (-net/http +ours):\n%s\n%q", d, raw)
	}
}

func FuzzReadResponse(f *testing.F) {
	for _, tt := range responseCases {
		f.Add([]byte(tt.raw))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		compareResponse(t, raw)
	})
}
