package cli

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var updateScripts = flag.Bool("update", false, "rewrite cmp targets in testdata/script/*.txtar")

// TestMain lets testscript run the corsgate binary in-process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"corsgate": func() {
			os.Exit(Main(os.Args[1:], Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Version: "v0.0.0-test", Commit: "test", Date: "2026-01-01"}))
		},
	})
}

// TestScripts runs the end-to-end CLI scripts in testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *updateScripts,
		Setup: func(e *testscript.Env) error {
			e.Setenv("NO_COLOR", "")
			specs, err := filepath.Abs(filepath.Join("..", "..", "testdata", "specs"))
			e.Setenv("SPECS", specs) // the specs shipped in the repository
			return err
		},
	})
}
