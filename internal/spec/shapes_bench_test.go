package spec

import (
	"fmt"
	"sync"
	"testing"

	"github.com/corsgate/corsgate/bench/gen/cputime"
	"github.com/corsgate/corsgate/bench/gen/specgen"
)

// benchShapes are the inputs of BenchmarkParseShape: both generators, each as
// YAML, indented JSON and compact JSON.
var benchShapes = []struct {
	name   string
	style  specgen.Style
	format specgen.Format
}{
	{"sample-yaml", specgen.Sample, specgen.YAML},
	{"sample-json", specgen.Sample, specgen.JSON},
	{"sample-json-compact", specgen.Sample, specgen.JSONCompact},
	{"catalog-yaml", specgen.Catalog, specgen.YAML},
	{"catalog-json", specgen.Catalog, specgen.JSON},
	{"catalog-json-compact", specgen.Catalog, specgen.JSONCompact},
}

var shapeSpecs sync.Map // specgen.Options -> []byte

func shapeSpec(b *testing.B, opts specgen.Options) []byte {
	b.Helper()
	if v, ok := shapeSpecs.Load(opts); ok {
		return v.([]byte)
	}
	data, err := specgen.Bytes(opts)
	if err != nil {
		b.Fatal(err)
	}
	shapeSpecs.Store(opts, data)
	return data
}

// BenchmarkParseShape is Parse on every shape the lint benchmark runs, at
// 1000 and 5000 paths, with the fast parsers (parser=fast) and with yaml.v3
// alone (parser=yaml.v3: in chunks on several CPUs for block YAML): what each
// shape costs per byte (MB/s), per path and in allocations.
func BenchmarkParseShape(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		for _, sh := range benchShapes {
			for _, parser := range []string{"fast", "yaml.v3"} {
				b.Run(fmt.Sprintf("%s/paths=%d/parser=%s", sh.name, n, parser), func(b *testing.B) {
					data := shapeSpec(b, specgen.Options{Paths: n, Seed: 1, Style: sh.style, Format: sh.format})
					old := parserChoice
					parserChoice = parser
					defer func() { parserChoice = old }()
					b.SetBytes(int64(len(data)))
					b.ReportAllocs()
					cpu0 := cputime.Now()
					for b.Loop() {
						doc, err := Parse("bench", data, Options{MaxSize: 1 << 30})
						if err != nil {
							b.Fatal(err)
						}
						if got := len(Get(doc.Root, "paths").Content) / 2; got != n {
							b.Fatalf("%d paths, want %d", got, n)
						}
					}
					cputime.Report(b, cpu0, n)
				})
			}
		}
	}
}

// BenchmarkParseTree is the fast parsers alone (parseNode: no check, no
// index), at 5000 paths: their speed per byte on each shape.
func BenchmarkParseTree(b *testing.B) {
	for _, sh := range benchShapes {
		b.Run(sh.name, func(b *testing.B) {
			data := shapeSpec(b, specgen.Options{Paths: 5000, Seed: 1, Style: sh.style, Format: sh.format})
			f := YAML
			if sh.format != specgen.YAML {
				f = JSON
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for b.Loop() {
				if _, err := parseNode(f, data); err != nil {
					b.Fatal(err)
				}
			}
			cputime.Report(b, cpu0, 5000)
		})
	}
}
