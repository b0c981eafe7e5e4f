package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
)

// TestRedirectsReportedNotFollowed: a redirected preflight is blocked (and
// said so), a redirected actual request is reported for the browser to
// follow, and probe itself never requests the target.
func TestRedirectsReportedNotFollowed(t *testing.T) {
	var atTarget atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/new") {
			atTarget.Add(1)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		http.Redirect(w, r, "/new"+r.URL.Path, http.StatusMovedPermanently)
	}))
	t.Cleanup(s.Close)
	rep := runPaths(t, s.URL, func(o *Options) { o.Hostile = HostileNone; o.Timeout = 5 * time.Second })
	if atTarget.Load() != 0 {
		t.Errorf("probe followed %d redirects", atTarget.Load())
	}
	for _, res := range rep.Results {
		var red *cors.Finding
		for i := range res.Findings {
			if res.Findings[i].Code == CodeRedirected {
				red = &res.Findings[i]
			}
		}
		if res.Redirect != "/new/items" || red == nil {
			t.Fatalf("%s: redirect %q, findings %v", res.Method, res.Redirect, res.Findings)
		}
		switch res.Kind {
		case KindPreflight:
			if red.Severity != cors.SeverityBlock || res.Verdict != cors.VerdictBlocked || !strings.Contains(red.Message, "never follows a redirected preflight") {
				t.Errorf("preflight: %s %+v", res.Verdict, red)
			}
		case KindActual:
			if red.Severity != cors.SeverityInfo || res.Verdict != cors.VerdictAllowed {
				t.Errorf("actual: %s %+v", res.Verdict, red)
			}
		}
	}
}

const keySpec = `swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.test
securityDefinitions:
  key: {type: apiKey, in: header, name: x-api-key}
paths:
  /v1/items/{id}:
    get:
      operationId: getItem
      SECURITY
      parameters:
      - {in: path, name: id, required: true, type: string}
      responses: {200: {description: ok}}
`

// TestAPIKeyRefusalIsExpected: ESPv2 refusing a GET without its API key is
// what the configuration predicts for an operation that requires one (the
// proxy answered, not the backend: no drift); for an operation whose spec
// requires none, the same refusal is drift.
func TestAPIKeyRefusalIsExpected(t *testing.T) {
	policy := basicPolicy(cors.ESPv2, appOrigin)
	deployed := mustDoc(t, strings.Replace(keySpec, "SECURITY", "security: [{key: []}]", 1))
	inner := serveHandler(t, policy, deployed, nil)
	// ESPv2's service control refuses requests without a key after the CORS
	// filter decorated the response (esp-v2 service_control handler_impl.cc).
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.Header.Get("X-Api-Key") == "" {
			if r.Header.Get("Origin") == appOrigin {
				w.Header().Set("Access-Control-Allow-Origin", appOrigin)
				w.Header().Set("Access-Control-Expose-Headers", cors.DefaultExposeHeaders)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"code":401,"message":"UNAUTHENTICATED: Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."}`))
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	for _, tc := range []struct {
		name      string
		security  string
		wantDrift bool
	}{
		{"the spec requires the key", "security: [{key: []}]", false},
		{"the spec requires none", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := mustDoc(t, strings.Replace(keySpec, "SECURITY", tc.security, 1))
			p := policy
			rep, err := Run(context.Background(), Options{Target: target(t, s.URL), Doc: doc, Origins: []string{appOrigin},
				Hostile: HostileNone, Timeout: 5 * time.Second, Policy: &p})
			if err != nil {
				t.Fatal(err)
			}
			for _, res := range rep.Results {
				if res.Kind != KindActual {
					continue
				}
				if res.ProxyAnswer == nil || res.ProxyAnswer.Kind != AnswerAPIKey {
					t.Errorf("proxy answer %+v, want the API-key refusal", res.ProxyAnswer)
				}
				if got := len(res.Prediction.Drift) > 0; got != tc.wantDrift {
					t.Errorf("drift %v, want %v", res.Prediction.Drift, tc.wantDrift)
				}
			}
		})
	}
}
