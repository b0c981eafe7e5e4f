package browsertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/cli"
)

// syncBuffer is a goroutine-safe bytes.Buffer for the command's stderr.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listeningRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:[0-9]+)`)

// TestServeCommandReportAgreesWithChromium runs the real `corsgate serve`
// command (cli.Main, embedded mock backend, --report) and checks that the
// verdicts it reports for each fetch equal Chromium's outcomes.
func TestServeCommandReportAgreesWithChromium(t *testing.T) {
	p := newPage(t)
	dir := t.TempDir()
	specFile := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(specFile, []byte(strings.Replace(proxySpec, "ALLOWCORS", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Main([]string{"serve", specFile, "--listen", "127.0.0.1:0", "--color", "never",
			"--cors_preset=basic", "--cors_allow_origin=" + p.origin, "--report", report},
			cli.Env{Stdin: strings.NewReader(""), Stdout: &stderr, Stderr: &stderr, Context: ctx})
	}()
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == ""; {
		if m := listeningRE.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("corsgate serve exited with %d: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no 'listening on' line within 20 s: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}

	omit := "omit"
	type run struct {
		name string
		path string
		f    fetchSpec
		want bool // the browser may read the response
		o    outcome
	}
	runs := []*run{
		{name: "get-allowed", f: fetchSpec{Creds: omit}, want: true},
		{name: "put-json-allowed", f: fetchSpec{Creds: omit, Method: "PUT", Headers: map[string]string{"Content-Type": "application/json"}, Body: "{}"}, want: true},
		{name: "custom-header-blocked", f: fetchSpec{Creds: omit, Method: "POST", Headers: map[string]string{"X-Custom": "v"}}},
		{name: "credentials-without-allow-credentials", f: fetchSpec{Creds: "include"}},
		{name: "delete-405", f: fetchSpec{Creds: omit, Method: "DELETE"}},
		{name: "unknown-path-404", path: "/nowhere/404", f: fetchSpec{Creds: omit}},
	}
	for _, r := range runs {
		if r.path == "" {
			r.path = "/v1/items/" + r.name
		}
		r.f.URL = base + r.path
		r.o = p.fetch(r.f)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("corsgate serve exited with %d after shutdown: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("corsgate serve did not shut down within 15 s")
	}

	type entry struct {
		Request struct {
			Method string `json:"method"`
			Path   string `json:"path"`
		} `json:"request"`
		Preflight   bool           `json:"preflight"`
		Credentials string         `json:"credentials"`
		Verdict     cors.Verdict   `json:"verdict"`
		Findings    []cors.Finding `json:"findings"`
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string][]entry{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("report line %q: %v", sc.Text(), err)
		}
		byPath[e.Request.Path] = append(byPath[e.Request.Path], e)
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			es := byPath[r.path]
			if len(es) == 0 {
				t.Fatalf("no report line for %s", r.path)
			}
			verdict := cors.VerdictAllowed
			for _, e := range es {
				if e.Verdict == cors.VerdictBlocked {
					verdict = cors.VerdictBlocked
				}
				if e.Verdict == cors.VerdictNotCORS {
					t.Errorf("%s %s reported as not CORS", e.Request.Method, r.path)
				}
			}
			browser := cors.VerdictBlocked
			if r.o.OK {
				browser = cors.VerdictAllowed
			}
			if browser != verdict {
				t.Errorf("browser %s (%s), corsgate serve reported %s: %+v", browser, r.o.Error, verdict, es)
			}
			if r.o.OK != r.want {
				t.Errorf("browser ok=%v, the scenario expects %v", r.o.OK, r.want)
			}
		})
	}
	if !strings.Contains(stderr.String(), "/v1/items/custom-header-blocked") {
		t.Errorf("stderr has no line for the blocked request:\n%s", stderr.String())
	}
}
