package oasschema

import (
	"testing"

	"github.com/corsgate/corsgate/bench/gen/cputime"
	"github.com/corsgate/corsgate/internal/spec"
)

// BenchmarkValidate5000 validates the 5000-path benchmark spec (the one
// `go run ./bench/gen -paths 5000` writes, ~19.5 MB) as lint does. cpu-ms/op
// is the process CPU time (all threads, GC included) per validation: the
// machines are shared, so wall time also measures the neighbours.
func BenchmarkValidate5000(b *testing.B) {
	benchValidate(b, 5000)
}

func BenchmarkValidate500(b *testing.B) {
	benchValidate(b, 500)
}

func benchValidate(b *testing.B, paths int) {
	doc, err := spec.Parse("bench.yaml", generated(b, paths), spec.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Validate(doc.Root, Swagger20); err != nil { // compile the schema outside the timing
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cputime.Now()
	for b.Loop() {
		if _, err := Validate(doc.Root, Swagger20); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cputime.Now()-c0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
