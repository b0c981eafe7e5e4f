package cors

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// FuzzParseTokenList checks the header-list parser: it never panics, every
// item it returns is a non-empty token, and parsing the items joined again
// gives the same items.
func FuzzParseTokenList(f *testing.F) {
	for _, s := range []string{
		"", "GET, POST, PUT, PATCH, DELETE, OPTIONS", DefaultAllowHeadersESP2, " ,\ta ,, b\t",
		"*", "a b", "x-é", "a;b", ",,,", "content-type,x-custom",
	} {
		f.Add(s, "")
		f.Add(s, "x-second-line")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		items, err := ParseTokenList([]string{a, b})
		if err != nil {
			if items != nil {
				t.Fatalf("items %q with error %v", items, err)
			}
			return
		}
		for _, it := range items {
			if !isToken(it) {
				t.Fatalf("item %q is not a token (input %q, %q)", it, a, b)
			}
		}
		again, err := ParseTokenList([]string{strings.Join(items, ", ")})
		if err != nil || !slices.Equal(items, again) {
			t.Fatalf("re-parse of %q: %q, %v", items, again, err)
		}
	})
}

// FuzzUnsafeRequestHeaderNames checks the ACRH computation: sorted, lower
// case, unique, and no browser-set names.
func FuzzUnsafeRequestHeaderNames(f *testing.F) {
	f.Add("Content-Type", "application/json", "Accept", "*/*")
	f.Add("X-Custom", "v", "Origin", "http://a")
	f.Add("Range", "bytes=0-", "Accept-Language", "en;q=0.5")
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2 string) {
		h := http.Header{}
		h[n1] = append(h[n1], v1)
		h[n2] = append(h[n2], v2)
		got := UnsafeRequestHeaderNames(h)
		if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Fatalf("not sorted/unique: %q", got)
		}
		for _, n := range got {
			if n != strings.ToLower(n) || isBrowserSet(n) {
				t.Fatalf("bad name %q in %q", n, got)
			}
		}
	})
}

// FuzzCheck feeds arbitrary header values to Check: it must not panic, and
// the verdict must agree with the block findings.
func FuzzCheck(f *testing.F) {
	f.Add("OPTIONS", testOrigin, "PUT", "x-custom", testOrigin, "PUT", "x-custom", "600", "true", true, 200)
	f.Add("GET", testOrigin, "", "", "*", "", "", "", "true", false, 200)
	f.Add("OPTIONS", "null", "patch", "authorization", "null", "*", "*", "-1", "True", true, 400)
	f.Fuzz(func(t *testing.T, method, origin, acrm, acrh, acao, acam, acah, maxAge, acac string, include bool, status int) {
		req := http.Header{"Origin": {origin}, "Access-Control-Request-Method": {acrm}, "Access-Control-Request-Headers": {acrh}}
		resp := http.Header{"Access-Control-Allow-Origin": {acao}, "Access-Control-Allow-Methods": {acam},
			"Access-Control-Allow-Headers": {acah}, "Access-Control-Max-Age": {maxAge}, "Access-Control-Allow-Credentials": {acac}}
		x := &Exchange{Method: method, RequestHeader: req, Status: status, ResponseHeader: resp,
			Policy: &Policy{Preset: PresetRegex, AllowOriginRegex: acam, AllowCredentials: include}, BackendHeader: resp}
		if include {
			x.Credentials = CredentialsInclude
		}
		r := Check(x)
		blocked := false
		for _, fd := range r.Findings {
			blocked = blocked || fd.Severity == SeverityBlock
			if fd.Code == "" || fd.Message == "" {
				t.Fatalf("empty finding %+v", fd)
			}
		}
		if r.Verdict == VerdictNotCORS {
			if origin != "" || len(r.Findings) > 0 {
				t.Fatalf("not CORS with origin %q / findings %v", origin, r.Findings)
			}
			return
		}
		if blocked != (r.Verdict == VerdictBlocked) {
			t.Fatalf("verdict %q vs findings %v", r.Verdict, r.Findings)
		}
	})
}
