package cors

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func espv2Policy(mut func(*Policy)) *Policy {
	p := &Policy{
		Proxy:         ESPv2,
		Preset:        PresetBasic,
		AllowOrigin:   DefaultAllowOrigin,
		AllowMethods:  DefaultAllowMethods,
		AllowHeaders:  DefaultAllowHeadersESP2,
		ExposeHeaders: DefaultExposeHeaders,
		MaxAge:        DefaultMaxAge,
	}
	if mut != nil {
		mut(p)
	}
	return p
}

func espPolicy(mut func(*Policy)) *Policy {
	p := &Policy{
		Proxy:         ESP,
		Preset:        PresetBasic,
		AllowOrigin:   DefaultAllowOrigin,
		AllowMethods:  DefaultAllowMethods,
		AllowHeaders:  DefaultAllowHeadersESP,
		ExposeHeaders: DefaultExposeHeaders,
	}
	if mut != nil {
		mut(p)
	}
	return p
}

type req struct{ method, origin, acrm, acrh string }

type want struct {
	Action    Action
	CORS      bool
	Allowed   bool
	Preflight bool
	Status    int
	Append    bool
	Fields    [][2]string
}

func got(d Decision) want {
	w := want{Action: d.Action, CORS: d.CORS, Allowed: d.Allowed, Preflight: d.Preflight, Status: d.Status, Append: d.Append}
	for _, f := range d.Fields() {
		w.Fields = append(w.Fields, [2]string{f.Name, f.Value})
	}
	return w
}

const origin = "https://app.example.com"

func TestDecideESPv2(t *testing.T) {
	defaultPreflight := [][2]string{
		{HeaderAllowOrigin, origin},
		{HeaderAllowMethods, DefaultAllowMethods},
		{HeaderAllowHeaders, DefaultAllowHeadersESP2},
		{HeaderMaxAge, "1728000"},
		{HeaderExposeHeaders, DefaultExposeHeaders},
	}
	tests := []struct {
		name   string
		policy *Policy
		req    req
		want   want
	}{
		{"no origin is not CORS", espv2Policy(nil), req{"GET", "", "", ""}, want{}},
		{"empty preset is off", espv2Policy(func(p *Policy) { p.Preset = PresetNone }),
			req{"OPTIONS", origin, "PUT", ""}, want{CORS: true}},
		{"basic * preflight echoes origin, 200, defaults", espv2Policy(nil), req{"OPTIONS", origin, "PUT", "x-custom"},
			want{Action: ActionRespond, CORS: true, Allowed: true, Preflight: true, Status: 200, Fields: defaultPreflight}},
		{"OPTIONS without ACRM is not a preflight", espv2Policy(nil), req{"OPTIONS", origin, "", ""},
			want{Action: ActionDecorate, CORS: true, Allowed: true, Fields: [][2]string{
				{HeaderAllowOrigin, origin}, {HeaderExposeHeaders, DefaultExposeHeaders}}}},
		{"actual request gets ACAO and ACEH only", espv2Policy(nil), req{"GET", origin, "", ""},
			want{Action: ActionDecorate, CORS: true, Allowed: true, Fields: [][2]string{
				{HeaderAllowOrigin, origin}, {HeaderExposeHeaders, DefaultExposeHeaders}}}},
		{"credentials add ACAC true", espv2Policy(func(p *Policy) { p.AllowCredentials = true }), req{"POST", origin, "", ""},
			want{Action: ActionDecorate, CORS: true, Allowed: true, Fields: [][2]string{
				{HeaderAllowOrigin, origin}, {HeaderAllowCreds, "true"}, {HeaderExposeHeaders, DefaultExposeHeaders}}}},
		{"basic exact: other origin not allowed", espv2Policy(func(p *Policy) { p.AllowOrigin = origin }),
			req{"OPTIONS", "https://evil.example", "GET", ""}, want{CORS: true, Preflight: true}},
		{"basic exact is case-sensitive", espv2Policy(func(p *Policy) { p.AllowOrigin = origin }),
			req{"GET", "https://APP.example.com", "", ""}, want{CORS: true}},
		{"regex is whole-string", espv2Policy(func(p *Policy) {
			p.Preset, p.AllowOriginRegex = PresetRegex, `https://app\.example\.com`
		}), req{"GET", "https://app.example.com.evil.net", "", ""}, want{CORS: true}},
		{"regex is case-sensitive", espv2Policy(func(p *Policy) {
			p.Preset, p.AllowOriginRegex = PresetRegex, `https://[a-z]+\.example\.com`
		}), req{"GET", "https://APP.example.com", "", ""}, want{CORS: true}},
		{"regex alternation anchored as a whole", espv2Policy(func(p *Policy) {
			p.Preset, p.AllowOriginRegex = PresetRegex, `https://a\.com|https://b\.com`
		}), req{"GET", "https://b.com.evil", "", ""}, want{CORS: true}},
		{"regex matching literal * allows any origin", espv2Policy(func(p *Policy) {
			p.Preset, p.AllowOriginRegex = PresetRegex, `\*`
		}), req{"GET", "https://anything.test", "", ""}, want{Action: ActionDecorate, CORS: true, Allowed: true,
			Fields: [][2]string{{HeaderAllowOrigin, "https://anything.test"}, {HeaderExposeHeaders, DefaultExposeHeaders}}}},
		{"* methods and headers echo ACRM and ACRH", espv2Policy(func(p *Policy) {
			p.AllowMethods, p.AllowHeaders, p.ExposeHeaders = "*", "*", ""
		}), req{"OPTIONS", origin, "patch", "x-a,x-b"}, want{Action: ActionRespond, CORS: true, Allowed: true, Preflight: true, Status: 200,
			Fields: [][2]string{{HeaderAllowOrigin, origin}, {HeaderAllowMethods, "patch"}, {HeaderAllowHeaders, "x-a,x-b"}, {HeaderMaxAge, "1728000"}}}},
		{"* headers without ACRH echoes empty", espv2Policy(func(p *Policy) { p.AllowHeaders = "*" }),
			req{"OPTIONS", origin, "GET", ""}, want{Action: ActionRespond, CORS: true, Allowed: true, Preflight: true, Status: 200,
				Fields: [][2]string{{HeaderAllowOrigin, origin}, {HeaderAllowMethods, DefaultAllowMethods}, {HeaderAllowHeaders, ""},
					{HeaderMaxAge, "1728000"}, {HeaderExposeHeaders, DefaultExposeHeaders}}}},
		{"* inside a list is literal", espv2Policy(func(p *Policy) { p.AllowMethods = "GET, *" }),
			req{"OPTIONS", origin, "PUT", ""}, want{Action: ActionRespond, CORS: true, Allowed: true, Preflight: true, Status: 200,
				Fields: [][2]string{{HeaderAllowOrigin, origin}, {HeaderAllowMethods, "GET, *"}, {HeaderAllowHeaders, DefaultAllowHeadersESP2},
					{HeaderMaxAge, "1728000"}, {HeaderExposeHeaders, DefaultExposeHeaders}}}},
		{"empty lists are omitted; max age truncated", espv2Policy(func(p *Policy) {
			p.AllowMethods, p.AllowHeaders, p.ExposeHeaders, p.MaxAge, p.MaxAgeSet = "", "", "", 1500*time.Millisecond, true
		}), req{"OPTIONS", origin, "GET", ""}, want{Action: ActionRespond, CORS: true, Allowed: true, Preflight: true, Status: 200,
			Fields: [][2]string{{HeaderAllowOrigin, origin}, {HeaderMaxAge, "1"}}}},
		{"negative max age kept", espv2Policy(func(p *Policy) { p.MaxAge, p.MaxAgeSet = -time.Hour, true }),
			req{"OPTIONS", origin, "GET", ""}, want{Action: ActionRespond, CORS: true, Allowed: true, Preflight: true, Status: 200,
				Fields: [][2]string{{HeaderAllowOrigin, origin}, {HeaderAllowMethods, DefaultAllowMethods}, {HeaderAllowHeaders, DefaultAllowHeadersESP2},
					{HeaderMaxAge, "-3600"}, {HeaderExposeHeaders, DefaultExposeHeaders}}}},
		{"unset max age means 480h", espv2Policy(func(p *Policy) { p.MaxAge = 0; p.ExposeHeaders = "" }),
			req{"OPTIONS", origin, "GET", ""}, want{Action: ActionRespond, CORS: true, Allowed: true, Preflight: true, Status: 200,
				Fields: [][2]string{{HeaderAllowOrigin, origin}, {HeaderAllowMethods, DefaultAllowMethods}, {HeaderAllowHeaders, DefaultAllowHeadersESP2},
					{HeaderMaxAge, "1728000"}}}},
		{"joined origin is matched as one string", espv2Policy(func(p *Policy) { p.AllowOrigin = origin }),
			req{"GET", origin + "," + origin, "", ""}, want{CORS: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := NewEngine(tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			d := e.Decide(tt.req.method, tt.req.origin, tt.req.acrm, tt.req.acrh)
			if diff := cmp.Diff(tt.want, got(d)); diff != "" {
				t.Errorf("Decide(%v) (-want +got):\n%s", tt.req, diff)
			}
		})
	}
}

func TestDecideESP(t *testing.T) {
	preflight := func(acao string, creds bool) [][2]string {
		f := [][2]string{{HeaderMaxAge, "1728000"}, {HeaderAllowOrigin, acao}, {HeaderAllowMethods, DefaultAllowMethods},
			{HeaderAllowHeaders, DefaultAllowHeadersESP}}
		if creds {
			f = append(f, [2]string{HeaderAllowCreds, "true"})
		}
		return append(f, [2]string{"Content-Type", "text/plain; charset=utf-8"}, [2]string{"Content-Length", "0"})
	}
	actual := func(acao string) [][2]string {
		return [][2]string{{HeaderAllowOrigin, acao}, {HeaderAllowMethods, DefaultAllowMethods},
			{HeaderAllowHeaders, DefaultAllowHeadersESP}, {HeaderExposeHeaders, DefaultExposeHeaders}}
	}
	regex := func(re string) func(*Policy) {
		return func(p *Policy) { p.Preset, p.AllowOriginRegex = PresetRegex, re }
	}
	tests := []struct {
		name   string
		policy *Policy
		req    req
		want   want
	}{
		{"basic: any OPTIONS gets 204 with the literal origin", espPolicy(nil), req{"OPTIONS", "", "", ""},
			want{Action: ActionRespond, Allowed: true, Preflight: true, Status: 204, Fields: preflight("*", false)}},
		{"basic: literal origin, not the request's", espPolicy(func(p *Policy) { p.AllowOrigin = "https://x.test" }),
			req{"OPTIONS", origin, "GET", ""},
			want{Action: ActionRespond, CORS: true, Allowed: true, Preflight: true, Status: 204, Fields: preflight("https://x.test", false)}},
		{"basic: credentials", espPolicy(func(p *Policy) { p.AllowCredentials = true }), req{"OPTIONS", origin, "GET", ""},
			want{Action: ActionRespond, CORS: true, Allowed: true, Preflight: true, Status: 204, Fields: preflight("*", true)}},
		{"basic: actual request without Origin still decorated", espPolicy(nil), req{"GET", "", "", ""},
			want{Action: ActionDecorate, Allowed: true, Append: true, Fields: actual("*")}},
		{"regex: case-insensitive, unanchored", espPolicy(regex(`app\.example\.com`)), req{"GET", "HTTPS://APP.EXAMPLE.COM.evil.net", "", ""},
			want{Action: ActionDecorate, CORS: true, Allowed: true, Append: true, Fields: actual("HTTPS://APP.EXAMPLE.COM.evil.net")}},
		{"regex: no match adds nothing", espPolicy(regex(`^https://app\.example\.com$`)), req{"OPTIONS", "https://evil.test", "GET", ""},
			want{CORS: true, Append: true}},
		{"regex: empty regex matches everything; empty origin header skipped", espPolicy(regex(``)), req{"GET", "", "", ""},
			want{Action: ActionDecorate, Allowed: true, Append: true, Fields: actual("")[1:]}},
		{"unknown preset is silently off", espPolicy(func(p *Policy) { p.Preset = "Basic" }), req{"OPTIONS", origin, "GET", ""},
			want{CORS: true, Append: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := NewEngine(tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			d := e.Decide(tt.req.method, tt.req.origin, tt.req.acrm, tt.req.acrh)
			if diff := cmp.Diff(tt.want, got(d)); diff != "" {
				t.Errorf("Decide(%v) (-want +got):\n%s", tt.req, diff)
			}
		})
	}
}

func TestNewEngineErrors(t *testing.T) {
	tests := []struct {
		name string
		p    *Policy
	}{
		{"unknown preset", espv2Policy(func(p *Policy) { p.Preset = "Basic" })},
		{"empty origin", espv2Policy(func(p *Policy) { p.AllowOrigin = "" })},
		{"empty regex", espv2Policy(func(p *Policy) { p.Preset = PresetRegex })},
		{"bad regex", espv2Policy(func(p *Policy) { p.Preset, p.AllowOriginRegex = PresetRegex, "(" })},
		{"bad regex esp", espPolicy(func(p *Policy) { p.Preset, p.AllowOriginRegex = PresetRegex, "(" })},
		{"unknown proxy", espv2Policy(func(p *Policy) { p.Proxy = "nginx" })},
		{"nil", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewEngine(tt.p); err == nil {
				t.Errorf("NewEngine succeeded, want an error")
			}
		})
	}
}

func TestPreflightRouteMatches(t *testing.T) {
	star, _ := NewEngine(espv2Policy(nil))
	exact, _ := NewEngine(espv2Policy(func(p *Policy) { p.AllowOrigin = origin }))
	lit, _ := NewEngine(espv2Policy(func(p *Policy) { p.Preset, p.AllowOriginRegex = PresetRegex, `\*` }))
	tests := []struct {
		name    string
		e       *Engine
		present bool
		origin  string
		want    bool
	}{
		{"* needs presence only", star, true, "", true},
		{"* absent", star, false, "", false},
		{"exact match", exact, true, origin, true},
		{"exact mismatch", exact, true, origin + "/", false},
		// The route's regex matcher has no "matches *" rule, unlike the filter.
		{"regex \\* does not match a real origin in the route", lit, true, origin, false},
	}
	for _, tt := range tests {
		if got := tt.e.PreflightRouteMatches(tt.present, tt.origin); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestHeaderValueJoins(t *testing.T) {
	h := http.Header{"Origin": {"a", "b"}, "Access-Control-Request-Method": {"PUT"}}
	if v, ok := HeaderValue(h, HeaderOrigin); v != "a,b" || !ok {
		t.Errorf("HeaderValue = %q, %v; want \"a,b\", true", v, ok)
	}
	if v, ok := HeaderValue(h, HeaderACRH); v != "" || ok {
		t.Errorf("HeaderValue(absent) = %q, %v", v, ok)
	}
}

func TestApplyReplaceAndAppend(t *testing.T) {
	e2, _ := NewEngine(espv2Policy(func(p *Policy) { p.AllowCredentials = true }))
	h := http.Header{HeaderAllowOrigin: {"*"}, HeaderExposeHeaders: {"X-Backend"}, "Vary": {"Accept"}}
	d := e2.Decide("GET", origin, "", "")
	d.Apply(h)
	want := http.Header{HeaderAllowOrigin: {origin}, HeaderAllowCreds: {"true"}, HeaderExposeHeaders: {DefaultExposeHeaders}, "Vary": {"Accept"}}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("ESPv2 Apply (-want +got):\n%s", diff)
	}
	e1, _ := NewEngine(espPolicy(func(p *Policy) { p.AllowOrigin = origin }))
	h = http.Header{HeaderAllowOrigin: {origin}}
	d = e1.Decide("GET", origin, "", "")
	d.Apply(h)
	if got := h[HeaderAllowOrigin]; len(got) != 2 {
		t.Errorf("ESP Apply: Allow-Origin = %q, want two values (added alongside)", got)
	}
}

func TestMiddleware(t *testing.T) {
	e, _ := NewEngine(espv2Policy(nil))
	reached := 0
	h := Middleware(e, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached++
		w.Header().Set(HeaderAllowOrigin, "*")
		w.Write([]byte("ok"))
	}))
	r := httptest.NewRequest("OPTIONS", "/x", nil)
	r.Header.Set("Origin", origin)
	r.Header.Set(HeaderACRM, "PUT")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || reached != 0 || w.Header().Get(HeaderAllowOrigin) != origin || w.Body.Len() != 0 {
		t.Errorf("preflight: code %d reached %d ACAO %q body %q", w.Code, reached, w.Header().Get(HeaderAllowOrigin), w.Body)
	}
	r = httptest.NewRequest("GET", "/x", nil)
	r.Header.Set("Origin", origin)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || reached != 1 || w.Header().Get(HeaderAllowOrigin) != origin {
		t.Errorf("actual: code %d reached %d ACAO %q", w.Code, reached, w.Header().Get(HeaderAllowOrigin))
	}
}

// TestDecideAllocs proves the decision path allocates nothing, for every kind
// of request and both proxies.
func TestDecideAllocs(t *testing.T) {
	engines := map[string]*Engine{}
	for name, p := range map[string]*Policy{
		"espv2-basic": espv2Policy(func(p *Policy) { p.AllowCredentials = true }),
		"espv2-regex": espv2Policy(func(p *Policy) { p.Preset, p.AllowOriginRegex = PresetRegex, `https://[a-z]+\.example\.com` }),
		"espv2-echo":  espv2Policy(func(p *Policy) { p.AllowMethods, p.AllowHeaders = "*", "*" }),
		"esp-basic":   espPolicy(nil),
		"esp-regex":   espPolicy(func(p *Policy) { p.Preset, p.AllowOriginRegex = PresetRegex, `example\.com$` }),
	} {
		e, err := NewEngine(p)
		if err != nil {
			t.Fatal(err)
		}
		engines[name] = e
	}
	for name, e := range engines {
		if raceEnabled && strings.HasSuffix(name, "-regex") {
			// regexp keeps its matchers in a sync.Pool, which the race
			// detector deliberately leaks from; the count is checked in
			// normal test runs and by BenchmarkDecide.
			continue
		}
		for _, r := range []req{{"OPTIONS", origin, "PUT", "x-a"}, {"GET", origin, "", ""}, {"OPTIONS", "https://evil.test", "PUT", ""}, {"GET", "", "", ""}} {
			var sink Decision
			n := testing.AllocsPerRun(200, func() { sink = e.Decide(r.method, r.origin, r.acrm, r.acrh) })
			if n != 0 {
				t.Errorf("%s %v: %v allocs per Decide, want 0", name, r, n)
			}
			_ = sink
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	cases := []struct {
		name string
		p    *Policy
		r    req
	}{
		{"espv2-basic-preflight", espv2Policy(nil), req{"OPTIONS", origin, "PUT", "content-type,x-custom"}},
		{"espv2-regex-preflight", espv2Policy(func(p *Policy) { p.Preset, p.AllowOriginRegex = PresetRegex, `https://[a-z]+\.example\.com` }),
			req{"OPTIONS", origin, "PUT", "content-type"}},
		{"espv2-basic-actual", espv2Policy(nil), req{"GET", origin, "", ""}},
		{"esp-basic-preflight", espPolicy(nil), req{"OPTIONS", origin, "PUT", ""}},
	}
	for _, c := range cases {
		e, err := NewEngine(c.p)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var d Decision
			for b.Loop() {
				d = e.Decide(c.r.method, c.r.origin, c.r.acrm, c.r.acrh)
			}
			if d.Action == ActionContinue {
				b.Fatal("decision did nothing")
			}
		})
	}
}

// FuzzDecide checks Envoy's invariants on arbitrary requests and policies:
// ESPv2 never writes a literal "*" origin, answers only OPTIONS with a
// non-empty ACRM from an allowed origin, and never allocates; a regex origin
// is allowed exactly when the anchored regex (or "*") matches.
func FuzzDecide(f *testing.F) {
	f.Add("OPTIONS", "https://a.test", "PUT", "x-a", `https://[a-z]+\.test`, "*", false)
	f.Add("GET", "*", "", "", `.*`, "GET", true)
	f.Add("OPTIONS", "", "GET", "", `\*`, "", false)
	f.Fuzz(func(t *testing.T, method, origin, acrm, acrh, re, methods string, creds bool) {
		for _, p := range []*Policy{
			espv2Policy(func(p *Policy) { p.AllowOrigin, p.AllowMethods, p.AllowCredentials = re, methods, creds }),
			espv2Policy(func(p *Policy) {
				p.Preset, p.AllowOriginRegex, p.AllowMethods, p.AllowCredentials = PresetRegex, re, methods, creds
			}),
		} {
			e, err := NewEngine(p)
			if err != nil {
				continue
			}
			d := e.Decide(method, origin, acrm, acrh)
			if d.Action == ActionRespond && (method != "OPTIONS" || acrm == "" || !d.Allowed || d.Status != 200) {
				t.Fatalf("answered a non-preflight: %+v", d)
			}
			if d.Allowed != (origin != "" && e.OriginAllowed(origin)) {
				t.Fatalf("Allowed %v for origin %q", d.Allowed, origin)
			}
			for _, fl := range d.Fields() {
				if fl.Name == HeaderAllowOrigin && fl.Value != origin {
					t.Fatalf("Allow-Origin %q for origin %q", fl.Value, origin)
				}
			}
			if e.re != nil && origin != "" {
				whole := regexp.MustCompile(`^(?:` + re + `)$`)
				if want := whole.MatchString(origin) || whole.MatchString("*"); want != d.Allowed {
					t.Fatalf("regex %q origin %q: allowed %v, want %v", re, origin, d.Allowed, want)
				}
			}
		}
	})
}
