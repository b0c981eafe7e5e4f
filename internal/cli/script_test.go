package cli

import (
	"flag"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

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
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"freeport": freePort, "waitlisten": waitListen},
		Setup: func(e *testscript.Env) error {
			e.Setenv("NO_COLOR", "")
			specs, err := filepath.Abs(filepath.Join("..", "..", "testdata", "specs"))
			e.Setenv("SPECS", specs) // the specs shipped in the repository
			return err
		},
	})
}

// freePort sets the environment variable it is given to a TCP port that was
// free on 127.0.0.1 a moment ago, for a server a script starts in the
// background (serve prints the port it got only on its stderr, which a
// script reads after the server ends).
func freePort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := ln.Addr().(*net.TCPAddr).Port
	ts.Check(ln.Close())
	ts.Setenv(args[0], strconv.Itoa(port))
}

// waitListen waits until something accepts connections at the address (at
// most 10 s), so that a script talks to its background server only once the
// server listens.
func waitListen(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitlisten HOST:PORT")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", args[0], time.Second)
		if err == nil {
			ts.Check(c.Close())
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("nothing listens at %s after 10 s: %v", args[0], err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
