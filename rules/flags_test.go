package rules_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/google/go-cmp/cmp"
)

// TestFlagRuleIDsRegistered checks that every rule ID package cors reports
// findings under (its Rule* constants) is registered as an External flags
// rule, so its findings get the documented severity.
func TestFlagRuleIDsRegistered(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "cors", "validate.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Rule") {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok {
			return true
		}
		id, _ := strconv.Unquote(lit.Value)
		n++
		r, ok := rules.ByID(id)
		switch {
		case !ok:
			t.Errorf("cors.%s = %q is not registered", vs.Names[0].Name, id)
		case !r.External || r.Category != lint.CategoryFlags:
			t.Errorf("%s: want an External rule of category flags", id)
		}
		return true
	})
	if n < 29 {
		t.Errorf("found %d rule IDs in cors/validate.go, want the 29 the validator reports", n)
	}
}

func TestFlagDiagnostics(t *testing.T) {
	a := cors.Arg{Text: "--cors_preset=Basic", Index: 2, Source: "command line"}
	got := rules.FlagDiagnostics([]cors.FlagFinding{
		{RuleID: cors.RulePresetInvalid, Message: "m1", Arg: a},
		{RuleID: cors.RuleRegexUnanchored, Message: "m2", Arg: cors.Arg{Line: 3, Column: 5, Source: "f.args"}, Info: true},
		{RuleID: cors.RuleRegexUnanchored, Message: "m3"},
		{RuleID: "no-such-rule", Message: "m4"},
	})
	want := []lint.Diagnostic{
		{RuleID: cors.RulePresetInvalid, Severity: lint.Error, Message: "m1", File: "command line", Arg: 2},
		{RuleID: cors.RuleRegexUnanchored, Severity: lint.Info, Message: "m2", File: "f.args", Line: 3, Column: 5},
		{RuleID: cors.RuleRegexUnanchored, Severity: lint.Warning, Message: "m3"},
		{RuleID: "no-such-rule", Severity: lint.Warning, Message: "m4"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
