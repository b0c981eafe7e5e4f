package proxy

import (
	"strings"
	"testing"
)

// TestEnvoyPath: the path ESPv2 (Envoy with normalize_path and
// merge_slashes) routes and forwards. The rows marked "esp-v2" are the
// expectations of esp-v2 v2.55.7's TestDynamicRoutingPathPreprocessing.
func TestEnvoyPath(t *testing.T) {
	tests := []struct {
		in, want string
		reject   bool
	}{
		{in: "/echo", want: "/echo"},
		{in: "/echo/123/../123/path/", want: "/echo/123/path/"}, // esp-v2
		{in: "/echo/%4A/path/", want: "/echo/J/path/"},          // esp-v2
		{in: "/echo/%4a/path/", want: "/echo/J/path/"},          // esp-v2
		{in: "/echo/12%2F3/path/", want: "/echo/12%2F3/path/"},  // esp-v2
		{in: "/echo/123/path//", want: "/echo/123/path/"},       // esp-v2
		{in: "/empty_path//", want: "/empty_path/"},             // esp-v2
		{in: "/echo/123/PATH/", want: "/echo/123/PATH/"},        // esp-v2: no case normalisation
		{in: "//echo", want: "/echo"},
		{in: "/./echo", want: "/echo"},
		{in: "/x/../echo", want: "/echo"},
		{in: "/../echo", want: "/echo"},
		{in: "/a/b/..", want: "/a/"},
		{in: "/a/./b/.", want: "/a/b/"},
		{in: "/a/%2e%2E/b", want: "/b"},
		{in: "/a/.%2e/b", want: "/b"},
		{in: "/%2e", want: "/"},
		{in: "/a%2Eb", want: "/a.b"},
		{in: "/a..b/", want: "/a..b/"},
		{in: "/.a/..b", want: "/.a/..b"},
		{in: "/a//../b", want: "/a/b"},
		{in: `/a\b`, want: "/a/b"},
		{in: `/a\..\b`, want: "/b"},
		{in: `/a"b`, want: "/a%22b"},
		{in: "/a{b}|c^d`e<f>", want: "/a%7Bb%7D%7Cc%5Ed%60e%3Cf%3E"},
		{in: "/\xc3\xa9", want: "/%C3%A9"},
		{in: "/a%20b%7e%2d%5f%41", want: "/a%20b~-_A"},
		{in: "/%2f%2F%3a%25", want: "/%2f%2F%3a%25"},
		{in: "/a!$&'()*+,;=:@[]", want: "/a!$&'()*+,;=:@[]"},
		{in: "/a/b//c//", want: "/a/b/c/"},
		{in: "//", want: "//"},
		{in: "///", want: "//"},
		{in: "/a%00b", reject: true},
		{in: "/a/%00/..", reject: true},
	}
	for _, tt := range tests {
		got, ok := envoyPath(tt.in)
		if ok == tt.reject || ok && got != tt.want {
			t.Errorf("envoyPath(%q) = %q, %v; want %q, rejected %v", tt.in, got, ok, tt.want, tt.reject)
		}
	}
}

func TestEnvoyPathKeepsCleanPaths(t *testing.T) {
	p := "/v1/shelves/12:batchGet"
	if allocs := testing.AllocsPerRun(100, func() { envoyPath(p) }); allocs != 0 {
		t.Errorf("envoyPath on a clean path allocates %v times", allocs)
	}
}

// TestNginxRejectsPath: the paths Debian's nginx 1.22 answers 400 before
// any location runs (TestNginxAgrees checks the same list against nginx).
func TestNginxRejectsPath(t *testing.T) {
	for _, tt := range nginxPathCases {
		if got := nginxRejectsPath(tt.path); got != tt.reject {
			t.Errorf("nginxRejectsPath(%q) = %v, want %v", tt.path, got, tt.reject)
		}
	}
}

var nginxPathCases = []struct {
	path   string
	reject bool
}{
	{"/v1/shelves", false},
	{"/..", true},
	{"/../x", true},
	{"/a/..", false},
	{"/a/../..", true},
	{"/a/../../x", true},
	{"/%2e%2e/x", true},
	{"/a/%2e%2e/%2E%2E/x", true},
	{"/a%2f..%2f..%2fx", true},
	{"/a/..%2f..%2fx", true},
	{"/.%2e", true},
	{"/a/.%2e/.%2E/", true},
	{"//..//x", true},
	{"/a//../../x", true},
	{"/..a", false},
	{"/.../x", false},
	{`/a/\..\..\x`, false},
	{"/%00", true},
	{"/a%00b", true},
	{"/%2500", false},
	{"/v1/./shelves", false},
	{"/v1/x/../shelves", false},
	{"//v1/shelves", false},
}

// FuzzEnvoyPath: envoyPath never panics, rejects exactly the paths holding
// an escaped (or raw) NUL, and returns a path that starts with '/', holds
// no dot segment and no "//" (except the path "//" itself), and in which
// every byte is one Chromium leaves unescaped or part of an escape.
func FuzzEnvoyPath(f *testing.F) {
	for _, tt := range []string{"/a/../b", "/%2e%2E/./x", `/a\b`, "/a//b/", "/%00", "/%%30%30", "/\xff", "//"} {
		f.Add(tt)
	}
	f.Fuzz(func(t *testing.T, in string) {
		in = "/" + in
		out, ok := envoyPath(in)
		nul := strings.Contains(in, "%00") || strings.IndexByte(in, 0) >= 0
		if ok == nul {
			t.Fatalf("envoyPath(%q) ok = %v; NUL in it: %v", in, ok, nul)
		}
		if !ok {
			return
		}
		if !strings.HasPrefix(out, "/") || out != "//" && strings.Contains(out, "//") {
			t.Fatalf("envoyPath(%q) = %q", in, out)
		}
		for _, seg := range strings.Split(out, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("envoyPath(%q) = %q keeps a dot segment", in, out)
			}
		}
		for i := 0; i < len(out); i++ {
			if c := out[i]; pathFlags[c] == pathEscape || c == 0 {
				t.Fatalf("envoyPath(%q) = %q keeps byte %q unescaped", in, out, c)
			}
		}
	})
}

// FuzzNginxRejectsPath only asks for no panic, and that a path without a
// dot or an escape is never rejected.
func FuzzNginxRejectsPath(f *testing.F) {
	for _, tt := range nginxPathCases {
		f.Add(tt.path)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if nginxRejectsPath(p) && !strings.ContainsAny(p, ".%") {
			t.Fatalf("nginxRejectsPath(%q) without a dot or an escape", p)
		}
	})
}
