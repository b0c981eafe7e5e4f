package spec

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// PathItem is one member of paths whose key is a path template: it starts
// with "/" (x- extensions and malformed keys are not path items).
type PathItem struct {
	Value // the path item; Key is the template as written
	// Template is the key's text, e.g. "/shelves/{shelf}".
	Template string
}

// PathsValue is the paths member itself.
func (g *Google) PathsValue() Value { return member(g.Doc.Root, "", "paths") }

// Paths returns the path items in source order. Computed once; the slice is
// shared and read-only.
func (g *Google) Paths() []PathItem {
	g.pathsOnce.Do(func() {
		g.PathsValue().Pairs(func(key string, v Value) {
			if v.Key.Kind == yaml.ScalarNode && strings.HasPrefix(key, "/") {
				g.paths = append(g.paths, PathItem{Value: v, Template: key})
			}
		})
	})
	return g.paths
}
