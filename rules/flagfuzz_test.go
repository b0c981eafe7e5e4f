package rules_test

import (
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
)

// FuzzLintFlags: any command line and ESPv2_ARGS value, checked with a spec
// that has every cross-check's needs, gives findings of registered rules
// only, each at an argument, a file position or in the spec, never a panic.
func FuzzLintFlags(f *testing.F) {
	f.Add("--cors_preset=basic --cors_allow_headers=Content-Type '--cors_allow_methods=GET, POST'", "ESPv2_ARGS=--cors_preset=basic,--cors_max_age=3600")
	f.Add("docker run gcr.io/endpoints-release/endpoints-runtime:1 --cors_preset=cors_with_regex --cors_allow_origin_regex=.* --cors_allow_credentials", "^@^ESPv2_ARGS=^++^--cors_preset=Basic")
	f.Add("--cors_preset cors_with_regex --cors_allow_origin_regex '\\d' --cors_bogus", "ESPv2_ARGS=^^x")
	doc := mustDoc(f, "api.yaml", crossSpec+"consumes: [application/grpc-web+proto]\n")
	f.Fuzz(func(t *testing.T, args, env string) {
		for _, target := range lint.Targets {
			ds, err := rules.LintFlags(rules.FlagSource{Args: args, CloudRunEnv: env}, []*spec.Document{doc}, &lint.Config{Target: target})
			if err != nil {
				continue
			}
			for _, d := range ds {
				if r, ok := rules.ByID(d.RuleID); !ok || r.Category != lint.CategoryFlags {
					t.Fatalf("finding of an unregistered or non-flags rule: %+v", d)
				}
				if d.File == "" {
					t.Fatalf("finding without a place: %+v", d)
				}
			}
		}
	})
}
