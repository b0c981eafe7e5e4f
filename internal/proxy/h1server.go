package proxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/corsgate/corsgate/cors"
)

// h1Server is the HTTP/1.1 server behind Serve: one goroutine per connection
// that reads a request head from its own buffer, calls the handler with a
// plain *http.Request and a light ResponseWriter, and writes the response
// with one write system call per response (fewer when requests are
// pipelined).
//
// Why not net/http's server: profiles of corsgate serve under load showed its
// own code at 1-3 % of the CPU and net/http's server plus the runtime work it
// causes (a background read goroutine per request to notice a client going
// away, a context and a cloned header per request, two buffered writers) at
// about as much as the whole of an nginx request; on two cores that capped a
// preflight at ~0.6x nginx's rate. This server keeps the handler interface, so
// the proxy's logic is the same code either way.
//
// It takes only the common case and hands everything else to net/http, on the
// same connection, before reading any byte of the request it cannot take:
// HTTP/1.0, heads larger than its buffer (so the proxy's 431 rule still sees
// them), chunked or otherwise encoded request bodies, Expect, Upgrade,
// obsolete line folding, absolute-form or asterisk-form targets, anything
// malformed (net/http then gives its usual 400). A handed-off connection stays
// with net/http until it closes.
//
// One difference from net/http is deliberate: a request's context is not
// cancelled when the client disconnects while the handler runs (that needs a
// read on the connection during every request, which is what the background
// goroutine costs). A proxied request whose client went away finishes against
// the backend, bounded by the backend deadline (15 s by default), and its
// response is then dropped. The context is cancelled when the server stops.
type h1Server struct {
	handler   http.Handler
	std       *http.Server // takes handed-off connections
	handoffs  *chanListener
	baseCtx   context.Context
	cancelCtx context.CancelFunc

	idleTimeout       time.Duration
	readHeaderTimeout time.Duration
	// eventLoop: accept on an epoll loop that answers local requests itself
	// (Linux, handlers that say which requests they answer locally).
	eventLoop bool

	mu       sync.Mutex
	conns    map[*h1ServerConn]struct{}
	stopping atomic.Bool
	wg       sync.WaitGroup
}

// headBufSize is the per-connection read buffer; a request head that does not
// fit in it is handed to net/http (whose limit is far above Envoy's 60 KiB).
const headBufSize = 8 << 10

// maxDiscard is how much of an unread request body the server reads away to
// keep the connection; a larger remainder closes the connection instead.
const maxDiscard = 256 << 10

func newH1Server(h http.Handler) *h1Server {
	s := &h1Server{
		handler:           h,
		handoffs:          newChanListener(),
		idleTimeout:       5 * time.Minute,
		readHeaderTimeout: 30 * time.Second,
		conns:             map[*h1ServerConn]struct{}{},
	}
	s.std = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: s.readHeaderTimeout,
		IdleTimeout:       s.idleTimeout,
		// Well above Envoy's 60 KiB so the handler can answer 431 itself.
		MaxHeaderBytes: 1 << 20,
	}
	// ReverseProxy aborts a response whose body copy fails with
	// panic(http.ErrAbortHandler) only when the request came from an
	// http.Server (it looks for this context key); otherwise it logs the
	// error to the standard logger. The server recovers that panic and
	// closes the connection, as net/http does.
	s.baseCtx, s.cancelCtx = context.WithCancel(context.WithValue(context.Background(), http.ServerContextKey, s.std))
	return s
}

// serve accepts connections until ctx is done, then shuts down gracefully:
// idle connections are closed at once, busy ones after their current
// response, and whatever is still open after grace is closed.
func (s *h1Server) serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	stdDone := make(chan error, 1)
	go func() { stdDone <- s.std.Serve(s.handoffs) }()
	acceptDone := make(chan error, 1)
	var loop *eventLoop
	if s.eventLoop {
		loop, _ = newEventLoop(s, ln)
	}
	if loop != nil {
		acceptDone = loop.done
		go loop.run()
	} else {
		go func() { acceptDone <- s.acceptLoop(ln) }()
	}

	var acceptErr error
	select {
	case acceptErr = <-acceptDone:
	case <-ctx.Done():
	}
	s.stopping.Store(true)
	if loop != nil {
		loop.stop()
	}
	ln.Close()
	if acceptErr == nil {
		<-acceptDone
	}
	s.closeIdle()

	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	stdErr := make(chan error, 1)
	go func() { stdErr <- s.std.Shutdown(sctx) }()

	waited := make(chan struct{})
	go func() { s.wg.Wait(); close(waited) }()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case <-waited:
			break wait
		case <-sctx.Done():
			// Out of time: cancel what the handlers wait for (a slow
			// backend) and close every connection.
			s.cancelCtx()
			s.closeAll()
			<-waited
			break wait
		case <-tick.C:
			// A connection that finished a response since the last look
			// is idle now.
			s.closeIdle()
		}
	}
	s.cancelCtx()
	err := <-stdErr
	if errors.Is(err, context.DeadlineExceeded) {
		s.std.Close()
		err = nil
	}
	if serr := <-stdDone; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	if acceptErr != nil {
		return acceptErr
	}
	return err
}

func (s *h1Server) acceptLoop(ln net.Listener) error {
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.stopping.Load() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				// Out of file descriptors and the like: back off as
				// net/http does rather than spin.
				if delay == 0 {
					delay = 5 * time.Millisecond
				} else if delay *= 2; delay > time.Second {
					delay = time.Second
				}
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		sc := &h1ServerConn{srv: s, c: c}
		s.mu.Lock()
		if s.stopping.Load() {
			s.mu.Unlock()
			c.Close()
			continue
		}
		s.conns[sc] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go sc.serve()
	}
}

// adopt serves a connection the event loop moved here: out is the output the
// loop had not written yet.
func (s *h1Server) adopt(c net.Conn, out []byte) {
	sc := &h1ServerConn{srv: s, c: c}
	s.mu.Lock()
	s.conns[sc] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		if len(out) > 0 {
			if _, err := c.Write(out); err != nil {
				c.Close()
				s.forget(sc)
				return
			}
		}
		sc.serve()
	}()
}

func (s *h1Server) forget(sc *h1ServerConn) {
	s.mu.Lock()
	delete(s.conns, sc)
	s.mu.Unlock()
	s.wg.Done()
}

func (s *h1Server) closeIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sc := range s.conns {
		if sc.state.CompareAndSwap(connIdle, connClosing) {
			sc.c.Close()
		}
	}
}

func (s *h1Server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sc := range s.conns {
		sc.state.Store(connClosing)
		sc.c.Close()
	}
}

// Connection states: idle is waiting for the first byte of a request (safe to
// close at shutdown), active is reading or answering one.
const (
	connActive int32 = iota
	connIdle
	connClosing
)

type h1ServerConn struct {
	srv   *h1Server
	c     net.Conn
	br    *bufio.Reader
	bw    *bufio.Writer
	state atomic.Int32

	remote      string
	base        *http.Request
	unread      bool // a request body was left unread
	scratch     reqScratch
	deadlineSet time.Time // when the idle read deadline was last pushed out
	resp        response
}

var (
	serverReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, headBufSize) }}
	serverWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4<<10) }}
)

func (sc *h1ServerConn) serve() {
	s := sc.srv
	handedOff := false
	sc.br = serverReaders.Get().(*bufio.Reader)
	sc.br.Reset(sc.c)
	sc.bw = serverWriters.Get().(*bufio.Writer)
	sc.bw.Reset(sc.c)
	defer func() {
		if !handedOff {
			sc.closeConn()
			sc.br.Reset(nil)
			serverReaders.Put(sc.br)
		}
		sc.bw.Reset(nil)
		serverWriters.Put(sc.bw)
		s.forget(sc)
	}()
	sc.remote = sc.c.RemoteAddr().String()
	// Every request of the connection starts as a copy of base, which
	// carries the connection's context (WithContext would copy each
	// request once more).
	sc.base = (&http.Request{}).WithContext(context.WithValue(s.baseCtx, http.LocalAddrContextKey, sc.c.LocalAddr()))

	for {
		head, err := sc.readHead()
		if err != nil {
			return
		}
		var req *http.Request
		if head != nil {
			req = parseRequestHead(head, sc.base, &sc.scratch)
		}
		if req == nil {
			// Not ours to take: net/http reads this request (and the
			// rest of the connection) from the first unread byte.
			sc.state.Store(connActive)
			if sc.bw.Buffered() > 0 && sc.bw.Flush() != nil {
				return
			}
			handedOff = true
			s.handoffs.push(&replayConn{Conn: sc.c, r: sc.br})
			return
		}
		sc.br.Discard(len(head))
		if !sc.serveOne(req) {
			return
		}
	}
}

// rstAvoidance bounds how long a connection closed with unread input waits for
// the client to read the last response and close its side.
const rstAvoidance = 500 * time.Millisecond

// closeConn sends what is buffered and closes the connection. When the client
// may still be sending (unread input), closing at once would make the kernel
// answer with a reset that can destroy the response before the client reads
// it; so the write side is shut first and the input read away until the
// client closes or rstAvoidance passes (net/http waits in the same case).
func (sc *h1ServerConn) closeConn() {
	if sc.state.Load() != connClosing {
		sc.bw.Flush()
		if cw, ok := sc.c.(interface{ CloseWrite() error }); ok && (sc.br.Buffered() > 0 || sc.unread) {
			if cw.CloseWrite() == nil {
				sc.c.SetReadDeadline(time.Now().Add(rstAvoidance))
				io.Copy(io.Discard, io.LimitReader(sc.c, 4<<20))
			}
		}
	}
	sc.c.Close()
}

// readHead waits for a complete request head in the buffer and returns it
// (not consumed). It returns nil, nil when the head does not fit in the
// buffer, and an error when the connection ended or the server stops.
func (sc *h1ServerConn) readHead() ([]byte, error) {
	br := sc.br
	if br.Buffered() == 0 {
		// Between requests: the only moment the connection may be closed
		// by a shutdown.
		if !sc.state.CompareAndSwap(connActive, connIdle) {
			return nil, net.ErrClosed
		}
		if sc.srv.stopping.Load() {
			if sc.state.CompareAndSwap(connIdle, connClosing) {
				return nil, net.ErrClosed
			}
		}
		now := time.Now()
		if now.Sub(sc.deadlineSet) > time.Second {
			// An idle connection may wait idleTimeout for its next
			// request; the same deadline bounds reading the head.
			// Pushed out at most once a second: each call arms a timer.
			sc.deadlineSet = now
			sc.c.SetReadDeadline(now.Add(sc.srv.idleTimeout))
		}
		if _, err := br.Peek(1); err != nil {
			return nil, err
		}
		if !sc.state.CompareAndSwap(connIdle, connActive) {
			return nil, net.ErrClosed
		}
	}
	n := br.Buffered()
	for {
		b, _ := br.Peek(n)
		if end := headEnd(b); end > 0 {
			return b[:end], nil
		} else if end < 0 {
			return nil, nil // a bare LF: let net/http judge it
		}
		if n >= br.Size() {
			return nil, nil
		}
		if _, err := br.Peek(n + 1); err != nil {
			if n > 0 && !errors.Is(err, io.EOF) {
				return nil, err
			}
			if n > 0 {
				// A truncated head: net/http answers it as it would.
				return nil, nil
			}
			return nil, err
		}
		n = br.Buffered()
	}
}

// headEnd returns the length of the head (through its CRLF CRLF) in b, 0 when
// b holds no complete head yet, and -1 when a line ends with a bare LF.
func headEnd(b []byte) int {
	for i := 0; i < len(b); i++ {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return 0
		}
		i += j
		if i == 0 || b[i-1] != '\r' {
			return -1
		}
		if i >= 3 && b[i-2] == '\n' && b[i-3] == '\r' {
			return i + 1
		}
	}
	return 0
}

// serveOne runs the handler for one request and finishes its response. It
// reports whether the connection can carry another request.
func (sc *h1ServerConn) serveOne(req *http.Request) (keep bool) {
	var body *serverBody
	if req.ContentLength > 0 {
		body = &serverBody{r: sc.br, n: req.ContentLength}
		req.Body = body
		// A body may take longer than an idle wait; no read deadline for it.
		sc.c.SetReadDeadline(time.Time{})
		sc.deadlineSet = time.Time{}
	} else {
		req.Body = http.NoBody
	}
	req.RemoteAddr = sc.remote

	w := &sc.resp
	w.reset(sc, req, req.Close || sc.srv.stopping.Load())
	defer func() {
		if p := recover(); p != nil {
			keep = false
			w.abort = true
			if p != http.ErrAbortHandler {
				const size = 64 << 10
				buf := make([]byte, size)
				buf = buf[:runtime.Stack(buf, false)]
				log.Printf("http: panic serving %s: %v\n%s", sc.remote, p, buf)
			}
		}
		w.req = nil
	}()
	sc.srv.handler.ServeHTTP(w, req)
	if !w.finish() {
		return false
	}
	if body != nil && body.n > 0 {
		if body.n > maxDiscard || body.err != nil {
			sc.unread = body.err == nil
			return false
		}
		if _, err := sc.br.Discard(int(body.n)); err != nil {
			return false
		}
	}
	if w.closeAfter {
		return false
	}
	if sc.br.Buffered() == 0 {
		// Pipelined requests already buffered are answered first, so
		// their responses share one write.
		if sc.bw.Flush() != nil {
			return false
		}
	}
	return true
}

// serverBody is a request body of known length, read from the connection's
// buffer.
type serverBody struct {
	r   *bufio.Reader
	n   int64
	err error
}

func (b *serverBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		b.err = err
		return n, err
	}
	if b.n == 0 {
		return n, io.EOF
	}
	return n, nil
}

func (b *serverBody) Close() error { return nil }

// response is the ResponseWriter. The head is written when the length of the
// body is known: at WriteHeader when the handler set Content-Length (or the
// status has no body), else when the handler returns (with the length of what
// it wrote) or when it writes more than pendingMax or flushes (chunked).
type response struct {
	sc         *h1ServerConn
	req        *http.Request
	hdr        http.Header
	status     int
	wrote      bool // status decided
	sent       bool // head written
	chunked    bool
	noBody     bool  // HEAD request or a status without a body
	length     int64 // declared Content-Length, -1 when none
	written    int64
	pending    []byte
	closeAfter bool
	abort      bool
	// useDec: the header is dec's fields, not hdr (writeDecision).
	useDec bool
	dec    cors.Decision
	// keepZeroLength: a 204 still carries "Content-Length: 0" (ESP's
	// preflight answer, see zeroLength204).
	keepZeroLength bool
}

const pendingMax = 4 << 10

func (w *response) reset(sc *h1ServerConn, req *http.Request, closeAfter bool) {
	pending := w.pending[:0]
	hdr := w.hdr
	if hdr == nil {
		hdr = make(http.Header, 8)
	}
	*w = response{sc: sc, req: req, hdr: hdr, length: -1, pending: pending, closeAfter: closeAfter}
	// The handler owns the map for this request only (as with net/http, a
	// handler must not keep the ResponseWriter or its header after it
	// returns); reuse it, emptied, for the connection's next request.
	clear(w.hdr)
}

func (w *response) Header() http.Header { return w.hdr }

func (w *response) WriteHeader(code int) {
	if w.wrote || w.abort {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		// An informational response goes out at once with the current
		// header; the final response follows.
		w.writeStatusLine(code)
		w.writeFields(w.hdr, nil)
		w.sc.bw.WriteString("\r\n")
		w.sc.bw.Flush()
		return
	}
	w.wrote = true
	w.status = code
	if code == http.StatusNoContent || code == http.StatusNotModified || code < 200 || w.req.Method == http.MethodHead {
		w.noBody = true
	}
	cl := w.hdr["Content-Length"]
	if w.useDec {
		for _, f := range w.dec.Fields() {
			if f.Name == "Content-Length" {
				cl = []string{f.Value}
			}
		}
	}
	if len(cl) == 1 {
		if n, err := strconv.ParseInt(cl[0], 10, 64); err == nil && n >= 0 {
			w.length = n
		}
	}
	if vs := w.hdr["Connection"]; len(vs) > 0 {
		for _, v := range vs {
			if hasToken(v, "close") {
				w.closeAfter = true
			}
		}
	}
	if w.length >= 0 || w.noBody {
		w.sendHead()
	}
	// Otherwise the head waits for the length. Unlike net/http, the header
	// is not copied here: a change the handler makes after WriteHeader and
	// before its first body write would show (no handler here does that).
}

func (w *response) Write(p []byte) (int, error) {
	if w.abort {
		return 0, http.ErrHandlerTimeout
	}
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.noBody {
		if w.req.Method == http.MethodHead {
			return len(p), nil
		}
		return 0, http.ErrBodyNotAllowed
	}
	if w.length >= 0 {
		if w.written+int64(len(p)) > w.length {
			return 0, http.ErrContentLength
		}
		w.written += int64(len(p))
		return w.sc.bw.Write(p)
	}
	if !w.sent {
		if len(w.pending)+len(p) <= pendingMax {
			w.pending = append(w.pending, p...)
			w.written += int64(len(p))
			return len(p), nil
		}
		w.startChunked()
	}
	w.written += int64(len(p))
	return len(p), w.writeChunk(p)
}

// WriteString lets io.WriteString skip a conversion.
func (w *response) WriteString(s string) (int, error) {
	if w.abort {
		return 0, http.ErrHandlerTimeout
	}
	if w.sent && w.length >= 0 && !w.noBody && w.written+int64(len(s)) <= w.length {
		w.written += int64(len(s))
		return w.sc.bw.WriteString(s)
	}
	return w.Write([]byte(s))
}

// writeDecision answers with the decision's fields and status, as
// cors.WritePreflight does through the header map, without the map: the
// bytes written are the same. It reports false (and does nothing) when the
// handler has already set fields or a status.
func (w *response) writeDecision(d *cors.Decision) bool {
	if w.wrote || len(w.hdr) != 0 {
		return false
	}
	w.dec = *d
	w.useDec = true
	w.keepZeroLength = zeroLength204(d)
	w.WriteHeader(d.Status)
	return true
}

// zeroLength204 reports whether d is ESP v1's preflight answer, a 204 with
// the "Content-Length: 0" that ESP's nginx configuration adds with
// add_header (cloudendpoints/esp start_esp/nginx-auto.conf.template) and
// that nginx sends although a 204 has no body, unlike net/http, which drops
// it (seen with Debian's nginx 1.22, docs/serve.md; TestNginxAgrees).
func zeroLength204(d *cors.Decision) bool {
	if d.Status != http.StatusNoContent {
		return false
	}
	for _, f := range d.Fields() {
		if f.Name == "Content-Length" && f.Value == "0" {
			return true
		}
	}
	return false
}

// Flush sends what is buffered; a response of unknown length becomes chunked.
func (w *response) Flush() {
	if w.abort {
		return
	}
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if !w.sent {
		w.startChunked()
	}
	w.sc.bw.Flush()
}

func (w *response) startChunked() {
	w.chunked = true
	w.sendHead()
	if len(w.pending) > 0 {
		w.writeChunk(w.pending)
		w.pending = w.pending[:0]
	}
}

func (w *response) writeChunk(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	bw := w.sc.bw
	bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(len(p)), 16))
	bw.WriteString("\r\n")
	bw.Write(p)
	_, err := bw.WriteString("\r\n")
	return err
}

// finish completes the response after the handler returned; false means the
// connection must be closed (the body is shorter than declared, or writing
// failed).
func (w *response) finish() bool {
	if w.abort {
		return false
	}
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	bw := w.sc.bw
	if !w.sent && !w.noBody && w.hasTrailers() {
		// Trailers need the chunked encoding, as with net/http.
		w.startChunked()
	}
	if !w.sent {
		// The handler is done: the length is what it wrote.
		w.sendHead()
		bw.Write(w.pending)
		w.pending = w.pending[:0]
	}
	if w.chunked {
		bw.WriteString("0\r\n")
		w.writeTrailers()
		bw.WriteString("\r\n")
	}
	if len(w.pending) > cap(w.pending)/2 && cap(w.pending) > pendingMax {
		w.pending = nil
	}
	if !w.noBody && w.length >= 0 && w.written < w.length {
		// Shorter than declared: the client would wait for the rest.
		bw.Flush()
		return false
	}
	return true
}

func (w *response) hasTrailers() bool {
	if len(w.hdr["Trailer"]) > 0 {
		return true
	}
	for k := range w.hdr {
		if len(k) > len(http.TrailerPrefix) && k[:len(http.TrailerPrefix)] == http.TrailerPrefix {
			return true
		}
	}
	return false
}

func (w *response) writeStatusLine(code int) {
	bw := w.sc.bw
	if line, ok := statusLines[code]; ok {
		bw.WriteString(line)
		return
	}
	bw.WriteString("HTTP/1.1 ")
	bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(code), 10))
	bw.WriteByte(' ')
	if text := http.StatusText(code); text != "" {
		bw.WriteString(text)
	} else {
		bw.WriteString("status code ")
		bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(code), 10))
	}
	bw.WriteString("\r\n")
}

var statusLines = func() map[int]string {
	m := map[int]string{}
	for _, c := range []int{200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 409,
		413, 415, 429, 431, 499, 500, 502, 503, 504} {
		m[c] = "HTTP/1.1 " + strconv.Itoa(c) + " " + http.StatusText(c) + "\r\n"
	}
	m[499] = "HTTP/1.1 499 status code 499\r\n"
	return m
}()

// sendHead writes the status line and header fields, framing the body.
func (w *response) sendHead() {
	w.sent = true
	hdr := w.hdr
	bw := w.sc.bw
	w.writeStatusLine(w.status)
	w.writeFields(hdr, skipFraming)
	switch {
	case w.noBody:
		// A HEAD response keeps the length the handler declared; 204 and
		// 304 and 1xx have no body and no length of their own.
		if w.req.Method == http.MethodHead && w.status != http.StatusNoContent && w.status != http.StatusNotModified {
			if v := hdr["Content-Length"]; len(v) > 0 {
				writeField(bw, "Content-Length", v[0])
			}
		} else if w.status == http.StatusNotModified {
			if v := hdr["Content-Length"]; len(v) > 0 {
				writeField(bw, "Content-Length", v[0])
			}
		} else if w.keepZeroLength && w.status == http.StatusNoContent {
			bw.WriteString("Content-Length: 0\r\n")
		}
	case w.length >= 0:
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(bw.AvailableBuffer(), w.length, 10))
		bw.WriteString("\r\n")
	case w.chunked:
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	default:
		w.length = int64(len(w.pending))
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(bw.AvailableBuffer(), w.length, 10))
		bw.WriteString("\r\n")
	}
	if _, ok := hdr["Date"]; !ok {
		bw.Write(dateField())
	}
	if w.sc.srv.stopping.Load() {
		// Shutting down: this is the connection's last response.
		w.closeAfter = true
	}
	if w.closeAfter {
		if !hasConnectionClose(hdr) {
			bw.WriteString("Connection: close\r\n")
		}
	}
	bw.WriteString("\r\n")
}

func hasConnectionClose(h http.Header) bool {
	for _, v := range h["Connection"] {
		if hasToken(v, "close") {
			return true
		}
	}
	return false
}

// skipFraming: the fields the server writes itself.
func skipFraming(k string) bool {
	return k == "Content-Length" || k == "Transfer-Encoding"
}

// writeFields writes every field of h except those skip names and those that
// announce trailers by prefix; names that are not valid tokens are dropped and
// CR or LF in values become spaces, as net/http does.
//
// Fields are written in name order, as net/http does, so the same response
// always reads the same (curl output, golden files).
func (w *response) writeFields(h http.Header, skip func(string) bool) {
	bw := w.sc.bw
	if w.useDec {
		w.writeDecFields(skip)
		return
	}
	var stack [32]string
	keys := stack[:0]
	for k := range h {
		if skip != nil && skip(k) {
			continue
		}
		if len(k) > len(http.TrailerPrefix) && k[:len(http.TrailerPrefix)] == http.TrailerPrefix {
			continue
		}
		if !validFieldName(k) {
			continue
		}
		keys = append(keys, k)
	}
	// Insertion sort: a response has a handful of fields, and sort.Strings
	// would move the keys to the heap.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	for _, k := range keys {
		for _, v := range h[k] {
			writeField(bw, k, v)
		}
	}
}

// writeDecFields is writeFields for the fields of w.dec, with the same
// rules (name order, skipped and invalid names).
func (w *response) writeDecFields(skip func(string) bool) {
	var stack [cors.MaxFields]cors.Field
	fs := stack[:0]
	for _, f := range w.dec.Fields() {
		if skip != nil && skip(f.Name) || !validFieldName(f.Name) {
			continue
		}
		fs = append(fs, f)
	}
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Name < fs[j-1].Name; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
	for i := range fs {
		writeField(w.sc.bw, fs[i].Name, fs[i].Value)
	}
}

func writeField(bw *bufio.Writer, k, v string) {
	bw.WriteString(k)
	bw.WriteString(": ")
	start := 0
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '\r' || c == '\n' {
			bw.WriteString(v[start:i])
			bw.WriteByte(' ')
			start = i + 1
		}
	}
	bw.WriteString(v[start:])
	bw.WriteString("\r\n")
}

// writeTrailers writes the trailer fields of a chunked response: the names
// announced in the Trailer field, and those set with http.TrailerPrefix.
func (w *response) writeTrailers() {
	hdr := w.hdr
	announced := w.hdr["Trailer"]
	bw := w.sc.bw
	for _, list := range announced {
		for _, name := range splitList(list) {
			k := http.CanonicalHeaderKey(name)
			if k == "Content-Length" || k == "Transfer-Encoding" || k == "Trailer" || !validFieldName(k) {
				continue
			}
			for _, v := range hdr[k] {
				writeField(bw, k, v)
			}
		}
	}
	for k, vs := range hdr {
		if len(k) > len(http.TrailerPrefix) && k[:len(http.TrailerPrefix)] == http.TrailerPrefix {
			name := k[len(http.TrailerPrefix):]
			if !validFieldName(name) {
				continue
			}
			for _, v := range vs {
				writeField(bw, name, v)
			}
		}
	}
}

func splitList(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != ',' {
			i++
		}
		if f := trimOWS(s[:i]); f != "" {
			out = append(out, f)
		}
		if i == len(s) {
			break
		}
		s = s[i+1:]
	}
	return out
}

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// hasToken reports whether the comma-separated list v holds token
// (case-insensitively).
func hasToken(v, token string) bool {
	for _, f := range splitList(v) {
		if strings.EqualFold(f, token) {
			return true
		}
	}
	return false
}

// The Date field, formatted once a second.
var dateCache atomic.Pointer[dateLine]

type dateLine struct {
	sec  int64
	line []byte
}

func dateField() []byte {
	now := time.Now()
	sec := now.Unix()
	if d := dateCache.Load(); d != nil && d.sec == sec {
		return d.line
	}
	d := &dateLine{sec: sec, line: now.UTC().AppendFormat([]byte("Date: "), http.TimeFormat)}
	d.line = append(d.line, "\r\n"...)
	dateCache.Store(d)
	return d.line
}

// parseRequestHead parses a complete HTTP/1.1 request head (request line,
// fields, empty line; CRLF line ends) into a request, or returns nil when the
// head is one the server hands to net/http: anything malformed or unusual
// (see h1Server). Field names are canonicalised as net/http does; all values
// share one string allocation.
//
// base, when not nil, is copied into the new request (it carries the
// connection's context). scr, when not nil, is the connection's memory for
// the request, its URL and header, reused from one request to the next: the
// handler must not keep the request after it returns (Handler does not;
// ReverseProxy sends a deep copy). With it, a request costs one allocation.
func parseRequestHead(head []byte, base *http.Request, scr *reqScratch) *http.Request {
	eol, sp1, sp2, ok := parseRequestLine(head)
	if !ok {
		return nil
	}
	method := head[:sp1]

	// Count the fields to size the header map and the value slices.
	fields := 0
	if eol+2 < len(head)-2 {
		fields = bytes.Count(head[eol+2:len(head)-2], newline)
	}
	all := string(head) // one allocation for every string of the request
	if scr == nil {
		scr = new(reqScratch)
	}
	ru := &scr.ru
	req := &ru.req
	if base != nil {
		*req = *base
	} else {
		*req = http.Request{}
	}
	ru.url = url.URL{}
	req.Method = internMethod(method, all[:sp1])
	req.RequestURI = all[sp1+1 : sp1+1+sp2]
	req.Proto, req.ProtoMajor, req.ProtoMinor = "HTTP/1.1", 1, 1
	if scr.hdr == nil {
		scr.hdr = make(http.Header, fields)
	} else {
		clear(scr.hdr)
	}
	req.Header = scr.hdr
	if cap(scr.vals) < fields {
		scr.vals = make([]string, fields)
	}
	values := scr.vals[:fields]
	nv := 0
	hostSeen := false
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
		case "Host":
			if hostSeen {
				return nil // net/http refuses repeated Host
			}
			hostSeen = true
			req.Host = value
			continue // net/http keeps Host out of Header
		case "Content-Length":
			if clSeen {
				return nil
			}
			clSeen = true
			n, ok := parseLength(value)
			if !ok {
				return nil
			}
			req.ContentLength = n
		case "Transfer-Encoding", "Expect", "Upgrade":
			// Body encodings, 100-continue and protocol switches: left to net/http.
			return nil
		case "Connection":
			if hasToken(value, "close") {
				req.Close = true
			}
			if hasToken(value, "upgrade") {
				return nil
			}
		}
		nv = addField(req.Header, values, nv, key, value)
	}
	if !hostSeen || !validHost(req.Host) {
		return nil
	}
	if !simpleTarget(&ru.url, req.RequestURI) {
		u, err := url.ParseRequestURI(req.RequestURI)
		if err != nil {
			return nil
		}
		ru.url = *u
	}
	req.URL = &ru.url
	// As net/http: "Pragma: no-cache" without Cache-Control implies
	// "Cache-Control: no-cache" (RFC 7234 section 5.4).
	if p, ok := req.Header["Pragma"]; ok && len(p) > 0 && p[0] == "no-cache" {
		if _, ok := req.Header["Cache-Control"]; !ok {
			req.Header["Cache-Control"] = []string{"no-cache"}
		}
	}
	return req
}

type requestAndURL struct {
	req http.Request
	url url.URL
}

// reqScratch is a connection's reusable request memory.
type reqScratch struct {
	ru   requestAndURL
	hdr  http.Header
	vals []string
}

// simpleTarget fills u for an origin-form target made only of unreserved
// characters, '/' and sub-delims (no '%', no '#', at most one '?' before a
// query of the same characters plus '/' and '?'), which url.ParseRequestURI
// would parse to exactly Path and RawQuery. Anything else returns false.
func simpleTarget(u *url.URL, t string) bool {
	q := -1
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '?' && q < 0 {
			q = i
			continue
		}
		if !pathChar[c] && !(q >= 0 && c == '?') {
			return false
		}
	}
	if q < 0 {
		u.Path = t
		return true
	}
	u.Path, u.RawQuery = t[:q], t[q+1:]
	u.ForceQuery = q == len(t)-1
	return true
}

// pathChar: the characters url.ParseRequestURI keeps as they are in Path
// without setting RawPath (letters, digits, "-._~" and the reserved
// characters it does not escape in a path; '!', '\”, '(', ')' and '*' are
// not among them).
var pathChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "-._~$&+,;=:@/" {
		t[c] = true
	}
	return t
}()

var newline = []byte{'\n'}

// parseRequestLine checks "method SP request-target SP HTTP/1.1 CRLF" at the
// start of head: the method is head[:sp1], the target head[sp1+1:sp1+1+sp2],
// and the fields start at eol+2.
func parseRequestLine(head []byte) (eol, sp1, sp2 int, ok bool) {
	eol = indexCRLF(head)
	if eol <= 0 {
		return 0, 0, 0, false
	}
	line := head[:eol]
	sp1 = indexByte(line, ' ')
	if sp1 <= 0 {
		return 0, 0, 0, false
	}
	rest := line[sp1+1:]
	sp2 = indexByte(rest, ' ')
	if sp2 <= 0 || string(rest[sp2+1:]) != "HTTP/1.1" {
		return 0, 0, 0, false
	}
	method, target := line[:sp1], rest[:sp2]
	for _, c := range method {
		if !isTokenChar(c) {
			return 0, 0, 0, false
		}
	}
	if target[0] != '/' {
		return 0, 0, 0, false
	}
	for _, c := range target {
		if c <= ' ' || c >= 0x7f {
			return 0, 0, 0, false
		}
	}
	return eol, sp1, sp2, true
}

// headerPNA is Private Network Access's preflight request field, which the
// checker's judgement of a preflight depends on.
const headerPNA = "Access-Control-Request-Private-Network"

// viewRawHead fills v from a complete request head without building an
// http.Request, for the event loop's preflight path. It reports false for
// every head it is not sure to read exactly as parseRequestHead + viewOf
// would (then the request takes the full path): anything parseRequestHead
// refuses, a target that is not plain path characters, Content-Length,
// Pragma or X-HTTP-Method-Override fields, Connection: close or upgrade,
// repeated Origin or Access-Control-Request-* fields. One allocation: the
// head as a string (and the normalised path, for the rare path ESPv2
// normalises).
func viewRawHead(head []byte, v *reqView) bool {
	eol, sp1, sp2, ok := parseRequestLine(head)
	if !ok {
		return false
	}
	all := string(head)
	v.method = internMethod(head[:sp1], all[:sp1])
	target := all[sp1+1 : sp1+1+sp2]
	var u url.URL
	if !simpleTarget(&u, target) || u.RawPath != "" {
		return false
	}
	v.path, v.fragment = u.Path, false // a simple target has no '%' and no '#'
	v.override, v.overrideOK = "", false
	v.originOK, v.acrmOK, v.acrhOK, v.pnaOK, v.cookie = false, false, false, false, false
	v.origin, v.acrm, v.acrh, v.pna = "", "", "", ""
	n := len(v.method) + len(target)
	hostSeen := false
	var nameBuf [64]byte
	for pos := eol + 2; ; {
		key, value, next, end, ok := nextField(head, all, pos, nameBuf[:0])
		if !ok {
			return false
		}
		if end {
			break
		}
		pos = next
		switch key {
		case "Host":
			if hostSeen || !validHost(value) {
				return false
			}
			hostSeen = true
		case "Content-Length", "Transfer-Encoding", "Expect", "Upgrade", "Pragma", headerMethodOverride:
			// A method override changes the request the proxies route; the
			// full path handles it.
			return false
		case "Connection":
			// Browsers send "Connection: keep-alive"; close and upgrade
			// change the answer or the connection, so they take the full
			// path.
			if hasToken(value, "close") || hasToken(value, "upgrade") {
				return false
			}
		case cors.HeaderOrigin:
			if v.originOK {
				return false
			}
			v.origin, v.originOK = value, true
		case cors.HeaderACRM:
			if v.acrmOK {
				return false
			}
			v.acrm, v.acrmOK = value, true
		case cors.HeaderACRH:
			if v.acrhOK {
				return false
			}
			v.acrh, v.acrhOK = value, true
		case headerPNA:
			if v.pnaOK {
				return false
			}
			v.pna, v.pnaOK = value, true
		case "Cookie":
			v.cookie = true
		}
		n += len(value)
		if key != "Host" {
			n += len(key)
		}
	}
	if !hostSeen {
		return false
	}
	v.headerBytes = n
	return true
}

// addField adds a parsed field to h: a first value takes the next slot of
// values (one backing array for the whole head; capped so that a later
// append copies instead of overwriting a neighbour), a repeated field keeps
// every value in order. It returns the next free slot.
func addField(h http.Header, values []string, nv int, key, value string) int {
	if prev, ok := h[key]; ok {
		h[key] = append(prev, value)
		return nv
	}
	values[nv] = value
	h[key] = values[nv : nv+1 : nv+1]
	return nv + 1
}

// nextField parses the field line at pos in a complete head (all is the head
// as a string): the canonical name, the value without surrounding blanks
// (a substring of all), and where the next line starts. end reports the
// empty line that closes the head; ok is false for a line the lean parsers
// leave to net/http: obsolete line folding, no colon, a name that is not a
// token, control characters in the value.
func nextField(head []byte, all string, pos int, nameBuf []byte) (key, value string, next int, end, ok bool) {
	e := indexCRLF(head[pos:])
	if e < 0 {
		return "", "", 0, false, false
	}
	if e == 0 {
		return "", "", pos + 2, true, true
	}
	fl := head[pos : pos+e]
	if fl[0] == ' ' || fl[0] == '\t' {
		return "", "", 0, false, false // obsolete line folding
	}
	colon := indexByte(fl, ':')
	if colon <= 0 {
		return "", "", 0, false, false
	}
	name := fl[:colon]
	for _, c := range name {
		if !isTokenChar(c) {
			return "", "", 0, false, false
		}
	}
	vs, ve := colon+1, len(fl)
	for vs < ve && (fl[vs] == ' ' || fl[vs] == '\t') {
		vs++
	}
	for ve > vs && (fl[ve-1] == ' ' || fl[ve-1] == '\t') {
		ve--
	}
	for _, c := range fl[vs:ve] {
		if c < ' ' && c != '\t' || c == 0x7f {
			return "", "", 0, false, false
		}
	}
	return canonicalName(name, all[pos:pos+colon], nameBuf), all[pos+vs : pos+ve], pos + e + 2, false, true
}

func parseLength(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func validHost(h string) bool {
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_' || c == '%':
		default:
			return false
		}
	}
	return true
}

func indexCRLF(b []byte) int {
	for i := 1; i < len(b); i++ {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		i += j
		if b[i-1] == '\r' {
			return i - 1
		}
	}
	return -1
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func internMethod(b []byte, s string) string {
	switch string(b) {
	case "GET":
		return http.MethodGet
	case "OPTIONS":
		return http.MethodOptions
	case "POST":
		return http.MethodPost
	case "PUT":
		return http.MethodPut
	case "DELETE":
		return http.MethodDelete
	case "PATCH":
		return http.MethodPatch
	case "HEAD":
		return http.MethodHead
	}
	return s
}

// canonicalName returns net/http's canonical form of a field name: the
// interned string for common names, the original substring when it is
// already canonical, a new string otherwise.
func canonicalName(name []byte, orig string, buf []byte) string {
	upper := true
	canonical := true
	buf = buf[:0]
	for _, c := range name {
		d := c
		if upper && 'a' <= c && c <= 'z' {
			d = c - ('a' - 'A')
		} else if !upper && 'A' <= c && c <= 'Z' {
			d = c + ('a' - 'A')
		}
		if d != c {
			canonical = false
		}
		buf = append(buf, d)
		upper = c == '-'
	}
	if s, ok := commonFieldNames[string(buf)]; ok {
		return s
	}
	if canonical {
		return orig
	}
	return string(buf)
}

var commonFieldNames = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"Accept", "Accept-Encoding", "Accept-Language", "Access-Control-Request-Method",
		"Access-Control-Request-Headers", "Authorization", "Cache-Control", "Connection", "Content-Length",
		"Content-Type", "Cookie", "Host", "If-Modified-Since", "If-None-Match", "Origin", "Pragma", "Referer",
		"Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site", "User-Agent", "X-Forwarded-For",
		"X-Forwarded-Host", "X-Forwarded-Proto", "X-Requested-With", "Transfer-Encoding", "Expect", "Upgrade",
		"Te", "Http2-Settings", "Sec-Ch-Ua", "Sec-Ch-Ua-Mobile", "Sec-Ch-Ua-Platform", "Priority", "Dnt"} {
		m[k] = k
	}
	return m
}()

func isTokenChar(c byte) bool {
	return c < 0x80 && tokenChars[c]
}

var tokenChars = func() (t [128]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

func validFieldName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !isTokenChar(k[i]) {
			return false
		}
	}
	return true
}

// replayConn is a connection handed to net/http: its reads start with what
// the server had already buffered.
type replayConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *replayConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// chanListener feeds handed-off connections to net/http's server.
type chanListener struct {
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
	addr net.Addr
}

func newChanListener() *chanListener {
	return &chanListener{ch: make(chan net.Conn), done: make(chan struct{}),
		addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}}
}

func (l *chanListener) push(c net.Conn) {
	select {
	case l.ch <- c:
	case <-l.done:
		c.Close()
	}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }
