package oasschema

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// normalise makes spec.JSONValue's output (json.Number everywhere) and the
// converter's (int64, float64, json.Number) comparable: every number
// becomes its exact rational value.
func normalise(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, c := range v {
			m[k] = normalise(c)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, c := range v {
			l[i] = normalise(c)
		}
		return l
	case json.Number, int64, float64:
		r, ok := new(big.Rat).SetString(fmt.Sprint(v))
		if !ok {
			return fmt.Sprintf("unparsable number %v", v)
		}
		return "number " + r.RatString()
	}
	return v
}

// TestConvertMatchesJSONValue: the converter types every value as the
// loader's spec.JSONValue does (which writes JSON and decodes it), without
// the JSON round trip.
func TestConvertMatchesJSONValue(t *testing.T) {
	tests := []string{
		"a: 1\nb: -0\nc: 1.5\nd: 1e3\ne: .5\nf: 0x1F\ng: 0o17\nh: 1_000\ni: 99999999999999999999\n",
		"a: .inf\nb: -.Inf\nc: .nan\nd: true\ne: False\nf: ~\ng: null\nh: 2024-01-01\ni: !!binary aGk=\nj: !custom x\n",
		"200: {description: ok}\ntrue: 1\n1.5: x\n? [a, b]\n: complex key\n",
		"base: &b {x: 1, y: 2}\nm: {<<: *b, y: 3}\nl: {<<: [*b, {z: 4}]}\nlist: [*b, *b]\n",
		"a: \"1\"\nb: '2.0'\nc: 'true'\nd: |\n  text\ne: [1, [2, [3]]]\n",
	}
	for i, src := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			root := parseRoot(t, []byte(src))
			want, err := spec.JSONValue(root)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := newConverter(nil).value(root, 0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(normalise(want), normalise(got)); diff != "" {
				t.Errorf("converter differs from spec.JSONValue (-JSONValue +converter):\n%s", diff)
			}
		})
	}
}

func FuzzConvert(f *testing.F) {
	for _, s := range []string{"a: 1", "a: &x [1, *x]", "a: {<<: {b: 1}, b: 2}", "- 0x10\n- .5\n- 1e400", "? {a: 1}\n: b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var doc yaml.Node
		if yaml.Unmarshal([]byte(src), &doc) != nil || len(doc.Content) == 0 {
			return
		}
		want, werr := spec.JSONValue(doc.Content[0])
		got, _, gerr := newConverter(nil).value(doc.Content[0], 0)
		if werr != nil || gerr != nil {
			return // expansion limits differ (the loader's budget is smaller for JSONValue)
		}
		if diff := cmp.Diff(normalise(want), normalise(got)); diff != "" {
			t.Errorf("converter differs from spec.JSONValue on %q:\n%s", src, diff)
		}
	})
}

// TestAliasBomb: a document whose aliases expand to billions of values is
// reported as not checked, quickly, instead of hanging the validator.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("swagger: \"2.0\"\ninfo: {title: T, version: \"1\"}\npaths: {}\nx-l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "x-l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("definitions:\n  Bomb: {type: object, example: *l9}\n")
	// (The ladder itself, under x- keys at the top level, is never converted:
	// the schema accepts anything there.)
	start := time.Now()
	ps := mustValidate(t, b.String())
	if len(ps) != 1 || ps[0].Kind != Skipped || ps[0].Pointer != "" {
		t.Errorf("got %v, want one Skipped problem", ps)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
	// The same aliases, few enough, are validated.
	small := strings.Replace(b.String(), "example: *l9", "example: *l3", 1)
	if ps := mustValidate(t, small); len(ps) != 0 {
		t.Errorf("small expansion: %v", ps)
	}
}

// FuzzValidate: any YAML mapping is validated without a panic or an error,
// and the same problems come back twice (concurrency does not change them).
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		"swagger: '2.0'\npaths: {/a: {get: {responses: {200: {}}}}}",
		"openapi: 3.0.0\npaths: {/a: {parameters: [{in: x}]}}",
		"openapi: 3.1.0\ncomponents: {securitySchemes: {a: {type: oauth2}}}",
		"swagger: '2.0'\nx: &a {b: *a}",
		"swagger: '2.0'\nparameters: {p: &p {in: query}}\npaths: {/a: {parameters: [*p, *p]}}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var doc yaml.Node
		if yaml.Unmarshal([]byte(src), &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			return
		}
		root := doc.Content[0]
		v, err := VersionOf(root)
		if err != nil {
			return
		}
		first, err := Validate(root, v)
		if err != nil {
			t.Fatal(err)
		}
		second, err := Validate(root, v)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, second); diff != "" {
			t.Errorf("two runs differ:\n%s", diff)
		}
		for _, p := range first {
			if p.Message == "" || p.Kind == "" {
				t.Errorf("empty problem %+v", p)
			}
		}
	})
}

func TestValidateRefusesBadInput(t *testing.T) {
	root := parseRoot(t, []byte("swagger: '2.0'"))
	if _, err := Validate(root, Version(9)); err == nil {
		t.Error("unknown version accepted")
	}
	if _, err := Validate(parseRoot(t, []byte("- a")), Swagger20); err == nil {
		t.Error("a list accepted as a document")
	}
	if _, err := Validate(nil, Swagger20); err == nil {
		t.Error("nil accepted")
	}
	if _, err := VersionOf(parseRoot(t, []byte("openapi: 2.5.0"))); err == nil || !strings.Contains(err.Error(), `"2.5.0"`) {
		t.Errorf("VersionOf(openapi: 2.5.0) = %v", err)
	}
	if _, err := VersionOf(parseRoot(t, []byte("a: 1"))); err == nil {
		t.Error("VersionOf accepted a document without a version key")
	}
	var target error = errExpansion
	if !errors.Is(target, errExpansion) {
		t.Fatal("unreachable")
	}
}
