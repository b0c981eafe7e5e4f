package spec

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustParse(t *testing.T, src string) *Document {
	t.Helper()
	doc, err := Parse("test.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestConvertedOps: paths sorted by bytes, then get, delete, patch, post,
// put, options; head is left out (see convertedMethods).
func TestConvertedOps(t *testing.T) {
	doc := mustParse(t, `swagger: "2.0"
paths:
  /b:
    put: {operationId: b5}
    head: {operationId: bHead}
    get: {operationId: b1}
  /a/{id}:
    options: {operationId: a6}
    post: {operationId: a4}
    patch: {operationId: a3}
    delete: {operationId: a2}
  /B:
    get: {operationId: B1}
  x-note:
    get: {operationId: ext}
`)
	var got []string
	for _, op := range doc.Google().ConvertedOps() {
		got = append(got, op.Method+" "+op.Path)
	}
	want := []string{"get /B", "delete /a/{id}", "patch /a/{id}", "post /a/{id}", "options /a/{id}", "get /b", "put /b", "get x-note"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestMethodID(t *testing.T) {
	for _, tc := range []struct {
		member string
		id     string
		ok     bool
	}{
		{"operationId: getItem", "getItem", true},
		{"operationId: 42", "42", true},
		{"operationId: ''", "", false},
		{"operationId: null", "", false},
		{"operationId:", "", false},
		{"operationId: [a]", "", false},
		{"summary: none", "", false},
	} {
		t.Run(tc.member, func(t *testing.T) {
			g := mustParse(t, fmt.Sprintf("swagger: \"2.0\"\npaths:\n  /a:\n    get:\n      %s\n", tc.member)).Google()
			id, ok := g.Ops[0].MethodID()
			if id != tc.id || ok != tc.ok {
				t.Errorf("MethodID() = %q, %v; want %q, %v", id, ok, tc.id, tc.ok)
			}
		})
	}
}

func TestAllowAll(t *testing.T) {
	for src, want := range map[string]bool{
		"x-google-allow: all":        true,
		"x-google-allow: ALL":        true,
		"x-google-allow: configured": false,
		"x-google-allow: [all]":      false,
		"info: {}":                   false,
	} {
		if got := mustParse(t, "swagger: \"2.0\"\n"+src+"\n").Google().AllowAll(); got != want {
			t.Errorf("%s: AllowAll() = %v, want %v", src, got, want)
		}
	}
}

// TestPaths: only keys that start with / are path items, in source order,
// each reported at its key.
func TestPaths(t *testing.T) {
	g := mustParse(t, "swagger: \"2.0\"\npaths:\n  /b: {}\n  x-a: {}\n  c: {}\n  /a/{id}: {}\n").Google()
	var got []string
	for _, it := range g.Paths() {
		got = append(got, fmt.Sprintf("%s %s %d:%d", it.Template, it.Ptr(), it.Key.Line, it.Key.Column))
	}
	want := []string{"/b /paths/~1b 3:3", "/a/{id} /paths/~1a~1{id} 6:3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}
