package proxy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTemplateMatch: ESPv2's routes (MatchESPv2) accept one optional
// trailing slash and need the slash before "**"; ESP v1's path matcher
// (MatchESP) drops every trailing slash and lets "**" match nothing.
func TestTemplateMatch(t *testing.T) {
	tests := []struct {
		tmpl    string
		display string
		both    []string // both proxies match
		none    []string // neither does
		espv2   []string // only ESPv2
		esp     []string // only ESP v1
	}{
		{tmpl: "/", display: "/", both: []string{"/"}, none: []string{"/a", ""}, esp: []string{"//"}},
		{tmpl: "/shelves", display: "/shelves", both: []string{"/shelves", "/shelves/"},
			none: []string{"/Shelves", "/shelves/1", "/", "/shelvesx"}, esp: []string{"/shelves//"}},
		{tmpl: "/shelves/{shelfId}", display: "/shelves/{shelf_id}", both: []string{"/shelves/1", "/shelves/abc", "/shelves/1/", "/shelves/a:b"},
			none: []string{"/shelves", "/shelves/", "/shelves/1/2"}},
		{tmpl: "/shelves/*/books", display: "/shelves/*/books", both: []string{"/shelves/x/books", "/shelves/x/books/"},
			none: []string{"/shelves//books", "/shelves/x/y/books"}},
		{tmpl: "/files/**", display: "/files/**", both: []string{"/files/", "/files/a", "/files/a/b/c", "/files/a/"},
			none: []string{"/file", "/x/files/a"}, esp: []string{"/files"}},
		{tmpl: "/v1/{name=shelves/*}/books", display: "/v1/{name=shelves/*}/books", both: []string{"/v1/shelves/3/books"},
			none: []string{"/v1/shelves/books", "/v1/x/3/books"}},
		{tmpl: "/v1/{path=**}/end", display: "/v1/{path=**}/end", both: []string{"/v1/a/b/end", "/v1/a/end/", "/v1//end"},
			none: []string{"/v1/a/b"}, esp: []string{"/v1/end"}},
		// Neither proxy accepts a template ending in '/' (esp-v2
		// uri_template_parser.go and ESP's http_template.cc refuse an empty
		// literal); serve keeps it as an empty last segment.
		{tmpl: "/items/", display: "/items/", none: []string{"/items"}, espv2: []string{"/items/", "/items//"}},
		{tmpl: "/v1/things:batchGet", display: "/v1/things:batchGet", both: []string{"/v1/things:batchGet"},
			none: []string{"/v1/things", "/v1/things:other", "/v1/things:batchGet/"}, espv2: []string{"/v1/things/:batchGet"}},
		{tmpl: "/foo/**:verb", display: "/foo/**:verb", both: []string{"/foo/a/b:verb", "/foo/a/:verb"}, none: []string{"/foo/a/b"}},
		{tmpl: "/**", display: "/**", both: []string{"/", "/a", "/a/b/c", "/a/", "//"}},
	}
	for _, tt := range tests {
		tm, err := ParseTemplate(tt.tmpl)
		if err != nil {
			t.Errorf("ParseTemplate(%q): %v", tt.tmpl, err)
			continue
		}
		if tm.Display != tt.display {
			t.Errorf("%q: Display = %q, want %q", tt.tmpl, tm.Display, tt.display)
		}
		check := func(paths []string, v2, v1 bool) {
			for _, p := range paths {
				if got := tm.MatchESPv2(p); got != v2 {
					t.Errorf("%q MatchESPv2(%q) = %v, want %v", tt.tmpl, p, got, v2)
				}
				if got := tm.MatchESP(p); got != v1 {
					t.Errorf("%q MatchESP(%q) = %v, want %v", tt.tmpl, p, got, v1)
				}
			}
		}
		check(tt.both, true, true)
		check(tt.none, false, false)
		check(tt.espv2, true, false)
		check(tt.esp, false, true)
	}
}

// TestTemplateMatchIsESPv2Regex compares MatchESPv2 with the regex (or the
// two exact paths) ESPv2 generates, built here the way esp-v2's
// uri_template.go builds it, over templates and paths.
func TestTemplateMatchIsESPv2Regex(t *testing.T) {
	templates := []string{"/", "/a", "/a/b", "/a/{x}", "/a/*/c", "/a/**", "/a/**/c/d", "/**", "/a:v", "/a/{x}:v",
		"/a/**:v", "/{x=a/*}/b", "/a/{x=**}", "/a.b/{x}"}
	var paths []string
	for _, a := range []string{"", "/", "/a", "/b", "/c", "/d", "/a.b", "/axb", "/x:v", "/:v", ":v", "/a:v"} {
		for _, b := range []string{"", "/", "/a", "/c", "/d", "/c/d", ":v", "/:v"} {
			for _, c := range []string{"", "/", "/d", ":v", "//"} {
				paths = append(paths, a+b+c)
			}
		}
	}
	for _, src := range templates {
		tm, err := ParseTemplate(src)
		if err != nil {
			t.Fatal(err)
		}
		match := espv2Reference(tm)
		for _, p := range paths {
			if got, want := tm.MatchESPv2(p), match(p); got != want {
				t.Errorf("%q MatchESPv2(%q) = %v, ESPv2's route says %v", src, p, got, want)
			}
		}
	}
}

// espv2Reference is ESPv2's route matcher for tm, built independently of
// MatchESPv2: exact paths for templates without wildcards, else the regex.
func espv2Reference(tm *Template) func(string) bool {
	if tm.root {
		return func(p string) bool { return p == "/" }
	}
	var b strings.Builder
	exact := true
	for _, s := range tm.segs {
		b.WriteString("/")
		switch s.kind {
		case segOne:
			exact = false
			b.WriteString(`[^\/]+`)
		case segMulti:
			exact = false
			b.WriteString(`.*`)
		default:
			b.WriteString(regexp.QuoteMeta(s.lit))
		}
	}
	verb := ""
	if tm.verb != "" {
		verb = ":" + tm.verb
	}
	if exact {
		var lits strings.Builder
		for _, s := range tm.segs {
			lits.WriteString("/" + s.lit)
		}
		one, two := lits.String()+verb, lits.String()+"/"+verb
		return func(p string) bool { return p == one || p == two }
	}
	re, err := regexp.Compile("^" + b.String() + `\/?` + regexp.QuoteMeta(verb) + "$")
	if err != nil {
		return nil // not UTF-8: ESPv2 could not build the route either
	}
	return re.MatchString
}

func TestTemplateErrors(t *testing.T) {
	for _, s := range []string{"shelves", "/items/item_{id}", "/a/{id", "/a/{}", "/a/**/**", "/a/**/{x}", "/a/{id}x"} {
		if _, err := ParseTemplate(s); err == nil {
			t.Errorf("ParseTemplate(%q) succeeded, want an error", s)
		}
	}
}

// TestTemplateOrder: ESPv2 orders its routes as esp-v2's
// routegen/deny_invalid_method_test.go ("Order route match config for
// backend routes and healthz route") expects, which decides the template a
// 405 names.
func TestTemplateOrder(t *testing.T) {
	tb := loadTable(t, `swagger: "2.0"
info: {title: t, version: "1"}
host: h
paths:
  /foo/{a=**}:
    get: {responses: {200: {description: ok}}}
  /foo/{a}:
    get: {responses: {200: {description: ok}}}
  /foo/{a=**}/bar:
    get: {responses: {200: {description: ok}}}
  /foo/{a=**}:verb:
    get: {responses: {200: {description: ok}}}
  /foo/bar:
    get: {responses: {200: {description: ok}}}
  /foo/{a}/bar:
    get: {responses: {200: {description: ok}}}
  /:
    get: {responses: {200: {description: ok}}}
`)
	var got []string
	for _, pr := range tb.Paths {
		got = append(got, pr.tmpl.Display)
	}
	want := []string{"/", "/foo/bar", "/foo/{a}", "/foo/{a}/bar", "/foo/{a=**}/bar", "/foo/{a=**}:verb", "/foo/{a=**}"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("route order (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ method, path, template string }{
		{"PUT", "/foo/a/b/bar", "/foo/{a=**}/bar"},
		{"PUT", "/foo/a/b:verb", "/foo/{a=**}:verb"},
		{"PUT", "/foo/a/b", "/foo/{a=**}"},
		{"PUT", "/foo/bar", "/foo/bar"},
		{"PUT", "/foo/bar/", "/foo/bar"},
		{"PUT", "/foo/x/bar", "/foo/{a}/bar"},
		{"PUT", "/foo/x", "/foo/{a}"},
	} {
		l := tb.lookupESPv2(tc.method, tc.path)
		if l.op != nil || l.template == nil || l.template.Display != tc.template {
			t.Errorf("%s %s: %+v, want the 405 of %s", tc.method, tc.path, l, tc.template)
		}
	}
	if l := tb.lookupESPv2("GET", "/foo/a/b/bar/"); l.op == nil {
		t.Errorf("GET /foo/a/b/bar/ not routed: %+v", l)
	}
}

// TestTemplateOrderSameKeys: templates ESPv2's sorter puts on one trie node
// (the same keys) come in the order of their first method.
func TestTemplateOrderSameKeys(t *testing.T) {
	tb := loadTable(t, `swagger: "2.0"
info: {title: t, version: "1"}
host: h
paths:
  /s/{b}:
    post: {responses: {200: {description: ok}}}
  /s/{a}:
    get: {responses: {200: {description: ok}}}
`)
	if l := tb.lookupESPv2("PUT", "/s/1"); l.template == nil || l.template.Display != "/s/{a}" {
		t.Errorf("PUT /s/1 names %+v, want /s/{a} (GET sorts before POST)", l.template)
	}
}

// FuzzTemplate checks that any template either fails to parse or matches
// without panicking, that a literal template matches itself, and that
// MatchESPv2 agrees with ESPv2's regex.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"/", "/a/{b}", "/a/{b=c/*}/d", "/x/**", "/v1/x:verb", "/a/{b=**}/c", "/a//b", "/{", "/a/}"} {
		f.Add(s, "/a/b/c")
	}
	f.Fuzz(func(t *testing.T, tmpl, path string) {
		tm, err := ParseTemplate(tmpl)
		if err != nil {
			return
		}
		tm.MatchESP(path)
		// RE2's '.' does not match a newline, which no request path holds.
		ref := espv2Reference(tm)
		if ref == nil {
			return
		}
		if got, want := tm.MatchESPv2(path), ref(path); got != want && !strings.Contains(path, "\n") {
			t.Errorf("%q MatchESPv2(%q) = %v, ESPv2's route says %v", tmpl, path, got, want)
		}
		// A template ending in '/' is one neither proxy accepts; ESP's
		// matcher drops the request's trailing slash, so it matches nothing.
		espSelf := tm.MatchESP(tmpl) || strings.HasSuffix(tmpl, "/")
		if !strings.ContainsAny(tmpl, "{}*:") && (!espSelf || !tm.MatchESPv2(tmpl)) {
			t.Errorf("literal template %q does not match itself", tmpl)
		}
	})
}

// TestSampleSpecInSync keeps the embedded sample identical to the shipped
// testdata/specs/sample.yaml (go:embed cannot reach outside the package).
func TestSampleSpecInSync(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "..", "testdata", "specs", "sample.yaml"))
	if err != nil {
		t.Skipf("shipped sample not found: %v", err)
	}
	if string(want) != string(SampleSpec) {
		t.Errorf("internal/proxy/sample.yaml differs from testdata/specs/sample.yaml; copy it again")
	}
	tb := loadTable(t, string(SampleSpec))
	if !tb.AllowCors || len(tb.Paths) == 0 {
		t.Errorf("sample: allowCors %v, %d paths", tb.AllowCors, len(tb.Paths))
	}
}
