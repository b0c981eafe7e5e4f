package rules

import (
	"embed"
	"regexp"
	"strings"
)

// The Bad and Good examples users see (corsgate rules ID, SARIF help, the
// README) are the rule's own fixtures, testdata/<id>/bad.* and good.*, so
// every example shown is tested: Bad must produce the rule's finding and
// Good must not (fixtures_test.go).
//
//go:embed testdata/*/bad.* testdata/*/good.*
var examples embed.FS

// exampleExts are the fixture kinds an example can be, in preference order.
var exampleExts = []string{".yaml", ".yml", ".json", ".args", ".env"}

var wantComment = regexp.MustCompile(`[ \t]*#\s*want\b.*$`)

// example returns a rule's example ("bad" or "good") as users see it: the
// fixture without its # want comments; "" when there is none.
func example(id, kind string) string {
	for _, ext := range exampleExts {
		data, err := examples.ReadFile("testdata/" + id + "/" + kind + ext)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n")
		for i, l := range lines {
			lines[i] = wantComment.ReplaceAllString(strings.TrimSuffix(l, "\r"), "")
		}
		return strings.TrimRight(strings.Join(lines, "\n"), "\n") + "\n"
	}
	return ""
}
