package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/proxy"
)

// syncBuffer is a bytes.Buffer safe for the server's writes and the test's reads.
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

var listeningRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)\n`)

// startServe runs corsgate serve in-process and returns its base URL, its
// stderr, and a stop function that cancels it (as SIGTERM would) and returns
// the exit code.
func startServe(t *testing.T, args ...string) (string, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- Main(append([]string{"serve", "--listen", "127.0.0.1:0"}, args...),
			Env{Stdout: io.Discard, Stderr: stderr, Context: ctx, Getenv: func(string) string { return "" }})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := listeningRE.FindStringSubmatch(stderr.String()); m != nil {
			var once sync.Once
			var rc int
			stop := func() int {
				once.Do(func() {
					cancel()
					select {
					case rc = <-code:
					case <-time.After(10 * time.Second):
						t.Fatal("serve did not stop within 10 s of cancellation")
					}
				})
				return rc
			}
			t.Cleanup(func() { stop() })
			return m[1], stderr, stop
		}
		select {
		case rc := <-code:
			cancel()
			t.Fatalf("serve exited with %d before listening; stderr:\n%s", rc, stderr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not print its address; stderr:\n%s", stderr)
		}
	}
}

func call(t *testing.T, method, url string, kv ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		req.Header.Add(kv[i], kv[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// sampleKey and sampleToken are credentials the built-in sample accepts:
// any non-empty API key (no --api-key), and an unsigned Firebase ID token
// for its project (no --jwks, so the signature is not checked).
const sampleKey = "key=k"

func sampleToken() string {
	enc := base64.RawURLEncoding.EncodeToString
	claims := fmt.Sprintf(`{"iss":"https://securetoken.google.com/corsgate-demo","aud":"corsgate-demo","sub":"u1","exp":%d}`, time.Now().Add(time.Hour).Unix())
	return "Bearer " + enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("not checked"))
}

func TestServeEndToEnd(t *testing.T) {
	report := filepath.Join(t.TempDir(), "report.jsonl")
	base, stderr, stop := startServe(t, "--cors_preset=basic", "--cors_allow_origin=http://localhost:3000", "--report", report)
	const o = "http://localhost:3000"
	tok := sampleToken()
	if r := call(t, "OPTIONS", base+"/shelves/3", "Origin", o, "Access-Control-Request-Method", "PUT"); r.StatusCode != 200 ||
		r.Header.Get("Access-Control-Allow-Origin") != o {
		t.Errorf("preflight: %d %v", r.StatusCode, r.Header)
	}
	if r := call(t, "GET", base+"/shelves/1?page=2&"+sampleKey, "Origin", o, "Cookie", "a=b", "Authorization", tok); r.StatusCode != 200 {
		t.Errorf("GET: %d", r.StatusCode)
	}
	if r := call(t, "GET", base+"/shelves/1?"+sampleKey, "Origin", "http://evil.test", "Authorization", tok); r.StatusCode != 200 ||
		r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET from another origin: %d %v", r.StatusCode, r.Header)
	}
	if r := call(t, "GET", base+"/nowhere", "Origin", o); r.StatusCode != 404 {
		t.Errorf("unknown path: %d", r.StatusCode)
	}
	call(t, "GET", base+"/shelves/3?"+sampleKey, "Authorization", tok)
	call(t, "GET", base+"/shelves/2?"+sampleKey, "Origin", o, "Authorization", tok)
	// Without credentials: ESPv2's jwt_authn answers, and the CORS filter
	// (before it) still adds Allow-Origin for the allowed origin.
	if r := call(t, "GET", base+"/shelves/4?"+sampleKey, "Origin", o); r.StatusCode != 401 ||
		r.Header.Get("Access-Control-Allow-Origin") != o || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), `Bearer realm="http://`) {
		t.Errorf("GET without a token: %d %v", r.StatusCode, r.Header)
	}
	if rc := stop(); rc != 0 {
		t.Errorf("exit code %d after cancellation, want 0", rc)
	}
	out := stderr.String()
	for _, want := range []string{
		"OPTIONS /shelves/3 origin=http://localhost:3000 200 allowed",
		"GET /shelves/1 origin=http://localhost:3000 200 blocked ACAC_NOT_TRUE",
		"GET /shelves/2 origin=http://localhost:3000 200 allowed MISSING_VARY_ORIGIN",
		"GET /shelves/1 origin=http://evil.test 200 blocked ACAO_MISSING",
		"GET /nowhere origin=http://localhost:3000 404 blocked ACAO_MISSING",
		"GET /shelves/3 origin=- 200 not a CORS request",
		"GET /shelves/4 origin=http://localhost:3000 401 allowed MISSING_VARY_ORIGIN",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}

	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var entries []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("report line is not JSON: %v\n%s", err, sc.Text())
		}
		entries = append(entries, e)
	}
	if len(entries) != 7 {
		t.Fatalf("%d report lines, want 7:\n%s", len(entries), data)
	}
	for _, k := range []string{"time", "request", "response", "backend_reached", "verdict", "findings", "credentials", "route"} {
		if _, ok := entries[0][k]; !ok {
			t.Errorf("report line lacks %q: %v", k, entries[0])
		}
	}
	if entries[0]["backend_reached"] != false || entries[0]["verdict"] != "allowed" || entries[0]["preflight"] != true {
		t.Errorf("preflight entry: %v", entries[0])
	}
	get := entries[1]
	if get["backend_reached"] != true || get["credentials"] != "include" {
		t.Errorf("GET entry (Cookie means include): %v", get)
	}
	req := get["request"].(map[string]any)
	if req["method"] != "GET" || req["path"] != "/shelves/1" || req["query"] != "page=2&"+sampleKey {
		t.Errorf("request: %v", req)
	}
	if h := req["headers"].(map[string]any); h["Origin"] == nil {
		t.Errorf("request headers lack Origin: %v", h)
	}
	resp := get["response"].(map[string]any)
	if resp["status"] != float64(200) || resp["headers"].(map[string]any)["Access-Control-Allow-Origin"] == nil {
		t.Errorf("response: %v", resp)
	}
	// A credentialed request without Allow-Credentials is blocked.
	if get["verdict"] != "blocked" {
		t.Errorf("credentialed GET without ACAC: verdict %v, want blocked", get["verdict"])
	}
	codes := map[string]bool{}
	for _, f := range entries[2]["findings"].([]any) {
		fm := f.(map[string]any)
		codes[fm["code"].(string)] = true
		if fm["severity"] == "" || fm["message"] == "" {
			t.Errorf("finding without severity or message: %v", fm)
		}
	}
	if !codes["ACAO_MISSING"] {
		t.Errorf("disallowed origin: findings %v lack ACAO_MISSING", codes)
	}
	// The proxy's own 404 is hidden behind a CORS error: the finding names
	// the real status and body (the Record's ProxyMade and Body reach the
	// checker).
	hiddenMsg := ""
	for _, f := range entries[3]["findings"].([]any) {
		if fm := f.(map[string]any); fm["code"] == "ERROR_HIDDEN_AS_CORS" {
			hiddenMsg = fm["message"].(string)
		}
	}
	if !strings.Contains(hiddenMsg, "404 Not Found from the proxy, with the body `{\"code\":404,\"message\":\"The current request is not defined by this API.\"}`") ||
		entries[3]["verdict"] != "blocked" {
		t.Errorf("GET /nowhere: verdict %v, ERROR_HIDDEN_AS_CORS message %q", entries[3]["verdict"], hiddenMsg)
	}
	if f := entries[4]["findings"].([]any); len(f) != 0 || entries[4]["verdict"] != "not a CORS request" {
		t.Errorf("non-CORS entry: %v", entries[4])
	}
	if e := entries[6]; e["route"] != "jwt-rejected" || e["backend_reached"] != false || e["verdict"] != "allowed" {
		t.Errorf("rejected GET: %v", e)
	}
}

func TestServeESPAndMockCORS(t *testing.T) {
	base, stderr, stop := startServe(t, "--proxy", "esp", "--mock-cors", "*", "--cors_preset=basic")
	r := call(t, "GET", base+"/shelves/3?"+sampleKey, "Origin", "http://localhost:3000", "Authorization", sampleToken())
	if got := r.Header.Values("Access-Control-Allow-Origin"); len(got) != 2 {
		t.Errorf("ESP adds Allow-Origin alongside the backend's: got %q", got)
	}
	r = call(t, "OPTIONS", base+"/shelves/3", "Origin", "http://localhost:3000", "Access-Control-Request-Method", "PUT")
	if r.StatusCode != 204 {
		t.Errorf("ESP preflight status %d, want 204", r.StatusCode)
	}
	stop()
	if !strings.Contains(stderr.String(), "ACAO_MULTIPLE") {
		t.Errorf("duplicate Allow-Origin not reported:\n%s", stderr)
	}
}

func TestServeFromEnv(t *testing.T) {
	base, _, stop := startServe(t, "--from-env", "ESPv2_ARGS=^++^--cors_preset=basic++--cors_allow_origin=https://app.example.com", "-q")
	r := call(t, "OPTIONS", base+"/echo", "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST")
	if r.StatusCode != 200 || r.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("preflight with flags from ESPv2_ARGS: %d %v", r.StatusCode, r.Header)
	}
	r = call(t, "OPTIONS", base+"/echo", "Origin", "https://other.example.com", "Access-Control-Request-Method", "POST")
	// The sample spec has allowCors on: a disallowed preflight reaches the mock (204).
	if r.StatusCode != 204 {
		t.Errorf("disallowed preflight with allowCors: %d, want the backend's 204", r.StatusCode)
	}
	stop()
}

func TestServeUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"bad proxy", []string{"--proxy", "nginx"}, ExitUsage, "--proxy must be espv2 or esp"},
		{"preset ESPv2 refuses", []string{"--cors_preset=Basic"}, ExitUsage, `cors_preset must be either "basic" or "cors_with_regex"`},
		{"regex ESPv2 refuses", []string{"--cors_preset=cors_with_regex", `--cors_allow_origin_regex=^https://app\d\.example\.com$`}, ExitUsage, `\d`},
		{"mock-cors with backend", []string{"--backend", "http://127.0.0.1:1", "--mock-cors", "*"}, ExitUsage, "--mock-cors"},
		{"bad mock-cors", []string{"--mock-cors", "a,b"}, ExitUsage, "--mock-cors"},
		{"bad backend", []string{"--backend", "ftp://x"}, ExitUsage, "--backend"},
		{"bad assume-credentials", []string{"--assume-credentials", "yes"}, ExitUsage, "--assume-credentials"},
		{"missing spec", []string{"nosuch.yaml"}, ExitInput, "nosuch.yaml"},
		{"bad listen", []string{"--listen", "256.0.0.1:http-nope"}, ExitInput, "--listen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := Main(append([]string{"serve"}, tt.args...), Env{Stdout: io.Discard, Stderr: &stderr,
				Context: context.Background(), Getenv: func(string) string { return "" }})
			if code != tt.code || !strings.Contains(stderr.String(), tt.msg) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tt.code, stderr.String(), tt.msg)
			}
		})
	}
}

// BenchmarkServeObserver measures the per-request work serve adds when it
// prints a line (and, in the second case, writes the report): cors.Check,
// formatting and buffered output.
func BenchmarkServeObserver(b *testing.B) {
	pol := cors.Policy{Proxy: cors.ESPv2, Preset: cors.PresetBasic, AllowOrigin: "https://app.example.com",
		AllowMethods: cors.DefaultAllowMethods, AllowHeaders: cors.DefaultAllowHeadersESP2, ExposeHeaders: cors.DefaultExposeHeaders,
		MaxAge: 2 * time.Hour}
	rec := &proxy.Record{Start: time.Now(), Method: "OPTIONS", Path: "/shelves/1", Host: "127.0.0.1:8080",
		RequestHeader: http.Header{"Origin": {"https://app.example.com"}, "Access-Control-Request-Method": {"PUT"},
			"Access-Control-Request-Headers": {"content-type"}},
		Status: 200, Route: "cors-preflight",
		ResponseHeader: http.Header{"Access-Control-Allow-Origin": {"https://app.example.com"},
			"Access-Control-Allow-Methods": {cors.DefaultAllowMethods}, "Access-Control-Allow-Headers": {cors.DefaultAllowHeadersESP2},
			"Access-Control-Max-Age": {"7200"}, "Access-Control-Expose-Headers": {cors.DefaultExposeHeaders}}}
	get := &proxy.Record{
		Start: time.Now(), Method: "GET", Path: "/shelves/1", Host: "127.0.0.1:8080",
		Status: 200, Route: "operation", BackendReached: true,
		RequestHeader: http.Header{"Origin": {"https://app.example.com"}, "User-Agent": {"wrk"}},
		ResponseHeader: http.Header{"Access-Control-Allow-Origin": {"https://app.example.com"},
			"Access-Control-Expose-Headers": {cors.DefaultExposeHeaders}, "Content-Type": {"application/json"},
			"Content-Length": {"63"}, "Date": {"Thu, 03 Dec 2026 12:00:00 GMT"}},
	}
	for _, tc := range []struct {
		name   string
		report bool
		rec    *proxy.Record
	}{{"line", false, rec}, {"line+report", true, rec}, {"get-line", false, get}} {
		b.Run(tc.name, func(b *testing.B) {
			o := &serveOptions{}
			if tc.report {
				o.report = filepath.Join(b.TempDir(), "r.jsonl")
			}
			obs, _, closeObs, err := newServeObserver(&Env{}, o, io.Discard, false, &pol)
			if err != nil {
				b.Fatal(err)
			}
			defer closeObs()
			b.ReportAllocs()
			for b.Loop() {
				obs(tc.rec)
			}
		})
	}
}

// TestCheckCacheKeys checks that the preflight memo keys on what the
// judgement depends on: the same preflight twice gives the same result, a
// different ACRH or credentials mode is judged afresh.
func TestCheckCacheKeys(t *testing.T) {
	c := &checkCache{m: map[string]cors.Result{}}
	calls := 0
	rec := func(acrh string) *proxy.Record {
		return &proxy.Record{Method: "OPTIONS", RequestHeader: http.Header{"Origin": {"https://a.test"},
			"Access-Control-Request-Method": {"PUT"}, "Access-Control-Request-Headers": {acrh}}}
	}
	check := func(v cors.Verdict) func() cors.Result {
		return func() cors.Result { calls++; return cors.Result{Verdict: v} }
	}
	if r := c.get(rec("x-a"), cors.CredentialsOmit, check(cors.VerdictAllowed)); r.Verdict != cors.VerdictAllowed || calls != 1 {
		t.Fatalf("first: %v, %d calls", r.Verdict, calls)
	}
	if r := c.get(rec("x-a"), cors.CredentialsOmit, check(cors.VerdictBlocked)); r.Verdict != cors.VerdictAllowed || calls != 1 {
		t.Errorf("same preflight not served from the memo: %v, %d calls", r.Verdict, calls)
	}
	if r := c.get(rec("x-b"), cors.CredentialsOmit, check(cors.VerdictBlocked)); r.Verdict != cors.VerdictBlocked || calls != 2 {
		t.Errorf("other ACRH reused a result: %v, %d calls", r.Verdict, calls)
	}
	if r := c.get(rec("x-a"), cors.CredentialsInclude, check(cors.VerdictBlocked)); r.Verdict != cors.VerdictBlocked || calls != 3 {
		t.Errorf("other credentials mode reused a result: %v, %d calls", r.Verdict, calls)
	}
}

func TestDescribeServe(t *testing.T) {
	tests := []struct {
		p        cors.Policy
		backend  string
		mockCORS string
		want     string
	}{
		{cors.Policy{Proxy: cors.ESPv2}, "", "", "serving s.yaml as ESPv2: no CORS handling (no --cors_preset, allowCors off); backend: embedded mock"},
		{cors.Policy{Proxy: cors.ESPv2, AllowCors: true}, "", "echo",
			"serving s.yaml as ESPv2: allowCors: preflights go to the backend; backend: embedded mock sending its own CORS headers (echo)"},
		{cors.Policy{Proxy: cors.ESP, Preset: cors.PresetRegex, AllowOriginRegex: "^x$"}, "http://b", "",
			"serving s.yaml as ESP: the proxy answers preflights (cors_with_regex, ^x$); backend: http://b"},
	}
	for _, tt := range tests {
		if got := describeServe("s.yaml", &tt.p, tt.backend, tt.mockCORS); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}

// TestPreflightKeyMatchesRecordKey: the memo key written from a raw-head
// preflight is the key written from the full Record of the same request, so
// a raw-head preflight finds exactly the judgement of its identical twin.
func TestPreflightKeyMatchesRecordKey(t *testing.T) {
	type field struct {
		v  string
		ok bool
	}
	opt := []field{{"", false}, {"", true}, {"content-type, x-a", true}}
	pna := []field{{"", false}, {"true", true}}
	seen := map[string]bool{}
	for _, acrh := range opt {
		for _, pn := range pna {
			for _, cookie := range []bool{false, true} {
				h := http.Header{"Origin": {"https://a.test"}, "Access-Control-Request-Method": {"PUT"}}
				if acrh.ok {
					h["Access-Control-Request-Headers"] = []string{acrh.v}
				}
				if pn.ok {
					h["Access-Control-Request-Private-Network"] = []string{pn.v}
				}
				if cookie {
					h["Cookie"] = []string{"a=b"}
				}
				rec := &proxy.Record{Method: "OPTIONS", Path: "/p", RequestHeader: h}
				p := &proxy.PreflightRecord{Method: "OPTIONS", Path: "/p", Origin: "https://a.test", ACRM: "PUT",
					ACRH: acrh.v, HasACRH: acrh.ok, PrivateNetwork: pn.v, HasPrivateNetwork: pn.ok, Cookie: cookie}
				for _, assume := range []string{"", "include", "omit"} {
					full, _ := cors.CredentialsFor(assume, h)
					var ph http.Header
					if p.Cookie {
						ph = cookieHeader
					}
					raw, _ := cors.CredentialsFor(assume, ph)
					rk, pk := string(recordKey(nil, rec, full)), string(preflightKey(nil, p, raw))
					if rk != pk {
						t.Errorf("ACRH %v, PNA %v, cookie %v, assume %q: record key %q, preflight key %q", acrh, pn, cookie, assume, rk, pk)
					}
					seen[rk] = true
				}
			}
		}
	}
	// Each distinct request (3 ACRH x 2 PNA x 2 credentials modes) has its own key.
	if len(seen) != 12 {
		t.Errorf("%d distinct keys, want 12", len(seen))
	}
}

// TestServeRawPreflightLines: with the default output, preflights on one
// keep-alive connection are answered from their raw head once an identical
// one has been judged; every request still gets exactly one line, the same
// line the full path writes.
func TestServeRawPreflightLines(t *testing.T) {
	base, stderr, stop := startServe(t, "--cors_preset=basic", "--cors_allow_origin=http://localhost:3000")
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	const pre = "OPTIONS /shelves/3 HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nOrigin: http://localhost:3000\r\nAccess-Control-Request-Method: PUT\r\n"
	kinds := []string{
		pre,
		pre + "Cookie: a=b\r\n",
		pre + "Access-Control-Request-Headers: x-custom\r\nAccess-Control-Request-Private-Network: true\r\n",
		pre + "Origin: http://localhost:3000\r\n", // repeated: always the full path
	}
	const repeats = 3
	for _, k := range kinds {
		for range repeats {
			if _, err := io.WriteString(conn, k+"\r\n"); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	conn.Close()
	if rc := stop(); rc != 0 {
		t.Fatalf("exit code %d", rc)
	}
	var lines []string
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.HasPrefix(l, "OPTIONS /shelves/3 ") {
			lines = append(lines, l)
		}
	}
	if len(lines) != len(kinds)*repeats {
		t.Fatalf("%d lines for %d requests:\n%s", len(lines), len(kinds)*repeats, strings.Join(lines, "\n"))
	}
	for i := range kinds {
		group := lines[i*repeats : (i+1)*repeats]
		for _, l := range group[1:] {
			if l != group[0] {
				t.Errorf("request kind %d: lines differ:\n%s", i, strings.Join(group, "\n"))
				break
			}
		}
	}
	if lines[0] != "OPTIONS /shelves/3 origin=http://localhost:3000 200 allowed MAX_AGE_ABOVE_BROWSER_CAP" {
		t.Errorf("first line %q", lines[0])
	}
	if lines[repeats] == lines[0] || lines[2*repeats] == lines[0] {
		t.Errorf("a cookie or a custom header changed nothing in the verdict lines:\n%s", strings.Join(lines, "\n"))
	}
}
