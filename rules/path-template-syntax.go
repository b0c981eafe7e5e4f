package rules

import (
	"strings"

	"github.com/corsgate/corsgate/lint"
)

func init() {
	register(&lint.Rule{
		ID:       "path-template-syntax",
		Category: lint.CategoryPaths,
		Severity: lint.Error,
		Doc:      "Checks that every path is a valid Google path template: literal segments, *, **, {var} and {var=pattern}, with only literals after **.",
		Details: `ESPv2 parses the path of every HTTP rule with Google's path-template grammar (the grammar of ESP's
path matcher too) and fails at start-up with "invalid uri template %s" when one does not parse: empty segments (//), * or ** mixed
with text, nested or unbalanced braces, a : (custom verb) that is not in the last segment, and any
* , ** or variable after a **. AWS API Gateway's greedy {proxy+} is not Google syntax: the + is read
as part of the variable name and the variable matches a single segment, so /api/{proxy+} never
matches /api/a/b; write {proxy=**}. Mid-segment variables and trailing slashes have their own rules
(path-variable-segment, path-trailing-slash). Same verdict for every target.`,
		Sources: []lint.Source{
			srcURITemplate,
			doc("GoogleCloudPlatform/esp-v2 pull request #262 (path templates with **)", "https://github.com/GoogleCloudPlatform/esp-v2/pull/262"),
		},
		Check: func(p *lint.Pass) {
			for _, it := range p.G.Paths() {
				switch t := parseTemplate(it.Template); t.Kind {
				case templateGreedyPlus:
					p.ReportKeyAt(it.Value, "path %q: %s: Google path templates have no greedy + modifier, so this variable matches one segment only; write %q to match the rest of the path", it.Template, t.Problem, fixGreedy(it.Template))
				case templateGrammar:
					p.ReportKeyAt(it.Value, "invalid uri template %s: %s (ESPv2 refuses to start with this path)", it.Template, t.Problem)
				}
			}
		},
	})
}

// fixGreedy rewrites {name+} as {name=**}.
func fixGreedy(path string) string {
	var b strings.Builder
	for {
		i := strings.Index(path, "+}")
		if i < 0 {
			b.WriteString(path)
			return b.String()
		}
		b.WriteString(path[:i])
		b.WriteString("=**}")
		path = path[i+2:]
	}
}
