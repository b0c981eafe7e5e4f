// Command gen writes a realistic Cloud Endpoints Swagger 2.0 spec with N
// paths, for benchmarks:
//
//	go run ./bench/gen -paths 1000 -o /some/dir/openapi.yaml
//	go run ./bench/gen -paths 5000 -seed 7 -format json > openapi.json
//	go run ./bench/gen -paths 5000 -style catalog -format json-compact > catalog.json
//
// The output is deterministic for a given -paths, -seed, -style and -format.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/corsgate/corsgate/bench/gen/specgen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	paths := fs.Int("paths", 1000, "number of paths (each has 2-4 operations)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same spec")
	out := fs.String("o", "", "output file (default: standard output)")
	format := fs.String("format", "yaml", "output format: yaml, json (indented) or json-compact")
	style := fs.String("style", "sample", "generator: sample (Google's samples' style) or catalog (shared $refs, block texts, flow maps)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	data, err := specgen.Bytes(specgen.Options{Paths: *paths, Seed: *seed, Format: specgen.Format(*format), Style: specgen.Style(*style)})
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(data)
		return err
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	return nil
}
