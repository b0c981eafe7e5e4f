package transform

import (
	"os"
	"testing"

	"github.com/corsgate/corsgate/bench/gen/cputime"
	"github.com/corsgate/corsgate/bench/gen/specgen"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/yamledit"
	"go.yaml.in/yaml/v3"
)

func benchDoc(b *testing.B) *spec.Document {
	p := os.Getenv("CORSGATE_BENCH_SPEC")
	if p == "" {
		b.Skip("set CORSGATE_BENCH_SPEC to a large spec (go run ./bench/gen -paths 5000 -o FILE)")
	}
	src, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	d, err := spec.Parse(p, src, spec.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func BenchmarkParse(b *testing.B) {
	d := benchDoc(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := spec.Parse("x", d.Src, spec.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewFile(b *testing.B) {
	d := benchDoc(b)
	b.ReportAllocs()
	for b.Loop() {
		yamledit.New(d)
	}
}

func BenchmarkAllowCorsToggle(b *testing.B) {
	d := benchDoc(b)
	tr, _ := ByName("allow-cors")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.Run(d, Options{Arg: "off"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkYAMLNodeOnly(b *testing.B) {
	d := benchDoc(b)
	b.ReportAllocs()
	for b.Loop() {
		var n yaml.Node
		if err := yaml.Unmarshal(d.Src, &n); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToOpenAPI3 converts generated 1000-path specs of both shapes
// (about 4 MB of YAML each); the sample shape also as indented JSON.
func BenchmarkToOpenAPI3(b *testing.B) {
	for _, tc := range []struct {
		name   string
		style  specgen.Style
		format specgen.Format
	}{
		{"sample-yaml", specgen.Sample, specgen.YAML},
		{"catalog-yaml", specgen.Catalog, specgen.YAML},
		{"sample-json", specgen.Sample, specgen.JSON},
	} {
		b.Run(tc.name, func(b *testing.B) {
			src, err := specgen.Bytes(specgen.Options{Paths: 1000, Seed: 1, Style: tc.style, Format: tc.format})
			if err != nil {
				b.Fatal(err)
			}
			d, err := spec.Parse("spec", src, spec.Options{})
			if err != nil {
				b.Fatal(err)
			}
			tr, _ := ByName("to-openapi3")
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for b.Loop() {
				if _, err := tr.Run(d, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			cputime.Report(b, cpu0, 1000)
		})
	}
}
