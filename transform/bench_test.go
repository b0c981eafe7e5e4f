package transform

import (
	"os"
	"testing"

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
