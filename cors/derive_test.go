package cors

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/testenv"
	"github.com/google/go-cmp/cmp"
)

func TestNeeds(t *testing.T) {
	n := Needs(mustDoc(t, "api.yaml", crossSpec))
	want := SpecNeeds{
		Methods:       []string{"GET", "PUT"},
		Headers:       []string{"X-Trace"},
		APIKeyHeaders: []string{"x-api-key"},
		Authorization: true,
		Body:          true,
		Expose:        []string{"X-Version", "X-Etag"},
		AllowCors:     true,
		AllowCorsPtr:  "/x-google-endpoints/0/allowCors",
	}
	if d := cmp.Diff(want, n); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	g := Needs(mustDoc(t, "g.yaml", grpcWebSpec))
	if !g.GrpcWeb || g.GrpcWebPtr != "/consumes" {
		t.Errorf("grpc-web not detected: %+v", g)
	}
	b := Needs(mustDoc(t, "b.yaml", `swagger: "2.0"
info: {title: t, version: "1"}
host: a.example
x-google-endpoints:
- name: other.example
  allowCors: true
paths:
  /x:
    get:
      x-google-backend: {address: grpcs://svc.run.app}
      responses: {200: {description: ok}}
`))
	if b.AllowCors {
		t.Error("allowCors on an entry whose name != host must not count")
	}
	if !b.GrpcWeb || b.GrpcWebPtr != "/paths/~1x/get/x-google-backend/address" {
		t.Errorf("grpc backend not detected: %+v", b)
	}
}

func TestDerive(t *testing.T) {
	n := Needs(mustDoc(t, "api.yaml", crossSpec))
	p, err := Derive(n, Policy{Proxy: ESPv2, AllowOrigin: "https://app.example", MaxAge: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	want := Policy{Proxy: ESPv2, Preset: PresetBasic, AllowOrigin: "https://app.example",
		AllowMethods: "GET, PUT, OPTIONS", AllowHeaders: "X-Trace,x-api-key,Authorization,Content-Type",
		ExposeHeaders: "X-Version,X-Etag", MaxAge: time.Hour, MaxAgeSet: true}
	if d := cmp.Diff(want, p); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// A regex implies cors_with_regex and drops a default origin.
	p, err = Derive(n, Policy{Proxy: ESP, AllowOrigin: "*", AllowOriginRegex: `^https://a\.example$`})
	if err != nil || p.Preset != PresetRegex || p.AllowOrigin != "" || p.MaxAgeSet {
		t.Errorf("regex: %+v %v", p, err)
	}
	if _, err := Derive(n, Policy{Proxy: ESPv2}); !errors.Is(err, ErrNoOrigin) {
		t.Errorf("no origin: err = %v", err)
	}
	// The derived policy passes every cross-check against its own spec
	// (apart from the mode question, which is about allowCors).
	p, _ = Derive(n, Policy{Proxy: ESPv2, AllowOrigin: "https://app.example"})
	for _, d := range CrossCheckPolicy(p, nil, []*spec.Document{mustDoc(t, "api.yaml", crossSpec)}) {
		if d.RuleID != RulePresetWithAllow {
			t.Errorf("derived policy fails %s: %s", d.RuleID, d.Message)
		}
	}
}

// TestNeedsRealWorld runs the analysis over Google's public sample specs:
// it must not fail, and every spec with operations has methods.
func TestNeedsRealWorld(t *testing.T) {
	dir := testenv.Shared(t, "corpus", "real-world")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	jsons, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	files = append(files, jsons...)
	if len(files) == 0 {
		t.Fatal("no spec in " + dir)
	}
	parsed := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := spec.Parse(f, data, spec.Options{})
		if err != nil {
			continue
		}
		parsed++
		n := Needs(doc)
		if len(doc.Operations()) > 0 && len(n.Methods) == 0 {
			t.Errorf("%s: operations but no methods", f)
		}
		if _, err := Derive(n, Policy{AllowOrigin: "https://a.example"}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if parsed == 0 {
		t.Error("no corpus spec parsed")
	}
}

func BenchmarkNeeds(b *testing.B) {
	doc := mustDoc(b, "api.yaml", crossSpec)
	b.ReportAllocs()
	for b.Loop() {
		_ = Needs(doc)
	}
}
