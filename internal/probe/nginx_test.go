package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/testenv"
)

// startESPNginx runs nginx configured as ESP v1 configures itself for
// --cors_preset=basic with origin in front of backend, and returns its base
// URL.
func startESPNginx(t *testing.T, backend, origin string) string {
	t.Helper()
	return "http://" + testenv.ESPNginx(t, backend, testenv.ESPValues{Origin: origin, Methods: cors.DefaultAllowMethods,
		Headers: cors.DefaultAllowHeadersESP, Expose: cors.DefaultExposeHeaders})
}

// TestESPNginxDuplicateAllowOrigin probes Debian's nginx configured as ESP
// v1 configures itself, in front of a backend that answers CORS too: ESP
// adds its Access-Control-Allow-Origin next to the backend's, and probe
// finds the duplicate (ACAO_MULTIPLE, the browser's "contains multiple
// values"); predicted as ESP with the same flags, there is no drift.
func TestESPNginxDuplicateAllowOrigin(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Vary", "Origin")
		}
		w.Write([]byte("ok"))
	}))
	t.Cleanup(backend.Close)
	base := startESPNginx(t, strings.TrimPrefix(backend.URL, "http://"), appOrigin)
	policy := basicPolicy(cors.ESP, appOrigin)
	doc := mustDoc(t, driftDoc(t, false))
	rep, err := Run(context.Background(), Options{Target: target(t, base), Doc: doc, Origins: []string{appOrigin},
		Hostile: HostileNone, Timeout: 5 * time.Second, Policy: &policy})
	if err != nil {
		t.Fatal(err)
	}
	var dup, preflights int
	for _, res := range rep.Results {
		switch res.Kind {
		case KindActual:
			if !hasFinding(res, cors.CodeACAOMultiple) || res.Verdict != cors.VerdictBlocked {
				t.Errorf("%s %s: %s %v, want blocked with ACAO_MULTIPLE (headers %v)", res.Method, res.Path, res.Verdict, res.Findings, res.Headers)
			}
			if got := res.Headers[cors.HeaderAllowOrigin]; len(got) != 2 {
				t.Errorf("%s %s: Access-Control-Allow-Origin %q, want the backend's and nginx's", res.Method, res.Path, got)
			}
			dup++
		case KindPreflight:
			// nginx answers every OPTIONS itself with 204.
			if res.Status != http.StatusNoContent {
				t.Errorf("%s %s: status %d, want nginx's 204", res.Method, res.Path, res.Status)
			}
			preflights++
		}
		if res.Prediction == nil || len(res.Prediction.Drift) > 0 {
			t.Errorf("%s %s: drift from ESP's prediction: %+v", res.Method, res.Path, res.Prediction)
		}
	}
	if dup == 0 || preflights == 0 {
		t.Errorf("%d actual requests, %d preflights probed", dup, preflights)
	}
}

func hasFinding(res *Result, code string) bool {
	for _, f := range res.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}
