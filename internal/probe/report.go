package probe

import (
	"net/http"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/lint"
)

// ReportVersion is the version of the JSON report; fields are only ever added.
const ReportVersion = 1

// Kind is what an exchange is, from the browser's point of view.
type Kind string

// Exchange kinds.
const (
	// KindPreflight: the OPTIONS request a browser sends before the actual one.
	KindPreflight Kind = "preflight"
	// KindActual: the request the page makes.
	KindActual Kind = "actual"
)

// Report is the outcome of one probe run.
type Report struct {
	Version int    `json:"version"`
	Tool    string `json:"tool"`
	Command string `json:"command"`
	// Target is BASE_URL.
	Target string `json:"target"`
	// Spec names the spec the requests were derived from ("" with --path).
	Spec string `json:"spec,omitempty"`
	// Proxy is the proxy the prediction follows ("" without a configuration).
	Proxy cors.Proxy `json:"proxy,omitempty"`
	// Configuration describes the policy predicted from ("" without one).
	Configuration string `json:"configuration,omitempty"`
	// Credentials is the credentials mode the browser's verdicts assume.
	Credentials string `json:"credentials"`
	// Origins are every origin requests were sent from.
	Origins []Origin `json:"origins"`
	// Notes say what probe chose or left out (placeholders, unsafe methods).
	Notes []string `json:"notes"`
	// Results hold one object per exchange, in plan order.
	Results []*Result `json:"results"`
	Summary Summary   `json:"summary"`
}

// Result is one exchange: a request probe sent and what came back.
type Result struct {
	// Operation names the spec operation (its operationId, else METHOD
	// template); Template is the path template (basePath included).
	Operation string `json:"operation"`
	Template  string `json:"template"`
	// File, Line and Column locate the operation in the spec (0 unknown).
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Method is the request's method on the wire (OPTIONS for a preflight);
	// ForMethod the method of the actual request it belongs to.
	Method    string `json:"method"`
	ForMethod string `json:"for_method"`
	// Path is the request path and query (secrets redacted).
	Path string `json:"path"`
	// Origin is the Origin header; OriginKind says where it comes from.
	Origin     string     `json:"origin"`
	OriginKind OriginKind `json:"origin_kind"`
	Kind       Kind       `json:"kind"`
	// RequestHeaders are the headers sent (values given by --header or
	// --api-key redacted).
	RequestHeaders http.Header `json:"request_headers"`
	// Status is the response status (0 when the request failed).
	Status int `json:"status"`
	// Headers are the Access-Control-* (and Vary) headers received,
	// repeated lines kept.
	Headers http.Header `json:"headers"`
	// Redirect is the Location of a 3xx answer (not followed).
	Redirect string `json:"redirect,omitempty"`
	// Verdict is the browser's: allowed, blocked or not a CORS request;
	// "" when the request failed.
	Verdict cors.Verdict `json:"verdict"`
	// Findings are the checker's and probe's findings.
	Findings []cors.Finding `json:"findings"`
	// ProxyAnswer is set when the proxy answered itself (its own error
	// body): the request did not reach the backend.
	ProxyAnswer *ProxyAnswer `json:"proxy_answer,omitempty"`
	// Prediction is what the configuration says should come back.
	Prediction *Prediction `json:"prediction,omitempty"`
	// Error says why no answer came (unreachable, timeout, …).
	Error string `json:"error,omitempty"`
	// Attempts counts the requests sent (retries after connection errors).
	Attempts   int     `json:"attempts"`
	DurationMS float64 `json:"duration_ms"`
}

// Summary counts a report.
type Summary struct {
	// Requests is the number of HTTP requests sent, retries included.
	Requests int `json:"requests"`
	// Exchanges counts results; Failed those without an answer.
	Exchanges int `json:"exchanges"`
	Failed    int `json:"failed"`
	// Allowed, Blocked and NotCORS count the verdicts of the exchanges
	// from given origins.
	Allowed int `json:"allowed"`
	Blocked int `json:"blocked"`
	NotCORS int `json:"not_cors"`
	// Refused and Granted count the exchanges from hostile origins the
	// server refused (the good outcome) or let in.
	Refused int `json:"hostile_refused"`
	Granted int `json:"hostile_granted"`
	// Errors, Warnings and Infos count findings by level (block and
	// insecure are errors, warn warnings, info infos).
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
	// Drift counts exchanges whose answer differs from the prediction.
	Drift int `json:"drift"`
	// ProxyAnswers counts answers the proxy made itself.
	ProxyAnswers int `json:"proxy_answers"`
	// WallMS is the run's wall time.
	WallMS float64 `json:"wall_ms"`
}

// Level maps a finding severity to the level --fail-on and the CI formats
// use: block and insecure are errors, warn a warning, info an info.
func Level(severity string) lint.Severity {
	switch severity {
	case cors.SeverityBlock, cors.SeverityInsecure:
		return lint.Error
	case cors.SeverityWarn:
		return lint.Warning
	}
	return lint.Info
}

// MaxLevel is the highest level among the report's findings
// (lint.SeverityNone when there are none).
func (r *Report) MaxLevel() lint.Severity {
	m := lint.SeverityNone
	for _, res := range r.Results {
		for _, f := range res.Findings {
			m = max(m, Level(f.Severity))
		}
	}
	return m
}

// Incomplete reports whether some exchange got no answer.
func (r *Report) Incomplete() bool { return r.Summary.Failed > 0 }

func (r *Report) summarize() {
	s := &r.Summary
	s.Exchanges = len(r.Results)
	for _, res := range r.Results {
		s.Requests += res.Attempts
		switch {
		case res.Error != "":
			s.Failed++
		case res.OriginKind.Hostile() && res.Granted():
			s.Granted++
		case res.OriginKind.Hostile():
			s.Refused++
		case res.Verdict == cors.VerdictAllowed:
			s.Allowed++
		case res.Verdict == cors.VerdictBlocked:
			s.Blocked++
		default:
			s.NotCORS++
		}
		if res.ProxyAnswer != nil {
			s.ProxyAnswers++
		}
		if res.Prediction != nil && len(res.Prediction.Drift) > 0 {
			s.Drift++
		}
		for _, f := range res.Findings {
			switch Level(f.Severity) {
			case lint.Error:
				s.Errors++
			case lint.Warning:
				s.Warnings++
			default:
				s.Infos++
			}
		}
	}
}

// Granted reports whether the response allows the request's origin itself
// (Access-Control-Allow-Origin is exactly that origin, on one line).
func (res *Result) Granted() bool {
	v := res.Headers[cors.HeaderAllowOrigin]
	return res.Error == "" && len(v) == 1 && v[0] == res.Origin
}
