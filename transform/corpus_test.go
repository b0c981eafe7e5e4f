package transform

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/testenv"
)

type variant struct {
	name string
	opts Options
}

func variants(t Transform) []variant {
	switch t.Name {
	case "allow-cors":
		return []variant{{"on", Options{Arg: "on"}}, {"off", Options{Arg: "off"}}, {"off --remove", Options{Arg: "off", Remove: true}}}
	case "cors-mode":
		return []variant{{"backend", Options{Arg: "backend"}}, {"proxy", Options{Arg: "proxy"}}}
	case "sync-name":
		return []variant{{"--from host", Options{From: "host"}}, {"--from name", Options{From: "name"}}}
	}
	return []variant{{"", Options{}}}
}

// TestRealWorldCorpus runs every transform over Google's sample specs: each
// run either refuses with a reason (no host, nothing to take a name from) or
// produces output that parses, is stable, and differs from the input only in
// the lines the transform is about.
func TestRealWorldCorpus(t *testing.T) {
	// Real Endpoints specs from Google's public samples, next to the
	// repository.
	corpusDir := testenv.Shared(t, "corpus", "real-world")
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*"))
	var specs []string
	for _, f := range files {
		if ext := filepath.Ext(f); ext == ".yaml" || ext == ".yml" || ext == ".json" {
			specs = append(specs, f)
		}
	}
	if len(specs) == 0 {
		t.Fatal("no spec in " + corpusDir)
	}
	changed := 0
	for _, f := range specs {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := spec.Parse(filepath.Base(f), src, spec.Options{})
		if err != nil {
			t.Logf("%s does not load (%v); skipped", f, err)
			continue
		}
		for _, tr := range All() {
			if tr.Rewrites {
				continue // conversions are checked by toopenapi3_test.go
			}
			for _, v := range variants(tr) {
				t.Run(filepath.Base(f)+"/"+strings.TrimSpace(tr.Name+" "+v.name), func(t *testing.T) {
					res, err := tr.Run(doc, v.opts)
					if err != nil {
						if errors.Is(err, ErrNoHost) || errors.Is(err, ErrRefused) {
							t.Logf("refused: %v", err)
							return
						}
						t.Fatal(err)
					}
					if res.Changed {
						changed++
					}
					checkOutput(t, tr.Name, v.opts, doc, res.Out)
				})
			}
		}
	}
	if changed == 0 {
		t.Error("no transform changed any corpus file; the test checks nothing")
	}
}
