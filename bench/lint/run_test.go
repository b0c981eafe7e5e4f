// Package benchlint holds the side-by-side lint benchmark script (run.sh)
// and the peers' configurations; these tests keep them working.
package benchlint

import (
	"github.com/corsgate/corsgate/internal/testenv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestScriptSyntax(t *testing.T) {
	bash := testenv.Program(t, "bash")
	if out, err := exec.Command(bash, "-n", "run.sh").CombinedOutput(); err != nil {
		t.Fatalf("bash -n run.sh: %v\n%s", err, out)
	}
}

// TestSpectralFunction runs the custom Spectral function with node: it must
// report an x-google-endpoints entry whose name differs from host, and only
// that.
func TestSpectralFunction(t *testing.T) {
	node := testenv.Program(t, "node")
	fn, err := filepath.Abs(filepath.Join("spectral", "functions", "nameMatchesHost.js"))
	if err != nil {
		t.Fatal(err)
	}
	// Copy to .mjs so node loads it as an ES module without a package.json.
	mod := filepath.Join(t.TempDir(), "fn.mjs")
	src, err := os.ReadFile(fn)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mod, src, 0o644); err != nil {
		t.Fatal(err)
	}
	script := `
const f = (await import(process.argv[1])).default;
const cases = {
  match: {host: "a.endpoints.p.cloud.goog", "x-google-endpoints": [{name: "a.endpoints.p.cloud.goog", allowCors: true}]},
  mismatch: {host: "a.endpoints.p.cloud.goog", "x-google-endpoints": [{name: "b.endpoints.p.cloud.goog"}]},
  missingName: {host: "a", "x-google-endpoints": [{allowCors: true}]},
  noExtension: {host: "a"},
  notObject: "text",
};
const out = {};
for (const [k, v] of Object.entries(cases)) out[k] = f(v).map(r => r.path.join("/"));
console.log(JSON.stringify(out));
`
	cmd := exec.Command(node, "--input-type=module", "-e", script, mod)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	want := `{"match":[],"mismatch":["x-google-endpoints/0/name"],"missingName":["x-google-endpoints/0/name"],"noExtension":[],"notObject":[]}`
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("function results:\n got %s\nwant %s", got, want)
	}
}

// TestRunCorsgateOnly runs the script end to end on a tiny spec without the
// npm peers and checks the report.
func TestRunCorsgateOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds corsgate; skipped with -short")
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		testenv.Unavailable(t, "needs GNU time at /usr/bin/time: %v", err)
	}
	for _, tool := range []string{"bash", "go", "timeout"} {
		testenv.Program(t, tool)
	}
	cmd := exec.Command("bash", "run.sh")
	cmd.Env = append(os.Environ(), "PEERS=", "SIZES=20 40", "RUNS=2", "SHAPES=sample-yaml catalog-json-compact sample-oas3", "VARIANTS=nohuge", "TMPDIR="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("run.sh: %v\n%s\n%s", err, out, stderr)
	}
	report := string(out)
	for _, shape := range []string{"sample-yaml", "catalog-json-compact", "sample-oas3"} {
		_, section, ok := strings.Cut(report, "#### "+shape+"\n")
		if !ok {
			t.Fatalf("no section for %s in the report:\n%s", shape, report)
		}
		section, _, _ = strings.Cut(section, "####")
		for _, n := range []string{"20", "40"} {
			for _, tool := range []string{"corsgate", "corsgate-nohuge"} {
				re := regexp.MustCompile(`(?m)^\| ` + n + ` \| [0-9.]+ \| ` + tool + ` \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9]+ \| [0-9.]+ \| [0-9.-]+ \| 2 runs, .*exit 0`)
				if !re.MatchString(section) {
					t.Errorf("no %s row for %s N=%s in the report:\n%s", tool, shape, n, section)
				}
			}
		}
		if !strings.Contains(section, "corsgate-nohuge against corsgate: wall") {
			t.Errorf("no variant ratio for %s:\n%s", shape, section)
		}
	}
	if !strings.Contains(report, "corsgate transform to-openapi3") {
		t.Errorf("report does not say how the 3.x spec was made:\n%s", report)
	}
	if !strings.Contains(report, "corsgate lint --max-size") {
		t.Errorf("report does not show the corsgate command:\n%s", report)
	}
}
