package cors

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
)

// Canonical names of the CORS headers, as net/http stores them.
const (
	HeaderOrigin        = "Origin"
	HeaderACRM          = "Access-Control-Request-Method"
	HeaderACRH          = "Access-Control-Request-Headers"
	HeaderAllowOrigin   = "Access-Control-Allow-Origin"
	HeaderAllowCreds    = "Access-Control-Allow-Credentials"
	HeaderAllowMethods  = "Access-Control-Allow-Methods"
	HeaderAllowHeaders  = "Access-Control-Allow-Headers"
	HeaderExposeHeaders = "Access-Control-Expose-Headers"
	HeaderMaxAge        = "Access-Control-Max-Age"
)

// ESPMaxAge is the Access-Control-Max-Age ESP v1 always sends on its 204
// preflight answers (start_esp/nginx-auto.conf.template).
const ESPMaxAge = "1728000"

// Action says what the proxy does with a request after the CORS decision.
type Action uint8

// Actions.
const (
	// ActionContinue: the CORS logic adds nothing; the request goes on
	// (not a CORS request, an origin that is not allowed, or CORS is off).
	ActionContinue Action = iota
	// ActionRespond: answer the preflight now with Decision.Status and the
	// headers, no body; the backend is not called.
	ActionRespond
	// ActionDecorate: the request goes on, and the response (whoever makes it:
	// the backend, or a later local reply) gets the headers.
	ActionDecorate
)

func (a Action) String() string {
	switch a {
	case ActionRespond:
		return "respond"
	case ActionDecorate:
		return "decorate"
	}
	return "continue"
}

// Field is one response header the decision writes. Name is canonical.
type Field struct {
	Name  string
	Value string
	// shared is a precomputed []string{Value} for values fixed at start-up,
	// so applying the decision to an http.Header does not allocate.
	shared []string
}

// MaxFields bounds the number of headers one decision writes.
const MaxFields = 8

// Decision is the result of Engine.Decide. It is a plain value (no pointers to
// per-request memory other than the request strings it echoes), so deciding
// never allocates.
type Decision struct {
	// Action is what happens next.
	Action Action
	// CORS reports that the request carries an Origin (ESPv2: a non-empty one).
	CORS bool
	// Allowed reports that the policy grants the origin (ESP v1: that nginx's
	// $cors flag is set, which for the basic preset is always true).
	Allowed bool
	// Preflight reports that the proxy treats the request as a preflight
	// (ESPv2: OPTIONS with a non-empty Access-Control-Request-Method; ESP v1:
	// any OPTIONS).
	Preflight bool
	// Status is the preflight answer's status when Action is ActionRespond:
	// 200 for ESPv2 (Envoy), 204 for ESP v1 (nginx "return 204").
	Status int
	// Append: add the headers alongside the response's own (nginx add_header,
	// ESP v1) instead of replacing them (Envoy's CORS filter, ESPv2).
	Append bool

	n      uint8
	fields [MaxFields]Field
}

// Fields returns the headers in the order the decision writes them.
func (d *Decision) Fields() []Field { return d.fields[:d.n] }

func (d *Decision) add(name, value string, shared []string) {
	d.fields[d.n] = Field{Name: name, Value: value, shared: shared}
	d.n++
}

// Apply writes the decision's headers into h: replacing existing values
// (ESPv2) or adding alongside them (ESP v1). With ActionContinue it does
// nothing.
func (d *Decision) Apply(h http.Header) {
	if d.Action == ActionContinue {
		return
	}
	for i := 0; i < int(d.n); i++ {
		f := &d.fields[i]
		if d.Append {
			h[f.Name] = append(h[f.Name], f.Value)
			continue
		}
		if f.shared != nil {
			h[f.Name] = f.shared
		} else {
			h[f.Name] = []string{f.Value}
		}
	}
}

// Engine is a Policy compiled for one proxy's semantics. It is immutable and
// safe for concurrent use; every constant header value is computed once, in
// NewEngine.
type Engine struct {
	policy Policy
	proxy  Proxy
	on     bool // the proxy's CORS handling is on (a usable preset)

	// Origin matching.
	exact     string         // basic: the one exact origin
	re        *regexp.Regexp // cors_with_regex, compiled with the proxy's semantics
	anyOrigin bool           // ESPv2: a matcher matches the literal "*"

	// Constant values, each with a shared one-element slice.
	methods, headers, expose, maxAge, creds, espOrigin value
	echoMethods, echoHeaders                           bool // ESPv2: "*" alone echoes ACRM / ACRH
	contentType, contentLength                         value
	exactOrigin                                        value // ESPv2 basic with one origin
}

type value struct {
	s      string
	shared []string
}

func mkValue(s string) value { return value{s: s, shared: []string{s}} }

// NewEngine compiles p. The policy's strings are used verbatim, as the proxy
// would copy them into headers. Policy.Proxy picks the semantics (ESPv2 when
// empty). NewEngine fails only when the policy cannot be compiled at all (an
// unknown ESPv2 preset, an empty origin or regex, a regex Go's RE2 cannot
// parse); ESPv2's stricter start-up checks (regexp/syntax without Perl
// extensions, program size) belong to the validator.
func NewEngine(p *Policy) (*Engine, error) {
	if p == nil {
		return nil, errors.New("cors: nil policy")
	}
	e := &Engine{policy: *p, proxy: p.Proxy}
	if e.proxy == "" {
		e.proxy = ESPv2
	}
	switch e.proxy {
	case ESPv2:
		if err := e.compileESPv2(p); err != nil {
			return nil, err
		}
	case ESP:
		if err := e.compileESP(p); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("cors: unknown proxy %q (want %q or %q)", p.Proxy, ESPv2, ESP)
	}
	e.methods = mkValue(p.AllowMethods)
	e.headers = mkValue(p.AllowHeaders)
	e.expose = mkValue(p.ExposeHeaders)
	e.creds = mkValue("true")
	return e, nil
}

// compileESPv2 follows esp-v2 src/go/configgenerator/filtergen/cors.go (the
// CorsPolicy it writes) and Envoy's cors_filter.cc (how the policy is applied).
func (e *Engine) compileESPv2(p *Policy) error {
	switch p.Preset {
	case PresetNone:
		return nil
	case PresetBasic:
		if p.AllowOrigin == "" {
			return errors.New("cors_allow_origin cannot be empty when cors_preset=basic")
		}
		e.exact = p.AllowOrigin
		// Envoy: an origin is allowed when any matcher matches the literal "*".
		e.anyOrigin = p.AllowOrigin == "*"
		if !e.anyOrigin {
			e.exactOrigin = mkValue(p.AllowOrigin)
		}
	case PresetRegex:
		if p.AllowOriginRegex == "" {
			return errors.New("cors_allow_origin_regex cannot be empty when cors_preset=cors_with_regex")
		}
		// Envoy's safe_regex is RE2 FullMatch, case-sensitive.
		re, err := regexp.Compile(`^(?:` + p.AllowOriginRegex + `)$`)
		if err != nil {
			return fmt.Errorf("invalid cors origin regex %q: %w", p.AllowOriginRegex, err)
		}
		e.re = re
		e.anyOrigin = re.MatchString("*")
	default:
		return fmt.Errorf(`cors_preset must be either "basic" or "cors_with_regex"`)
	}
	e.on = true
	// ESPv2 writes max_age as strconv.Itoa(int(d.Seconds())) (filtergen/cors.go).
	age := p.MaxAge
	if age == 0 && !p.MaxAgeSet {
		age = DefaultMaxAge
	}
	e.maxAge = mkValue(strconv.Itoa(int(age.Seconds())))
	// Envoy (cors_filter.cc, >= 1.30): "*" as the whole allow_methods /
	// allow_headers echoes the request's ACRM / ACRH.
	e.echoMethods = p.AllowMethods == "*"
	e.echoHeaders = p.AllowHeaders == "*"
	return nil
}

// compileESP follows cloudendpoints/esp start_esp/nginx-auto.conf.template.
func (e *Engine) compileESP(p *Policy) error {
	switch p.Preset {
	case PresetBasic:
		// The configured literal goes into the header, whatever the Origin.
		e.espOrigin = mkValue(p.AllowOrigin)
	case PresetRegex:
		// nginx: if ($http_origin ~* (<regex>)) — PCRE, case-insensitive,
		// unanchored. An empty regex gives "()", which matches everything.
		re, err := regexp.Compile(`(?i)(` + p.AllowOriginRegex + `)`)
		if err != nil {
			return fmt.Errorf("cors origin regex %q cannot be compiled (Go RE2 stands in for nginx's PCRE): %w", p.AllowOriginRegex, err)
		}
		e.re = re
	default:
		// start_esp.py does not check the preset: any other value writes a CORS
		// block in which neither branch fires, so CORS is silently off.
		return nil
	}
	e.on = true
	e.maxAge = mkValue(ESPMaxAge)
	e.contentType = mkValue("text/plain; charset=utf-8")
	e.contentLength = mkValue("0")
	return nil
}

// Policy returns a copy of the compiled policy.
func (e *Engine) Policy() Policy { return e.policy }

// Proxy returns whose semantics the engine follows.
func (e *Engine) Proxy() Proxy { return e.proxy }

// On reports whether the proxy handles CORS itself (a usable preset).
func (e *Engine) On() bool { return e.on }

// OriginAllowed reports whether the ESPv2 CORS filter grants origin
// (Envoy cors_filter.cc: any matcher matching "*" or the origin), or whether
// ESP v1's nginx sets its $cors flag for it.
func (e *Engine) OriginAllowed(origin string) bool {
	if !e.on {
		return false
	}
	if e.proxy == ESP {
		return e.re == nil || e.re.MatchString(origin)
	}
	if origin == "" {
		return false
	}
	if e.anyOrigin {
		return true
	}
	if e.re != nil {
		return e.re.MatchString(origin)
	}
	return origin == e.exact
}

// PreflightRouteMatches reports whether ESPv2's CORS preflight route (route 4
// of route_generator.go, routegen/direct_response_cors.go) matches a request's
// origin header: present when the basic origin is "*", else the same exact or
// regex matcher (without the filter's "matches *" rule). The method (OPTIONS)
// and the presence of ACRM are checked by the caller.
func (e *Engine) PreflightRouteMatches(originPresent bool, origin string) bool {
	if !e.on || e.proxy != ESPv2 || !originPresent {
		return false
	}
	if e.re != nil {
		return e.re.MatchString(origin)
	}
	if e.exact == "*" {
		return true
	}
	return origin == e.exact
}

// Decide is the pure CORS decision for one request: method, and the Origin,
// Access-Control-Request-Method and Access-Control-Request-Headers values
// (repeated header lines joined with ",", as Envoy does; "" when absent). It
// never allocates.
//
// ESPv2: Envoy's CORS filter as ESPv2 configures it. The caller must already
// have routed the request: the filter does nothing on direct-response routes.
// ESP v1: nginx's CORS block, which runs in the rewrite phase before routing.
func (e *Engine) Decide(method, origin, acrm, acrh string) Decision {
	if e.proxy == ESP {
		return e.decideESP(method, origin)
	}
	return e.decideESPv2(method, origin, acrm, acrh)
}

func (e *Engine) decideESPv2(method, origin, acrm, acrh string) Decision {
	var d Decision
	// cors_filter.cc decodeHeaders: no filter policy, or a missing or empty
	// Origin: do nothing.
	if origin == "" {
		return d
	}
	d.CORS = true
	if !e.on {
		return d
	}
	d.Allowed = e.OriginAllowed(origin)
	d.Preflight = method == http.MethodOptions && acrm != ""
	if !d.Allowed {
		// Not allowed: preflights go upstream (forward_not_matching_preflights
		// defaults to true) and responses are not touched.
		return d
	}
	// The echoed Origin, never "*" (esp-v2 issue #637). With one exact origin
	// the echo is that origin, so its precomputed slice serves.
	if e.exactOrigin.s != "" {
		d.add(HeaderAllowOrigin, origin, e.exactOrigin.shared)
	} else {
		d.add(HeaderAllowOrigin, origin, nil)
	}
	if e.policy.AllowCredentials {
		d.add(HeaderAllowCreds, e.creds.s, e.creds.shared)
	}
	if !d.Preflight {
		// encodeHeaders: set Allow-Origin, [Allow-Credentials], Expose-Headers.
		if e.expose.s != "" {
			d.add(HeaderExposeHeaders, e.expose.s, e.expose.shared)
		}
		d.Action = ActionDecorate
		return d
	}
	// A preflight from an allowed origin: a local reply with status 200.
	d.Action = ActionRespond
	d.Status = http.StatusOK
	if e.methods.s != "" {
		if e.echoMethods {
			d.add(HeaderAllowMethods, acrm, nil)
		} else {
			d.add(HeaderAllowMethods, e.methods.s, e.methods.shared)
		}
	}
	if e.headers.s != "" {
		if e.echoHeaders {
			// Echoed even when empty (no ACRH): Envoy sets the header to "".
			d.add(HeaderAllowHeaders, acrh, nil)
		} else {
			d.add(HeaderAllowHeaders, e.headers.s, e.headers.shared)
		}
	}
	d.add(HeaderMaxAge, e.maxAge.s, e.maxAge.shared)
	// The local reply passes through the filter's encode step too, so it
	// carries Expose-Headers (asserted by ESPv2's cors integration tests).
	if e.expose.s != "" {
		d.add(HeaderExposeHeaders, e.expose.s, e.expose.shared)
	}
	return d
}

func (e *Engine) decideESP(method, origin string) Decision {
	d := Decision{CORS: origin != "", Append: true}
	if !e.on {
		return d
	}
	d.Allowed = e.OriginAllowed(origin)
	if !d.Allowed {
		// Regex preset, no match: nothing is added, and an OPTIONS goes on to
		// ESP's own routing (403 or the backend).
		return d
	}
	var acao value
	if e.re != nil {
		acao = value{s: origin} // $http_origin
	} else {
		acao = e.espOrigin
	}
	if method == http.MethodOptions {
		// nginx: any OPTIONS with $cors set gets "return 204" in the rewrite
		// phase: before ESP's access checks, and the backend is not called.
		// No Expose-Headers on the preflight.
		d.Preflight = true
		d.Action = ActionRespond
		d.Status = http.StatusNoContent
		d.Append = false
		d.add(HeaderMaxAge, e.maxAge.s, e.maxAge.shared)
		if acao.s != "" {
			d.add(HeaderAllowOrigin, acao.s, acao.shared)
		}
		if e.methods.s != "" {
			d.add(HeaderAllowMethods, e.methods.s, e.methods.shared)
		}
		if e.headers.s != "" {
			d.add(HeaderAllowHeaders, e.headers.s, e.headers.shared)
		}
		if e.policy.AllowCredentials {
			d.add(HeaderAllowCreds, e.creds.s, e.creds.shared)
		}
		d.add("Content-Type", e.contentType.s, e.contentType.shared)
		d.add("Content-Length", e.contentLength.s, e.contentLength.shared)
		return d
	}
	// Every other request: add_header ... always, alongside the response's own
	// headers, on every status. nginx skips add_header with an empty value.
	d.Action = ActionDecorate
	if acao.s != "" {
		d.add(HeaderAllowOrigin, acao.s, acao.shared)
	}
	if e.methods.s != "" {
		d.add(HeaderAllowMethods, e.methods.s, e.methods.shared)
	}
	if e.headers.s != "" {
		d.add(HeaderAllowHeaders, e.headers.s, e.headers.shared)
	}
	if e.expose.s != "" {
		d.add(HeaderExposeHeaders, e.expose.s, e.expose.shared)
	}
	if e.policy.AllowCredentials {
		d.add(HeaderAllowCreds, e.creds.s, e.creds.shared)
	}
	return d
}

// HeaderValue returns the value of a request header the way Envoy sees it:
// repeated lines joined with "," (header_map_impl.cc). present is false when
// the header is absent. It allocates only for repeated lines.
func HeaderValue(h http.Header, canonicalName string) (v string, present bool) {
	vs, ok := h[canonicalName]
	switch {
	case !ok || len(vs) == 0:
		return "", false
	case len(vs) == 1:
		return vs[0], true
	}
	n := len(vs) - 1
	for _, s := range vs {
		n += len(s)
	}
	b := make([]byte, 0, n)
	for i, s := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, s...)
	}
	return string(b), true
}

// DecideRequest runs Decide on r's method and CORS request headers.
func (e *Engine) DecideRequest(r *http.Request) Decision {
	origin, _ := HeaderValue(r.Header, HeaderOrigin)
	acrm, _ := HeaderValue(r.Header, HeaderACRM)
	acrh, _ := HeaderValue(r.Header, HeaderACRH)
	return e.Decide(r.Method, origin, acrm, acrh)
}
