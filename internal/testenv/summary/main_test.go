package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSummarize: package lines, skips with their reasons, a failing test's
// whole output, and the exit status.
func TestSummarize(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"start","Package":"p"}`,
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:9: needs ../shared/corpus next to the repository: no such file\n"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"--- SKIP: TestA (0.00s)\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestA"}`,
		`{"Action":"run","Package":"p","Test":"TestB"}`,
		`{"Action":"output","Package":"p","Test":"TestB","Output":"=== RUN   TestB\n"}`,
		`{"Action":"output","Package":"p","Test":"TestB","Output":"--- PASS: TestB (0.00s)\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestB"}`,
		`{"Action":"pass","Package":"p","Elapsed":1.25}`,
		`{"Action":"run","Package":"q","Test":"TestC"}`,
		`{"Action":"output","Package":"q","Test":"TestC","Output":"    c_test.go:3: got 1, want 2\n"}`,
		`{"Action":"fail","Package":"q","Test":"TestC"}`,
		`{"Action":"fail","Package":"q","Elapsed":0.5}`,
		`{"Action":"skip","Package":"r"}`,
	}, "\n") + "\n"
	var out bytes.Buffer
	code := summarize(strings.NewReader(in), &out)
	want := `SKIP p TestA: a_test.go:9: needs ../shared/corpus next to the repository: no such file
ok   p (1.2s)
--- FAIL: q TestC
    c_test.go:3: got 1, want 2
FAIL q (0.5s)
1 tests skipped (above, with their reasons; CI=true makes those that lack ../shared or a program fail)
FAIL
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	out.Reset()
	if code := summarize(strings.NewReader(`{"Action":"pass","Package":"p","Elapsed":1}`+"\n"), &out); code != 0 {
		t.Errorf("clean run: exit %d, want 0\n%s", code, out.String())
	}
}
