package rules

import (
	"context"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/google/go-cmp/cmp"
)

func TestPathsParse(t *testing.T) {
	for _, tc := range []struct {
		path string
		kind pathsProblemKind
		vars []string
	}{
		{"/", pathsOK, nil},
		{"/items", pathsOK, nil},
		{"/items/{id}", pathsOK, []string{"id"}},
		{"/v1/{name=shelves/*}:cancel", pathsOK, []string{"name"}},
		{"/v1/{name=shelves/*/books/*}", pathsOK, []string{"name"}},
		{"/files/{path=**}/meta", pathsOK, []string{"path"}},
		{"/**", pathsOK, nil},
		{"/a/*/b", pathsOK, nil},
		{"/v1/items:batchGet", pathsOK, nil},
		{"/{book.name}", pathsOK, []string{"book.name"}},
		{"/items/", pathsTrailingSlash, nil},
		{"/items/{id}/", pathsTrailingSlash, []string{"id"}},
		{"/items/overview.{format}", pathsPartial, []string{"format"}},
		{"/items/prefix_{id}_suffix", pathsPartial, []string{"id"}},
		{"/items/{id}.json", pathsPartial, []string{"id"}},
		{"/items/{a}{b}", pathsPartial, []string{"a", "b"}},
		{"/api/{proxy+}", pathsGreedyPlus, []string{"proxy"}},
		{"/a//b", pathsGrammar, nil},
		{"/files/**/{name}", pathsGrammar, []string{"name"}},
		{"/files/**/*", pathsGrammar, nil},
		{"/z/{a=**}/*", pathsGrammar, []string{"a"}},
		{"/time/12:00/x", pathsGrammar, nil},
		{"/x/*.json", pathsGrammar, nil},
		{"/y/{}", pathsGrammar, nil},
		{"/y/{a", pathsGrammar, nil},
		{"/y/a}", pathsGrammar, nil},
		{"/y/{a{b}}", pathsGrammar, []string{"a{b"}},
		{"/v1/x:", pathsGrammar, nil},
		{"/{.a}", pathsGrammar, []string{".a"}},
		{"/{a=}", pathsGrammar, []string{"a"}},
		{"items", pathsGrammar, nil},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got := pathsParse(tc.path)
			if got.Kind != tc.kind {
				t.Errorf("kind = %d (%s), want %d", got.Kind, got.Problem, tc.kind)
			}
			if (got.Kind == pathsOK) != (got.Problem == "") {
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

// FuzzPathsParse checks that the template parser never panics and that its
// verdicts are consistent: a template built only from valid pieces parses,
// and a reported problem always comes with a reason.
func FuzzPathsParse(f *testing.F) {
	for _, s := range []string{"/", "/a/{b}", "/{a=**}/c", "/api/{proxy+}", "/a//b", "/x/{y}.json", "/v1/{n=s/*}:get", "/{", "/}", "/{{}}", "/**/x/**", "/000{+}", "/a{+}b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		got := pathsParse(path)
		if got.Kind != pathsOK && got.Problem == "" {
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
			b.WriteString(pathsCleanSegment(seg))
		}
		if clean := b.String(); pathsParse(clean).Kind != pathsOK {
			t.Fatalf("%q (from %q) should parse: %s", clean, path, pathsParse(clean).Problem)
		}
	})
}

// pathsCleanSegment turns any text into a valid literal segment.
func pathsCleanSegment(s string) string {
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

// FuzzOpsFamilyRules runs this family's rules on arbitrary documents: they must
// never panic (lint.Run turns a panic into an error) and every diagnostic
// must carry a position.
func FuzzOpsFamilyRules(f *testing.F) {
	seeds := []string{
		"swagger: \"2.0\"\ninfo: {title: t, version: 1.0.0}\nhost: a.endpoints.my-project.cloud.goog\npaths:\n  /a/{id}:\n    get: {operationId: x, parameters: [{$ref: '#/parameters/p'}], responses: {200: {description: ok, schema: {$ref: '#/definitions/A'}}}}\nparameters:\n  p: {name: id, in: path, required: true, type: string}\ndefinitions:\n  A: {type: array, items: {$ref: '#/definitions/A'}}\n",
		"swagger: \"2.0\"\npaths:\n  /a:\n    parameters: 3\n    get: [1, 2]\n    put: {operationId: [x], parameters: [{name: a}, 7, {$ref: 5}]}\ndefinitions: [1]\nx-google-allow: {a: b}\nx-google-api-name: [x]\nbasePath: 5\n",
		"swagger: \"2.0\"\nhost: 7\ninfo: {version: [1]}\ndefinitions:\n  A: {$ref: '#/definitions/B'}\n  B: {additionalProperties: {$ref: '#/definitions/A'}}\n  C: {properties: 5, additionalProperties: true}\n",
		"{\"swagger\": \"2.0\", \"paths\": {\"/x/{a=**}/{b}\": {\"post\": {\"operationId\": \"a\", \"parameters\": [{\"name\": \"b\", \"in\": \"body\", \"schema\": {\"$ref\": \"#/definitions/M\"}}]}}}, \"definitions\": {\"M\": {\"additionalProperties\": {}}}}",
		"anchors: &a {x: 1}\nswagger: \"2.0\"\npaths:\n  /a: &item\n    get: {operationId: a}\n  /b: *item\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	rs := opsFamilyRules()
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := spec.Parse("fuzz.yaml", data, spec.Options{MaxSize: 1 << 16})
		if err != nil {
			return
		}
		for _, target := range lint.Targets {
			ds, err := lint.Run(context.Background(), []*spec.Document{doc, doc}, rs, &lint.Config{Target: target}, nil)
			if err != nil {
				t.Fatalf("rule failure: %v", err)
			}
			for _, d := range ds {
				if d.Line == 0 {
					t.Fatalf("%s reported without a position: %s", d.RuleID, d.Message)
				}
			}
		}
	})
}
