package spec

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func extensionsOf(t *testing.T, src string) []string {
	t.Helper()
	var out []string
	for _, v := range mustParse(t, src).Google().GoogleExtensions() {
		out = append(out, fmt.Sprintf("%s %d:%d", v.Ptr(), v.Key.Line, v.Key.Column))
	}
	return out
}

// TestGoogleExtensionsPlaces: x-google-* keys where keys are spec fields are
// found; user data, user-chosen names and other vendors' extensions are not
// searched.
func TestGoogleExtensionsPlaces(t *testing.T) {
	got := extensionsOf(t, `swagger: "2.0"
x-google-backend: {address: https://b}
x-other: {x-google-inside: 1}
paths:
  x-google-path: {}
  /a:
    get:
      x-google-quota: {}
      parameters:
      - {name: p, in: query, type: string, default: {x-google-default: 1}}
      responses:
        200:
          schema: {example: {x-google-example: 1}, enum: [{x-google-enum: 1}]}
definitions:
  x-google-named-by-user:
    properties:
      x-google-prop: {type: string, x-google-ext: 1}
securityDefinitions:
  x-google-scheme: {}
  jwt: {x-google-issuer: i}
`)
	want := []string{
		"/x-google-backend 2:1",
		"/paths/x-google-path 5:3",
		"/paths/~1a/get/x-google-quota 8:7",
		"/definitions/x-google-named-by-user/properties/x-google-prop/x-google-ext 17:37",
		"/securityDefinitions/x-google-scheme 19:3",
		"/securityDefinitions/jwt/x-google-issuer 20:9",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("extensions (-want +got):\n%s", diff)
	}
}

// TestGoogleExtensionsAliasOnce: an anchored node is walked once however
// many aliases refer to it, at its first place in the walk.
func TestGoogleExtensionsAliasOnce(t *testing.T) {
	got := extensionsOf(t, `swagger: "2.0"
x-anchors:
  op: &op {x-google-quota: {}, responses: &r {200: {description: ok}}}
paths:
  /b: {get: *op, put: *op}
  /a: {get: *op}
`)
	want := []string{"/paths/~1b/get/x-google-quota 3:12"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("extensions (-want +got):\n%s", diff)
	}
}

// TestGoogleExtensionsAliasFanOut: ten aliases per level over five levels
// would be walked 10^5 times if aliases were followed every time; the walk
// visits each anchored node once and finds the one key once. (More levels
// pass the loader's expansion budget and are refused before any walk.)
func TestGoogleExtensionsAliasFanOut(t *testing.T) {
	var b strings.Builder
	b.WriteString("swagger: \"2.0\"\nx-levels:\n  l0: &l0 {x-google-quota: {}}\n")
	for lvl := 1; lvl <= 5; lvl++ {
		fmt.Fprintf(&b, "  l%d: &l%d {", lvl, lvl)
		for i := range 10 {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "k%d: *l%d", i, lvl-1)
		}
		b.WriteString("}\n")
	}
	b.WriteString("paths:\n  /a: {get: {responses: *l5}}\n")
	got := extensionsOf(t, b.String())
	want := []string{"/paths/~1a/get/responses/k0/k0/k0/k0/k0/x-google-quota 3:12"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("extensions (-want +got):\n%s", diff)
	}
}
