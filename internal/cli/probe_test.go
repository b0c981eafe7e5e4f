package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/format"
	"github.com/corsgate/corsgate/internal/probe"
)

const probeAppOrigin = "https://app.example.com"

// probeSpec is the API behind serve in these tests; ALLOWCORS becomes an
// x-google-endpoints entry that turns allowCors on, or nothing.
const probeSpec = `swagger: "2.0"
info: {title: probe test, version: "1"}
host: probe.endpoints.test-project.cloud.goog
ALLOWCORS
paths:
  /v1/items/{id}:
    get:
      operationId: getItem
      parameters:
      - {in: path, name: id, required: true, type: string}
      - {in: header, name: X-Trace, type: string}
      responses: {200: {description: ok}}
    put:
      operationId: putItem
      parameters:
      - {in: path, name: id, required: true, type: string}
      - {in: body, name: b, schema: {type: object}}
      responses: {200: {description: ok}}
    delete:
      operationId: deleteItem
      parameters: [{in: path, name: id, required: true, type: string}]
      responses: {200: {description: ok}}
  /v1/list:
    get:
      operationId: list
      responses: {200: {description: ok}}
`

func writeProbeSpec(t *testing.T, allowCors bool) string {
	t.Helper()
	entry := ""
	if allowCors {
		entry = "x-google-endpoints:\n- name: probe.endpoints.test-project.cloud.goog\n  allowCors: true"
	}
	p := filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(p, []byte(strings.Replace(probeSpec, "ALLOWCORS", entry, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runProbe runs corsgate probe in-process and returns its exit code, its
// standard output and its standard error.
func runProbeCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(append([]string{"probe"}, args...), Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(string) string { return "" }})
	return code, stdout.String(), stderr.String()
}

func decodeProbe(t *testing.T, out string) *probe.Report {
	t.Helper()
	var r probe.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("probe JSON: %v\n%s", err, out)
	}
	return &r
}

// serveEntry is what these tests read from serve's --report.
type serveEntry struct {
	Request struct {
		Method  string      `json:"method"`
		Path    string      `json:"path"`
		Headers http.Header `json:"headers"`
	} `json:"request"`
	Verdict cors.Verdict `json:"verdict"`
}

func exchangeKey(method, path string, h http.Header) string {
	return method + " " + path + " " + h.Get("Origin") + " " + h.Get("Access-Control-Request-Method") + " " + h.Get("Access-Control-Request-Headers")
}

func readServeReport(t *testing.T, path string) map[string][]cors.Verdict {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]cors.Verdict{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e serveEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("report line %q: %v", sc.Text(), err)
		}
		k := exchangeKey(e.Request.Method, e.Request.Path, e.Request.Headers)
		out[k] = append(out[k], e.Verdict)
	}
	return out
}

// TestProbeAgreesWithServe probes corsgate serve itself, configured as ESPv2
// and as ESP (exact and regex presets, allowCors pass-through to a backend
// that answers CORS and to one that does not): for every exchange, probe's
// verdict equals the one serve's checker reported for the same request;
// with serve's configuration no drift is reported, with another one it is.
func TestProbeAgreesWithServe(t *testing.T) {
	for _, tc := range []struct {
		name      string
		flags     []string // serve's configuration, also given to probe
		allowCors bool
		mockCORS  string
		other     []string // another configuration: drift expected
		// otherAllowCors probes with a spec that turns allowCors on.
		otherAllowCors bool
	}{
		{name: "espv2 exact", flags: []string{"--cors_preset=basic", "--cors_allow_origin=" + probeAppOrigin},
			other: []string{"--cors_preset=basic", "--cors_allow_origin=https://other.example.com"}},
		{name: "espv2 regex", flags: []string{"--cors_preset=cors_with_regex", `--cors_allow_origin_regex=https://[a-z]+\.example\.com`, "--cors_allow_headers=X-Trace,Content-Type"},
			other: []string{"--cors_preset=cors_with_regex", `--cors_allow_origin_regex=https://app\.example\.com`, "--cors_allow_headers=X-Trace,Content-Type"}},
		{name: "espv2 allowCors, backend answers CORS", allowCors: true, mockCORS: "echo",
			other: []string{"--cors_preset=basic", "--cors_allow_origin=" + probeAppOrigin}},
		{name: "espv2 allowCors, backend does not", allowCors: true,
			other: []string{"--cors_preset=basic", "--cors_allow_origin=" + probeAppOrigin}},
		{name: "esp exact", flags: []string{"--proxy=esp", "--cors_preset=basic", "--cors_allow_origin=" + probeAppOrigin},
			other: []string{"--proxy=espv2", "--cors_preset=basic", "--cors_allow_origin=" + probeAppOrigin}},
		{name: "esp regex", flags: []string{"--proxy=esp", "--cors_preset=cors_with_regex", `--cors_allow_origin_regex=^https://app\.example\.com`},
			other: []string{"--proxy=esp", "--cors_preset=cors_with_regex", `--cors_allow_origin_regex=^https://app\.example\.com$`}},
		{name: "esp allowCors, backend answers CORS", flags: []string{"--proxy=esp"}, allowCors: true, mockCORS: "echo",
			other: []string{"--proxy=esp", "--cors_preset=basic", "--cors_allow_origin=" + probeAppOrigin}},
		{name: "esp without CORS", flags: []string{"--proxy=esp"},
			other: []string{"--proxy=esp"}, otherAllowCors: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			specFile := writeProbeSpec(t, tc.allowCors)
			report := filepath.Join(t.TempDir(), "serve.jsonl")
			serveArgs := append([]string{specFile, "-q", "--report", report, "--assume-credentials", "omit"}, tc.flags...)
			if tc.mockCORS != "" {
				serveArgs = append(serveArgs, "--mock-cors", tc.mockCORS)
			}
			base, _, stop := startServe(t, serveArgs...)
			common := []string{base, specFile, "--origin", probeAppOrigin, "--origin", "http://localhost:3000", "--hostile", "all",
				"--rate", "0", "--concurrency", "4", "--format", "json", "--assume-credentials", "omit", "--fail-on", "none"}
			code, out, stderr := runProbeCmd(t, append(common, withProxy(tc.flags)...)...)
			if code != 0 {
				t.Fatalf("probe exited %d: %s", code, stderr)
			}
			rep := decodeProbe(t, out)
			otherArgs := append([]string(nil), common...)
			if tc.otherAllowCors != tc.allowCors {
				otherArgs[1] = writeProbeSpec(t, tc.otherAllowCors)
			}
			code, out, stderr = runProbeCmd(t, append(otherArgs, tc.other...)...)
			if code != 0 {
				t.Fatalf("probe (other configuration) exited %d: %s", code, stderr)
			}
			other := decodeProbe(t, out)
			if rc := stop(); rc != 0 {
				t.Errorf("serve exited %d", rc)
			}
			served := readServeReport(t, report)

			if rep.Summary.Drift != 0 {
				for _, res := range rep.Results {
					if res.Prediction != nil && len(res.Prediction.Drift) > 0 {
						t.Errorf("drift with serve's configuration: %s %s origin=%s: %v", res.Method, res.Path, res.Origin, res.Prediction.Drift)
					}
				}
			}
			if other.Summary.Drift == 0 {
				t.Errorf("no drift with another configuration (%v)", tc.other)
			}
			if rep.Summary.Failed != 0 || rep.Summary.Exchanges < 20 {
				t.Errorf("summary %+v", rep.Summary)
			}
			for _, res := range append(rep.Results, other.Results...) {
				k := exchangeKey(res.Method, res.Path, res.RequestHeaders)
				vs := served[k]
				if len(vs) == 0 {
					t.Errorf("serve has no report line for %s", k)
					continue
				}
				for _, v := range vs {
					if v != res.Verdict {
						t.Errorf("%s: probe %s, serve's checker %s (%v)", k, res.Verdict, v, res.Findings)
					}
				}
			}
		})
	}
}

// withProxy gives probe the proxy serve emulates: espv2 unless the flags
// say otherwise (probe predicts only when it has a configuration).
func withProxy(flags []string) []string {
	for _, f := range flags {
		if strings.HasPrefix(f, "--proxy") {
			return flags
		}
	}
	return append([]string{"--proxy=espv2"}, flags...)
}

// TestProbeRedactsSecrets: the values of --header and --api-key appear in
// no output format, even when the server echoes them back.
func TestProbeRedactsSecrets(t *testing.T) {
	const token, cookie, key = "tok-4f2a9c", "sid-77b1e0", "key-0d93aa"
	// A backend that echoes every request header in its body and one
	// header, with an error status so the body is quoted in messages.
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Headers", r.Header.Get("Authorization")+","+r.Header.Get("Cookie"))
		w.Header().Set("Location", "/moved?"+r.URL.RawQuery)
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "%v %s", r.Header, r.URL.RawQuery)
	}))
	t.Cleanup(s.Close)
	spec := filepath.Join(t.TempDir(), "api.yaml")
	os.WriteFile(spec, []byte(`swagger: "2.0"
info: {title: t, version: "1"}
securityDefinitions:
  key: {type: apiKey, in: query, name: key}
  hkey: {type: apiKey, in: header, name: x-api-key}
paths:
  /q:
    get:
      security: [{key: []}]
      responses: {200: {description: ok}}
  /h:
    get:
      security: [{hkey: []}]
      responses: {200: {description: ok}}
`), 0o644)
	for _, f := range format.Names() {
		code, out, stderr := runProbeCmd(t, s.URL, spec, "--origin", probeAppOrigin, "--rate", "0", "--format", f,
			"--header", "Authorization: Bearer "+token, "--header", "Cookie: "+cookie, "--api-key", key)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1 (findings): %s", f, code, stderr)
		}
		for _, secret := range []string{token, cookie, key} {
			if strings.Contains(out, secret) || strings.Contains(stderr, secret) {
				t.Errorf("%s output shows %q:\n%s\n%s", f, secret, out, stderr)
			}
		}
		if !strings.Contains(out, probe.Redacted) && f != "github" && f != "sarif" && f != "text" && f != "junit" {
			t.Errorf("%s output has no %s", f, probe.Redacted)
		}
	}
}

// TestProbeExitCodes: 0 clean, 1 findings at --fail-on, 2 usage, 3 an
// unreachable target or some exchange without an answer.
func TestProbeExitCodes(t *testing.T) {
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") == probeAppOrigin {
			w.Header().Set("Access-Control-Allow-Origin", probeAppOrigin)
			w.Header().Set("Vary", "Origin")
		}
	}))
	t.Cleanup(good.Close)
	vary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	}))
	t.Cleanup(vary.Close)
	half := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gone" {
			c, _, _ := w.(http.Hijacker).Hijack()
			c.Close()
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", probeAppOrigin)
	}))
	t.Cleanup(half.Close)
	for _, tc := range []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"clean", []string{good.URL, "--path", "/a", "--origin", probeAppOrigin}, 0, ""},
		{"warnings below --fail-on", []string{vary.URL, "--path", "/a", "--origin", probeAppOrigin, "--hostile", "none"}, 0, ""},
		{"warnings at --fail-on warning", []string{vary.URL, "--path", "/a", "--origin", probeAppOrigin, "--hostile", "none", "--fail-on", "warning"}, 1, ""},
		{"reflection earns an error with credentials", []string{vary.URL, "--path", "/a", "--origin", probeAppOrigin, "--header", "Cookie: a=b"}, 1, ""},
		{"unreachable", []string{"http://127.0.0.1:1", "--path", "/a", "--origin", probeAppOrigin, "--retries", "0"}, 3, "target unreachable"},
		{"an exchange without an answer", []string{half.URL, "--path", "/a", "--path", "/gone", "--origin", probeAppOrigin, "--hostile", "none", "--retries", "0"}, 3, "1 of 2 exchanges got no answer"},
		{"no origin", []string{good.URL, "--path", "/a"}, 2, "--origin"},
		{"bad origin", []string{good.URL, "--path", "/a", "--origin", "https://App.example.com/"}, 2, "--origin"},
		{"no spec, no path", []string{good.URL, "--origin", probeAppOrigin}, 2, "--path"},
		{"bad base", []string{"ftp://x", "--path", "/a", "--origin", probeAppOrigin}, 2, "BASE_URL"},
		{"bad header", []string{good.URL, "--path", "/a", "--origin", probeAppOrigin, "--header", "no colon"}, 2, "--header"},
		{"bad hostile", []string{good.URL, "--path", "/a", "--origin", probeAppOrigin, "--hostile", "some"}, 2, "--hostile"},
		{"flags ESPv2 refuses", []string{good.URL, "--path", "/a", "--origin", probeAppOrigin, "--cors_preset=Basic"}, 2, ""},
		{"missing spec", []string{good.URL, "nosuch.yaml", "--origin", probeAppOrigin}, 3, "nosuch.yaml"},
		{"missing cacert", []string{good.URL, "--path", "/a", "--origin", probeAppOrigin, "--cacert", "nosuch.pem"}, 3, "--cacert"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runProbeCmd(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, stderr)
			}
			if !strings.Contains(stderr, tc.err) {
				t.Errorf("stderr %q does not name %q", stderr, tc.err)
			}
		})
	}
}

// TestProgressLine: nothing in the first second, then at most every
// 100 ms and at the end, cleared when done; nothing to clear for a short run.
func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	progress, stop := progressLine(&b, func() time.Time { return clock })
	step := func(d time.Duration, done int) {
		clock = clock.Add(d)
		progress(done, 10)
	}
	step(500*time.Millisecond, 1)
	if b.Len() != 0 {
		t.Fatalf("shown within the first second: %q", b.String())
	}
	step(600*time.Millisecond, 2)
	step(10*time.Millisecond, 3) // too soon after the last line
	step(200*time.Millisecond, 4)
	step(time.Millisecond, 10) // the end is always shown
	stop()
	if want := "\rprobe: 2/10 exchanges\rprobe: 4/10 exchanges\rprobe: 10/10 exchanges\r\x1b[K"; b.String() != want {
		t.Errorf("progress output %q, want %q", b.String(), want)
	}
	var quiet bytes.Buffer
	progress, stop = progressLine(&quiet, time.Now)
	progress(1, 1)
	stop()
	if quiet.Len() != 0 {
		t.Errorf("a run under a second printed %q", quiet.String())
	}
	if p, _ := newProgress(&Env{}, &bytes.Buffer{}); p != nil {
		t.Error("progress on something that is not a terminal")
	}
}
