package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/testenv"
)

// chromiumPath is where Debian installs the chromium wrapper.
func chromiumPath() string {
	if p := os.Getenv("CORSGATE_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// needChromium skips the test when chromium is missing, or fails it when
// CI=true (browser tests must fail, not skip, in CI).
func needChromium(t *testing.T) {
	t.Helper()
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("real-browser suite skipped in -short mode")
	}
	if _, err := os.Stat(chromiumPath()); err != nil {
		testenv.Unavailable(t, "needs chromium at %s (apt-get install -y chromium, or set CORSGATE_CHROMIUM): %v", chromiumPath(), err)
	}
}

// page is one browser tab showing a page served from its own loopback origin.
type page struct {
	t      *testing.T
	ctx    context.Context
	origin string // the page's origin, e.g. http://127.0.0.1:41234
}

// newPage starts headless chromium with a fresh profile, serves a blank page
// from a loopback origin, opens it, and sets a cookie for 127.0.0.1 (cookies
// ignore ports, so credentialed fetches to the API origin carry it).
func newPage(t *testing.T) *page {
	t.Helper()
	needChromium(t)
	pageSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, "<!doctype html><html><head><title>corsgate browser test</title></head><body>page</body></html>")
	}))
	t.Cleanup(pageSrv.Close)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath()),
		chromedp.NoSandbox,
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); acancel() })

	// The first Run starts the browser: no timeout on it (a timeout would
	// stop the whole browser), but do not wait forever either.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx, chromedp.Navigate(pageSrv.URL+"/")) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start chromium and open the page: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("chromium did not open the page within 30 s")
	}
	p := &page{t: t, ctx: ctx, origin: pageSrv.URL}
	if _, err := p.eval(`document.cookie = "sid=1; path=/; SameSite=Lax"; document.cookie`); err != nil {
		t.Fatalf("set cookie: %v", err)
	}
	return p
}

func (p *page) eval(js string) (string, error) {
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
}

// fetchSpec is one fetch() call.
type fetchSpec struct {
	URL     string            `json:"url"`
	Method  string            `json:"method,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Creds   string            `json:"credentials"` // "omit" | "include"
	Body    string            `json:"body,omitempty"`
	// Read names a response header the page reads after a successful fetch.
	Read string `json:"read,omitempty"`
	// Sandboxed runs the fetch from a sandboxed iframe (opaque origin, Origin: null).
	Sandboxed bool `json:"-"`
}

// outcome is what the page observed.
type outcome struct {
	OK     bool    `json:"ok"`
	Status int     `json:"status"`
	Read   *string `json:"read"`
	Error  string  `json:"error"`
}

const fetchJS = `(async () => {
  const s = %s;
  const init = {method: s.method || "GET", headers: s.headers || {}, credentials: s.credentials, cache: "default"};
  if (s.body) init.body = s.body;
  try {
    const r = await fetch(s.url, init);
    await r.text();
    return JSON.stringify({ok: true, status: r.status, read: s.read ? r.headers.get(s.read) : null});
  } catch (e) {
    return JSON.stringify({ok: false, error: String(e)});
  }
})()`

// The sandboxed iframe has an opaque origin; it posts the result back.
const sandboxJS = `new Promise((resolve) => {
  const s = %s;
  const f = document.createElement("iframe");
  f.sandbox = "allow-scripts";
  const onMsg = (ev) => {
    if (ev.source !== f.contentWindow) return;
    window.removeEventListener("message", onMsg);
    f.remove();
    resolve(ev.data);
  };
  window.addEventListener("message", onMsg);
  const init = JSON.stringify({method: s.method || "GET", headers: s.headers || {}, credentials: s.credentials});
  f.srcdoc = "<script>fetch(" + JSON.stringify(s.url) + ", " + init + ").then(" +
    "r => r.text().then(() => parent.postMessage(JSON.stringify({ok: true, status: r.status}), '*')), " +
    "e => parent.postMessage(JSON.stringify({ok: false, error: String(e)}), '*'));<\/script>";
  document.body.appendChild(f);
})`

// fetch runs one fetch in the page and returns what the page saw.
func (p *page) fetch(s fetchSpec) outcome {
	p.t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		p.t.Fatal(err)
	}
	js := fetchJS
	if s.Sandboxed {
		js = sandboxJS
	}
	raw, err := p.eval(fmt.Sprintf(js, b))
	if err != nil {
		p.t.Fatalf("run fetch %s: %v", b, err)
	}
	var o outcome
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		p.t.Fatalf("decode page result %q: %v", raw, err)
	}
	if !o.OK && !strings.Contains(o.Error, "Failed to fetch") {
		p.t.Fatalf("fetch failed in an unexpected way: %s", o.Error)
	}
	return o
}

// recorder keeps the exchanges a server saw, per path.
type recorder struct {
	mu sync.Mutex
	by map[string][]*cors.Exchange
}

func newRecorder() *recorder { return &recorder{by: map[string][]*cors.Exchange{}} }

func (r *recorder) add(path string, x *cors.Exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.by[path] = append(r.by[path], x)
}

// wait returns the exchanges for path once at least one has arrived and the
// browser's outcome is known (the server records before it answers, so a
// finished fetch means its exchanges are recorded).
func (r *recorder) get(path string) []*cors.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*cors.Exchange(nil), r.by[path]...)
}

// judgement is the checker's view of a scenario's exchanges.
type judgement struct {
	verdict   cors.Verdict
	preflight *cors.Exchange
	actual    *cors.Exchange
	results   []cors.Result
	findings  []cors.Finding
}

// judge runs cors.Check over the exchanges of one fetch in order, the way a
// browser proceeds: a blocked preflight ends the fetch (and no actual request
// may follow), otherwise the actual response decides. creds is the fetch's
// credentials mode: preflights carry no cookies, so it is passed as the
// assumed mode for them; for actual requests the mode comes from the Cookie
// header exactly as serve derives it, and must agree.
func judge(t *testing.T, xs []*cors.Exchange, creds string) judgement {
	t.Helper()
	if len(xs) == 0 {
		t.Fatal("the server saw no request")
	}
	var j judgement
	j.verdict = cors.VerdictAllowed
	for i, x := range xs {
		pre := cors.IsPreflight(x.Method, x.RequestHeader)
		var err error
		if pre {
			x.Credentials, err = cors.CredentialsFor(creds, x.RequestHeader)
			if len(x.RequestHeader.Values("Cookie")) > 0 {
				t.Errorf("the preflight carried cookies: %v", x.RequestHeader)
			}
		} else {
			x.Credentials, err = cors.CredentialsFor("", x.RequestHeader)
			if x.Credentials.String() != creds && x.RequestHeader.Get("Origin") != "null" {
				t.Errorf("cookie rule gives credentials %s for the actual request, the page used %s", x.Credentials, creds)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		r := cors.Check(x)
		j.results = append(j.results, r)
		j.findings = append(j.findings, r.Findings...)
		if r.Preflight != pre {
			t.Errorf("Result.Preflight = %v for %s", r.Preflight, x.Method)
		}
		if pre {
			j.preflight = x
		} else {
			j.actual = x
		}
		if r.Verdict == cors.VerdictNotCORS {
			t.Errorf("exchange %d (%s) judged not CORS: %v", i, x.Method, x.RequestHeader)
		}
		if r.Verdict == cors.VerdictBlocked {
			j.verdict = cors.VerdictBlocked
			if i != len(xs)-1 {
				t.Errorf("the checker blocks exchange %d (%s) but the browser went on to send %d more", i, x.Method, len(xs)-1-i)
			}
			break
		}
	}
	if len(xs) > 2 {
		t.Errorf("%d exchanges for one fetch, want 1 or 2", len(xs))
	}
	return j
}

func hasCode(fs []cors.Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

func codes(fs []cors.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+":"+f.Severity)
	}
	return out
}

// assertAgree is the suite's core assertion: the browser's outcome equals the
// checker's verdict, the request headers the browser chose match the
// safelist rules, and header exposure matches the findings.
func assertAgree(t *testing.T, s fetchSpec, o outcome, j judgement) {
	t.Helper()
	browser := cors.VerdictBlocked
	if o.OK {
		browser = cors.VerdictAllowed
	}
	if browser != j.verdict {
		t.Errorf("browser: %s (%s), checker: %s; findings %v", browser, o.Error, j.verdict, codes(j.findings))
	}
	method := s.Method
	if method == "" {
		method = "GET"
	}
	h := http.Header{}
	for k, v := range s.Headers {
		h.Set(k, v)
	}
	if want := cors.NeedsPreflight(method, h); want != (j.preflight != nil) {
		t.Errorf("cors.NeedsPreflight(%s, %v) = %v, but the browser sent a preflight: %v", method, s.Headers, want, j.preflight != nil)
	}
	if j.preflight != nil {
		want := strings.Join(cors.UnsafeRequestHeaderNames(h), ",")
		if got := j.preflight.RequestHeader.Get("Access-Control-Request-Headers"); got != want {
			t.Errorf("browser sent Access-Control-Request-Headers %q, cors.UnsafeRequestHeaderNames gives %q", got, want)
		}
	}
	if s.Read != "" && o.OK {
		hidden := hasCode(j.findings, cors.CodeWildcardIsLiteralWithCreds)
		if (o.Read == nil) != hidden {
			t.Errorf("page read %s = %v; checker says hidden: %v", s.Read, o.Read, hidden)
		}
	}
}
