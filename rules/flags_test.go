package rules_test

import (
	"regexp"
	"testing"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/rules"
)

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestFlagRulesRegistered checks that every proxy-flag rule of package cors
// is in the registry, documented, and marked External (its diagnostics come
// from cors.LintFlags, not from a Check function).
func TestFlagRulesRegistered(t *testing.T) {
	if len(cors.FlagRules) == 0 {
		t.Fatal("cors.FlagRules is empty")
	}
	for _, want := range cors.FlagRules {
		got, ok := rules.ByID(want.ID)
		if !ok {
			t.Errorf("%s: not registered", want.ID)
			continue
		}
		if got != want {
			t.Errorf("%s: registry holds a different rule value", want.ID)
		}
		if !kebab.MatchString(want.ID) {
			t.Errorf("%s: ID is not kebab-case", want.ID)
		}
		if !want.External || want.Check != nil || want.CheckSet != nil {
			t.Errorf("%s: want External with no Check", want.ID)
		}
		if want.Doc == "" || want.Bad == "" || want.Good == "" || want.Source == "" {
			t.Errorf("%s: Doc, Bad, Good and Source must all be set", want.ID)
		}
	}
}
