package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/bench/gen/cputime"
	"github.com/corsgate/corsgate/bench/gen/specgen"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/testenv"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
)

// familyPrefixes are the rule families measured and fuzzed together:
// security, backend, management, quota and CORS rules.
var familyPrefixes = []string{"security-", "backend-", "management-", "quota-", "cors-"}

func familyRules() []*lint.Rule {
	var out []*lint.Rule
	for _, r := range rules.All() {
		for _, p := range familyPrefixes {
			if strings.HasPrefix(r.ID, p) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// TestFamilyCorpus runs these families over the real-world corpus (Google's
// own deployable samples) and checks that none of them reports an error on
// the files Google deployed successfully, and that every finding carries a
// position. Findings are logged with -v for review.
func TestFamilyCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.Shared(t, "corpus", "real-world"), "*"))
	if len(files) == 0 {
		t.Fatal("the real-world corpus is empty")
	}
	rs := familyRules()
	if len(rs) == 0 {
		t.Fatal("no rules of these families registered")
	}
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".json" && ext != ".yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := spec.Parse(filepath.Base(f), data, spec.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		ds, err := lint.Run(context.Background(), []*spec.Document{doc}, rs, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			t.Logf("%s:%d:%d %s %s: %s", d.File, d.Line, d.Column, d.Severity, d.RuleID, d.Message)
			if d.Line == 0 {
				t.Errorf("%s: %s finding without a position", d.File, d.RuleID)
			}
			if d.Severity == lint.Error && !strings.HasPrefix(filepath.Base(f), "api-compiler_") {
				t.Errorf("%s:%d: %s reports an error on a spec Google deployed: %s", d.File, d.Line, d.RuleID, d.Message)
			}
		}
	}
}

// BenchmarkFamilyRules measures the security, backend, quota and CORS rules
// on a generated 5000-path Endpoints spec (already loaded), all together and
// one by one, so a rule that scales badly shows up by name.
func BenchmarkFamilyRules(b *testing.B) {
	data, err := specgen.Bytes(specgen.Options{Paths: 5000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	doc, err := spec.Parse("bench.yaml", data, spec.Options{})
	if err != nil {
		b.Fatal(err)
	}
	docs := []*spec.Document{doc}
	run := func(b *testing.B, rs []*lint.Rule) {
		b.ReportAllocs()
		diags := 0
		cpu0 := cputime.Now()
		for b.Loop() {
			ds, err := lint.Run(context.Background(), docs, rs, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			diags = len(ds)
		}
		// CPU time is steadier than wall time on a shared machine.
		b.ReportMetric(float64((cputime.Now()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(diags), "diags")
	}
	rs := familyRules()
	mine := map[*lint.Rule]bool{}
	for _, r := range rs {
		mine[r] = true
	}
	var others []*lint.Rule
	for _, r := range rules.All() {
		if !mine[r] {
			others = append(others, r)
		}
	}
	b.Run("families", func(b *testing.B) { run(b, rs) })
	b.Run("catalogue-without-families", func(b *testing.B) { run(b, others) })
	b.Run("catalogue", func(b *testing.B) { run(b, rules.All()) })
	if testing.Short() {
		return
	}
	for _, r := range rs {
		b.Run(r.ID, func(b *testing.B) { run(b, []*lint.Rule{r}) })
	}
}

// FuzzFamilyRules feeds arbitrary documents to the security, backend, quota
// and CORS rules on every target: whatever parses must lint without a panic
// (lint.Run turns a panic into an error) and every finding needs a position.
func FuzzFamilyRules(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*", "*.yaml"))
	for _, s := range seeds {
		for _, p := range familyPrefixes {
			if strings.HasPrefix(filepath.Base(filepath.Dir(s)), p) {
				if data, err := os.ReadFile(s); err == nil {
					f.Add(data)
				}
				break
			}
		}
	}
	f.Add([]byte("swagger: \"2.0\"\nsecurity: 5\nx-google-backend: [1]\npaths: {/a: {get: {security: [[]], x-google-quota: {metricCosts: []}}}}\n"))
	rs := familyRules()
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := spec.Parse("fuzz.yaml", data, spec.Options{})
		if err != nil {
			return
		}
		for _, target := range lint.Targets {
			ds, err := lint.Run(context.Background(), []*spec.Document{doc}, rs, &lint.Config{Target: target}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if d.Message == "" {
					t.Errorf("%s: empty message", d.RuleID)
				}
			}
		}
	})
}
