// Command summary reads `go test -json` on standard input and prints what a
// person needs from a full test run: one line per package (ok or FAIL),
// every skipped test with the reason it gave, and the whole output of every
// test that failed. It exits 1 when a test, a package or a build failed.
//
//	go test -json ./... | go run ./internal/testenv/summary
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action      string
	Package     string
	Test        string
	Output      string
	Elapsed     float64
	ImportPath  string // build events
	FailedBuild string
}

func main() {
	os.Exit(summarize(os.Stdin, os.Stdout))
}

func summarize(in io.Reader, out io.Writer) int {
	w := bufio.NewWriter(out)
	defer w.Flush()
	type key struct{ pkg, test string }
	outputs := map[key][]string{}
	var skips []string
	failed := false
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if json.Unmarshal(line, &e) != nil || e.Action == "" {
			fmt.Fprintf(w, "%s\n", line) // not an event: go test's own words
			continue
		}
		k := key{e.Package, e.Test}
		switch e.Action {
		case "build-output":
			fmt.Fprint(w, e.Output)
		case "build-fail":
			failed = true
		case "output":
			outputs[k] = append(outputs[k], e.Output)
		case "skip":
			if e.Test != "" {
				reason := strings.Join(reasonLines(outputs[k]), "; ")
				skips = append(skips, fmt.Sprintf("SKIP %s %s: %s", e.Package, e.Test, reason))
				fmt.Fprintln(w, skips[len(skips)-1])
			}
			delete(outputs, k)
		case "fail":
			failed = true
			if e.Test != "" {
				fmt.Fprintf(w, "--- FAIL: %s %s\n%s", e.Package, e.Test, strings.Join(outputs[k], ""))
			} else {
				if e.FailedBuild == "" {
					fmt.Fprint(w, strings.Join(outputs[k], "")) // panics, timeouts, TestMain
				}
				fmt.Fprintf(w, "FAIL %s (%.1fs)\n", e.Package, e.Elapsed)
			}
			delete(outputs, k)
		case "pass":
			if e.Test == "" {
				fmt.Fprintf(w, "ok   %s (%.1fs)\n", e.Package, e.Elapsed)
			}
			delete(outputs, k)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(w, "summary: reading go test -json: %v\n", err)
		failed = true
	}
	fmt.Fprintf(w, "%d tests skipped", len(skips))
	if len(skips) > 0 {
		fmt.Fprint(w, " (above, with their reasons; CI=true makes those that lack ../shared or a program fail)")
	}
	fmt.Fprintln(w)
	if failed {
		fmt.Fprintln(w, "FAIL")
		return 1
	}
	return 0
}

// reasonLines keeps what a skipped test said, without the framework's own
// lines (=== RUN, --- SKIP) and the file:line prefix indentation.
func reasonLines(out []string) []string {
	var r []string
	for _, l := range out {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		r = append(r, t)
	}
	if len(r) == 0 {
		r = append(r, "(no reason given)")
	}
	return r
}
