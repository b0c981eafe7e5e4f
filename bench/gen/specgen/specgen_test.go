package specgen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/bench/gen/specgen"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

func generate(t testing.TB, opts specgen.Options) []byte {
	t.Helper()
	b, err := specgen.Bytes(opts)
	if err != nil {
		t.Fatalf("Bytes(%+v): %v", opts, err)
	}
	return b
}

func TestLoadsAndCounts(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts specgen.Options
	}{
		{"one path yaml", specgen.Options{Paths: 1}},
		{"two paths json", specgen.Options{Paths: 2, Format: specgen.JSON}},
		{"150 paths yaml", specgen.Options{Paths: 150, Seed: 3}},
		{"150 paths json", specgen.Options{Paths: 150, Seed: 3, Format: specgen.JSON}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := generate(t, tc.opts)
			doc, err := spec.Parse("bench.yaml", data, spec.Options{})
			if err != nil {
				t.Fatalf("spec.Parse: %v", err)
			}
			wantFormat := spec.YAML
			if tc.opts.Format == specgen.JSON {
				wantFormat = spec.JSON
			}
			if doc.Format != wantFormat {
				t.Errorf("format = %v, want %v", doc.Format, wantFormat)
			}
			if got := len(spec.Get(doc.Root, "paths").Content) / 2; got != tc.opts.Paths {
				t.Errorf("paths = %d, want %d", got, tc.opts.Paths)
			}
			// Every path item holds 2 to 4 operations.
			perPath := map[string]int{}
			ops := doc.Operations()
			for _, op := range ops {
				perPath[op.Path]++
			}
			for p, n := range perPath {
				if n < 2 || n > 4 {
					t.Errorf("path %s has %d operations, want 2..4", p, n)
				}
			}
			lo, hi := specgen.OperationsRange(tc.opts.Paths)
			if len(ops) < lo || len(ops) > hi {
				t.Errorf("operations = %d, want %d..%d", len(ops), lo, hi)
			}
			// operationIds are unique.
			seen := map[string]bool{}
			for _, op := range ops {
				id := spec.ScalarText(spec.Get(op.Node, "operationId"))
				if id == "" || seen[id] {
					t.Errorf("operation %s %s: operationId %q missing or duplicated", op.Method, op.Path, id)
				}
				seen[id] = true
			}
		})
	}
}

// TestGoogleShape checks the Endpoints features the benchmark is meant to
// exercise, on the typed model and the node tree.
func TestGoogleShape(t *testing.T) {
	doc, err := spec.Parse("bench.yaml", generate(t, specgen.Options{Paths: 60}), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	host, ok := doc.Host()
	if !ok || host != specgen.Host {
		t.Fatalf("host = %q, %v; want %q", host, ok, specgen.Host)
	}
	ep := doc.Node("/x-google-endpoints/0")
	if got := spec.ScalarText(spec.Get(ep, "name")); got != host {
		t.Errorf("x-google-endpoints[0].name = %q, want host %q", got, host)
	}
	if v, ok := spec.BoolValue(spec.Get(ep, "allowCors")); !ok || !v {
		t.Errorf("allowCors is not the boolean true")
	}
	for _, ptr := range []string{
		"/x-google-backend/address",
		"/securityDefinitions/api_key",
		"/securityDefinitions/google_id_token/x-google-issuer",
		"/securityDefinitions/google_id_token/x-google-jwks_uri",
		"/securityDefinitions/google_id_token/x-google-audiences",
		"/x-google-management/metrics/0/name",
		"/x-google-management/quota/limits/0/metric",
		"/definitions/Error",
	} {
		if doc.Node(ptr) == nil {
			t.Errorf("missing %s", ptr)
		}
	}

	metrics := map[string]bool{}
	for _, m := range doc.Node("/x-google-management/metrics").Content {
		metrics[spec.ScalarText(spec.Get(m, "name"))] = true
	}
	counts := map[string]int{}
	for _, op := range doc.Operations() {
		if q := spec.Get(op.Node, "x-google-quota"); q != nil {
			counts["quota"]++
			spec.Pairs(spec.Get(q, "metricCosts"), func(k, _ *yaml.Node) {
				if !metrics[k.Value] {
					t.Errorf("%s: quota metric %q is not defined", op.Ptr, k.Value)
				}
			})
		}
		if spec.Get(op.Node, "x-google-backend") != nil {
			counts["backend"]++
		}
		spec.Pairs(spec.Get(op.Node, "responses"), func(k, _ *yaml.Node) {
			if k.Value == "default" {
				counts["default"]++
			} else if k.Tag == "!!int" {
				counts["int key"]++
			}
		})
		for _, p := range spec.Get(op.Node, "parameters").Content {
			counts["in:"+spec.ScalarText(spec.Get(p, "in"))]++
		}
	}
	for _, k := range []string{"quota", "backend", "default", "int key", "in:path", "in:query", "in:header", "in:body"} {
		if counts[k] == 0 {
			t.Errorf("no %s in the generated spec (counts %v)", k, counts)
		}
	}

	// Every $ref resolves to a definition.
	refs := 0
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Kind == yaml.MappingNode && n.Content[i].Value == "$ref" {
				refs++
				ref := n.Content[i+1].Value
				if !strings.HasPrefix(ref, "#/") || doc.Node(strings.TrimPrefix(ref, "#")) == nil {
					t.Errorf("line %d: $ref %q does not resolve", n.Content[i+1].Line, ref)
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc.Root)
	if refs < 60 {
		t.Errorf("only %d $refs", refs)
	}
	if !bytes.Contains(doc.Src, []byte("\n# ")) {
		t.Errorf("YAML output has no comment lines")
	}
}

// TestYAMLAndJSONAgree checks that both formats describe the same document.
func TestYAMLAndJSONAgree(t *testing.T) {
	opts := specgen.Options{Paths: 40, Seed: 9}
	y, err := spec.Parse("a.yaml", generate(t, opts), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opts.Format = specgen.JSON
	jsonBytes := generate(t, opts)
	if !json.Valid(jsonBytes) {
		t.Fatal("JSON output is not valid JSON")
	}
	j, err := spec.Parse("a.json", jsonBytes, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ym, _ := spec.JSONValue(y.Root)
	jm, _ := spec.JSONValue(j.Root)
	if diff := cmp.Diff(jm, ym); diff != "" {
		t.Errorf("YAML and JSON documents differ (-json +yaml):\n%s", diff)
	}
}

func TestDeterministic(t *testing.T) {
	a := generate(t, specgen.Options{Paths: 50, Seed: 4})
	b := generate(t, specgen.Options{Paths: 50, Seed: 4})
	if !bytes.Equal(a, b) {
		t.Fatal("same options gave different output")
	}
	c := generate(t, specgen.Options{Paths: 50, Seed: 5})
	if bytes.Equal(a, c) {
		t.Fatal("different seeds gave the same output")
	}
}

// TestSize keeps the per-path size near the benchmark spec: N = 1000
// is about 3.8 MB of YAML.
func TestSize(t *testing.T) {
	n := len(generate(t, specgen.Options{Paths: 1000}))
	if n < 3_500_000 || n > 4_100_000 {
		t.Errorf("N=1000 YAML is %d bytes, want about 3.8 MB", n)
	}
}

func TestBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts specgen.Options
		want string
	}{
		{"zero paths", specgen.Options{}, "at least 1"},
		{"bad format", specgen.Options{Paths: 1, Format: "toml"}, "unknown format"},
		{"bad style", specgen.Options{Paths: 1, Style: "baroque"}, "unknown style"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := specgen.Bytes(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestCatalogShape checks what makes the Catalog style a different shape
// from Sample: its YAML layout and its use of $refs, and that it is still a
// clean Endpoints spec whose $refs all resolve.
func TestCatalogShape(t *testing.T) {
	data := generate(t, specgen.Options{Paths: 60, Style: specgen.Catalog})
	doc, err := spec.Parse("catalog.yaml", data, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if host, ok := doc.Host(); !ok || host != specgen.CatalogHost {
		t.Fatalf("host = %q, %v", host, ok)
	}
	if got := spec.ScalarText(doc.Node("/x-google-endpoints/0/name")); got != specgen.CatalogHost {
		t.Errorf("x-google-endpoints[0].name = %q", got)
	}
	styles := map[string]int{}
	refs := map[string]int{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch {
		case n.Style&yaml.FlowStyle != 0 && n.Kind == yaml.MappingNode:
			styles["flow map"]++
		case n.Style&yaml.LiteralStyle != 0:
			styles["literal"]++
		case n.Style&yaml.FoldedStyle != 0:
			styles["folded"]++
		case n.Style&yaml.SingleQuotedStyle != 0:
			styles["single"]++
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == "$ref" {
					ref := n.Content[i+1].Value
					section := strings.SplitN(strings.TrimPrefix(ref, "#/"), "/", 2)[0]
					refs[section]++
					if doc.Node(strings.TrimPrefix(ref, "#")) == nil {
						t.Errorf("line %d: $ref %q does not resolve", n.Content[i+1].Line, ref)
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc.Root)
	for _, k := range []string{"flow map", "literal", "folded", "single"} {
		if styles[k] < 20 {
			t.Errorf("only %d %s nodes (%v)", styles[k], k, styles)
		}
	}
	for _, k := range []string{"parameters", "responses", "definitions"} {
		if refs[k] < 60 {
			t.Errorf("only %d $refs into %s (%v)", refs[k], k, refs)
		}
	}
	if !bytes.Contains(data, []byte("\n        get:\n")) {
		t.Error("operations are not indented by four spaces per level")
	}
	if !bytes.Contains(data, []byte("\n            parameters:\n                - ")) {
		t.Error("sequences are not indented under their key")
	}
	if got := len(spec.Get(doc.Root, "paths").Content) / 2; got != 60 {
		t.Errorf("%d paths, want 60", got)
	}
}

// TestFormatsAgree: for both styles, the YAML, indented JSON and compact
// JSON outputs describe the same document (the same node values in the
// same order), and the JSON outputs are valid JSON.
func TestFormatsAgree(t *testing.T) {
	for _, style := range []specgen.Style{specgen.Sample, specgen.Catalog} {
		t.Run(string(style), func(t *testing.T) {
			var want any
			for _, format := range []specgen.Format{specgen.YAML, specgen.JSON, specgen.JSONCompact} {
				data := generate(t, specgen.Options{Paths: 30, Seed: 2, Style: style, Format: format})
				if format != specgen.YAML && !json.Valid(data) {
					t.Fatalf("%s output is not valid JSON", format)
				}
				doc, err := spec.Parse("x", data, spec.Options{})
				if err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				got, err := spec.JSONValue(doc.Root)
				if err != nil {
					t.Fatal(err)
				}
				if want == nil {
					want = got
					continue
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s differs from YAML (-yaml +%s):\n%s", format, format, diff)
				}
			}
		})
	}
}

// TestCatalogSize keeps the Catalog style near Sample's size per path, so
// that N means about the same file size in both (~20 MB at 5000 paths).
func TestCatalogSize(t *testing.T) {
	n := len(generate(t, specgen.Options{Paths: 1000, Style: specgen.Catalog}))
	if n < 3_600_000 || n > 4_300_000 {
		t.Errorf("N=1000 catalog YAML is %d bytes, want about 4 MB", n)
	}
}

func TestCompactJSONHasNoWhitespace(t *testing.T) {
	data := generate(t, specgen.Options{Paths: 5, Format: specgen.JSONCompact, Style: specgen.Catalog})
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	outside := true
	for i, c := range data {
		if c == '"' && (i == 0 || data[i-1] != '\\') {
			outside = !outside
		}
		if outside && (c == ' ' || c == '\n') {
			t.Fatalf("whitespace outside strings at byte %d", i)
		}
	}
}

// TestLintsClean: both generators write specs corsgate's whole catalogue
// finds nothing above info in (the benchmark lints valid specs). At 100
// paths the sample style reaches path 59, once a custom action whose parent
// and resource were the same noun, its path variable written twice.
func TestLintsClean(t *testing.T) {
	for _, style := range []specgen.Style{specgen.Sample, specgen.Catalog} {
		t.Run(string(style), func(t *testing.T) {
			doc, err := spec.Parse("bench.yaml", generate(t, specgen.Options{Paths: 100, Style: style}), spec.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ds, err := lint.Run(context.Background(), []*spec.Document{doc}, rules.All(), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if d.Severity > lint.Info {
					t.Errorf("%d:%d: %s: %s [%s]", d.Line, d.Column, d.Severity, d.Message, d.RuleID)
				}
			}
		})
	}
}
