package cors

import (
	"net/http"
	"slices"
	"strings"
)

// Fetch's request-header classification (cors-protocol reference §1.1-1.2;
// WHATWG Fetch "CORS-safelisted request-header", "CORS-unsafe request-header
// names"). The checker itself only sees the Access-Control-Request-Headers a
// browser computed; these helpers say what a browser would have put there and
// whether it would have sent a preflight at all.

// maxSafelistedValue is the per-value limit of a CORS-safelisted request-header.
const maxSafelistedValue = 128

// maxSafelistedTotal is the combined limit: above it every safelisted header
// counts as unsafe.
const maxSafelistedTotal = 1024

// IsSafelistedMethod reports whether m is a CORS-safelisted method (GET, HEAD,
// POST; byte-exact after the browser's normalisation).
func IsSafelistedMethod(m string) bool { return isSafelistedMethod(m) }

// IsSafelistedRequestHeader reports whether the header (name, value) is a
// CORS-safelisted request-header: Accept, Accept-Language, Content-Language,
// Content-Type or Range with a value of at most 128 bytes that passes the
// per-name value rule.
func IsSafelistedRequestHeader(name, value string) bool {
	if len(value) > maxSafelistedValue {
		return false
	}
	switch strings.ToLower(name) {
	case "accept":
		return !hasCORSUnsafeByte(value)
	case "accept-language", "content-language":
		for i := 0; i < len(value); i++ {
			b := value[i]
			ok := b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' ||
				strings.IndexByte(" *,-.;=", b) >= 0
			if !ok {
				return false
			}
		}
		return true
	case "content-type":
		if hasCORSUnsafeByte(value) {
			return false
		}
		switch mimeEssence(value) {
		case "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
			return true
		}
		return false
	case "range":
		return isSimpleRange(value)
	}
	return false
}

// hasCORSUnsafeByte: a control byte other than HT, one of "():<>?@[\]{}, or DEL.
func hasCORSUnsafeByte(v string) bool {
	for i := 0; i < len(v); i++ {
		b := v[i]
		if b < 0x20 && b != '\t' || b == 0x7f || strings.IndexByte("\"():<>?@[\\]{}", b) >= 0 {
			return true
		}
	}
	return false
}

// mimeEssence returns "type/subtype" in lower case, or "" when the value is
// not a valid MIME type (Fetch "parse a MIME type").
func mimeEssence(v string) string {
	v = strings.Trim(v, " \t\r\n")
	essence, _, _ := strings.Cut(v, ";")
	essence = strings.TrimRight(essence, " \t\r\n")
	typ, sub, ok := strings.Cut(essence, "/")
	if !ok || !isToken(typ) || !isToken(sub) {
		return ""
	}
	return strings.ToLower(essence)
}

// isSimpleRange: exactly one "bytes=N-" or "bytes=N-M" with N <= M (Fetch
// "simple range header value"; whitespace is not allowed).
func isSimpleRange(v string) bool {
	rest, ok := strings.CutPrefix(v, "bytes=")
	if !ok {
		return false
	}
	start, end, ok := strings.Cut(rest, "-")
	if !ok || !allDigits(start) || start == "" {
		return false
	}
	if end == "" {
		return true
	}
	if !allDigits(end) {
		return false
	}
	// compare as decimal strings without overflow
	s, e := strings.TrimLeft(start, "0"), strings.TrimLeft(end, "0")
	if len(s) != len(e) {
		return len(s) < len(e)
	}
	return s <= e
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// browserSetHeaders are request headers a page cannot set (Fetch "forbidden
// request-header") or that the browser adds itself; they never appear in
// Access-Control-Request-Headers.
var browserSetHeaders = map[string]bool{
	"accept-charset": true, "accept-encoding": true, "access-control-request-headers": true,
	"access-control-request-method": true, "access-control-request-private-network": true,
	"connection": true, "content-length": true, "cookie": true, "cookie2": true, "date": true,
	"dnt": true, "expect": true, "host": true, "keep-alive": true, "origin": true, "referer": true,
	"set-cookie": true, "te": true, "trailer": true, "transfer-encoding": true, "upgrade": true,
	"via": true, "user-agent": true,
}

// isBrowserSet reports whether a page could not have set the header, so it
// does not count for ACRH.
func isBrowserSet(name string) bool {
	n := strings.ToLower(name)
	return browserSetHeaders[n] || strings.HasPrefix(n, "sec-") || strings.HasPrefix(n, "proxy-")
}

// UnsafeRequestHeaderNames returns the CORS-unsafe request-header names of a
// request, as a browser writes them into Access-Control-Request-Headers:
// lower-cased, sorted, without duplicates. Headers only a browser can set
// (Host, Origin, Cookie, Sec-*, …) are skipped, so h may be the headers a
// server received.
func UnsafeRequestHeaderNames(h http.Header) []string {
	var unsafe, safe []string
	total := 0
	for name, values := range h {
		if isBrowserSet(name) {
			continue
		}
		for _, v := range values {
			if IsSafelistedRequestHeader(name, v) {
				total += len(v)
				safe = append(safe, strings.ToLower(name))
			} else {
				unsafe = append(unsafe, strings.ToLower(name))
			}
		}
	}
	if total > maxSafelistedTotal {
		unsafe = append(unsafe, safe...)
	}
	slices.Sort(unsafe)
	return slices.Compact(unsafe)
}

// NeedsPreflight reports whether a browser sends a CORS preflight before a
// cross-origin request with this method and these headers (ignoring the
// preflight cache and the upload-listener / stream-body cases).
func NeedsPreflight(method string, h http.Header) bool {
	return !isSafelistedMethod(method) || len(UnsafeRequestHeaderNames(h)) > 0
}
