package proxy

import (
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/corsgate/corsgate/cors"
	"github.com/google/go-cmp/cmp"
)

// memoPolicies are the policies the memo tests judge under: each preset of
// each proxy, credentials, a wildcard origin, no CORS at all.
var memoPolicies = []*cors.Policy{
	{Proxy: cors.ESPv2, Preset: cors.PresetBasic, AllowOrigin: "http://app.example.com"},
	{Proxy: cors.ESPv2, Preset: cors.PresetBasic, AllowOrigin: "*", AllowCredentials: true},
	{Proxy: cors.ESPv2, Preset: cors.PresetBasic, AllowOrigin: "http://app.example.com/"},
	{Proxy: cors.ESPv2, Preset: cors.PresetRegex, AllowOriginRegex: `https?://.*\.example.com`, AllowCredentials: true},
	{Proxy: cors.ESP, Preset: cors.PresetBasic, AllowOrigin: "http://app.example.com"},
	{Proxy: cors.ESP, Preset: cors.PresetRegex, AllowOriginRegex: `example\.com`},
	{Proxy: cors.ESPv2, Preset: cors.PresetNone, AllowCors: true},
	{Proxy: cors.ESPv2, Preset: cors.PresetNone},
}

var (
	memoOrigins = []string{"http://app.example.com", "https://a.example.com", "http://evil.test", "null", "", "http://App.example.com"}
	memoACAO    = []string{"http://app.example.com", "*", "null", "http://app.example.com/", "https://a.example.com", "http://app.example.com, http://b.test", "http://evil.test"}
	memoValues  = map[string][]string{
		"Access-Control-Allow-Credentials":     {"true", "True", "false", ""},
		"Access-Control-Allow-Methods":         {"GET, POST", "*", "get", "GET;"},
		"Access-Control-Allow-Headers":         {"content-type", "*", "Authorization", "a b"},
		"Access-Control-Expose-Headers":        {"*", "Content-Length", "x-a, *", "bad value"},
		"Access-Control-Max-Age":               {"600", "1728000", "-1", "x"},
		"Access-Control-Allow-Private-Network": {"true", "false"},
		"Vary":                                 {"Origin", "origin, Accept", "*", "Accept", "Accept-Encoding"},
	}
	memoStatuses = []int{200, 201, 204, 301, 304, 400, 401, 403, 404, 405, 431, 500, 502, 503}
	memoBodies   = [][]byte{nil, {}, []byte(`{"code":404,"message":"The current request is not defined by this API."}`), []byte("upstream connect error\n"), []byte("a`b\x01")}
	memoMethods  = []string{"GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}
)

// memoExchange builds an exchange from choices made by pick(n).
func memoExchange(pick func(int) int, policy *cors.Policy) *cors.Exchange {
	x := &cors.Exchange{
		Method:         memoMethods[pick(len(memoMethods))],
		RequestHeader:  http.Header{},
		ResponseHeader: http.Header{},
		Status:         memoStatuses[pick(len(memoStatuses))],
		Credentials:    cors.CredentialsMode(pick(2)),
		Policy:         policy,
		ProxyMade:      pick(4) == 0,
		Body:           memoBodies[pick(len(memoBodies))],
	}
	for range pick(3) {
		x.RequestHeader["Origin"] = append(x.RequestHeader["Origin"], memoOrigins[pick(len(memoOrigins))])
	}
	for range pick(3) {
		x.ResponseHeader["Access-Control-Allow-Origin"] = append(x.ResponseHeader["Access-Control-Allow-Origin"], memoACAO[pick(len(memoACAO))])
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range memoValues {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range names {
		if pick(3) == 0 {
			x.ResponseHeader[k] = []string{memoValues[k][pick(len(memoValues[k]))]}
		}
	}
	if pick(2) == 0 {
		x.BackendHeader = http.Header{}
		for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"} {
			if pick(2) == 0 {
				var v string
				if k == "Access-Control-Allow-Origin" {
					v = memoACAO[pick(len(memoACAO))]
				} else {
					v = memoValues[k][pick(len(memoValues[k]))]
				}
				x.BackendHeader[k] = []string{v}
				if pick(2) == 0 {
					x.ResponseHeader[k] = append(x.ResponseHeader[k], v) // the backend's line passed through
				}
			}
		}
	}
	return x
}

// headerUniverse is every header name the cors package mentions (so a name
// the checker starts to read is in it), and common others.
func headerUniverse(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("..", "..", "cors", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("cors sources not found: %v", err)
	}
	re := regexp.MustCompile(`"((?:[A-Z][A-Za-z0-9]*-)+[A-Z][A-Za-z0-9]*|Origin|Vary|Cookie|Authorization|Accept|Range|Host)"`)
	seen := map[string]bool{"Content-Type": true, "Date": true, "Set-Cookie": true, "X-Request-Id": true,
		"Access-Control-Allow-Origin-Extra": true, "Etag": true, "Location": true, "Www-Authenticate": true}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			seen[http.CanonicalHeaderKey(m[1])] = true
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for k := range seen {
			if !yield(k) {
				return
			}
		}
	})
}

var noiseValues = []string{"", "x", "*", "true", "Origin", "http://app.example.com", "GET", "content-type", "600", "a, b"}

// addNoise sets fields the memo does not key on: any request field but
// Origin, response and backend fields outside the memo's list (an unknown
// Access-Control-* field makes the memo step aside, so those are left out),
// and changes nothing else.
func addNoise(pick func(int) int, x *cors.Exchange, universe []string) {
	clone := func(h http.Header) http.Header {
		if h == nil {
			return nil
		}
		return h.Clone()
	}
	x.RequestHeader, x.ResponseHeader, x.BackendHeader = clone(x.RequestHeader), clone(x.ResponseHeader), clone(x.BackendHeader)
	for range 1 + pick(6) {
		name := universe[pick(len(universe))]
		v := noiseValues[pick(len(noiseValues))]
		switch pick(3) {
		case 0:
			if name != "Origin" {
				x.RequestHeader[name] = append(x.RequestHeader[name], v)
			}
		case 1:
			if !isAccessControl(name) && name != "Vary" {
				x.ResponseHeader[name] = append(x.ResponseHeader[name], v)
			}
		default:
			if x.BackendHeader != nil && !isAccessControl(name) {
				x.BackendHeader[name] = append(x.BackendHeader[name], v)
			}
		}
	}
}

func isAccessControl(k string) bool { return len(k) > 15 && k[:15] == "Access-Control-" }

func rngPick(rng *rand.Rand) func(int) int {
	return func(n int) int {
		if n <= 1 {
			return 0
		}
		return rng.IntN(n)
	}
}

// TestCheckMemoSameAsCheck: for random exchanges and every neighbour of
// each (the same choices but one, drawn again), the memo's judgement, right
// after the exchange's own was memoised, equals cors.Check's: a key that
// missed an input would hand the neighbour the exchange's judgement.
func TestCheckMemoSameAsCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, policy := range memoPolicies {
		memo := NewCheckMemo(policy)
		hits := 0
		for range 40 {
			var choices []int
			record := func(n int) int {
				c := rng.IntN(256)
				choices = append(choices, c)
				if n <= 1 {
					return 0
				}
				return c % n
			}
			base := memoExchange(record, policy)
			check := func(x *cors.Exchange) {
				var buf [512]byte
				if k, ok := memo.key(buf[:0], x); ok {
					memo.mu.RLock()
					_, hit := memo.m[string(k)]
					memo.mu.RUnlock()
					if hit {
						hits++
					}
				}
				if diff := cmp.Diff(cors.Check(x), memo.Check(x)); diff != "" {
					t.Fatalf("policy %+v, exchange %+v: memo differs (-check +memo):\n%s", policy, x, diff)
				}
			}
			check(base)
			for changed := range choices {
				for alt := range 16 {
					i := 0
					replay := func(n int) int {
						c := rng.IntN(256)
						switch {
						case i == changed:
							c = alt
						case i < len(choices):
							c = choices[i]
						}
						i++
						if n <= 1 {
							return 0
						}
						return c % n
					}
					check(base)
					check(memoExchange(replay, policy))
				}
			}
		}
		if hits < 1000 {
			t.Errorf("policy %+v: only %d hits", policy, hits)
		}
	}
}

// TestCheckMemoKeyCoversInputs: no header field outside the memo key changes
// a judgement. For every name the cors package mentions (and common others),
// set in the request, the response or the backend's headers with several
// values, the judgement stays the one of the exchange without it.
func TestCheckMemoKeyCoversInputs(t *testing.T) {
	universe := headerUniverse(t)
	if len(universe) < 20 {
		t.Fatalf("only %d header names found in the cors package", len(universe))
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, policy := range memoPolicies {
		memo := NewCheckMemo(policy)
		for range 50 {
			x := memoExchange(rngPick(rng), policy)
			var buf [512]byte
			if _, ok := memo.key(buf[:0], x); !ok {
				continue
			}
			want := cors.Check(x)
			for _, name := range universe {
				for _, v := range noiseValues {
					for where := range 3 {
						y := *x
						var h *http.Header
						switch where {
						case 0:
							if name == "Origin" {
								continue
							}
							h = &y.RequestHeader
						case 1:
							if isAccessControl(name) || name == "Vary" {
								continue
							}
							h = &y.ResponseHeader
						default:
							if x.BackendHeader == nil || isAccessControl(name) {
								continue
							}
							h = &y.BackendHeader
						}
						*h = h.Clone()
						(*h)[name] = append((*h)[name], v)
						if diff := cmp.Diff(want, cors.Check(&y)); diff != "" {
							t.Fatalf("%s: %q in place %d changes the judgement of %+v, but the memo does not key on it:\n%s", name, v, where, x, diff)
						}
					}
				}
			}
		}
	}
}

// TestCheckMemoStepsAside: OPTIONS requests, another policy and unknown
// Access-Control-* fields are not memoised.
func TestCheckMemoStepsAside(t *testing.T) {
	p := memoPolicies[0]
	memo := NewCheckMemo(p)
	base := &cors.Exchange{Method: "GET", RequestHeader: http.Header{"Origin": {"http://app.example.com"}},
		ResponseHeader: http.Header{"Access-Control-Allow-Origin": {"http://app.example.com"}}, Status: 200, Policy: p}
	for name, x := range map[string]*cors.Exchange{
		"options":         {Method: "OPTIONS", RequestHeader: base.RequestHeader, ResponseHeader: base.ResponseHeader, Status: 200, Policy: p},
		"other policy":    {Method: "GET", RequestHeader: base.RequestHeader, ResponseHeader: base.ResponseHeader, Status: 200, Policy: memoPolicies[1]},
		"unknown field":   {Method: "GET", RequestHeader: base.RequestHeader, ResponseHeader: http.Header{"Access-Control-Allow-Origin": {"*"}, "Access-Control-Foo": {"x"}}, Status: 200, Policy: p},
		"unknown backend": {Method: "GET", RequestHeader: base.RequestHeader, ResponseHeader: base.ResponseHeader, BackendHeader: http.Header{"Access-Control-Foo": {"x"}}, Status: 200, Policy: p},
	} {
		if _, ok := memo.key(nil, x); ok {
			t.Errorf("%s: memoised", name)
		}
		if diff := cmp.Diff(cors.Check(x), memo.Check(x)); diff != "" {
			t.Errorf("%s: %s", name, diff)
		}
	}
	if _, ok := memo.key(nil, base); !ok {
		t.Error("a plain GET is not memoised")
	}
}

// FuzzCheckMemo: an exchange and the same exchange with fields outside the
// key added have the same key and, when the memo takes them, the same
// judgement; and the memo returns cors.Check's judgement for both, in either
// order.
func FuzzCheckMemo(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, []byte{5, 6})
	f.Add([]byte{8, 0, 2, 2, 1, 1, 0, 3, 4}, []byte{1, 2, 3, 4, 5, 6, 7, 8})
	f.Add([]byte("\x00\x00\x05\x01\x00\x01\x00\x00\x00\x00\x01\x01"), []byte("\x02\x10\x01\x03"))
	universe := headerUniverse(f)
	f.Fuzz(func(t *testing.T, exchange, noise []byte) {
		pick := bytePick(exchange)
		policy := memoPolicies[pick(len(memoPolicies))]
		x := memoExchange(pick, policy)
		y := *x
		addNoise(bytePick(noise), &y, universe)
		memo := NewCheckMemo(policy)
		kx, okx := memo.key(nil, x)
		ky, oky := memo.key(nil, &y)
		if okx != oky || string(kx) != string(ky) {
			t.Fatalf("noise changed the key")
		}
		want := cors.Check(x)
		if okx {
			// Outside the key means outside the judgement.
			if diff := cmp.Diff(want, cors.Check(&y)); diff != "" {
				t.Fatalf("fields outside the key change the judgement of %+v to %+v:\n%s", x, &y, diff)
			}
		}
		for _, z := range []*cors.Exchange{x, &y, x} {
			if diff := cmp.Diff(cors.Check(z), memo.Check(z)); diff != "" {
				t.Fatalf("memo differs from cors.Check:\n%s", diff)
			}
		}
	})
}

func bytePick(data []byte) func(int) int {
	return func(n int) int {
		if len(data) == 0 || n <= 1 {
			return 0
		}
		c := int(data[0])
		data = data[1:]
		return c % n
	}
}

// BenchmarkCheckMemo: a proxied GET's judgement, by cors.Check and through
// the memo (a hit).
func BenchmarkCheckMemo(b *testing.B) {
	p := &cors.Policy{Proxy: cors.ESPv2, Preset: cors.PresetBasic, AllowOrigin: "http://app.example.com",
		AllowMethods: "GET, POST, PUT, PATCH, DELETE, OPTIONS", ExposeHeaders: "Content-Length,Content-Range"}
	x := &cors.Exchange{Method: "GET", Status: 200, Policy: p,
		RequestHeader: http.Header{"Origin": {"http://app.example.com"}, "User-Agent": {"wrk"}},
		ResponseHeader: http.Header{"Access-Control-Allow-Origin": {"http://app.example.com"},
			"Access-Control-Expose-Headers": {"Content-Length,Content-Range"}, "Content-Type": {"application/json"},
			"Content-Length": {"63"}, "Date": {"Thu, 03 Dec 2026 12:00:00 GMT"}}}
	b.Run("check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cors.Check(x)
		}
	})
	b.Run("memo", func(b *testing.B) {
		memo := NewCheckMemo(p)
		b.ReportAllocs()
		for b.Loop() {
			memo.Check(x)
		}
	})
}
