package browsertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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

// serveRun is one fetch through the served proxy and what the scenario
// expects of it.
type serveRun struct {
	name string
	path string // default /v1/items/<name>
	f    fetchSpec
	want bool // the browser may read the response
	code string
	o    outcome
}

// reportEntry is the part of a --report line the suite reads.
type reportEntry struct {
	Request struct {
		Method string `json:"method"`
		Path   string `json:"path"`
	} `json:"request"`
	Response struct {
		Status int `json:"status"`
	} `json:"response"`
	Route       string         `json:"route"`
	Preflight   bool           `json:"preflight"`
	Credentials string         `json:"credentials"`
	Verdict     cors.Verdict   `json:"verdict"`
	Findings    []cors.Finding `json:"findings"`
}

// serveAndFetch runs the real corsgate serve command (cli.Main, embedded
// mock backend, --report) on specSrc with args, runs the fetches, stops the
// command, and returns its stderr and the report lines by path.
func serveAndFetch(t *testing.T, p *page, specName, specSrc string, args []string, runs []*serveRun) (string, map[string][]reportEntry) {
	t.Helper()
	dir := t.TempDir()
	specFile := filepath.Join(dir, specName)
	if err := os.WriteFile(specFile, []byte(specSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(append([]string{"serve", specFile, "--listen", "127.0.0.1:0", "--color", "never", "--report", report}, args...),
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
	for _, r := range runs {
		if r.path == "" {
			r.path = "/v1/items/" + r.name
		}
		f := r.f
		f.URL = base + r.path
		r.o = p.fetch(f)
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
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string][]reportEntry{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e reportEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("report line %q: %v", sc.Text(), err)
		}
		// The report's path has no query; the runs' paths may.
		byPath[e.Request.Path] = append(byPath[e.Request.Path], e)
	}
	return stderr.String(), byPath
}

// checkRuns asserts, for every run, that the verdicts serve reported equal
// the browser's outcome, and that the outcome is the scenario's.
func checkRuns(t *testing.T, runs []*serveRun, byPath map[string][]reportEntry) {
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			path, _, _ := strings.Cut(r.path, "?")
			es := byPath[path]
			if len(es) == 0 {
				t.Fatalf("no report line for %s", path)
			}
			verdict := cors.VerdictAllowed
			var found []string
			for _, e := range es {
				if e.Verdict == cors.VerdictBlocked {
					verdict = cors.VerdictBlocked
				}
				if e.Verdict == cors.VerdictNotCORS {
					t.Errorf("%s %s reported as not CORS", e.Request.Method, path)
				}
				for _, f := range e.Findings {
					found = append(found, f.Code)
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
			if r.code != "" && !slices.Contains(found, r.code) {
				t.Errorf("serve did not report %s: %+v", r.code, es)
			}
			t.Logf("browser ok=%v status=%d; serve %s %v", r.o.OK, r.o.Status, verdict, found)
		})
	}
}

// TestServeCommandReportAgreesWithChromium runs the real `corsgate serve`
// command (cli.Main, embedded mock backend, --report) and checks that the
// verdicts it reports for each fetch equal Chromium's outcomes.
func TestServeCommandReportAgreesWithChromium(t *testing.T) {
	p := newPage(t)
	omit := "omit"
	runs := []*serveRun{
		{name: "get-allowed", f: fetchSpec{Creds: omit}, want: true},
		{name: "put-json-allowed", f: fetchSpec{Creds: omit, Method: "PUT", Headers: map[string]string{"Content-Type": "application/json"}, Body: "{}"}, want: true},
		{name: "custom-header-blocked", f: fetchSpec{Creds: omit, Method: "POST", Headers: map[string]string{"X-Custom": "v"}}},
		{name: "credentials-without-allow-credentials", f: fetchSpec{Creds: "include"}},
		{name: "delete-405", f: fetchSpec{Creds: omit, Method: "DELETE"}},
		{name: "unknown-path-404", path: "/nowhere/404", f: fetchSpec{Creds: omit}},
		// The proxy's 401 for a missing key, with the CORS filter's headers:
		// the page reads the 401.
		{name: "no-key-401-readable", path: "/v1/keyed/no-key-401-readable", f: fetchSpec{Creds: omit}, want: true},
	}
	stderr, byPath := serveAndFetch(t, p, "api.yaml", strings.Replace(proxySpec, "ALLOWCORS", "", 1),
		[]string{"--cors_preset=basic", "--cors_allow_origin=" + p.origin}, runs)
	checkRuns(t, runs, byPath)
	if !strings.Contains(stderr, "/v1/items/custom-header-blocked") {
		t.Errorf("stderr has no line for the blocked request:\n%s", stderr)
	}
}

// openAPI3Spec is an OpenAPI 3.0 document for serve: base path /v1 and
// pass-through from the x-google-endpoint server, an API key on some
// operations, and an explicit options operation that keeps it.
const openAPI3Spec = `openapi: 3.0.3
info: {title: browser test API, version: "1.0"}
servers:
  - url: https://bt3.endpoints.test-project.cloud.goog/v1
    x-google-endpoint:
      allowCors: true
components:
  securitySchemes:
    api_key: {type: apiKey, name: key, in: query}
paths:
  /items/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
    put:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /keyed/{id}:
    get:
      security: [{api_key: []}]
      responses: {"200": {description: ok}}
    put:
      security: [{api_key: []}]
      responses: {"200": {description: ok}}
  /secured-options/{id}:
    put:
      security: [{api_key: []}]
      responses: {"200": {description: ok}}
    options:
      security: [{api_key: []}]
      responses: {"200": {description: ok}}
`

// TestServeOpenAPI3AgreesWithChromium serves an OpenAPI 3.x document with
// corsgate serve in pass-through mode (the mock backend answers CORS,
// echoing the origin) and checks the browser against serve's verdicts:
// preflights through the generated OPTIONS routes, the proxy's bare 401
// hidden behind a CORS error, and a preflight refused by an options
// operation that keeps its security.
func TestServeOpenAPI3AgreesWithChromium(t *testing.T) {
	p := newPage(t)
	omit := "omit"
	json := map[string]string{"Content-Type": "application/json"}
	runs := []*serveRun{
		{name: "get", path: "/v1/items/get", f: fetchSpec{Creds: omit}, want: true},
		{name: "put-through-generated-options-route", path: "/v1/items/put", f: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, want: true},
		{name: "no-key-401-hidden", path: "/v1/keyed/no-key", f: fetchSpec{Creds: omit}, code: cors.CodeErrorHiddenAsCORS},
		{name: "key-on-the-actual-request", path: "/v1/keyed/with-key?key=k", f: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, want: true},
		{name: "secured-options-rejects-the-preflight", path: "/v1/secured-options/x", f: fetchSpec{Creds: omit, Method: "PUT", Headers: json, Body: "{}"}, code: cors.CodePreflightStatusNotOK},
	}
	stderr, byPath := serveAndFetch(t, p, "openapi3.yaml", openAPI3Spec, []string{"--mock-cors", "echo"}, runs)
	checkRuns(t, runs, byPath)
	if !strings.Contains(stderr, "allowCors: preflights go to the backend") {
		t.Errorf("serve did not turn pass-through on for the 3.x document:\n%s", stderr)
	}
	for _, e := range byPath["/v1/secured-options/x"] {
		if e.Request.Method == "OPTIONS" && (e.Response.Status != 401 || e.Route != "api-key-rejected") {
			t.Errorf("the preflight was not the proxy's 401: %+v", e)
		}
	}
}
