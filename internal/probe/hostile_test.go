package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/google/go-cmp/cmp"
)

const appOrigin = "https://app.example.com"

// corsServer is a backend that answers CORS for the origins allow admits:
// preflights with 204 and the requested method and headers, other requests
// with 200 and a small body.
func corsServer(t *testing.T, allow func(origin string) bool, creds bool) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Vary", "Origin")
		if o := r.Header.Get("Origin"); o != "" && allow(o) {
			h.Set("Access-Control-Allow-Origin", o)
			if creds {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
		}
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, PUT, DELETE")
			if v := r.Header.Get("Access-Control-Request-Headers"); v != "" {
				h.Set("Access-Control-Allow-Headers", v)
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(s.Close)
	return s
}

func runPaths(t *testing.T, base string, mod func(*Options)) *Report {
	t.Helper()
	u, _ := url.Parse(base)
	o := Options{Target: u, Paths: []string{"/items"}, Methods: []string{"GET", "PUT"}, Origins: []string{appOrigin},
		Hostile: HostileAll, Timeout: 5 * time.Second, Retries: 1}
	if mod != nil {
		mod(&o)
	}
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// codesByOrigin lists, per origin, the codes of the report.
func codesByOrigin(rep *Report) map[string][]string {
	out := map[string][]string{}
	for _, res := range rep.Results {
		for _, f := range res.Findings {
			key := string(res.OriginKind)
			if !contains(out[key], f.Code+":"+f.Severity) {
				out[key] = append(out[key], f.Code+":"+f.Severity)
			}
		}
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestHostileOrigins runs probe against deliberately misconfigured servers:
// each earns its code, at the severity the credentials call for, and a
// correct server earns none.
func TestHostileOrigins(t *testing.T) {
	exact := func(o string) bool { return o == appOrigin }
	for _, tc := range []struct {
		name  string
		allow func(string) bool
		creds bool
		want  map[string][]string
	}{
		{name: "exact list", allow: exact, creds: true, want: map[string][]string{}},
		{name: "reflects any origin with credentials", allow: func(string) bool { return true }, creds: true, want: map[string][]string{
			"unrelated": {"ORIGIN_REFLECTED:insecure"},
			"null":      {"ACAO_NULL:insecure", "NULL_ORIGIN_ALLOWED:insecure"},
			"suffix":    {"ORIGIN_SUFFIX_ALLOWED:insecure"},
			"prefix":    {"ORIGIN_PREFIX_ALLOWED:insecure"},
			"insecure":  {"INSECURE_ORIGIN_ALLOWED:insecure"},
			"subdomain": {"ORIGIN_SUBDOMAIN_ALLOWED:info"},
		}},
		{name: "reflects any origin without credentials", allow: func(string) bool { return true }, want: map[string][]string{
			"unrelated": {"ORIGIN_REFLECTED:warn"},
			"null":      {"ACAO_NULL:insecure", "NULL_ORIGIN_ALLOWED:warn"},
			"suffix":    {"ORIGIN_SUFFIX_ALLOWED:warn"},
			"prefix":    {"ORIGIN_PREFIX_ALLOWED:warn"},
			"insecure":  {"INSECURE_ORIGIN_ALLOWED:warn"},
			"subdomain": {"ORIGIN_SUBDOMAIN_ALLOWED:info"},
		}},
		{name: "allows null", allow: func(o string) bool { return exact(o) || o == "null" }, creds: true, want: map[string][]string{
			"null": {"ACAO_NULL:insecure", "NULL_ORIGIN_ALLOWED:insecure"},
		}},
		{name: "starts-with check (the allowed origin as a prefix)", allow: func(o string) bool { return strings.HasPrefix(o, appOrigin) }, creds: true, want: map[string][]string{
			"suffix": {"ORIGIN_SUFFIX_ALLOWED:insecure"},
		}},
		{name: "ends-with check (the allowed host as a suffix)", allow: func(o string) bool { return strings.HasSuffix(o, "app.example.com") }, creds: true, want: map[string][]string{
			"prefix":    {"ORIGIN_PREFIX_ALLOWED:insecure"},
			"insecure":  {"INSECURE_ORIGIN_ALLOWED:insecure"},
			"subdomain": {"ORIGIN_SUBDOMAIN_ALLOWED:info"},
		}},
		{name: "host-only check", allow: func(o string) bool { u, _ := url.Parse(o); return u != nil && u.Host == "app.example.com" }, want: map[string][]string{
			"insecure": {"INSECURE_ORIGIN_ALLOWED:warn"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := corsServer(t, tc.allow, tc.creds)
			rep := runPaths(t, s.URL, func(o *Options) {
				if tc.creds {
					o.Credentials = cors.CredentialsInclude
				}
			})
			got := codesByOrigin(rep)
			delete(got, "given")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("codes by origin (-want +got):\n%s", diff)
			}
			// The given origin is allowed everywhere.
			for _, res := range rep.Results {
				if !res.OriginKind.Hostile() && res.Verdict != cors.VerdictAllowed {
					t.Errorf("%s %s from the given origin: %s %v", res.Method, res.Path, res.Verdict, res.Findings)
				}
			}
			if rep.Summary.Granted == 0 != (len(tc.want) == 0) {
				t.Errorf("summary: %d hostile granted, want codes %v", rep.Summary.Granted, tc.want)
			}
		})
	}
}
