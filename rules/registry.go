// Package rules holds corsgate's built-in lint rules: one file per rule (or
// per small family of rules), each registering itself, and a sorted registry.
// Fixtures live in testdata/<rule-id>/ with "# want" comments on the lines a
// rule must report; one test walks them all.
package rules

import (
	"fmt"
	"sort"
	"sync"

	"github.com/corsgate/corsgate/lint"
)

var (
	mu       sync.Mutex
	registry = map[string]*lint.Rule{}
	sorted   []*lint.Rule
)

// register adds a rule; every rule file calls it from init. A duplicate ID is
// a programming error caught by the first test run.
func register(r *lint.Rule) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[r.ID]; dup {
		panic(fmt.Sprintf("rules: duplicate rule ID %q", r.ID))
	}
	if bad, good := example(r.ID, "bad"), example(r.ID, "good"); bad != "" && good != "" {
		r.Bad, r.Good = bad, good
	}
	registry[r.ID] = r
	sorted = nil
}

// All returns every rule, sorted by ID.
func All() []*lint.Rule {
	mu.Lock()
	defer mu.Unlock()
	if sorted == nil {
		sorted = make([]*lint.Rule, 0, len(registry))
		for _, r := range registry {
			sorted = append(sorted, r)
		}
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	}
	return append([]*lint.Rule(nil), sorted...)
}

// ByID returns the rule with that ID.
func ByID(id string) (*lint.Rule, bool) {
	mu.Lock()
	defer mu.Unlock()
	r, ok := registry[id]
	return r, ok
}

// Known maps every rule ID to its rule (for configuration validation).
func Known() map[string]*lint.Rule {
	m := map[string]*lint.Rule{}
	for _, r := range All() {
		m[r.ID] = r
	}
	return m
}
