package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/testenv"
	"github.com/google/go-cmp/cmp"
)

// startNginx runs nginx configured as ESP v1 (basic preset, origin) in
// front of backend and returns its address.
func startNginx(t *testing.T, backend, origin string) string {
	t.Helper()
	return testenv.ESPNginx(t, backend, testenv.ESPValues{Origin: origin, Methods: cors.DefaultAllowMethods,
		Headers: cors.DefaultAllowHeadersESP, Expose: cors.DefaultExposeHeaders})
}

// rawHead sends one request with its target written as given and returns
// the status and the response fields as they came on the wire (Date and
// Server aside), repeated fields kept in order.
func rawHead(t *testing.T, addr, method, target string, hdr []string) (int, []string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req := method + " " + target + " HTTP/1.1\r\nHost: " + testHost + "\r\nConnection: close\r\n"
	for i := 0; i+1 < len(hdr); i += 2 {
		req += hdr[i] + ": " + hdr[i+1] + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	status := 0
	var fields []string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("%s %s on %s: %v", method, target, addr, err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		if status == 0 {
			fmt.Sscanf(line, "HTTP/1.1 %d", &status)
			continue
		}
		name, _, _ := strings.Cut(line, ":")
		switch http.CanonicalHeaderKey(name) {
		case "Date", "Server", "Connection", "Keep-Alive":
			continue
		}
		fields = append(fields, line)
	}
	return status, fields
}

// TestNginxAgrees runs Debian's nginx configured as ESP v1 configures
// itself next to serve --proxy esp with the same policy, and compares what
// they answer where serve emulates nginx itself: the 204 preflight's fields
// (Content-Length: 0 included), the fields added to a proxied answer, and
// which paths nginx refuses with 400 before any location runs.
func TestNginxAgrees(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	t.Cleanup(backend.Close)
	nginx := startNginx(t, strings.TrimPrefix(backend.URL, "http://"), appOrigin)
	u, _ := url.Parse(backend.URL)
	e, err := cors.NewEngine(preset(cors.ESP, func(p *cors.Policy) { p.AllowOrigin = appOrigin }))
	if err != nil {
		t.Fatal(err)
	}
	for _, observed := range []bool{false, true} {
		o := Options{Engine: e, Table: loadTable(t, testSpec(false, "")), Backend: u}
		if observed {
			o.Observe = func(*Record) {}
		}
		h, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		serve := startLean(t, h)
		sorted := func(fs []string) []string {
			out := append([]string(nil), fs...)
			for i := 1; i < len(out); i++ {
				for j := i; j > 0 && out[j] < out[j-1]; j-- {
					out[j], out[j-1] = out[j-1], out[j]
				}
			}
			return out
		}
		compare := func(method, target string, hdr []string, only func(string) bool) {
			t.Helper()
			ns, nf := rawHead(t, nginx, method, target, hdr)
			gs, gf := rawHead(t, serve, method, target, hdr)
			keep := func(fs []string) []string {
				var out []string
				for _, f := range sorted(fs) {
					if only(f) {
						out = append(out, f)
					}
				}
				return out
			}
			if ns != gs {
				t.Errorf("%s %s (observed %v): nginx %d, serve %d", method, target, observed, ns, gs)
			}
			if diff := cmp.Diff(keep(nf), keep(gf)); diff != "" {
				t.Errorf("%s %s (observed %v): fields (-nginx +serve):\n%s", method, target, observed, diff)
			}
		}
		all := func(string) bool { return true }
		cors := func(f string) bool { return strings.HasPrefix(f, "Access-Control-") }
		compare("OPTIONS", "/v1/shelves", []string{"Origin", appOrigin, "Access-Control-Request-Method", "PUT"}, all)
		compare("OPTIONS", "/anywhere/", nil, all)
		compare("GET", "/v1/shelves", []string{"Origin", appOrigin}, cors)
		for _, tc := range nginxPathCases {
			ns, _ := rawHead(t, nginx, "GET", tc.path, nil)
			gs, _ := rawHead(t, serve, "GET", tc.path, nil)
			if (ns == 400) != tc.reject || (gs == 400) != tc.reject {
				t.Errorf("GET %s: nginx %d, serve %d, want 400: %v", tc.path, ns, gs, tc.reject)
			}
		}
	}
}
