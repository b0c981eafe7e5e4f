package probe

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/proxy"
	"github.com/corsgate/corsgate/internal/spec"
)

// Prediction is what the configuration says the deployed proxy does with an
// exchange: who answers, and the Access-Control-* headers the proxy writes.
type Prediction struct {
	// AnsweredBy is "proxy" (a preflight answer or one of its own replies)
	// or "backend".
	AnsweredBy string `json:"answered_by"`
	// Route is serve's name for what answers (docs/serve.md).
	Route string `json:"route"`
	// Status is the proxy's status when it answers itself (0: the
	// backend's).
	Status int `json:"status,omitempty"`
	// Headers are the Access-Control-* headers the proxy writes. When the
	// proxy answers they are all of them; when the backend answers the
	// others are the backend's, and ESP adds these next to them (Added)
	// where ESPv2 replaces the backend's.
	Headers http.Header `json:"headers"`
	Added   bool        `json:"added,omitempty"`
	// Verdict is the browser's verdict on the predicted answer: the proxy's
	// own, or the backend's answer as received with the proxy's headers
	// applied.
	Verdict cors.Verdict `json:"verdict,omitempty"`
	// Answer is the proxy's own reply, recognised like an observed one.
	Answer *ProxyAnswer `json:"proxy_answer,omitempty"`
	// Drift lists what the deployed API did otherwise.
	Drift []string `json:"drift,omitempty"`
}

// Answered-by values.
const (
	byProxy   = "proxy"
	byBackend = "backend"
)

// predictor runs serve's proxy (route table and CORS engine, exactly as
// corsgate serve runs them) in-process in front of a backend that answers
// every request with 200 and no headers, so every Access-Control-* header
// in its answer is the proxy's.
type predictor struct {
	h      *proxy.Handler
	policy cors.Policy
	last   *proxy.Record
}

// newPredictor builds the proxy for policy and the spec's routes (doc nil:
// a route table of the probed paths, as a spec that defines them would).
func newPredictor(policy cors.Policy, doc *spec.Document, dep spec.Deployment, paths, methods []string) (*predictor, error) {
	var err error
	if doc == nil {
		if len(methods) == 0 {
			methods = []string{http.MethodGet}
		}
		var routes [][2]string
		for _, p := range paths {
			for _, m := range methods {
				routes = append(routes, [2]string{m, p})
			}
		}
		if doc, err = routesSpec(routes); err != nil {
			return nil, err
		}
	}
	table, err := proxy.BuildTable(doc, dep)
	if err != nil {
		return nil, err
	}
	policy.AllowCors = table.AllowCors
	engine, err := cors.NewEngine(&policy)
	if err != nil {
		return nil, err
	}
	p := &predictor{policy: policy}
	backend := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	p.h, err = proxy.New(proxy.Options{Engine: engine, Table: table, Mock: backend,
		Observe: func(r *proxy.Record) {
			rec := *r
			rec.ResponseHeader = r.ResponseHeader.Clone()
			rec.Body = slices.Clone(r.Body)
			p.last = &rec
		}})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// routesSpec writes a Swagger 2.0 document with these (method, path)
// routes: what a spec that defines the probed paths says.
func routesSpec(routes [][2]string) (*spec.Document, error) {
	var b strings.Builder
	b.WriteString("swagger: \"2.0\"\ninfo: {title: probe, version: \"1\"}\n")
	b.WriteString("paths:\n")
	byPath := map[string][]string{}
	var order []string
	for _, r := range routes {
		if byPath[r[1]] == nil {
			order = append(order, r[1])
		}
		byPath[r[1]] = append(byPath[r[1]], strings.ToLower(r[0]))
	}
	for _, p := range order {
		fmt.Fprintf(&b, "  %q:\n", p)
		for _, m := range byPath[p] {
			fmt.Fprintf(&b, "    %q: {responses: {200: {description: ok}}}\n", m)
		}
	}
	return spec.Parse("probe routes", []byte(b.String()), spec.Options{})
}

// predict returns what the configuration says happens to r. It is not safe
// for concurrent use (the plan is predicted before requests are sent).
func (p *predictor) predict(r *request, cred cors.CredentialsMode) *Prediction {
	req := httptest.NewRequest(r.method, r.target, nil)
	req.Header = r.header.Clone()
	rec := httptest.NewRecorder()
	p.last = nil
	p.h.ServeHTTP(rec, req)
	got := p.last
	if got == nil { // the proxy always observes; be safe
		return nil
	}
	pr := &Prediction{Route: got.Route, Headers: accessControl(got.ResponseHeader)}
	if got.ProxyMade {
		pr.AnsweredBy, pr.Status = byProxy, got.Status
		if a, ok := RecognizeProxyAnswer(got.Status, got.Body); ok {
			pr.Answer = a
		}
		res := cors.Check(&cors.Exchange{Method: r.method, RequestHeader: r.header, Status: got.Status,
			ResponseHeader: got.ResponseHeader, Credentials: cred, Policy: &p.policy, ProxyMade: true, Body: got.Body})
		pr.Verdict = res.Verdict
	} else {
		pr.AnsweredBy = byBackend
		pr.Added = p.policy.Proxy == cors.ESP
	}
	return pr
}

// apply returns the backend's answer header h with the proxy's predicted
// headers written the way the proxy writes them: replacing (ESPv2) or next
// to the backend's (ESP, where the answer received already holds them if
// the proxy did add them).
func (pr *Prediction) apply(h http.Header) http.Header {
	out := h.Clone()
	for k, vs := range pr.Headers {
		if !pr.Added {
			out[k] = append([]string(nil), vs...)
			continue
		}
		for _, v := range vs {
			if !slices.Contains(out[k], v) {
				out[k] = append(out[k], v)
			}
		}
	}
	return out
}

// accessControl copies the Access-Control-* headers of h.
func accessControl(h http.Header) http.Header {
	out := http.Header{}
	for k, v := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}

// compare lists what the observed answer does otherwise than pr predicts:
// the status class and the proxy's reply when the proxy answers, who
// answered when the backend should have, and each Access-Control-* header
// the proxy writes. credentialsMissing says the operation asks for an API
// key or JWT probe did not send, so a refusal by the proxy's checks is
// expected wherever the backend would answer.
func (pr *Prediction) compare(status int, header http.Header, obs *ProxyAnswer, credentialsMissing bool) []string {
	var diffs []string
	switch pr.AnsweredBy {
	case byProxy:
		if status/100 != pr.Status/100 {
			diffs = append(diffs, fmt.Sprintf("status: predicted %d (%s), got %d%s", pr.Status, pr.describe(), status, describeObserved(obs)))
		} else if pr.Answer != nil && obs != nil && obs.Kind != pr.Answer.Kind {
			diffs = append(diffs, fmt.Sprintf("answer: predicted %s, got %s", pr.Answer.Describe(), obs.Describe()))
		}
	case byBackend:
		if obs != nil && !(obs.Kind.Credentials() && credentialsMissing) && obs.Kind != AnswerUpstream {
			diffs = append(diffs, fmt.Sprintf("answer: predicted the backend to answer (route %s), got %s (%d)", pr.Route, obs.Describe(), status))
		}
	}
	names := map[string]bool{}
	for k := range pr.Headers {
		names[k] = true
	}
	if pr.AnsweredBy == byProxy {
		for k := range header {
			if strings.HasPrefix(k, "Access-Control-") {
				names[k] = true
			}
		}
	}
	sorted := make([]string, 0, len(names))
	for k := range names {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		want, got := pr.Headers[k], header[k]
		switch {
		case pr.Added:
			// ESP adds its values next to the backend's.
			for _, v := range want {
				if !slices.Contains(got, v) {
					diffs = append(diffs, fmt.Sprintf("%s: predicted %s added by the proxy, got %s", k, quoteLines([]string{v}), quoteLines(got)))
				}
			}
		case !slices.Equal(want, got):
			diffs = append(diffs, fmt.Sprintf("%s: predicted %s, got %s", k, quoteLines(want), quoteLines(got)))
		}
	}
	return diffs
}

func (pr *Prediction) describe() string {
	switch {
	case pr.Answer != nil:
		return pr.Answer.Describe()
	case pr.Route == proxy.RouteCORSPreflight:
		return "the proxy answers the preflight"
	}
	return "the proxy answers, route " + pr.Route
}

func describeObserved(a *ProxyAnswer) string {
	if a == nil {
		return ""
	}
	return " (" + a.Describe() + ")"
}

// quoteLines shows a header's lines: none, one quoted value, or several.
func quoteLines(v []string) string {
	switch len(v) {
	case 0:
		return "none"
	case 1:
		return fmt.Sprintf("%q", v[0])
	}
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, " and ")
}
