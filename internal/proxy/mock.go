package proxy

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// SampleSpec is the built-in spec serve uses when none is given: an
// Endpoints echo-style API with allowCors on.
//
//go:embed sample.yaml
var SampleSpec []byte

// SampleSpecName is how diagnostics name SampleSpec.
const SampleSpecName = "the built-in sample (testdata/specs/sample.yaml)"

// Mock CORS modes (serve --mock-cors).
const (
	MockCORSNone = ""     // no CORS headers, like most backends
	MockCORSStar = "*"    // Access-Control-Allow-Origin: *
	MockCORSEcho = "echo" // reflect the Origin (and ACRM/ACRH on OPTIONS), with Vary: Origin
)

// MockMethods is what the mock's own preflight answers allow (non-echo modes).
const MockMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"

// Mock is the embedded backend: every request gets 200 and a JSON echo of
// the request (method, path, query, headers); OPTIONS gets 204 and, unless
// CORS is set, no CORS headers, like a typical backend that does not do CORS.
type Mock struct {
	// CORS makes the mock add its own CORS headers: MockCORSStar,
	// MockCORSEcho, or one literal origin.
	CORS string
	// Credentials adds Access-Control-Allow-Credentials: true with CORS.
	Credentials bool
}

// ValidateMockCORS checks a --mock-cors value.
func ValidateMockCORS(v string) error {
	switch {
	case v == MockCORSNone, v == MockCORSStar, v == MockCORSEcho:
		return nil
	case strings.Contains(v, "://") && !strings.ContainsAny(v, " ,"):
		return nil
	}
	return fmt.Errorf("--mock-cors %q: want %q, %q, or one origin such as https://app.example.com", v, MockCORSStar, MockCORSEcho)
}

type echo struct {
	Method  string              `json:"method"`
	Path    string              `json:"path"`
	Query   string              `json:"query"`
	Headers map[string][]string `json:"headers"`
}

func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if m.CORS != MockCORSNone {
		origin := r.Header.Get("Origin")
		acao := m.CORS
		if m.CORS == MockCORSEcho {
			acao = origin
			h.Add("Vary", "Origin")
		}
		if acao != "" {
			h.Set("Access-Control-Allow-Origin", acao)
		}
		if m.Credentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if r.Method == http.MethodOptions {
			methods, headers := MockMethods, "Content-Type,Authorization"
			if m.CORS == MockCORSEcho {
				if v := r.Header.Get("Access-Control-Request-Method"); v != "" {
					methods = v
				}
				if v := r.Header.Get("Access-Control-Request-Headers"); v != "" {
					headers = v
				}
			}
			h.Set("Access-Control-Allow-Methods", methods)
			h.Set("Access-Control-Allow-Headers", headers)
			h.Set("Access-Control-Max-Age", "3600")
		}
	}
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	hdr := make(map[string][]string, len(r.Header))
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		hdr[k] = r.Header[k]
	}
	body, err := json.Marshal(echo{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Headers: hdr})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	body = append(body, '\n')
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
