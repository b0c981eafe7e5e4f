package spec_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/corsgate/corsgate/bench/gen/cputime"
	"github.com/corsgate/corsgate/bench/gen/specgen"
	"github.com/corsgate/corsgate/internal/spec"
	"go.yaml.in/yaml/v3"
)

// benchSpecs caches generated inputs so each size is generated once per
// test binary run, outside the timed loop.
var benchSpecs sync.Map // int -> []byte

func benchSpec(b *testing.B, paths int) []byte {
	b.Helper()
	if v, ok := benchSpecs.Load(paths); ok {
		return v.([]byte)
	}
	data, err := specgen.Bytes(specgen.Options{Paths: paths, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	benchSpecs.Store(paths, data)
	return data
}

// BenchmarkParse measures what every lint pays to load a spec: yaml.v3 node
// parse, duplicate/alias/depth checks and the pointer index, on generated
// Endpoints specs of ~3.8 kB of YAML per path. The Google model is built
// lazily, on the first Document.Google call.
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{100, 1000, 5000} {
		b.Run(fmt.Sprintf("paths=%d", n), func(b *testing.B) {
			data := benchSpec(b, n)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for b.Loop() {
				doc, err := spec.Parse("bench.yaml", data, spec.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if got := len(spec.Get(doc.Root, "paths").Content) / 2; got != n {
					b.Fatalf("%d paths, want %d", got, n)
				}
			}
			cputime.Report(b, cpu0, n)
		})
	}
}

// BenchmarkYAMLNodeParse is the floor for BenchmarkParse: yaml.v3 building
// the node tree alone, which every load pays.
func BenchmarkYAMLNodeParse(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("paths=%d", n), func(b *testing.B) {
			data := benchSpec(b, n)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for b.Loop() {
				var root yaml.Node
				if err := yaml.Unmarshal(data, &root); err != nil {
					b.Fatal(err)
				}
			}
			cputime.Report(b, cpu0, n)
		})
	}
}

// BenchmarkPos measures resolving diagnostic positions from JSON pointers
// on a large document (every operation's responses).
func BenchmarkPos(b *testing.B) {
	doc, err := spec.Parse("bench.yaml", benchSpec(b, 1000), spec.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ops := doc.Operations()
	ptrs := make([]string, len(ops))
	for i, op := range ops {
		ptrs[i] = spec.Append(op.Ptr, "responses", "default", "schema", "$ref")
	}
	b.ReportAllocs()
	cpu0 := cputime.Now()
	for b.Loop() {
		for _, p := range ptrs {
			if pos := doc.Pos(p); pos.Line == 0 {
				b.Fatalf("no position for %s", p)
			}
		}
	}
	cputime.Report(b, cpu0, 0)
}
