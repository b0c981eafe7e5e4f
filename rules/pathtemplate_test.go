package rules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTemplate(t *testing.T) {
	for _, tc := range []struct {
		path string
		kind templateProblem
		vars []string
	}{
		{"/", templateOK, nil},
		{"/items", templateOK, nil},
		{"/items/{id}", templateOK, []string{"id"}},
		{"/v1/{name=shelves/*}:cancel", templateOK, []string{"name"}},
		{"/v1/{name=shelves/*/books/*}", templateOK, []string{"name"}},
		{"/files/{path=**}/meta", templateOK, []string{"path"}},
		{"/**", templateOK, nil},
		{"/a/*/b", templateOK, nil},
		{"/v1/items:batchGet", templateOK, nil},
		{"/{book.name}", templateOK, []string{"book.name"}},
		{"/items/", templateTrailingSlash, nil},
		{"/items/{id}/", templateTrailingSlash, []string{"id"}},
		{"/items/overview.{format}", templatePartial, []string{"format"}},
		{"/items/prefix_{id}_suffix", templatePartial, []string{"id"}},
		{"/items/{id}.json", templatePartial, []string{"id"}},
		{"/items/{a}{b}", templatePartial, []string{"a", "b"}},
		{"/api/{proxy+}", templateGreedyPlus, []string{"proxy"}},
		{"/a//b", templateGrammar, nil},
		{"/files/**/{name}", templateGrammar, []string{"name"}},
		{"/files/**/*", templateGrammar, nil},
		{"/z/{a=**}/*", templateGrammar, []string{"a"}},
		{"/time/12:00/x", templateGrammar, nil},
		{"/x/*.json", templateGrammar, nil},
		{"/y/{}", templateGrammar, nil},
		{"/y/{a", templateGrammar, nil},
		{"/y/a}", templateGrammar, nil},
		{"/y/{a{b}}", templateGrammar, []string{"a{b"}},
		{"/v1/x:", templateGrammar, nil},
		{"/{.a}", templateGrammar, []string{".a"}},
		{"/{a=}", templateGrammar, []string{"a"}},
		{"items", templateGrammar, nil},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got := parseTemplate(tc.path)
			if got.Kind != tc.kind {
				t.Errorf("kind = %d (%s), want %d", got.Kind, got.Problem, tc.kind)
			}
			if (got.Kind == templateOK) != (got.Problem == "") {
				t.Errorf("problem text %q does not match kind %d", got.Problem, got.Kind)
			}
			var names []string
			for _, v := range got.Vars {
				names = append(names, v.Name)
			}
			if diff := cmp.Diff(tc.vars, names); diff != "" {
				t.Errorf("vars (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzParseTemplate checks that the template parser never panics and that its
// verdicts are consistent: a template built only from valid pieces parses,
// and a reported problem always comes with a reason.
func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{"/", "/a/{b}", "/{a=**}/c", "/api/{proxy+}", "/a//b", "/x/{y}.json", "/v1/{n=s/*}:get", "/{", "/}", "/{{}}", "/**/x/**", "/000{+}", "/a{+}b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		got := parseTemplate(path)
		if got.Kind != templateOK && got.Problem == "" {
			t.Fatalf("%q: kind %d without a reason", path, got.Kind)
		}
		for _, v := range got.Vars {
			if v.Name == "" || !strings.HasPrefix(v.Raw, "{") {
				t.Fatalf("%q: bad variable %+v", path, v)
			}
		}
		// Valid pieces joined with / always parse.
		var b strings.Builder
		for _, seg := range strings.Split(path, "/") {
			b.WriteByte('/')
			b.WriteString(cleanSegment(seg))
		}
		if clean := b.String(); parseTemplate(clean).Kind != templateOK {
			t.Fatalf("%q (from %q) should parse: %s", clean, path, parseTemplate(clean).Problem)
		}
	})
}

// cleanSegment turns any text into a valid literal segment.
func cleanSegment(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}
