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
//go:embed testdata/*/bad.* testdata/*/good.* testdata/*/bad/* testdata/*/good/*
var examples embed.FS

// exampleExts are the fixture kinds an example can be, in preference order.
var exampleExts = []string{".yaml", ".yml", ".json", ".args", ".env"}

var wantComment = regexp.MustCompile(`[ \t]*#\s*want\b.*$`)

// example returns a rule's example ("bad" or "good") as users see it: the
// fixture without its # want comments, or for a folder (several files
// deployed together) each file under a "# NAME" line; "" when there is none.
func example(id, kind string) string {
	dir := "testdata/" + id + "/"
	for _, ext := range exampleExts {
		if data, err := examples.ReadFile(dir + kind + ext); err == nil {
			return exampleText(data)
		}
	}
	files, err := examples.ReadDir(dir + kind)
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, f := range files {
		data, err := examples.ReadFile(dir + kind + "/" + f.Name())
		if err != nil {
			continue
		}
		b.WriteString("# " + f.Name() + "\n" + exampleText(data))
	}
	return b.String()
}

// exampleText is a fixture without its # want comments.
func exampleText(data []byte) string {
	lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n")
	for i, l := range lines {
		lines[i] = wantComment.ReplaceAllString(strings.TrimSuffix(l, "\r"), "")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n") + "\n"
}
