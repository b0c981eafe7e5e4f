package proxy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTemplateMatch(t *testing.T) {
	tests := []struct {
		tmpl    string
		display string
		yes     []string
		no      []string
	}{
		{"/", "/", []string{"/"}, []string{"/a", ""}},
		{"/shelves", "/shelves", []string{"/shelves"}, []string{"/shelves/", "/Shelves", "/shelves/1", "/"}},
		{"/shelves/{shelfId}", "/shelves/{shelf_id}", []string{"/shelves/1", "/shelves/abc"},
			[]string{"/shelves", "/shelves/", "/shelves/1/2"}},
		{"/shelves/*/books", "/shelves/*/books", []string{"/shelves/x/books"}, []string{"/shelves//books", "/shelves/x/y/books"}},
		{"/files/**", "/files/**", []string{"/files", "/files/a", "/files/a/b/c"}, []string{"/file", "/x/files/a"}},
		{"/v1/{name=shelves/*}/books", "/v1/{name=shelves/*}/books", []string{"/v1/shelves/3/books"},
			[]string{"/v1/shelves/books", "/v1/x/3/books"}},
		{"/v1/{path=**}/end", "/v1/{path=**}/end", []string{"/v1/end", "/v1/a/b/end"}, []string{"/v1/a/b"}},
		{"/items/", "/items/", []string{"/items/"}, []string{"/items"}},
		{"/v1/things:batchGet", "/v1/things:batchGet", []string{"/v1/things:batchGet"}, []string{"/v1/things", "/v1/things:other"}},
		{"/**", "/**", []string{"/", "/a", "/a/b/c"}, nil},
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
		for _, p := range tt.yes {
			if !tm.Match(p) {
				t.Errorf("%q should match %q", tt.tmpl, p)
			}
		}
		for _, p := range tt.no {
			if tm.Match(p) {
				t.Errorf("%q should not match %q", tt.tmpl, p)
			}
		}
	}
}

func TestTemplateErrors(t *testing.T) {
	for _, s := range []string{"shelves", "/items/item_{id}", "/a/{id", "/a/{}", "/a/**/**", "/a/**/{x}", "/a/{id}x"} {
		if _, err := ParseTemplate(s); err == nil {
			t.Errorf("ParseTemplate(%q) succeeded, want an error", s)
		}
	}
}

func TestTemplateOrder(t *testing.T) {
	tb := loadTable(t, `swagger: "2.0"
info: {title: t, version: "1"}
host: h
paths:
  /shelves/{id}:
    get: {responses: {200: {description: ok}}}
  /shelves/special:
    post: {responses: {200: {description: ok}}}
`)
	// /shelves/special (literal) is tried first, so a GET there is 405 for
	// that template's message, while its POST is routed.
	if l := tb.lookup("POST", "/shelves/special"); !l.backend {
		t.Errorf("POST /shelves/special not routed: %+v", l)
	}
	if l := tb.lookup("GET", "/shelves/special"); !l.backend {
		t.Errorf("GET /shelves/special should reach /shelves/{id}: %+v", l)
	}
	if l := tb.lookup("DELETE", "/shelves/special"); l.backend || l.template == nil || l.template.Source != "/shelves/special" {
		t.Errorf("DELETE /shelves/special: %+v", l)
	}
}

// FuzzTemplate checks that any template either fails to parse or matches
// without panicking, and that a literal template matches itself.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"/", "/a/{b}", "/a/{b=c/*}/d", "/x/**", "/v1/x:verb", "/a/{b=**}/c", "/a//b", "/{", "/a/}"} {
		f.Add(s, "/a/b/c")
	}
	f.Fuzz(func(t *testing.T, tmpl, path string) {
		tm, err := ParseTemplate(tmpl)
		if err != nil {
			return
		}
		tm.Match(path)
		if !strings.ContainsAny(tmpl, "{}*:") && !tm.Match(tmpl) {
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
