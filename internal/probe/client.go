package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// Response limits: probe reads at most maxBodyRead bytes of a body (the rest
// is dropped with the connection) and keeps bodyKeep of them for messages;
// response headers over maxHeaderBytes are an error.
const (
	maxBodyRead    = 64 << 10
	bodyKeep       = 512
	maxHeaderBytes = 1 << 20
)

// newClient is the HTTP client probe sends with: no proxy from the
// environment, bounded dials and handshakes, at most conns connections per
// host, no transparent decompression, and redirects returned, not followed.
func newClient(conns int, timeout time.Duration, roots *x509.CertPool) *http.Client {
	dial := min(timeout, 10*time.Second)
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            (&net.Dialer{Timeout: dial, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:        &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    dial,
		ResponseHeaderTimeout:  timeout,
		MaxIdleConns:           conns,
		MaxIdleConnsPerHost:    conns,
		MaxConnsPerHost:        conns,
		IdleConnTimeout:        30 * time.Second,
		MaxResponseHeaderBytes: maxHeaderBytes,
		DisableCompression:     true,
		ForceAttemptHTTP2:      true,
	}
	return &http.Client{
		Transport: tr,
		// A browser follows redirects of actual requests and fails
		// redirected preflights; probe reports them instead.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// answer is what came back for one request.
type answer struct {
	status int
	header http.Header
	body   []byte // the first bodyKeep bytes
}

// errorClass sorts request failures: only connection errors are retried,
// and a TLS failure or an unreachable host ends the run early.
type errorClass int

const (
	errOther       errorClass = iota
	errConnect                // the connection could not be made (retried)
	errClosed                 // the server closed or reset it before answering (retried)
	errTLS                    // certificate or handshake failure
	errTimeout                // no answer within --timeout
	errDeadline               // the run's --deadline passed
	errTooLarge               // response headers over the limit
	errBadResponse            // not HTTP
)

func (c errorClass) retry() bool { return c == errConnect || c == errClosed }

// requestError is a failed request, with a message that says what happened
// in words.
type requestError struct {
	class errorClass
	msg   string
	err   error
}

func (e *requestError) Error() string { return e.msg }
func (e *requestError) Unwrap() error { return e.err }

// classify turns a client error into a requestError.
func classify(err error, runCtx context.Context, timeout time.Duration) *requestError {
	var (
		opErr   *net.OpError
		certErr *tls.CertificateVerificationError
		unkCA   x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invErr  x509.CertificateInvalidError
		recErr  tls.RecordHeaderError
		alert   tls.AlertError
	)
	msg := err.Error()
	switch {
	case runCtx.Err() != nil:
		return &requestError{errDeadline, stopped(runCtx, "not answered"), err}
	case strings.Contains(msg, "server gave HTTP response to HTTPS client"):
		return &requestError{errTLS, "TLS: the server answered in plain HTTP (BASE_URL should start with http://)", err}
	case errors.As(err, &certErr), errors.As(err, &unkCA), errors.As(err, &hostErr), errors.As(err, &invErr),
		errors.As(err, &recErr), errors.As(err, &alert), strings.Contains(msg, "tls: "):
		return &requestError{errTLS, "TLS: " + tlsReason(err), err}
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return &requestError{errConnect, "cannot connect: " + opErr.Err.Error(), err}
	case isTimeout(err):
		return &requestError{errTimeout, fmt.Sprintf("no answer within %s (--timeout)", timeout), err}
	case strings.Contains(msg, "exceeded") && strings.Contains(msg, "header"):
		return &requestError{errTooLarge, fmt.Sprintf("the response headers are larger than %d bytes", maxHeaderBytes), err}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), strings.Contains(msg, "server closed"), strings.Contains(msg, "connection reset"):
		return &requestError{errClosed, "the server closed the connection without answering", err}
	case strings.Contains(msg, "malformed HTTP") || strings.Contains(msg, "HTTP/1.x transport connection broken"):
		return &requestError{errBadResponse, "the answer is not HTTP: " + msg, err}
	}
	return &requestError{errOther, msg, err}
}

// stopped says why the run stopped before a request was done: its deadline,
// or an interruption (Ctrl-C).
func stopped(runCtx context.Context, what string) string {
	if errors.Is(runCtx.Err(), context.DeadlineExceeded) {
		return what + " before the run's deadline (--deadline)"
	}
	return what + ": the run was interrupted"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// tlsReason is the innermost message of a TLS failure, without Go's
// request prefix.
func tlsReason(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		if _, ok := next.(*net.OpError); ok {
			return err.Error()
		}
		err = next
	}
}

// do sends one request and reads its answer (bounded: see maxBodyRead).
func do(ctx context.Context, client *http.Client, method, url string, header http.Header, timeout time.Duration) (*answer, error) {
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, method, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header = header.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	a := &answer{status: resp.StatusCode, header: resp.Header}
	// The head decides what the browser's CORS check sees; a body cut short
	// or slow (bounded by the timeout) changes nothing, so read errors are
	// not failures.
	buf := make([]byte, bodyKeep)
	n, _ := io.ReadFull(resp.Body, buf)
	a.body = buf[:n]
	if n == bodyKeep {
		// Read on to let the connection be reused, up to the limit; a
		// larger body is dropped with its connection.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBodyRead-bodyKeep))
	}
	return a, nil
}
