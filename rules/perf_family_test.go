package rules

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/corsgate/corsgate/bench/gen/cputime"
	"github.com/corsgate/corsgate/bench/gen/specgen"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// opsFamilyRules are the rules of operations.go, paths.go, types.go,
// service.go and allow.go.
func opsFamilyRules() []*lint.Rule {
	return []*lint.Rule{
		AllowValue, APINameFormat,
		HostGoogleDomain, HostProjectID, HostCustomDomain, HostSameAcrossFiles, APIVersionConflict,
		OperationIDRequired, OperationIDUnique, OperationIDFormat, OperationParamSnakeCase,
		PathVariableSegment, PathTrailingSlash, PathRoot, PathTemplateSyntax, PathParamsMatch, BasePathTrailingSlash, PathCaseConflict,
		RefDefinitionsPrefix, RefNoDefinitions, RefDangling, RefParameterUnresolved, RefExternal, RefCircular, BodySchemaMap,
	}
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
// set, with this family's rules alone and with the whole catalogue, and
// reports the parse for scale (corsgate lint = parse + rules).
func BenchmarkOpsFamily(b *testing.B) {
	data, err := specgen.Bytes(specgen.Options{Paths: 5000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	doc, err := spec.Parse("bench.yaml", data, spec.Options{})
	if err != nil {
		b.Fatal(err)
	}
	docs := []*spec.Document{doc}
	b.Run("parse/paths=5000", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cputime.Now()
		for b.Loop() {
			if _, err := spec.Parse("bench.yaml", data, spec.Options{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((cputime.Now()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	})
	for _, set := range []struct {
		name  string
		rules []*lint.Rule
	}{
		{"first-rule-set", opsFirstRuleSet()},
		{"family", opsFamilyRules()},
		{"catalogue", All()},
	} {
		b.Run(fmt.Sprintf("%s/paths=5000", set.name), func(b *testing.B) {
			runtime.GC()
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for b.Loop() {
				// Drop this family's per-document cache so that every
				// iteration pays what a one-shot `corsgate lint` pays.
				opsCaches.Delete(weak.Make(doc))
				if _, err := lint.Run(context.Background(), docs, set.rules, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
			// CPU time (user+system) is reported next to wall time because
			// the benchmark machine is shared: wall time includes waiting.
			b.ReportMetric(float64((cputime.Now()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(len(set.rules)), "rules")
		})
	}
}
