// Package probe checks the CORS behaviour of a deployed API: it derives from
// a spec the requests a browser makes (each operation's preflight and, for
// safe methods, the actual request), sends them from the origins given and
// from hostile variants of them, judges every answer with the browser's
// rules (package cors's checker), recognises answers the proxy made itself,
// and, given the proxy's configuration, compares each answer with what
// corsgate serve's proxy predicts. It never prints; the CLI renders the
// Report.
package probe

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/spec"
)

// HostileMode says which operations get the hostile origins.
type HostileMode string

// Hostile modes.
const (
	HostileSample HostileMode = "sample" // the first few operations
	HostileAll    HostileMode = "all"
	HostileNone   HostileMode = "none"
)

// ParseHostileMode parses a --hostile value.
func ParseHostileMode(s string) (HostileMode, error) {
	switch m := HostileMode(s); m {
	case HostileSample, HostileAll, HostileNone:
		return m, nil
	}
	return "", fmt.Errorf("want sample, all or none, not %q", s)
}

// Options configure a run.
type Options struct {
	// Target is BASE_URL: scheme, host and an optional path prefix.
	Target *url.URL
	// Doc is the spec the requests are derived from; without it, Paths
	// (with Methods, default GET) are probed.
	Doc     *spec.Document
	Paths   []string
	Methods []string
	// Origins are the origins the page is served from (serialized, or
	// "null"); Hostile picks which operations also get hostile variants.
	Origins []string
	Hostile HostileMode
	// PathParams fill path template variables by name.
	PathParams map[string]string
	// Headers are sent on actual requests (and announced in preflights);
	// APIKey goes where the operation's apiKey scheme says. Both are
	// secrets: every output has them redacted.
	Headers http.Header
	APIKey  string
	// Credentials is the actual requests' credentials mode the verdicts
	// assume (preflights never carry credentials, and are judged for the
	// actual request).
	Credentials cors.CredentialsMode
	// AllowUnsafe sends actual requests with unsafe methods too.
	AllowUnsafe bool
	// Concurrency bounds requests in flight (default 4); Rate bounds
	// requests started per second (0: no limit).
	Concurrency int
	Rate        float64
	// Timeout bounds each request (default 10 s); Deadline the whole run
	// (0: none); Retries is how often a connection error is retried.
	Timeout  time.Duration
	Deadline time.Duration
	Retries  int
	// RootCAs, when set, replaces the system's roots for https targets.
	RootCAs *x509.CertPool
	// UserAgent is sent with every request.
	UserAgent string
	// Policy is the deployment's configuration; with it every exchange is
	// predicted and compared (DRIFT_FROM_PREDICTED). ConfigName describes
	// it in messages (default: ConfigName(Policy)).
	Policy     *cors.Policy
	ConfigName string
	// Progress, when set, is called after each exchange with the number
	// done and the total.
	Progress func(done, total int)
	// Client replaces the HTTP client (tests).
	Client *http.Client
	// Deployment is where the spec is deployed (product and service config
	// name), for the prediction: whether allowCors takes effect.
	Deployment spec.Deployment
}

// ErrUnreachable is wrapped by Run's error when the target cannot be reached
// at all (no connection, or TLS fails).
var ErrUnreachable = errors.New("target unreachable")

// Run probes the target. It returns a report whenever it sent requests,
// even when some failed (Report.Incomplete); the error is for a target that
// cannot be reached at all (wrapping ErrUnreachable) or options that cannot
// work.
func Run(ctx context.Context, o Options) (*Report, error) {
	start := time.Now()
	if err := o.defaults(); err != nil {
		return nil, err
	}
	for _, s := range o.Origins {
		if err := ParseOrigin(s); err != nil {
			return nil, err
		}
	}
	origins := Origins(o.Origins, o.Hostile != HostileNone)
	p := buildPlan(&planInput{doc: o.Doc, paths: o.Paths, methods: o.Methods, origins: origins, hostile: o.Hostile,
		pathParams: o.PathParams, headers: o.Headers, apiKey: o.APIKey, allowUnsafe: o.AllowUnsafe})
	rep := &Report{Version: ReportVersion, Tool: "corsgate", Command: "probe", Target: o.Target.String(),
		Credentials: o.Credentials.String(), Origins: origins, Notes: p.notes, Results: make([]*Result, len(p.requests))}
	if rep.Notes == nil {
		rep.Notes = []string{}
	}
	if o.Doc != nil {
		rep.Spec = o.Doc.Name
	}
	var keyHeaders []string
	for _, op := range p.ops {
		keyHeaders = append(keyHeaders, op.keyHeaders...)
	}
	red := newRedactor(o.Headers, o.APIKey, keyHeaders)
	for i, r := range p.requests {
		rep.Results[i] = newResult(r, o.APIKey)
	}
	if o.Policy != nil {
		rep.Proxy = o.Policy.Proxy
		pred, err := newPredictor(*o.Policy, o.Doc, o.Deployment, o.Paths, o.Methods)
		if err != nil {
			return nil, fmt.Errorf("predicting with the configuration: %w", err)
		}
		// The checker judges with the policy as deployed (allowCors from
		// the spec), as serve's does.
		o.Policy = &pred.policy
		if o.ConfigName == "" {
			o.ConfigName = ConfigName(o.Policy)
		}
		rep.Configuration = o.ConfigName
		for i, r := range p.requests {
			rep.Results[i].Prediction = pred.predict(r, o.Credentials)
		}
	}

	client := o.Client
	if client == nil {
		client = newClient(o.Concurrency, o.Timeout, o.RootCAs)
		defer client.CloseIdleConnections()
	}
	runCtx := ctx
	if o.Deadline > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, o.Deadline)
		defer cancel()
	}
	x := &executor{o: &o, client: client, limit: newTokenBucket(o.Rate), runCtx: runCtx, total: len(p.requests)}
	// The first request goes alone: when the target cannot be reached at
	// all, the run stops there instead of failing every request.
	if len(p.requests) > 0 {
		if err := x.run(p.requests[0], rep.Results[0]); err != nil && (err.class == errConnect || err.class == errClosed || err.class == errTLS) {
			red.result(rep.Results[0])
			return nil, fmt.Errorf("%w: %s %s: %s", ErrUnreachable, p.requests[0].method, o.Target.String(), red.string(err.msg))
		}
	}
	x.runAll(p.requests[1:], rep.Results[1:])
	for _, res := range rep.Results {
		red.result(res)
	}
	rep.summarize()
	rep.Summary.WallMS = float64(time.Since(start).Microseconds()) / 1000
	return rep, nil
}

func (o *Options) defaults() error {
	if o.Target == nil || (o.Target.Scheme != "http" && o.Target.Scheme != "https") || o.Target.Host == "" {
		return errors.New("the target must be an http:// or https:// URL with a host")
	}
	if o.Doc == nil && len(o.Paths) == 0 {
		return errors.New("nothing to probe: give a spec or paths")
	}
	if len(o.Origins) == 0 {
		return errors.New("give at least one origin the API should allow")
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Hostile == "" {
		o.Hostile = HostileSample
	}
	if o.Headers == nil {
		o.Headers = http.Header{}
	}
	return nil
}

func newResult(r *request, apiKey string) *Result {
	res := &Result{Operation: r.op.name, Template: r.op.template, File: r.op.file, Line: r.op.pos.Line, Column: r.op.pos.Column,
		Method: r.method, ForMethod: r.op.method, Path: r.target, Origin: r.origin.Value, OriginKind: r.origin.Kind,
		Kind: r.kind, RequestHeaders: r.header.Clone(), Headers: http.Header{}, Findings: []cors.Finding{}}
	if apiKey != "" && r.op.query != "" {
		res.Path = strings.Replace(res.Path, url.QueryEscape(apiKey), Redacted, 1)
	}
	return res
}

// executor sends the planned requests.
type executor struct {
	o      *Options
	client *http.Client
	limit  *tokenBucket
	runCtx context.Context
	done   atomic.Int64
	total  int
}

// runAll sends requests with at most Concurrency in flight.
func (x *executor) runAll(reqs []*request, results []*Result) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(x.o.Concurrency, len(reqs)) {
		wg.Go(func() {
			for i := range jobs {
				x.run(reqs[i], results[i])
			}
		})
	}
	for i := range reqs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// run sends one request (retrying connection errors) and judges the answer.
func (x *executor) run(r *request, res *Result) *requestError {
	defer func() {
		if x.o.Progress != nil {
			x.o.Progress(int(x.done.Add(1)), x.total)
		}
	}()
	target := joinURL(x.o.Target, r.target)
	header := r.header.Clone()
	if x.o.UserAgent != "" {
		header.Set("User-Agent", x.o.UserAgent)
	}
	start := time.Now()
	var last *requestError
	for attempt := 0; attempt <= x.o.Retries; attempt++ {
		if attempt > 0 {
			// Back off a little before a retry: 100 ms, 200 ms, 400 ms, …
			if !sleep(x.runCtx, time.Duration(100<<(attempt-1))*time.Millisecond) {
				break
			}
		}
		if err := x.limit.Wait(x.runCtx); err != nil {
			last = &requestError{errDeadline, stopped(x.runCtx, "not sent"), err}
			break
		}
		res.Attempts++
		a, err := do(x.runCtx, x.client, r.method, target, header, x.o.Timeout)
		if err == nil {
			res.DurationMS = float64(time.Since(start).Microseconds()) / 1000
			judge(res, r, a, x.o)
			return nil
		}
		last = classify(err, x.runCtx, x.o.Timeout)
		if !last.class.retry() {
			break
		}
	}
	res.DurationMS = float64(time.Since(start).Microseconds()) / 1000
	res.Error = last.msg
	if res.Attempts > 1 {
		res.Error += fmt.Sprintf(" (%d attempts)", res.Attempts)
	}
	return last
}

// joinURL puts a path (and query) relative to the API under BASE_URL's path.
func joinURL(base *url.URL, target string) string {
	prefix := strings.TrimSuffix(base.EscapedPath(), "/")
	return base.Scheme + "://" + base.Host + prefix + target
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// ConfigName describes a policy in a few words: the proxy, who answers
// preflights, and the origin setting.
func ConfigName(p *cors.Policy) string {
	origin := ""
	switch p.Preset {
	case cors.PresetBasic:
		origin = " " + cors.FlagAllowOrigin + "=" + p.AllowOrigin
	case cors.PresetRegex:
		origin = " " + cors.FlagAllowOriginRegex + "=" + p.AllowOriginRegex
	}
	var mode string
	switch p.Mode() {
	case cors.ModeOff:
		mode = "without --cors_preset or allowCors"
	case cors.ModeBackend:
		mode = "with allowCors (preflights go to the backend)"
	case cors.ModeProxy:
		mode = "with " + cors.FlagPreset + "=" + string(p.Preset) + origin
	case cors.ModeBoth:
		mode = "with " + cors.FlagPreset + "=" + string(p.Preset) + origin + " and allowCors"
	}
	return p.Proxy.Title() + " " + mode
}
