// Package proxy is corsgate serve's reverse proxy: ESPv2's route table and
// CORS filter (or ESP v1's nginx CORS block and routing) in front of a backend,
// built on the cors engine. Behaviour follows the ESPv2 and ESP sources as
// summarised in the esp-v2-cors reference (sections 1.3-1.8 and 2.2-2.4); each
// rule cites its source.
package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/corsgate/corsgate/cors"
)

// MaxRequestHeaderBytes is Envoy's default max_request_headers_kb (60 KiB):
// larger request headers get 431 before any filter runs.
const MaxRequestHeaderBytes = 60 * 1024

// IsMethodNotAllowed reports whether msg is ESPv2's 405 message (msgMethodFmt,
// whatever the url template): for recognising the proxy's answers.
func IsMethodNotAllowed(msg string) bool {
	prefix, suffix, _ := strings.Cut(msgMethodFmt, `"%s"`)
	rest, ok := strings.CutPrefix(msg, prefix)
	return ok && len(rest) > len(suffix)+1 && rest[0] == '"' && strings.HasSuffix(rest, `"`+suffix)
}

// BackendTimeout is ESPv2's default backend deadline (15 s,
// DefaultResponseDeadline); Envoy answers 504 "upstream request timeout".
const BackendTimeout = 15 * time.Second

// ESPv2 direct-response texts (esp-v2 routegen/direct_response_cors.go,
// deny_invalid_method.go, deny_all.go).
const (
	MsgPreflightMissing = "The CORS preflight request is missing one (or more) of the following required headers [Origin, Access-Control-Request-Method] or has an unmatched Origin header."
	MsgNotDefined       = "The current request is not defined by this API."
	msgMethodFmt        = "The current request is matched to the defined url template \"%s\" but its http method is not allowed"
	// Envoy router local replies for upstream failures. The exact texts of
	// Envoy v1.30.7 were not verified; these are the ones ESPv2 users report.
	MsgUpstreamConnect = "upstream connect error or disconnect/reset before headers. reset reason: connection failure"
	MsgUpstreamReset   = "upstream connect error or disconnect/reset before headers. reset reason: connection termination"
	MsgUpstreamTimeout = "upstream request timeout"
	MsgUpstreamBad     = "upstream connect error or disconnect/reset before headers. reset reason: protocol error"
	// MsgHeadersTooLarge: UNVERIFIED; Envoy's codec rejects the request with
	// 431 and ESPv2's local_reply_config wraps it as JSON. We chose the HTTP
	// status text as the message.
	MsgHeadersTooLarge = "Request Header Fields Too Large"
	// MsgBadPath is the message of Envoy's 400 for a path it rejects before
	// routing (a '#', or an escaped NUL): its local reply has no body text
	// (see pathnorm.go).
	MsgBadPath = ""
)

// headerMethodOverride is X-HTTP-Method-Override in Go's canonical form.
// ESPv2's header sanitizer, the first HTTP filter, replaces the method with
// its first value and removes it; the route is then chosen again, and the
// CORS filter sees the new method (esp-v2 v2.55.7
// src/envoy/http/header_sanitizer/filter.cc, src/envoy/utils/http_header_utils.cc
// handleHttpMethodOverride; src/go/configgenerator/filter_generator.go for
// the order). ESP v1 routes and checks with it too, but forwards the
// request unchanged (cloudendpoints/esp src/api_manager/context/request_context.cc,
// GetRequestHTTPMethodWithOverride).
const headerMethodOverride = "X-Http-Method-Override"

// ESP v1 texts (cloudendpoints/esp src/api_manager/check_service_control.cc,
// src/nginx/t/cors_disabled.t).
const (
	MsgESPNoCORS     = "The service does not allow CORS traffic."
	MsgESPNoSuchCall = "Method does not exist."
)

// Record is what the proxy did with one request; the Observer gets it when the
// response is complete. Headers are the live maps: read them during the call,
// copy what you keep.
type Record struct {
	Start    time.Time
	Duration time.Duration
	Method   string
	// Path is the request path; Query the raw query.
	Path, Query string
	Host        string
	// RequestHeader is the request as received.
	RequestHeader http.Header
	Status        int
	// ResponseHeader is the final response header, as the client sees it.
	ResponseHeader http.Header
	// BackendReached: the request was sent to the backend (and a response or
	// an error came back).
	BackendReached bool
	// BackendHeader holds the Access-Control-* headers the backend itself
	// sent (nil when the backend was not reached or sent none).
	BackendHeader http.Header
	// Route names what answered: "operation", "allowCors", "preflight-route",
	// "cors-preflight" (the CORS filter or nginx answered), "cors-fallback-400",
	// "method-not-allowed-405", "not-defined-404", "path-rejected-400",
	// "esp-no-cors-403", "esp-not-found-404", "esp-bad-request-400",
	// "headers-too-large-431", "jwt-rejected", "api-key-rejected".
	Route string
	// ProxyMade: the proxy made the response itself (a preflight answer, a
	// direct reply, an upstream failure), not the backend.
	ProxyMade bool
	// Body holds the first bytes (at most RecordBodyMax) of a response the
	// proxy made or of one with an error status (400 and above); nil for
	// other responses. Like the headers, it is valid during the call only.
	Body []byte
}

// RecordBodyMax is how much of a response body a Record keeps.
const RecordBodyMax = 512

// PreflightRecord is what ObservePreflight gets for an allowed preflight:
// the request fields its judgement depends on, as they were received (each
// field at most once: a head that repeats one takes the full path), and the
// status of the answer. The rest of the exchange is a function of these and
// the policy, so an observer that has seen the full Record of an identical
// preflight knows everything about this one.
type PreflightRecord struct {
	Method, Path string
	// Origin and ACRM are the Origin and Access-Control-Request-Method
	// values (a preflight has both).
	Origin, ACRM string
	// ACRH is the Access-Control-Request-Headers value, if HasACRH.
	ACRH    string
	HasACRH bool
	// PrivateNetwork is the Access-Control-Request-Private-Network value,
	// if HasPrivateNetwork.
	PrivateNetwork    string
	HasPrivateNetwork bool
	// Cookie reports a Cookie field in the request.
	Cookie bool
	Status int
}

// Options configure a Handler.
type Options struct {
	// Engine is the compiled CORS policy (its Proxy picks ESPv2 or ESP v1).
	Engine *cors.Engine
	// Table is the API surface from the spec.
	Table *Table
	// Backend is the backend's base URL; nil uses Mock.
	Backend *url.URL
	// Mock answers instead of a network backend when Backend is nil.
	Mock http.Handler
	// Observe, when set, is called once per request after the response.
	Observe func(*Record)
	// ObservePreflight, when set together with Observe, is offered each
	// allowed preflight the event loop answers from its raw head, before the
	// answer is written: returning true means it has dealt with the request
	// and Observe is not called for it; false sends the request down the
	// full path, where Observe gets the whole Record. It is called from one
	// goroutine at a time (the loop's).
	ObservePreflight func(*PreflightRecord) bool
	// Transport overrides the tuned default transport (tests).
	Transport http.RoundTripper
	// StdTransport uses net/http.Transport for plain-http backends too,
	// instead of the lighter same-goroutine HTTP/1.1 transport.
	StdTransport bool
	// StdForward sends every request through httputil.ReverseProxy instead
	// of forwarding bodiless requests directly (for comparison and tests).
	StdForward bool
	// BackendTimeout bounds the wait for the backend's response headers
	// (default BackendTimeout, ESPv2's 15 s deadline).
	BackendTimeout time.Duration
	// Auth configures the credential checks of operations that require
	// them (the zero value: any non-empty API key, no signature check).
	Auth AuthOptions
}

// Handler is the proxy. It is safe for concurrent use.
type Handler struct {
	engine *cors.Engine
	esp    bool
	table  *Table
	rp     *httputil.ReverseProxy
	mock   http.Handler
	// h1 is set when requests can be forwarded directly (forwardH1): a
	// plain-http backend without a path or query, the lean transport.
	h1         *h1Transport
	targetHost string
	keepHost   bool
	observe    func(*Record)
	observePF  func(*PreflightRecord) bool

	// Credential checks (see auth_check.go).
	apiKeys    map[string]bool // nil: any non-empty key
	jwks       *JWKS
	now        func() time.Time
	authBodies *authBodies

	// Precomputed direct-response bodies.
	body400, body404, body431, bodyBadPath []byte
	body405                                map[*Template][]byte
	espBody403, espBody404, espBody400     []byte
}

// New builds a Handler.
func New(o Options) (*Handler, error) {
	if o.Engine == nil || o.Table == nil {
		return nil, errors.New("proxy: Engine and Table are required")
	}
	if o.Backend == nil && o.Mock == nil {
		return nil, errors.New("proxy: a Backend URL or a Mock handler is required")
	}
	h := &Handler{
		engine:  o.Engine,
		esp:     o.Engine.Proxy() == cors.ESP,
		table:   o.Table,
		mock:    o.Mock,
		observe: o.Observe,
		body400: jsonBody(400, MsgPreflightMissing),
		body404: jsonBody(404, MsgNotDefined),
		body431: jsonBody(431, MsgHeadersTooLarge),
		body405: map[*Template][]byte{},
		// Envoy's local reply for a rejected path, through ESPv2's JSON
		// local_reply_config.
		bodyBadPath: jsonBody(400, MsgBadPath),
		espBody400:  nginxErrorPage(http.StatusBadRequest),
		// ESP v1 writes google.rpc.Status JSON: code is the RPC code
		// (7 PERMISSION_DENIED, 5 NOT_FOUND), not the HTTP status. ESP also
		// adds a "details" array, which we leave out.
		espBody403: jsonBody(7, MsgESPNoCORS),
		espBody404: jsonBody(5, MsgESPNoSuchCall),
	}
	if o.Observe != nil { // without Observe the raw path needs no observer at all
		h.observePF = o.ObservePreflight
	}
	h.authBodies, h.jwks, h.now = newAuthBodies(), o.Auth.JWKS, o.Auth.Now
	if h.now == nil {
		h.now = time.Now
	}
	if o.Auth.APIKeys != nil {
		h.apiKeys = map[string]bool{}
		for _, k := range o.Auth.APIKeys {
			h.apiKeys[k] = true
		}
	}
	for _, pr := range o.Table.Paths {
		h.body405[pr.tmpl] = jsonBody(405, fmt.Sprintf(msgMethodFmt, pr.tmpl.Display))
	}
	if o.Backend != nil {
		target := o.Backend
		tr := o.Transport
		if tr == nil {
			t := NewTransport()
			if o.BackendTimeout > 0 {
				t.ResponseHeaderTimeout = o.BackendTimeout
			}
			tr = t
			if target.Scheme == "http" && !o.StdTransport {
				h1 := newH1Transport(t, target.Host, t.ResponseHeaderTimeout)
				tr = h1
				if fastTarget(target) && !o.StdForward {
					h.h1 = h1
				}
			}
		}
		// A local backend gets the client's Host, as ESPv2 in sidecar mode
		// forwards :authority unchanged; a remote one (a Cloud Run URL, say)
		// gets its own host, as ESPv2 rewrites it for remote backends and as
		// such services route and present certificates by it.
		keepHost := isLoopback(target.Hostname())
		h.keepHost, h.targetHost = keepHost, target.Host
		h.rp = &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(target)
				if keepHost {
					pr.Out.Host = pr.In.Host
				}
				// ESPv2 runs Envoy with use_remote_address false (the default
				// of --envoy_use_remote_address): X-Forwarded-For and
				// X-Forwarded-Host pass through unchanged, and
				// X-Forwarded-Proto is set when absent. Rewrite strips them
				// from pr.Out, so put the client's back.
				in, out := pr.In.Header, pr.Out.Header
				for _, k := range forwardedHeaders {
					if v, ok := in[k]; ok {
						out[k] = v
					}
				}
				if _, ok := in["X-Forwarded-Proto"]; !ok {
					out["X-Forwarded-Proto"] = protoHTTP
				}
			},
			Transport:    tr,
			BufferPool:   bufPool{},
			ErrorHandler: h.upstreamError,
		}
	}
	return h, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// NewTransport is the backend transport: keep-alive connections sized for a
// local load test, no proxy from the environment, no transparent gzip, and
// ESPv2's 15 s deadline for the response headers.
func NewTransport() *http.Transport {
	return &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   1024,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: BackendTimeout,
		DisableCompression:    true,
		ExpectContinueTimeout: time.Second,
	}
}

func jsonBody(code int, msg string) []byte {
	b := []byte(`{"code":` + strconv.Itoa(code) + `,"message":`)
	b = strconv.AppendQuote(b, msg) // messages are ASCII without control characters
	return append(b, '}')
}

type bufPool struct{}

var buffers = sync.Pool{New: func() any { b := make([]byte, 32*1024); return &b }}

func (bufPool) Get() []byte  { return *(buffers.Get().(*[]byte)) }
func (bufPool) Put(b []byte) { buffers.Put(&b) }

// writer wraps the client's ResponseWriter: it applies the CORS decision when
// the status is written (Envoy's encodeHeaders / nginx add_header always),
// records the status, and captures the backend's own CORS headers.
type writer struct {
	http.ResponseWriter
	d      cors.Decision
	apply  bool
	status int
	local  bool // the proxy itself made this response
	// forwarded: sent to the backend; unreached: the connection failed.
	forwarded, unreached bool
	capture              bool
	backend              http.Header
	body                 []byte // see Record.Body, kept when capture is set
}

func (w *writer) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
		hdr := w.ResponseWriter.Header()
		if w.capture && !w.local {
			for k, v := range hdr {
				if len(k) > 15 && k[:15] == "Access-Control-" {
					if w.backend == nil {
						w.backend = http.Header{}
					}
					w.backend[k] = append([]string(nil), v...)
				}
			}
		}
		if w.apply {
			w.d.Apply(hdr)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *writer) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.capture && (w.local || w.status >= 400) && len(w.body) < RecordBodyMax {
		w.body = append(w.body, b[:min(len(b), RecordBodyMax-len(w.body))]...)
	}
	return w.ResponseWriter.Write(b)
}

func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var writers = sync.Pool{New: func() any { return new(writer) }}

// headerBytes approximates Envoy's header map byte size: the pseudo-headers
// (method, path, authority) plus every name and value.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Host)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	return n
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	h.serveHTTP(rw, r, nil)
}

// localServer is what the event loop needs from a handler: answer a request
// if it can do so without the backend.
type localServer interface {
	serveLocal(rw http.ResponseWriter, r *http.Request) bool
	preflightRaw(head []byte, d *cors.Decision) bool
}

// serveLocal answers r and reports true when the handler answers it itself,
// without the backend (a preflight the CORS filter answers, a
// 400/403/404/405/431 reply, any request when the backend is the in-process
// mock): such requests never wait on the network, which lets the server
// answer them on its event loop. Otherwise it writes nothing and reports
// false. The routing and CORS decision are made once either way.
func (h *Handler) serveLocal(rw http.ResponseWriter, r *http.Request) bool {
	var p plan
	h.plan(r, &p)
	if p.step == stepForward && h.rp != nil {
		return false
	}
	h.serveHTTP(rw, r, &p)
	return true
}

// preflightRaw decides a request from its raw head alone, for the event
// loop: it returns the decision when the handler would answer the request
// as an allowed preflight and nobody observes requests, so that the answer
// is the decision's fields and nothing else (the loop writes them through
// the same response writer). Any other request returns false and takes the
// full path. TestPreflightRawSameAnswer checks the answers are identical.
func (h *Handler) preflightRaw(head []byte, d *cors.Decision) bool {
	if h.observe != nil && h.observePF == nil {
		return false
	}
	var v reqView
	if !viewRawHead(head, &v) || v.method != http.MethodOptions {
		return false
	}
	var p plan
	h.planView(&v, &p)
	if p.step != stepPreflight {
		return false
	}
	if h.observePF != nil {
		rec := PreflightRecord{Method: v.method, Path: v.path, Origin: v.origin, ACRM: v.acrm,
			ACRH: v.acrh, HasACRH: v.acrhOK, PrivateNetwork: v.pna, HasPrivateNetwork: v.pnaOK,
			Cookie: v.cookie, Status: p.d.Status}
		if !h.observePF(&rec) {
			return false
		}
	}
	*d = p.d
	return true
}

// optionsRequest stands for the request of a preflight answered from its raw
// head: the response writer reads only its method.
var optionsRequest = &http.Request{Method: http.MethodOptions}

func (h *Handler) serveHTTP(rw http.ResponseWriter, r *http.Request, p *plan) {
	w := writers.Get().(*writer)
	*w = writer{ResponseWriter: rw, capture: h.observe != nil}
	var start time.Time
	if h.observe != nil {
		start = time.Now()
	}
	route := h.serve(w, r, p)
	if h.observe != nil {
		rec := &Record{
			Start: start, Duration: time.Since(start),
			Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Host: r.Host,
			RequestHeader: r.Header, Status: w.status, ResponseHeader: rw.Header(),
			BackendReached: w.forwarded && !w.unreached,
			BackendHeader:  w.backend, Route: route, ProxyMade: w.local, Body: w.body,
		}
		h.observe(rec)
	}
	*w = writer{}
	writers.Put(w)
}

// RouteCORSPreflight is Record.Route for a preflight the proxy answered
// itself (Envoy's CORS filter, or nginx's return 204): the response is a pure
// function of the policy and the request's method, Origin, ACRM and ACRH.
const RouteCORSPreflight = "cors-preflight"

// Route names (Record.Route).
const (
	routeOperation      = "operation"
	routeAllowCors      = "allowCors"
	routePreflightRoute = "preflight-route"
	routeCORSPreflight  = RouteCORSPreflight
	routeFallback400    = "cors-fallback-400"
	route405            = "method-not-allowed-405"
	route404            = "not-defined-404"
	route431            = "headers-too-large-431"
	routeBadPath        = "path-rejected-400"
	routeESPBackend     = "operation"
	routeESP403         = "esp-no-cors-403"
	routeESP404         = "esp-not-found-404"
	routeESP400         = "esp-bad-request-400"
)

// step is what the handler does with a request once routed and decided.
type step uint8

const (
	stepForward   step = iota // to the backend (or the mock)
	stepPreflight             // the CORS filter (or nginx) answers the preflight
	stepDirect                // a proxy-made JSON reply
)

// plan is the outcome of routing and the CORS decision for one request,
// before anything is written.
type plan struct {
	route string
	step  step
	d     cors.Decision
	code  int
	body  []byte
	html  bool // body is nginx's HTML error page, not JSON
	// challenge is the WWW-Authenticate value of a credential rejection.
	challenge string
	// upstream: ESPv2 sends the backend another request than the client's:
	// method is the overriding method, path the normalised one, userInfo
	// the verified JWT payloads (see upstreamRequest).
	upstream     bool
	method, path string
	userInfo     []string
}

func (h *Handler) serve(w *writer, r *http.Request, planned *plan) string {
	var p plan
	if planned != nil {
		p = *planned
	} else {
		h.plan(r, &p)
	}
	w.d = p.d
	if p.d.Action == cors.ActionDecorate {
		w.apply = true
	}
	switch p.step {
	case stepPreflight:
		// An allowed preflight: Envoy's local 200 (nginx's 204), no body;
		// nothing else runs.
		w.local = true
		// On corsgate's own server, and when nobody reads the response
		// header afterwards, the fields go straight from the decision to the
		// connection (the same bytes, without the header map).
		rs, ok := w.ResponseWriter.(*response)
		if !ok || h.observe != nil || !rs.writeDecision(&w.d) {
			if ok {
				rs.keepZeroLength = zeroLength204(&w.d)
			}
			cors.WritePreflight(w.ResponseWriter, &w.d)
		}
		w.status = w.d.Status
	case stepDirect:
		h.direct(w, &p)
	default:
		if p.upstream {
			r = upstreamRequest(r, &p)
		}
		h.forward(w, r)
	}
	return p.route
}

// upstreamRequest is the request ESPv2 forwards when it changed the request
// line: the overriding method (and no X-HTTP-Method-Override field) and the
// normalised path; the query, body and every other field as received.
func upstreamRequest(r *http.Request, p *plan) *http.Request {
	out := new(http.Request)
	*out = *r
	out.Method = p.method
	u := *r.URL
	u.RawPath = p.path
	if dec, err := url.PathUnescape(p.path); err == nil {
		u.Path = dec
	}
	out.URL = &u
	out.RequestURI = p.path
	if u.RawQuery != "" || u.ForceQuery {
		out.RequestURI += "?" + u.RawQuery
	}
	if _, ok := r.Header[headerMethodOverride]; ok || p.userInfo != nil {
		out.Header = r.Header.Clone()
		delete(out.Header, headerMethodOverride)
		if p.userInfo != nil {
			out.Header[headerUserInfo] = p.userInfo
		}
	}
	return out
}

// headerUserInfo carries the verified JWT payloads to the backend (ESPv2's
// --generated_header_prefix, X-Endpoint-, plus API-UserInfo: esp-v2 v2.55.7
// filtergen/jwt_authn.go ForwardPayloadHeader).
const headerUserInfo = "X-Endpoint-Api-Userinfo"

// reqView is what routing and the CORS decision read from a request.
type reqView struct {
	method string
	// path is the request target's path part as sent (before any '?');
	// fragment reports a '#' anywhere in the target.
	path     string
	fragment bool
	// override is the first X-HTTP-Method-Override value, if overrideOK.
	override                 string
	overrideOK               bool
	origin, acrm, acrh       string // as cors.HeaderValue gives them
	originOK, acrmOK, acrhOK bool   // present
	headerBytes              int    // see headerBytes
	// req is the request itself (nil for a raw head): the credential checks
	// read it.
	req *http.Request

	// Read from raw heads only, for ObservePreflight.
	pna    string // Access-Control-Request-Private-Network
	pnaOK  bool
	cookie bool // a Cookie field is present
}

func viewOf(r *http.Request, v *reqView) {
	v.method = r.Method
	v.path, v.fragment = targetPath(r)
	if vs := r.Header[headerMethodOverride]; len(vs) > 0 {
		v.override, v.overrideOK = vs[0], true
	}
	v.origin, v.originOK = cors.HeaderValue(r.Header, cors.HeaderOrigin)
	v.acrm, v.acrmOK = cors.HeaderValue(r.Header, cors.HeaderACRM)
	v.acrh, v.acrhOK = cors.HeaderValue(r.Header, cors.HeaderACRH)
	v.headerBytes = headerBytes(r)
	v.req = r
}

// targetPath returns the path part of r's request target as the client sent
// it (what Envoy's :path and nginx's unparsed URI hold), and whether the
// target has a '#'. A request built without a RequestURI, or with an
// absolute-form target, uses its URL's escaped path.
func targetPath(r *http.Request) (string, bool) {
	t := r.RequestURI
	if t == "" || t[0] != '/' {
		return r.URL.EscapedPath(), false
	}
	frag := strings.IndexByte(t, '#') >= 0
	if q := strings.IndexByte(t, '?'); q >= 0 {
		t = t[:q]
	}
	return t, frag
}

func (h *Handler) plan(r *http.Request, p *plan) {
	var v reqView
	viewOf(r, &v)
	h.planView(&v, p)
}

func (h *Handler) planView(r *reqView, p *plan) {
	if r.headerBytes > MaxRequestHeaderBytes {
		// Envoy's HTTP connection manager rejects before any filter or route.
		// ESP v1 (nginx) would answer 400 "Request Header Or Cookie Too
		// Large" for one line over 8 KiB; we use the Envoy rule for both.
		p.route, p.step, p.code, p.body = route431, stepDirect, http.StatusRequestHeaderFieldsTooLarge, h.body431
		return
	}
	if h.esp {
		h.planESP(r, p)
		return
	}
	h.planESPv2(r, p)
}

// planESPv2: the connection manager's path checks (pathnorm.go), the header
// sanitizer's method override, the route (esp-v2 route_generator.go order),
// then the CORS filter (Envoy cors_filter.cc), which skips direct-response
// routes.
//
// Paths are matched in their normalised, still escaped form, as Envoy
// matches :path (so %2F stays inside one segment).
func (h *Handler) planESPv2(r *reqView, p *plan) {
	path, ok := envoyPath(r.path)
	if !ok || r.fragment {
		p.route, p.step, p.code, p.body = routeBadPath, stepDirect, http.StatusBadRequest, h.bodyBadPath
		return
	}
	method := r.method
	if r.overrideOK {
		// Not pinned by an ESPv2 test for OPTIONS: an override to OPTIONS
		// makes the request a preflight candidate for the CORS filter, as
		// the filter order implies.
		method = r.override
	}
	p.method, p.path = method, path
	p.upstream = r.overrideOK || path != r.path
	origin, originPresent := r.origin, r.originOK
	acrm, acrmPresent := r.acrm, r.acrmOK
	l := h.table.lookupESPv2(method, path)
	switch {
	case l.op != nil: // 1. backend routes (spec operations, x-google-allow: all)
		p.route = routeOperation
	case l.options: // 2. allowCors OPTIONS routes
		p.route = routeAllowCors
	case method == http.MethodOptions && h.engine.On():
		// 4. the preflight route: OPTIONS + origin matcher + ACRM present,
		// a cluster route (the filter answers it when it is a real preflight).
		if acrmPresent && h.engine.PreflightRouteMatches(originPresent, origin) {
			p.route = routePreflightRoute
			break
		}
		// 5. the fallback: any other OPTIONS, a direct 400.
		p.route, p.step, p.code, p.body = routeFallback400, stepDirect, http.StatusBadRequest, h.body400
		return
	case l.template != nil: // 6. 405 for a known path
		p.route, p.step, p.code, p.body = route405, stepDirect, http.StatusMethodNotAllowed, h.body405[l.template]
		return
	default: // 7. deny all
		p.route, p.step, p.code, p.body = route404, stepDirect, http.StatusNotFound, h.body404
		return
	}
	p.d = h.engine.Decide(method, origin, acrm, r.acrh)
	if p.d.Action == cors.ActionRespond {
		p.route, p.step = routeCORSPreflight, stepPreflight
		return
	}
	// jwt_authn and service control run after the CORS filter, on the
	// operation's route only (the generated allowCors routes require
	// nothing). Their 401/403 is a local reply, which Envoy sends back
	// through every encoder filter (envoy source/common/http/filter_manager.cc
	// sendLocalReplyViaFilterChain, encodeHeaders from the first filter; read
	// in a later main-branch copy, the v1.30.7 one could not be), so
	// the CORS filter's encodeHeaders adds its headers for an allowed origin
	// (cors_filter.cc; esp-v2 v2.55.7 cors_integration_test "CORS simple
	// request handled before frontend auth is checked for method"); p.d
	// stays as decided. A raw head (r.req nil) is never an operation's
	// preflight answer, so it leaves here for the full path.
	if l.op != nil && l.op.auth != nil && r.req != nil {
		h.authorizeESPv2(r, l.op.auth, p)
	}
}

// planESP: nginx parses the URI first (a bad one gets its 400 before any
// location runs); its CORS block runs in the rewrite phase on the request's
// own method, before ESP's routing and checks (cloudendpoints/esp
// start_esp/nginx-auto.conf.template, src/nginx/module.cc); its headers are
// added with "always" to every response. ESP routes the undecoded path with
// X-HTTP-Method-Override applied, and forwards the request as received.
func (h *Handler) planESP(r *reqView, p *plan) {
	if nginxRejectsPath(r.path) {
		p.route, p.step, p.code, p.body, p.html = routeESP400, stepDirect, http.StatusBadRequest, h.espBody400, true
		return
	}
	p.d = h.engine.Decide(r.method, r.origin, "", "")
	if p.d.Action == cors.ActionRespond {
		p.route, p.step = routeCORSPreflight, stepPreflight
		return
	}
	method := r.method
	if r.overrideOK {
		method = r.override
	}
	l := h.table.lookupESP(method, r.path)
	switch {
	case l.op != nil:
		p.route = routeESPBackend
		// CheckAuth and CheckServiceControl (access phase, after nginx's
		// CORS block, whose add_header ... always still decorates ESP's
		// 401/403).
		if l.op.auth != nil && r.req != nil {
			h.authorizeESP(r, l.op.auth, p)
		}
	case l.options:
		// allowCors: the generated "CORS" method, no auth, to the backend.
		p.route = routeAllowCors
	case method == http.MethodOptions:
		// check_service_control.cc (CheckServiceControl): no method matched
		// an OPTIONS request, whatever allowCors says (its routes cover only
		// the spec's paths).
		// ESP's error filter adds its challenge to every 401 and 403 it
		// makes (src/nginx/error.cc ngx_esp_handle_www_authenticate).
		p.route, p.step, p.code, p.body, p.challenge = routeESP403, stepDirect, http.StatusForbidden, h.espBody403, espChallengeMissing
	default:
		p.route, p.step, p.code, p.body = routeESP404, stepDirect, http.StatusNotFound, h.espBody404
	}
}

// direct writes a proxy-made reply, JSON or (html) nginx's error page. On
// ESPv2 these are direct-response routes or connection-manager replies, so
// the CORS filter never decorates them (w.apply is false); ESP v1 decorates
// its own (nginx add_header ... always), not nginx's 400 for a bad URI.
func (h *Handler) direct(w *writer, p *plan) {
	code, body := p.code, p.body
	hdr := w.ResponseWriter.Header()
	hdr["Content-Type"] = contentTypeJSON
	if p.html {
		hdr["Content-Type"] = contentTypeHTML
	}
	if p.challenge != "" {
		hdr["Www-Authenticate"] = []string{p.challenge}
	}
	hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.local = true
	w.WriteHeader(code)
	if w.capture {
		w.body = body[:min(len(body), RecordBodyMax)]
	}
	w.ResponseWriter.Write(body)
}

var (
	contentTypeJSON  = []string{"application/json"}
	contentTypeHTML  = []string{"text/html"}
	protoHTTP        = []string{"http"}
	forwardedHeaders = []string{"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"}
)

func (h *Handler) forward(w *writer, r *http.Request) {
	w.forwarded = true
	if h.rp == nil {
		h.mock.ServeHTTP(w, r)
		return
	}
	if h.forwardH1(w, r) {
		return
	}
	h.rp.ServeHTTP(w, r)
}

// upstreamError answers like Envoy's router when the backend fails before
// sending response headers (ESP v1: nginx's 502/504).
func (h *Handler) upstreamError(rw http.ResponseWriter, r *http.Request, err error) {
	w, _ := rw.(*writer)
	if w != nil {
		w.local = true
	}
	if errors.Is(err, context.Canceled) || r.Context().Err() != nil {
		// The client went away; there is nobody to answer. Envoy logs 0 / 499.
		if w != nil {
			w.status = 499
		}
		return
	}
	code, msg := classify(err)
	if w != nil && code == http.StatusServiceUnavailable && msg == MsgUpstreamConnect {
		w.unreached = true
	}
	if h.esp {
		// nginx: 502 for a failed or broken upstream, 504 for a timeout.
		if code != http.StatusGatewayTimeout {
			code = http.StatusBadGateway
		}
		body := nginxErrorPage(code)
		hdr := rw.Header()
		hdr["Content-Type"] = contentTypeHTML
		hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
		rw.WriteHeader(code)
		rw.Write(body)
		return
	}
	body := jsonBody(code, msg)
	hdr := rw.Header()
	hdr["Content-Type"] = contentTypeJSON
	hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
	rw.WriteHeader(code)
	rw.Write(body)
}

// classify maps a transport error to Envoy's router reply: connection refused
// or other dial failures 503, a reset or EOF before the headers 503, the 15 s
// deadline 504, an unparsable response 502 (UNVERIFIED: which of 502/503 Envoy
// v1.30.7 uses for an upstream protocol error; we chose 502).
func classify(err error) (int, string) {
	var op *net.OpError
	var ne net.Error
	switch {
	case errors.As(err, &op) && op.Op == "dial":
		return http.StatusServiceUnavailable, MsgUpstreamConnect
	case errors.As(err, &ne) && ne.Timeout():
		return http.StatusGatewayTimeout, MsgUpstreamTimeout
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE):
		return http.StatusServiceUnavailable, MsgUpstreamReset
	}
	return http.StatusBadGateway, MsgUpstreamBad
}

// nginxErrorPage is nginx's built-in error page (its own reason phrases:
// "Gateway Time-out", not Go's "Gateway Timeout").
func nginxErrorPage(code int) []byte {
	reason := http.StatusText(code)
	if code == http.StatusGatewayTimeout {
		reason = "Gateway Time-out"
	}
	t := strconv.Itoa(code) + " " + reason
	return []byte("<html>\r\n<head><title>" + t + "</title></head>\r\n<body>\r\n<center><h1>" + t +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
}

// Serve runs an HTTP server for h on ln until ctx is done, then shuts down
// gracefully (in-flight requests get up to grace to finish). It is the lean
// HTTP/1.1 server of h1server.go, which hands the connections it does not
// take to net/http.
//
// On Linux, with a *Handler and a TCP listener, connections start on an epoll
// event loop that answers the requests the proxy answers itself, and move to
// a goroutine when a request needs the backend (see eventLoop).
func Serve(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration) error {
	s := newH1Server(h)
	s.eventLoop = true
	return s.serve(ctx, ln, grace)
}

// ServeGoroutines is Serve without the event loop: a goroutine per
// connection from the start (kept to compare the two).
func ServeGoroutines(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration) error {
	return newH1Server(h).serve(ctx, ln, grace)
}

// ServeStd is Serve on net/http's server alone (kept to compare the two).
func ServeStd(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
		// Well above Envoy's 60 KiB so the handler can answer 431 itself.
		MaxHeaderBytes: 1 << 20,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		srv.Close()
		err = nil
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}
