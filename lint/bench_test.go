package lint_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/corsgate/corsgate/bench/gen/cputime"
	"github.com/corsgate/corsgate/bench/gen/specgen"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"go.yaml.in/yaml/v3"
)

// The engine's own cost, without the real rule catalogue (package rules
// imports lint, so the benchmark with every rule lives in rules/bench_test.go).

func benchDoc(b *testing.B, paths int) *spec.Document {
	b.Helper()
	data, err := specgen.Bytes(specgen.Options{Paths: paths, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	doc, err := spec.Parse("bench.yaml", data, spec.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

// walkRule visits every operation and its responses, like most rules do,
// and reports one finding per operation through a JSON pointer (the path
// every diagnostic takes: pointer → position → sort → dedup).
var walkRule = &lint.Rule{
	ID: "bench-walk", Category: lint.CategoryOperations, Severity: lint.Warning, Doc: "benchmark rule",
	Check: func(p *lint.Pass) {
		for _, op := range p.Doc.Operations() {
			n := 0
			spec.Pairs(spec.Get(op.Node, "responses"), func(k, v *yaml.Node) { n++ })
			if n > 0 {
				p.Report(spec.Append(op.Ptr, "operationId"), "operation %s %s has %d responses", op.Method, op.Path, n)
			}
		}
	},
}

// quietRule walks every operation and reports nothing: the cost of a clean run.
var quietRule = &lint.Rule{
	ID: "bench-quiet", Category: lint.CategoryOperations, Severity: lint.Warning, Doc: "benchmark rule",
	Check: func(p *lint.Pass) {
		for _, op := range p.Doc.Operations() {
			if spec.Get(op.Node, "operationId") == nil {
				p.Report(op.Ptr, "no operationId")
			}
		}
	},
}

func BenchmarkRunEngine(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		doc := benchDoc(b, n)
		ops := len(doc.Operations())
		for _, tc := range []struct {
			name  string
			rules []*lint.Rule
			want  int
		}{
			{"quiet", []*lint.Rule{quietRule}, 0},
			{"one-finding-per-op", []*lint.Rule{walkRule}, ops},
		} {
			b.Run(fmt.Sprintf("%s/paths=%d", tc.name, n), func(b *testing.B) {
				runtime.GC() // keep the load's garbage out of the timed loop
				b.ReportAllocs()
				cpu0 := cputime.Now()
				for b.Loop() {
					ds, err := lint.Run(context.Background(), []*spec.Document{doc}, tc.rules, nil, nil)
					if err != nil {
						b.Fatal(err)
					}
					if len(ds) != tc.want {
						b.Fatalf("%d diagnostics, want %d", len(ds), tc.want)
					}
				}
				cputime.Report(b, cpu0, n)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/path")
			})
		}
	}
}

// BenchmarkFinalize measures severity overrides, suppression lookup, sorting
// and de-duplication on many findings.
func BenchmarkFinalize(b *testing.B) {
	doc := benchDoc(b, 1000)
	var ds []lint.Diagnostic
	for i := 1; i <= 20000; i++ {
		ds = append(ds, lint.Diagnostic{RuleID: fmt.Sprintf("rule-%d", i%13), Severity: lint.Warning,
			Message: "message", File: doc.Name, Line: (i * 7919) % doc.LineCount(), Column: 1 + i%9})
	}
	cfg := &lint.Config{Rules: map[string]lint.Severity{"rule-3": lint.Error, "rule-4": lint.SeverityNone}}
	buf := make([]lint.Diagnostic, len(ds))
	b.ReportAllocs()
	cpu0 := cputime.Now()
	for b.Loop() {
		copy(buf, ds)
		out := lint.Finalize(buf, []*spec.Document{doc}, cfg)
		if len(out) == 0 || len(out) >= len(ds) {
			b.Fatalf("%d diagnostics after Finalize", len(out))
		}
	}
	cputime.Report(b, cpu0, 0)
}
