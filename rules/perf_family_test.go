package rules

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/corsgate/corsgate/bench/gen/cputime"
	"github.com/corsgate/corsgate/bench/gen/specgen"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// opsFamilyIDs are the rules of the operations, paths, $ref, service and
// x-google-allow families, the set issue 3 measured.
var opsFamilyIDs = []string{
	"allow-value", "api-name-format",
	"host-google-domain", "host-project-id", "host-custom-domain", "host-same-across-files", "api-version-conflict",
	"operation-id-required", "operation-id-unique", "operation-id-format", "operation-param-snake-case",
	"path-variable-segment", "path-trailing-slash", "path-root", "path-template-syntax", "path-params-match", "base-path-trailing-slash", "path-case-conflict",
	"ref-definitions-prefix", "ref-no-definitions", "ref-dangling", "ref-parameter-unresolved", "ref-external", "ref-circular", "body-schema-map",
}

// rulesByID returns the rules with these IDs; a missing one fails the test
// (IDs never change meaning).
func rulesByID(tb testing.TB, ids []string) []*lint.Rule {
	tb.Helper()
	out := make([]*lint.Rule, len(ids))
	for i, id := range ids {
		r, ok := ByID(id)
		if !ok {
			tb.Fatalf("no rule %s", id)
		}
		out[i] = r
	}
	return out
}

// opsFirstRuleSet is the catalogue of the first rules commit (input,
// structure, host, x-google-endpoints, extension typo guard): the baseline
// issue 3 compares lint time against.
func opsFirstRuleSet() []*lint.Rule {
	var out []*lint.Rule
	for _, r := range All() {
		switch {
		case r.ID == "spec-parse", r.ID == "swagger-version", r.ID == "host-required", r.ID == "host-format", r.ID == "host-service-name",
			strings.HasPrefix(r.ID, "structure-"), strings.HasPrefix(r.ID, "endpoints-"), strings.HasPrefix(r.ID, "extension-"):
			out = append(out, r)
		}
	}
	return out
}

// BenchmarkOpsFamily lints a generated 5000-path spec with the first rule
// set, with the ops family's rules alone and with the whole catalogue, and
// reports the parse for scale (corsgate lint = parse + rules).
func BenchmarkOpsFamily(b *testing.B) {
	data, err := specgen.Bytes(specgen.Options{Paths: 5000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	parse := func() *spec.Document {
		doc, err := spec.Parse("bench.yaml", data, spec.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return doc
	}
	b.Run("parse/paths=5000", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cputime.Now()
		for b.Loop() {
			parse()
		}
		b.ReportMetric(float64((cputime.Now()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	})
	for _, set := range []struct {
		name  string
		rules []*lint.Rule
	}{
		{"first-rule-set", opsFirstRuleSet()},
		{"family", rulesByID(b, opsFamilyIDs)},
		{"catalogue", All()},
	} {
		b.Run(fmt.Sprintf("%s/paths=5000", set.name), func(b *testing.B) {
			b.ReportAllocs()
			var cpu time.Duration
			for b.Loop() {
				// A fresh document every iteration, parsed off the clock, so
				// that each pays what a one-shot `corsgate lint` pays,
				// building the Google model included.
				b.StopTimer()
				docs := []*spec.Document{parse()}
				runtime.GC()
				b.StartTimer()
				cpu0 := cputime.Now()
				if _, err := lint.Run(context.Background(), docs, set.rules, nil, nil); err != nil {
					b.Fatal(err)
				}
				cpu += cputime.Now() - cpu0
			}
			// CPU time (user+system) is reported next to wall time because
			// the benchmark machine is shared: wall time includes waiting.
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(len(set.rules)), "rules")
		})
	}
}
