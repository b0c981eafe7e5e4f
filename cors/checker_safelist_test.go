package cors

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIsSafelistedRequestHeader(t *testing.T) {
	long := strings.Repeat("a", 129)
	for _, tc := range []struct {
		name, value string
		want        bool
	}{
		{"Accept", "*/*", true},
		{"accept", "application/json, text/plain;q=0.9", true},
		{"Accept", "text/(html)", false},
		{"Accept", "a\x01b", false},
		{"Accept", "a\tb", true},
		{"Accept", long, false},
		{"Accept", strings.Repeat("a", 128), true},
		{"Accept-Language", "en-US,en;q=0.9", true},
		{"Accept-Language", "en_US", false},
		{"Content-Language", "de-DE", true},
		{"Content-Language", "de/DE", false},
		{"Content-Type", "text/plain", true},
		{"Content-Type", "text/plain;charset=UTF-8", true},
		{"Content-Type", "Application/X-WWW-Form-Urlencoded", true},
		{"Content-Type", "multipart/form-data; boundary=x", true},
		{"Content-Type", "application/json", false},
		{"Content-Type", "text/plain; charset=\"utf-8\"", false}, // '"' is an unsafe byte
		{"Content-Type", "text/plain/x", false},
		{"Content-Type", "text", false},
		{"Content-Type", "text/plain; " + long, false},
		{"Range", "bytes=0-", true},
		{"Range", "bytes=5-10", true},
		{"Range", "bytes=10-5", false},
		{"Range", "bytes=0-1,3-4", false},
		{"Range", "bytes=-5", false},
		{"Range", "bytes= 0-", false},
		{"Range", "items=0-1", false},
		{"Range", "bytes=007-10", true},
		{"Range", "bytes=99999999999999999999-100000000000000000000", true},
		{"X-Custom", "v", false},
		{"Authorization", "Bearer x", false},
	} {
		if got := IsSafelistedRequestHeader(tc.name, tc.value); got != tc.want {
			t.Errorf("IsSafelistedRequestHeader(%q, %q) = %v, want %v", tc.name, tc.value, got, tc.want)
		}
	}
}

func TestUnsafeRequestHeaderNames(t *testing.T) {
	many := http.Header{}
	for _, n := range []string{"Accept", "Accept-Language", "Content-Language"} {
		many.Add(n, strings.Repeat("a", 120))
	}
	for i := 0; i < 6; i++ {
		many.Add("Accept", strings.Repeat("b", 120))
	}
	for _, tc := range []struct {
		name string
		h    http.Header
		want []string
	}{
		{"none", hdr("Accept", "*/*", "Origin", testOrigin, "Host", "x", "Cookie", "a=b", "Sec-Fetch-Mode", "cors", "User-Agent", "x"), nil},
		{"json", hdr("Content-Type", "application/json"), []string{"content-type"}},
		{"sorted lowercase unique", hdr("X-B", "1", "x-a", "2", "X-B", "3", "Authorization", "Bearer t"), []string{"authorization", "x-a", "x-b"}},
		{"long accept", hdr("Accept", strings.Repeat("a", 200)), []string{"accept"}},
		{"over 1024 in total", many, []string{"accept", "accept-language", "content-language"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, UnsafeRequestHeaderNames(tc.h)); diff != "" {
				t.Error(diff)
			}
		})
	}
}

func TestNeedsPreflight(t *testing.T) {
	for _, tc := range []struct {
		method string
		h      http.Header
		want   bool
	}{
		{"GET", hdr("Accept", "*/*"), false},
		{"POST", hdr("Content-Type", "text/plain;charset=UTF-8"), false},
		{"POST", hdr("Content-Type", "application/json"), true},
		{"HEAD", hdr(), false},
		{"PUT", hdr(), true},
		{"patch", hdr(), true},
		{"GET", hdr("Authorization", "Bearer x"), true},
		{"GET", hdr("Range", "bytes=0-1"), false},
	} {
		if got := NeedsPreflight(tc.method, tc.h); got != tc.want {
			t.Errorf("NeedsPreflight(%s, %v) = %v", tc.method, tc.h, got)
		}
	}
	if !IsSafelistedMethod("GET") || IsSafelistedMethod("get") || IsSafelistedMethod("PUT") {
		t.Error("IsSafelistedMethod")
	}
}
