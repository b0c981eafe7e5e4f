package proxy

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
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
		resp, err := t.exchange(ctx, pc, req)
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

func (t *h1Transport) exchange(ctx context.Context, pc *h1Conn, req *http.Request) (*http.Response, error) {
	// A cancelled request (the client went away) unblocks the read at once.
	stop := context.AfterFunc(ctx, func() { pc.c.SetDeadline(time.Unix(1, 0)) })
	pc.c.SetReadDeadline(time.Now().Add(t.timeout))
	if err := req.Write(pc.bw); err != nil {
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
		resp, err = http.ReadResponse(pc.br, req)
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
