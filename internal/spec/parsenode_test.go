package spec

import (
	"os"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/bench/gen/specgen"
)

// parseBoth loads data with the fast parsers and with yaml.v3 alone and
// fails unless both give the same document (tree, alias count, version) or
// the same error (kind, position, message).
func parseBoth(tb testing.TB, name string, data []byte) {
	tb.Helper()
	load := func(choice string) (*Document, error) {
		old := parserChoice
		parserChoice = choice
		defer func() { parserChoice = old }()
		return Parse(name, data, Options{MaxSize: 1 << 30})
	}
	got, gotErr := load("fast")
	want, wantErr := load("yaml.v3")
	switch {
	case gotErr != nil || wantErr != nil:
		if gotErr == nil || wantErr == nil || gotErr.Error() != wantErr.Error() {
			tb.Fatalf("%s: errors differ:\nfast parsers: %v\nyaml.v3:      %v", name, gotErr, wantErr)
		}
		g, w := gotErr.(*LoadError), wantErr.(*LoadError)
		if g.Kind != w.Kind || g.Line != w.Line || g.Column != w.Column {
			tb.Fatalf("%s: error positions differ: %+v != %+v", name, g, w)
		}
	default:
		if d := diffNodes(want.Root, got.Root); d != "" {
			tb.Fatalf("%s: trees differ: %s", name, d)
		}
		if got.Aliases != want.Aliases || got.Version != want.Version || got.Format != want.Format {
			tb.Fatalf("%s: aliases %d/%d, version %v/%v, format %v/%v", name, got.Aliases, want.Aliases, got.Version, want.Version, got.Format, want.Format)
		}
	}
}

// TestParseSameWithoutFastParsers: Parse gives the same documents and the
// same errors with and without the fast parsers, on every spec in the
// repository and the shared corpus, the generated shapes, and bad input.
func TestParseSameWithoutFastParsers(t *testing.T) {
	eachFileSet(t, specExts, func(t *testing.T, _ string, files []string) {
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			parseBoth(t, f, data)
		}
	})
	for _, style := range []specgen.Style{specgen.Sample, specgen.Catalog} {
		for _, format := range []specgen.Format{specgen.YAML, specgen.JSON, specgen.JSONCompact} {
			data, err := specgen.Bytes(specgen.Options{Paths: 40, Style: style, Format: format})
			if err != nil {
				t.Fatal(err)
			}
			parseBoth(t, string(style)+"."+string(format), data)
		}
	}
	for i, in := range []string{
		"{\n  \"swagger\": \"2.0\",\n  \"paths\": {,}\n}\n",
		`{"swagger": "2.0"`,
		`{"swagger": "2.0", "x": "\/"}`,
		`{"swagger": "2.0", "x": "\ud800"}`,
		"{\"swagger\": \"2.0\",\n\"host\": \"a\",\n\"host\": \"b\"}",
		`[1, 2]`,
		`{"swagger": "2.0", "x": ` + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + `}`,
		`{"openapi": "3.2.0"}`,
		`{"info": {}}`,
		"swagger: \"2.0\"\npaths:\n  /a: {get: [}\n",
		"swagger: \"2.0\"\n\tpaths: {}\n",
		"swagger: \"2.0\"\npaths:\n  /a: {}\n  /b: {}\n  /a: {}\n",
		"swagger: \"2.0\"\nx: " + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + "\n",
		"swagger: \"2.0\"\na: b: c\n",
		"swagger: \"2.0\"\na:\n    b: 1\n  c: 2\n",
		"- swagger: \"2.0\"\n",
		"openapi: 3.2.0\ninfo: {title: t, version: 1}\npaths: {}\n",
		"info: {title: t}\npaths: {}\n",
		"swagger: '2.0'\nx: &a 1\ny: *a\n",
	} {
		parseBoth(t, "case "+itoa(i), []byte(in))
	}
}
