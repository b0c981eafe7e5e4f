package rules

import (
	"fmt"
	"strings"
)

// set records the first problem found in the template.
func (t *pathTemplate) set(k templateProblem, format string, args ...any) {
	if t.Kind == templateOK {
		t.Kind = k
		t.Problem = fmt.Sprintf(format, args...)
	}
}

// variable checks the variable raw ("{name}" or "{name=pattern}"), which
// is a whole segment or starts one, and collects it. afterDouble says
// whether a ** came before; it returns whether a ** has come by its end.
func (t *pathTemplate) variable(raw string, afterDouble bool) bool {
	body := raw[1 : len(raw)-1]
	name, pattern, hasPattern := strings.Cut(body, "=")
	switch {
	case strings.ContainsAny(body, "{"):
		t.set(templateGrammar, "variables cannot be nested (%s)", raw)
	case name == "":
		t.set(templateGrammar, "the variable %s has no name", raw)
	case strings.HasSuffix(name, "+"):
		name = strings.TrimSuffix(name, "+")
		if name == "" {
			t.set(templateGrammar, "the variable %s has no name", raw)
			break
		}
		t.set(templateGreedyPlus, "%s is AWS API Gateway syntax", raw)
	case strings.Contains(name, ".."), strings.HasPrefix(name, "."), strings.HasSuffix(name, "."):
		t.set(templateGrammar, "the variable %s has an empty field name", raw)
	}
	if name != "" {
		t.Vars = append(t.Vars, templateVar{Name: name, Raw: raw})
	}
	if !hasPattern {
		if afterDouble {
			t.set(templateGrammar, "only literal segments may follow ** (%s matches a segment)", raw)
		}
		return afterDouble
	}
	if pattern == "" {
		t.set(templateGrammar, "the variable %s has an empty pattern after =", raw)
	}
	for _, seg := range strings.Split(pattern, "/") {
		switch {
		case seg == "":
			if pattern != "" {
				t.set(templateGrammar, "the variable %s has an empty segment in its pattern", raw)
			}
		case seg == "**" || seg == "*":
			if afterDouble {
				t.set(templateGrammar, "only literal segments may follow ** (%s)", raw)
			}
			afterDouble = afterDouble || seg == "**"
		case strings.ContainsAny(seg, "*:"):
			t.set(templateGrammar, "the pattern segment %q in %s is neither *, ** nor a literal", seg, raw)
		}
	}
	return afterDouble
}

// addVar collects the variable s starts with, if s starts with one that is
// closed, from a segment that also holds other text (the name as written,
// without a greedy +); it returns the variable's length, or 0.
func (t *pathTemplate) addVar(s string) int {
	end := strings.IndexByte(s, '}')
	if s == "" || s[0] != '{' || end < 0 {
		return 0
	}
	if nm, _, _ := strings.Cut(s[1:end], "="); strings.TrimSuffix(nm, "+") != "" {
		t.Vars = append(t.Vars, templateVar{Name: strings.TrimSuffix(nm, "+"), Raw: s[:end+1]})
	}
	return end + 1
}

// segmentRest returns s up to the next '/'.
func segmentRest(s string) string {
	if k := strings.IndexByte(s, '/'); k >= 0 {
		return s[:k]
	}
	return s
}
