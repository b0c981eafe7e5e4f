package oasschema

import (
	"os"
	"testing"

	"github.com/corsgate/corsgate/bench/gen/cputime"
	"github.com/corsgate/corsgate/internal/spec"
)

func BenchmarkValidateBig(b *testing.B) {
	data, err := os.ReadFile("/tmp/h-schema/big.yaml")
	if err != nil {
		b.Skip()
	}
	doc, _ := spec.Parse("big", data, spec.Options{})
	if _, err := Validate(doc.Root, Swagger20); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cputime.Now()
	for i := 0; i < b.N; i++ {
		if _, err := Validate(doc.Root, Swagger20); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cputime.Now()-c0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
