package proxy

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

func isConnReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// h1Transport is a minimal HTTP/1.1 RoundTripper for one plain-http backend:
// the request is written and the response read on the caller's goroutine,
// over a pool of keep-alive connections. net/http.Transport hands every
// request to two connection goroutines through channels; on a loaded 2-core
// machine those wake-ups were a large part of a proxied request's CPU time.
// Anything it does not handle (https, request bodies, upgrades) goes to the
// standard transport.
type h1Transport struct {
	std     *http.Transport
	host    string // the URL host requests carry
	addr    string // host:port to dial
	timeout time.Duration
	dialer  net.Dialer
	maxIdle int

	mu   sync.Mutex
	idle []*h1Conn
}

type h1Conn struct {
	c         net.Conn
	br        *bufio.Reader
	bw        *bufio.Writer
	idleSince time.Time
}

// A pooled connection idle for longer than checkAfter is checked with a
// non-blocking peek before reuse: without a reader goroutine per connection
// (what net/http.Transport spends its goroutines on) a backend's close of an
// idle keep-alive connection would otherwise only be seen by the next
// request, and a non-idempotent request cannot be retried. Connections reused
// sooner (the load-test case) skip the extra system call; connections idle
// longer than maxIdleAge are dropped, like net/http's IdleConnTimeout.
const (
	checkAfter = 20 * time.Millisecond
	maxIdleAge = 90 * time.Second
)

func newH1Transport(std *http.Transport, host string, timeout time.Duration) *h1Transport {
	addr := host
	if _, _, err := net.SplitHostPort(host); err != nil {
		addr = net.JoinHostPort(strings.Trim(host, "[]"), "80")
	}
	return &h1Transport{std: std, host: host, addr: addr, timeout: timeout, maxIdle: 256,
		dialer: net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}}
}

func (t *h1Transport) get() *h1Conn {
	for {
		now := time.Now()
		t.mu.Lock()
		n := len(t.idle)
		if n == 0 {
			t.mu.Unlock()
			return nil
		}
		pc := t.idle[n-1]
		t.idle = t.idle[:n-1]
		t.mu.Unlock()
		idle := now.Sub(pc.idleSince)
		if idle < checkAfter || (idle < maxIdleAge && alive(pc.c)) {
			return pc
		}
		pc.c.Close()
	}
}

func (t *h1Transport) put(pc *h1Conn) {
	pc.idleSince = time.Now()
	t.mu.Lock()
	if len(t.idle) < t.maxIdle {
		t.idle = append(t.idle, pc)
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	pc.c.Close()
}

// CloseIdleConnections closes the pooled connections.
func (t *h1Transport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle = nil
	t.mu.Unlock()
	for _, pc := range idle {
		pc.c.Close()
	}
	t.std.CloseIdleConnections()
}

func (t *h1Transport) dial(ctx context.Context) (*h1Conn, error) {
	c, err := t.dialer.DialContext(ctx, "tcp", t.addr)
	if err != nil {
		return nil, err
	}
	return &h1Conn{c: c, br: bufio.NewReaderSize(c, 4096), bw: bufio.NewWriterSize(c, 4096)}, nil
}

// RoundTrip implements http.RoundTripper.
func (t *h1Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "http" || (req.Body != nil && req.Body != http.NoBody) || req.URL.Host != t.host ||
		req.Header.Get("Upgrade") != "" {
		return t.std.RoundTrip(req)
	}
	return t.roundTrip(req, nil)
}

// roundTrip sends req over a pooled connection. The request head is written
// by fwd.writeForwardHead when fwd is set (the handler's direct forward of a
// client request), else by writeRequest.
func (t *h1Transport) roundTrip(req *http.Request, fwd *Handler) (*http.Response, error) {
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		pc, reused := t.get(), true
		if pc == nil {
			var err error
			if pc, err = t.dial(ctx); err != nil {
				return nil, err
			}
			reused = false
		}
		resp, err := t.exchange(ctx, pc, req, fwd)
		if err == nil {
			return resp, nil
		}
		pc.c.Close()
		// A pooled connection the backend closed meanwhile fails before any
		// response byte: retry an idempotent request once on a fresh
		// connection, as net/http.Transport does.
		if reused && attempt == 0 && ctx.Err() == nil && isStale(err) && idempotent(req.Method) {
			continue
		}
		return nil, err
	}
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

func isStale(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		isConnReset(err)
}

func (t *h1Transport) exchange(ctx context.Context, pc *h1Conn, req *http.Request, fwd *Handler) (*http.Response, error) {
	// A cancelled request (the client went away) unblocks the read at once.
	stop := context.AfterFunc(ctx, func() { pc.c.SetDeadline(time.Unix(1, 0)) })
	pc.c.SetReadDeadline(time.Now().Add(t.timeout))
	var err error
	if fwd != nil {
		err = fwd.writeForwardHead(pc.bw, req)
	} else {
		err = writeRequest(pc.bw, req)
	}
	if err != nil {
		stop()
		return nil, err
	}
	if err := pc.bw.Flush(); err != nil {
		stop()
		return nil, err
	}
	var resp *http.Response
	for {
		var err error
		resp, err = readResponse(pc.br, req)
		if err != nil {
			stop()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		// Skip informational responses (100 Continue, 103 Early Hints), as
		// net/http.Transport does.
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// The read deadline stays for the body: ESPv2's deadline (Envoy's route
	// timeout) bounds the whole response, not only its headers.
	resp.Body = &h1Body{rc: resp.Body, pc: pc, t: t, stop: stop, keep: !resp.Close && !req.Close}
	return resp, nil
}

// h1Body returns the connection to the pool once the body was read to the
// end and closed; any other close discards the connection.
type h1Body struct {
	rc   io.ReadCloser
	pc   *h1Conn
	t    *h1Transport
	stop func() bool
	eof  bool
	keep bool
	done bool
}

func (b *h1Body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *h1Body) Close() error {
	if b.done {
		return nil
	}
	b.done = true
	err := b.rc.Close()
	// stop reports false when the cancellation already poisoned the deadline.
	if b.stop() && b.eof && b.keep && err == nil {
		b.t.put(b.pc)
		return nil
	}
	b.pc.c.Close()
	return err
}

// writeRequest writes req as http.Request.Write does for a client request
// without a body (the only kind h1Transport sends), without its sorting and
// allocations; a request it cannot be sure about goes to req.Write.
func writeRequest(bw *bufio.Writer, req *http.Request) error {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	if req.URL.Opaque != "" || !validHost(host) || host == "" || len(req.Trailer) > 0 || req.TransferEncoding != nil {
		return req.Write(bw)
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	if !validFieldName(method) {
		return req.Write(bw)
	}
	writeRequestLine(bw, method, req.URL)
	bw.WriteString("Host: ")
	bw.WriteString(host)
	bw.WriteString("\r\n")
	ua, hasUA := req.Header["User-Agent"]
	switch {
	case !hasUA:
		bw.WriteString("User-Agent: Go-http-client/1.1\r\n")
	case len(ua) > 0 && ua[0] != "":
		writeField(bw, "User-Agent", ua[0])
	}
	// net/http sends Content-Length: 0 for a bodiless POST, PUT or PATCH.
	if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		bw.WriteString("Content-Length: 0\r\n")
	}
	if req.Close && !hasConnectionClose(req.Header) {
		bw.WriteString("Connection: close\r\n")
	}
	for k, vs := range req.Header {
		switch k {
		case "Host", "User-Agent", "Content-Length", "Transfer-Encoding", "Trailer":
			continue
		}
		if !validFieldName(k) {
			continue
		}
		for _, v := range vs {
			writeField(bw, k, trimOWS(v))
		}
	}
	_, err := bw.WriteString("\r\n")
	return err
}

// writeRequestLine writes "METHOD path?query HTTP/1.1" and its CRLF: the
// target is u.RequestURI() for a URL without Opaque, without its allocation.
func writeRequestLine(bw *bufio.Writer, method string, u *url.URL) {
	bw.WriteString(method)
	bw.WriteByte(' ')
	if p := u.EscapedPath(); p == "" {
		bw.WriteByte('/')
	} else {
		bw.WriteString(p)
	}
	if u.ForceQuery || u.RawQuery != "" {
		bw.WriteByte('?')
		bw.WriteString(u.RawQuery)
	}
	bw.WriteString(" HTTP/1.1\r\n")
}

// readResponse reads the backend's response. The common case, an HTTP/1.1
// response with a Content-Length to a request other than HEAD, is parsed
// here from the buffered head; every other response (chunked or
// close-delimited bodies, 1xx, 204, 304, HTTP/1.0, heads larger than the
// buffer, anything unusual) is left in the buffer, unread, for
// http.ReadResponse.
func readResponse(br *bufio.Reader, req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodHead {
		return http.ReadResponse(br, req)
	}
	n := br.Buffered()
	if n == 0 {
		if _, err := br.Peek(1); err != nil {
			return http.ReadResponse(br, req) // its error, as before
		}
		n = br.Buffered()
	}
	for {
		b, _ := br.Peek(n)
		end := headEnd(b)
		if end > 0 {
			resp := parseResponseHead(b[:end], req)
			if resp == nil {
				return http.ReadResponse(br, req)
			}
			br.Discard(end)
			if resp.ContentLength > 0 {
				resp.Body = &lengthBody{r: br, n: resp.ContentLength}
			}
			return resp, nil
		}
		if end < 0 || n >= br.Size() {
			return http.ReadResponse(br, req)
		}
		if _, err := br.Peek(n + 1); err != nil {
			return http.ReadResponse(br, req)
		}
		n = br.Buffered()
	}
}

// parseResponseHead parses a complete response head into a response with a
// Content-Length body (Body set to http.NoBody; the caller attaches the
// body), or returns nil for anything http.ReadResponse should handle.
func parseResponseHead(head []byte, req *http.Request) *http.Response {
	// Status line: HTTP/1.1 SP 3DIGIT [SP reason] CRLF.
	eol := indexCRLF(head)
	const proto = "HTTP/1.1 "
	if eol < len(proto)+3 || string(head[:len(proto)]) != proto {
		return nil
	}
	line := head[:eol]
	c0, c1, c2 := line[9], line[10], line[11]
	if c0 < '1' || c0 > '9' || c1 < '0' || c1 > '9' || c2 < '0' || c2 > '9' {
		return nil
	}
	code := int(c0-'0')*100 + int(c1-'0')*10 + int(c2-'0')
	if code < 200 || code == http.StatusNoContent || code == http.StatusNotModified {
		return nil
	}
	if len(line) > 12 && line[12] != ' ' {
		return nil
	}
	for _, c := range line[12:] {
		if c < ' ' && c != '\t' || c == 0x7f {
			return nil
		}
	}
	fields := 0
	for i := eol + 2; i < len(head)-2; i++ {
		if head[i] == '\n' {
			fields++
		}
	}
	all := string(head)
	resp := &http.Response{
		StatusCode: code,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header, fields),
		Request:    req,
		Body:       http.NoBody,
	}
	// Status is "200 OK" (the code and the reason as sent).
	if len(line) > 12 {
		resp.Status = all[9:eol]
	} else {
		resp.Status = all[9:12]
	}
	values := make([]string, fields)
	nv := 0
	clSeen := false
	var nameBuf [64]byte
	for pos := eol + 2; ; {
		key, value, next, end, ok := nextField(head, all, pos, nameBuf[:0])
		if !ok {
			return nil
		}
		if end {
			break // the empty line
		}
		pos = next
		switch key {
		case "Content-Length":
			if clSeen {
				return nil
			}
			clSeen = true
			n, ok := parseLength(value)
			if !ok {
				return nil
			}
			resp.ContentLength = n
		case "Transfer-Encoding", "Trailer":
			return nil
		case "Connection":
			if hasToken(value, "close") {
				resp.Close = true
			}
		}
		nv = addField(resp.Header, values, nv, key, value)
	}
	if !clSeen {
		return nil // a body delimited by the connection's close
	}
	if resp.Close {
		delete(resp.Header, "Connection") // as http.ReadResponse does
	}
	return resp
}

// lengthBody is a response body of known length read from the backend
// connection's buffer.
type lengthBody struct {
	r *bufio.Reader
	n int64
}

func (b *lengthBody) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	if err == nil && b.n == 0 {
		return n, io.EOF
	}
	return n, err
}

func (b *lengthBody) Close() error { return nil }
