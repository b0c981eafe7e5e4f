package probe

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExpandTemplate(t *testing.T) {
	values := map[string]string{"shelf": "7", "name": "a/b c", "path": "x/y"}
	get := func(n string) (string, bool) { v, ok := values[n]; return v, ok }
	for _, tc := range []struct {
		tmpl, want string
		holes      []string
	}{
		{"/v1/shelves/{shelf}", "/v1/shelves/7", nil},
		{"/v1/shelves/{book}", "/v1/shelves/corsgate-probe", []string{"book"}},
		{"/v1/things/{name}", "/v1/things/a%2Fb%20c", nil},
		{"/v1/{path=**}", "/v1/x/y", nil},
		{"/v1/{rest=files/*}", "/v1/files/corsgate-probe", []string{"rest"}},
		{"/v1/*/items/**", "/v1/corsgate-probe/items/corsgate-probe", nil},
		{"/v1/items/{shelf}:batchGet", "/v1/items/7:batchGet", nil},
		{"/", "/", nil},
		{"/a b/{shelf}", "/a%20b/7", nil},
		{"/broken/{shelf", "/broken/%7Bshelf", nil},
	} {
		got, holes := expandTemplate(tc.tmpl, get)
		if got != tc.want || !cmp.Equal(holes, tc.holes) {
			t.Errorf("expandTemplate(%q) = %q %v, want %q %v", tc.tmpl, got, holes, tc.want, tc.holes)
		}
	}
}

func FuzzExpandTemplate(f *testing.F) {
	for _, s := range []string{"/v1/{a}", "/{a=b/**}:v", "/*/**", "{", "/{}", "/{a=}"} {
		f.Add(s, "v/1")
	}
	f.Fuzz(func(t *testing.T, tmpl, v string) {
		got, _ := expandTemplate(tmpl, func(string) (string, bool) { return v, true })
		if strings.ContainsAny(got, " {}?#") {
			t.Errorf("expandTemplate(%q) = %q: unescaped characters", tmpl, got)
		}
	})
}
