package transform

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
)

func ruleMap() map[string]*lint.Rule {
	m := map[string]*lint.Rule{}
	for _, r := range rules.All() {
		m[r.ID] = r
	}
	return m
}

func lintDoc(t *testing.T, doc *spec.Document) []lint.Diagnostic {
	t.Helper()
	ds, err := lint.Run(context.Background(), []*spec.Document{doc}, rules.All(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func ids(ds []lint.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.RuleID)
	}
	return out
}

// TestRulesNameTheirFix checks the wiring the rules rely on: every
// rule's Fix names a registered transform.
func TestRulesNameTheirFix(t *testing.T) {
	n := 0
	for _, r := range rules.All() {
		if r.Fix == "" {
			continue
		}
		n++
		if _, ok := ByName(r.Fix); !ok {
			t.Errorf("rule %s names fix %q, which is no transform", r.ID, r.Fix)
		}
		if want, ok := DefaultFixes[r.ID]; ok && want != r.Fix {
			t.Errorf("rule %s: Fix %q, DefaultFixes says %q", r.ID, r.Fix, want)
		}
	}
	if n == 0 {
		t.Skip("no rule declares a fix yet")
	}
}

func TestFix(t *testing.T) {
	src := "swagger: '2.0'\ninfo: {title: t, version: '1'}\nhost: api.endpoints.p.cloud.goog\nx-google-endpoints:\n- name: API.endpoints.p.cloud.goog # typo\n  allow_cors: 'true'\n  colour: red\npaths: {}\n"
	for _, tc := range []struct {
		name       string
		opts       FixOptions
		want       string
		wantUnfix  []string
		noSpelling bool
	}{
		{"verified, spelling", FixOptions{Spelling: true, Rules: ruleMap()},
			"- name: api.endpoints.p.cloud.goog # typo\n  allowCors: true\n  colour: red\n", []string{"endpoints-unknown-key"}, false},
		{"verified, no spelling", FixOptions{Rules: ruleMap()},
			"- name: api.endpoints.p.cloud.goog # typo\n  allow_cors: true\n  colour: red\n", []string{"endpoints-unknown-key", "endpoints-unknown-key"}, true},
		{"default table", FixOptions{Spelling: true},
			"- name: api.endpoints.p.cloud.goog # typo\n  allowCors: true\n  colour: red\n", []string{"endpoints-unknown-key"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := spec.Parse("f.yaml", []byte(src), spec.Options{})
			if err != nil {
				t.Fatal(err)
			}
			diags := lintDoc(t, doc)
			out, fixed, unfixed, err := Fix(doc, diags, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("output:\n%s\nwant it to contain:\n%s", out, tc.want)
			}
			var got []string
			for _, id := range ids(unfixed) {
				if strings.HasPrefix(id, "endpoints-") {
					got = append(got, id)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.wantUnfix, ",") {
				t.Errorf("unfixed = %v, want %v", got, tc.wantUnfix)
			}
			if len(fixed)+len(unfixed) != len(diags) {
				t.Errorf("fixed %d + unfixed %d != %d diagnostics", len(fixed), len(unfixed), len(diags))
			}
			after, err := spec.Parse("f.yaml", out, spec.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range lintDoc(t, after) {
				for _, f := range fixed {
					if d.RuleID == f.RuleID && d.Pointer == f.Pointer {
						t.Errorf("claimed fixed but still reported: %s %s", d.RuleID, d.Message)
					}
				}
			}
		})
	}
}

func TestFixReportsRefusal(t *testing.T) {
	src := "swagger: '2.0'\nhost: a.b\nx-google-endpoints:\n- name: x.y\n  allowCors: 'true'\n- other\npaths: {}\n"
	doc, err := spec.Parse("r.yaml", []byte(src), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	diags := lintDoc(t, doc)
	out, fixed, unfixed, err := Fix(doc, diags, FixOptions{Rules: ruleMap()})
	var fe *FixError
	if !errors.As(err, &fe) || fe.Transform != "sync-name" {
		t.Fatalf("err = %v, want a sync-name FixError", err)
	}
	if !strings.Contains(string(out), "allowCors: true") {
		t.Errorf("the boolean fix should still apply:\n%s", out)
	}
	if len(fixed) == 0 || len(unfixed) == 0 {
		t.Errorf("fixed %v, unfixed %v", ids(fixed), ids(unfixed))
	}
}

func TestFixNothing(t *testing.T) {
	doc, err := spec.Parse("n.yaml", []byte("swagger: '2.0'\nhost: a.b\npaths: {}\n"), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	other := lint.Diagnostic{RuleID: "endpoints-name-matches-host", File: "other.yaml"}
	out, fixed, unfixed, err := Fix(doc, []lint.Diagnostic{other}, FixOptions{})
	if err != nil || out != nil || len(fixed) != 0 || len(unfixed) != 1 {
		t.Errorf("Fix on nothing = %q, %v, %v, %v", out, fixed, unfixed, err)
	}
}
