package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/format"
	"github.com/corsgate/corsgate/internal/proxy"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/spf13/cobra"
)

func init() { register(newServeCmd) }

type serveOptions struct {
	backend, listen, proxy string
	cors                   map[string]*string
	creds                  bool
	fromArgs               string
	fromEnv                string
	fromFile               string
	report                 string
	assumeCreds            string
	mockCORS               string
	quiet                  bool
	color                  string
	cpuProfile             string
	stdTransport           bool
	stdServer              bool
	stdForward             bool
	noEventLoop            bool
	config                 string
	target                 string
	serviceName            string
	apiKeys                []string
	jwks                   string
}

func newServeCmd(env *Env) *cobra.Command {
	o := &serveOptions{cors: map[string]*string{}}
	cmd := &cobra.Command{
		Use:   "serve [SPEC]",
		Short: "Run a local proxy that behaves like ESPv2 (or ESP) and checks every response like a browser",
		Long: `serve runs, on your machine, the CORS behaviour the deployed proxy will have: ESPv2's
route table built from SPEC (Swagger 2.0 or OpenAPI 3.x: spec operations, allowCors OPTIONS
routes when the endpoint name equals the service name, the preflight route, the 400 fallback,
405, 404) and Envoy's CORS filter configured from ESPv2-named flags, or with --proxy esp the
nginx CORS block and routing of ESP v1. Point the browser app at it.

Operations whose security requires an API key or a JWT get the proxy's own answers before the
backend, as ESPv2 (or ESP) sends them: 401 without a key, 401/403 for a missing, malformed,
expired, wrong-issuer or wrong-audience token. Any non-empty key is accepted unless --api-key
names the accepted ones; token signatures are checked only against a local --jwks file (serve
never fetches a key set). The CORS filter runs first, so with --cors_preset an allowed origin
gets CORS headers on those rejections; with allowCors alone it gets none.

Where the spec is deployed decides pass-through: --target (endpoints-espv2, endpoints-esp,
api-gateway) and --service-name, or target: and service_name: in .corsgate.yaml, as lint reads
them. On API Gateway the endpoint name must be the managed service.

Every response is checked the way a browser checks it, for the request's Origin and
credentials mode (--assume-credentials, else a Cookie header means include), and one line
per request says: method, path, origin, status, verdict (allowed / blocked / not a CORS
request) and the finding codes. --report FILE writes the full exchange and the findings
as JSON Lines.

Without SPEC a built-in sample echo API is served (allowCors on, an API key and a Firebase
JWT required). Without --backend an embedded mock backend answers every routed request with
200 and a JSON echo of the request, and OPTIONS with 204 and no CORS headers; --mock-cors
makes it send its own CORS headers.

The CORS flags are ESPv2's, verbatim (--cors_preset, --cors_allow_origin, …); like ESPv2,
they do nothing without --cors_preset. --from-args, --from-env and --from-file read them
from an existing deployment, as corsgate flags does. A flag set ESPv2 would refuse to
start with stops serve with ESPv2's message (exit 2).

Ctrl-C or SIGTERM shuts down gracefully.

Exit codes:
  0  stopped by a signal after serving
  2  usage error, or ESPv2 would refuse to start with the flags
  3  the spec or the --jwks file cannot be read, or the address cannot be listened on`,
		Example: `  # the sample API with ESPv2's basic preset for one origin
  corsgate serve --cors_preset=basic --cors_allow_origin=http://localhost:3000

  # your spec in front of your backend, regex origins with credentials, JSON Lines report
  corsgate serve openapi.yaml --backend http://127.0.0.1:8081 --listen 127.0.0.1:9000 \
    --cors_preset=cors_with_regex --cors_allow_origin_regex='^https?://localhost:[0-9]+$' \
    --cors_allow_credentials --report cors.jsonl

  # allowCors pass-through with a backend that answers CORS itself (mock)
  corsgate serve openapi.yaml --mock-cors echo

  # what ESP v1 would do with the same flags (204 preflights, headers added, 403 without CORS)
  corsgate serve openapi.yaml --proxy esp --cors_preset=basic

  # an OpenAPI 3.x spec on API Gateway, accepting one API key, JWT signatures checked locally
  corsgate serve openapi3.yaml --target api-gateway \
    --service-name orders-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog --api-key dev-key --jwks keys.json

  # the flags a Cloud Run service runs with
  corsgate serve openapi.yaml --from-env 'ESPv2_ARGS=^++^--cors_preset=basic++--cors_allow_origin=https://app.example.com'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runServe(cmd, env, o, args) },
	}
	f := cmd.Flags()
	f.StringVar(&o.backend, "backend", "", "backend base URL, e.g. http://127.0.0.1:8081 (default: the embedded mock backend)")
	f.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	f.StringVar(&o.proxy, "proxy", "", "proxy to emulate: espv2 or esp (default: esp for --target endpoints-esp, else espv2)")
	f.StringVar(&o.config, "config", "", "configuration file for target and service_name (default: .corsgate.yaml from the working directory upwards)")
	f.StringVar(&o.target, "target", "", "product profile: endpoints-espv2 (default), endpoints-esp or api-gateway")
	f.StringVar(&o.serviceName, "service-name", "", "the service config name the proxy runs with, to compare endpoint names with exactly (on API Gateway the managed service API_ID-HASH.apigateway.PROJECT_ID.cloud.goog; default: host on Cloud Endpoints)")
	f.StringArrayVar(&o.apiKeys, "api-key", nil, "accept only this API key (repeatable); without it any non-empty key is accepted")
	f.StringVar(&o.jwks, "jwks", "", "verify JWT signatures against this local JWKS file (or Google's {kid: certificate} map); without it signatures are not checked")
	help := map[string]string{
		cors.FlagPreset:           "basic or cors_with_regex; without it the proxy handles no CORS (ESPv2's flag)",
		cors.FlagAllowOrigin:      "the one exact origin allowed with basic, or * (default *)",
		cors.FlagAllowOriginRegex: "regex the Origin must match with cors_with_regex",
		cors.FlagAllowMethods:     "Access-Control-Allow-Methods, verbatim",
		cors.FlagAllowHeaders:     "Access-Control-Allow-Headers, verbatim",
		cors.FlagExposeHeaders:    "Access-Control-Expose-Headers, verbatim",
		cors.FlagMaxAge:           "preflight cache time, a Go duration such as 2h (ESPv2 only; default 480h)",
	}
	for _, name := range cors.FlagNames {
		if name == cors.FlagAllowCredentials {
			f.BoolVar(&o.creds, strings.TrimPrefix(name, "--"), false, "send Access-Control-Allow-Credentials: true")
			continue
		}
		o.cors[name] = f.String(strings.TrimPrefix(name, "--"), "", help[name])
	}
	f.StringVar(&o.fromArgs, "from-args", "", "read the CORS flags from a command line (plain flags, docker run, gcloud run deploy)")
	f.StringVar(&o.fromEnv, "from-env", "", "read the CORS flags from an environment value 'ESPv2_ARGS=…'")
	f.StringVar(&o.fromFile, "from-file", "", "read the CORS flags from an args file or a Kubernetes manifest")
	f.StringVar(&o.report, "report", "", "write one JSON object per request to FILE (JSON Lines)")
	f.StringVar(&o.assumeCreds, "assume-credentials", "", "credentials mode to check with: include or omit (default: include when the request has a Cookie)")
	f.StringVar(&o.mockCORS, "mock-cors", "", "make the mock backend send its own CORS headers: *, echo, or one origin")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "do not print a line per request")
	f.StringVar(&o.color, "color", "auto", "colour the request lines: auto, always or never (NO_COLOR is respected)")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the serving period to FILE (for tuning)")
	_ = f.MarkHidden("cpuprofile")
	f.BoolVar(&o.stdTransport, "std-transport", false, "use net/http.Transport for a plain-http backend (for comparison)")
	_ = f.MarkHidden("std-transport")
	f.BoolVar(&o.stdServer, "std-server", false, "serve with net/http's server instead of the lean HTTP/1.1 server (for comparison)")
	_ = f.MarkHidden("std-server")
	f.BoolVar(&o.stdForward, "std-forward", false, "forward every request through httputil.ReverseProxy (for comparison)")
	_ = f.MarkHidden("std-forward")
	f.BoolVar(&o.noEventLoop, "no-event-loop", false, "serve every connection on a goroutine, without the epoll loop for local answers (for comparison)")
	_ = f.MarkHidden("no-event-loop")
	_ = cmd.RegisterFlagCompletionFunc("proxy", fixedCompletion("espv2", "esp"))
	_ = cmd.RegisterFlagCompletionFunc("target", fixedCompletion("endpoints-espv2", "endpoints-esp", "api-gateway"))
	_ = cmd.RegisterFlagCompletionFunc("assume-credentials", fixedCompletion("include", "omit"))
	_ = cmd.RegisterFlagCompletionFunc("mock-cors", fixedCompletion("*", "echo"))
	_ = cmd.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	_ = cmd.RegisterFlagCompletionFunc("cors_preset", fixedCompletion("basic", "cors_with_regex"))
	return cmd
}

func runServe(cmd *cobra.Command, env *Env, o *serveOptions, args []string) error {
	stderr := cmd.ErrOrStderr()
	dep, px, err := serveDeployment(o)
	if err != nil {
		return err
	}
	switch o.assumeCreds {
	case "", "include", "omit":
	default:
		return usageError("--assume-credentials must be include or omit, not %q", o.assumeCreds)
	}
	if o.mockCORS != "" && o.backend != "" {
		return usageError("--mock-cors configures the embedded mock backend; it cannot be used with --backend")
	}
	if err := proxy.ValidateMockCORS(o.mockCORS); err != nil {
		return usageError("%v", err)
	}
	var backend *url.URL
	if o.backend != "" {
		u, err := url.Parse(o.backend)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError("--backend must be an http:// or https:// URL with a host, not %q", o.backend)
		}
		backend = u
	}
	colorOn, err := useColor(env, o.color, stderr)
	if err != nil {
		return err
	}

	// The spec.
	var doc *spec.Document
	if len(args) == 1 {
		inputs, err := spec.Expand(cmd.Context(), args)
		if err != nil {
			return inputError(err)
		}
		if len(inputs) != 1 {
			return usageError("serve takes one spec, and %s names %d", args[0], len(inputs))
		}
		if doc, err = spec.Open(inputs[0], cmd.InOrStdin(), spec.Options{}); err != nil {
			return inputError(err)
		}
	} else if doc, err = spec.Parse(proxy.SampleSpecName, proxy.SampleSpec, spec.Options{}); err != nil {
		return inputError(fmt.Errorf("built-in sample spec: %w", err))
	}
	table, err := proxy.BuildTable(doc, dep.deployment())
	if err != nil {
		return inputError(err)
	}
	auth, err := serveAuth(o, stderr)
	if err != nil {
		return err
	}

	// The CORS flags, read and validated exactly as corsgate flags does.
	policy, err := servePolicy(cmd, o, px, stderr)
	if err != nil {
		return err
	}
	policy.AllowCors = table.AllowCors
	engine, err := cors.NewEngine(&policy)
	if err != nil {
		return usageError("%v", err)
	}

	// Per-request output.
	obs, obsPF, closeObs, err := newServeObserver(env, o, stderr, colorOn, &policy)
	if err != nil {
		return err
	}
	defer closeObs()
	var mock http.Handler
	if backend == nil {
		mock = &proxy.Mock{CORS: o.mockCORS}
	}
	h, err := proxy.New(proxy.Options{Engine: engine, Table: table, Backend: backend, Mock: mock, Observe: obs, ObservePreflight: obsPF,
		StdTransport: o.stdTransport, StdForward: o.stdForward, Auth: auth.opts})
	if err != nil {
		return inputError(err)
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return inputError(fmt.Errorf("--listen %s: %w", o.listen, err))
	}
	stopProfile, err := startCPUProfile(o.cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	// Tuning: the proxy's garbage is short-lived per-request objects and its
	// live heap is small, so collecting less often costs little memory and
	// saves CPU under load (profiles showed mallocgc/GC at 10-15%). GOGC, when
	// set, wins.
	if env.getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	if dep.Target == lint.TargetAPIGateway && policy.Preset != cors.PresetNone {
		fmt.Fprintln(stderr, "warning: API Gateway takes no proxy flags: the gateway itself never answers preflights, so --cors_preset shows what ESPv2 would do, not what the gateway does")
	}
	fmt.Fprintln(stderr, describeServe(doc.Name, &policy, o.backend, o.mockCORS))
	for _, l := range describeAuth(table, auth, px) {
		fmt.Fprintln(stderr, l)
	}
	fmt.Fprintf(stderr, "listening on http://%s\n", ln.Addr())
	serve := proxy.Serve
	switch {
	case o.stdServer:
		serve = proxy.ServeStd
	case o.noEventLoop:
		serve = proxy.ServeGoroutines
	}
	if err := serve(cmd.Context(), ln, h, 5*time.Second); err != nil {
		return inputError(fmt.Errorf("serving on %s: %w", ln.Addr(), err))
	}
	return nil
}

// servePolicy reads the CORS flags (--from-* first, then ours, which win as
// argparse keeps the last occurrence), validates them with ESPv2's (or ESP's)
// start-up rules, prints warnings, and returns the policy.
func servePolicy(cmd *cobra.Command, o *serveOptions, px cors.Proxy, stderr io.Writer) (cors.Policy, error) {
	var lists []cors.ArgList
	if o.fromArgs != "" {
		l, err := cors.ReadCommandLine(o.fromArgs)
		if err != nil {
			return cors.Policy{}, inputError(fmt.Errorf("--from-args: %w", err))
		}
		lists = append(lists, l)
	}
	if o.fromEnv != "" {
		l, err := cors.ReadEnv(o.fromEnv)
		if err != nil {
			return cors.Policy{}, inputError(fmt.Errorf("--from-env: %w", err))
		}
		lists = append(lists, l)
	}
	if o.fromFile != "" {
		data, err := os.ReadFile(o.fromFile)
		if err != nil {
			return cors.Policy{}, inputError(fmt.Errorf("--from-file: %w", err))
		}
		l, err := cors.ReadArgsFile(o.fromFile, data)
		if err != nil {
			return cors.Policy{}, inputError(fmt.Errorf("--from-file: %w", err))
		}
		lists = append(lists, l)
	}
	own := cors.ArgList{Name: "flags"}
	for _, name := range cors.FlagNames {
		if !cmd.Flags().Changed(strings.TrimPrefix(name, "--")) {
			continue
		}
		if name == cors.FlagAllowCredentials {
			if o.creds {
				own.Args = append(own.Args, cors.Arg{Text: name, Source: name})
			}
			continue
		}
		own.Args = append(own.Args, cors.Arg{Text: name + "=" + *o.cors[name], Source: name})
	}
	f := cors.ParseFlags(px, append(lists, own)...)
	findings := rules.FlagDiagnostics(cors.Validate(f))
	fatal := px == cors.ESPv2 && lint.MaxSeverity(findings) >= lint.Error
	for _, d := range findings {
		fmt.Fprintf(stderr, "%s: %s [%s]\n", d.Severity, d.Message, d.RuleID)
	}
	if fatal {
		return cors.Policy{}, silentExit(ExitUsage)
	}
	return f.Policy(), nil
}

// reportEntry is one line of --report (documented in docs/serve.md).
type reportEntry struct {
	Time           string         `json:"time"`
	DurationMS     float64        `json:"duration_ms"`
	Proxy          cors.Proxy     `json:"proxy"`
	Request        reportRequest  `json:"request"`
	Response       reportResponse `json:"response"`
	BackendReached bool           `json:"backend_reached"`
	BackendCORS    http.Header    `json:"backend_cors_headers,omitempty"`
	Route          string         `json:"route"`
	Credentials    string         `json:"credentials"`
	Preflight      bool           `json:"preflight"`
	Verdict        cors.Verdict   `json:"verdict"`
	Findings       []cors.Finding `json:"findings"`
}

type reportRequest struct {
	Method  string      `json:"method"`
	Path    string      `json:"path"`
	Query   string      `json:"query,omitempty"`
	Host    string      `json:"host"`
	Headers http.Header `json:"headers"`
}

type reportResponse struct {
	Status  int         `json:"status"`
	Headers http.Header `json:"headers"`
}

// lockedWriter serialises lines from concurrent requests and buffers them;
// a ticker flushes so output stays live without a syscall per request.
type lockedWriter struct {
	mu   sync.Mutex
	bw   *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newLockedWriter(w io.Writer) *lockedWriter {
	lw := &lockedWriter{bw: bufio.NewWriterSize(w, 64*1024), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(lw.done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				lw.mu.Lock()
				lw.bw.Flush()
				lw.mu.Unlock()
			case <-lw.stop:
				return
			}
		}
	}()
	return lw
}

func (lw *lockedWriter) close() error {
	close(lw.stop)
	<-lw.done
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.bw.Flush()
}

// checkCache memoises the checker's result for preflights the proxy answered
// itself: their response is a pure function of the policy (fixed) and the
// request's method, Origin, ACRM and ACRH, so the judgement depends only on
// those, the credentials mode and the Private Network Access request header.
// Browsers send the same few preflights over and over; this takes cors.Check
// off the hot path for them. The cache is bounded: when full it starts over.
type checkCache struct {
	mu sync.Mutex
	m  map[string]cors.Result
}

const checkCacheMax = 4096

func (c *checkCache) get(rec *proxy.Record, cred cors.CredentialsMode, check func() cors.Result) cors.Result {
	var buf [256]byte
	key := recordKey(buf[:0], rec, cred)
	if res, ok := c.lookup(key); ok {
		return res
	}
	res := check()
	c.mu.Lock()
	if len(c.m) >= checkCacheMax {
		clear(c.m)
	}
	c.m[string(key)] = res
	c.mu.Unlock()
	return res
}

func (c *checkCache) lookup(key []byte) (cors.Result, bool) {
	c.mu.Lock()
	res, ok := c.m[string(key)]
	c.mu.Unlock()
	return res, ok
}

// A memo key is the method, then every value of Origin, ACRM, ACRH and
// Access-Control-Request-Private-Network, then the credentials mode; each
// value ends with 0 and each part with 1. recordKey and preflightKey write
// the same key for the same request (TestPreflightKeyMatchesRecordKey).
func keyPart(b []byte, vals ...string) []byte {
	for _, v := range vals {
		b = append(b, v...)
		b = append(b, 0)
	}
	return append(b, 1)
}

func recordKey(b []byte, rec *proxy.Record, cred cors.CredentialsMode) []byte {
	h := rec.RequestHeader
	b = keyPart(b, rec.Method)
	b = keyPart(b, h["Origin"]...)
	b = keyPart(b, h["Access-Control-Request-Method"]...)
	b = keyPart(b, h["Access-Control-Request-Headers"]...)
	b = keyPart(b, h["Access-Control-Request-Private-Network"]...)
	return keyPart(b, cred.String())
}

func preflightKey(b []byte, p *proxy.PreflightRecord, cred cors.CredentialsMode) []byte {
	b = keyPart(b, p.Method)
	b = keyPart(b, p.Origin)
	b = keyPart(b, p.ACRM)
	if p.HasACRH {
		b = keyPart(b, p.ACRH)
	} else {
		b = keyPart(b)
	}
	if p.HasPrivateNetwork {
		b = keyPart(b, p.PrivateNetwork)
	} else {
		b = keyPart(b)
	}
	return keyPart(b, cred.String())
}

// cookieHeader stands for "a Cookie field was sent" when the credentials
// mode of a raw-head preflight is worked out by cors.CredentialsFor.
var cookieHeader = http.Header{"Cookie": {""}}

// newServeObserver returns what serve does with each exchange: observe
// judges it and writes the line and the report entry; observePF (nil when a
// report is written, as the report needs every header) writes the line of an
// allowed preflight the proxy answers from its raw head, when an identical
// preflight has been judged before (else it declines and observe gets the
// full record).
func newServeObserver(env *Env, o *serveOptions, stderr io.Writer, colorOn bool, policy *cors.Policy) (observe func(*proxy.Record), observePF func(*proxy.PreflightRecord) bool, closeAll func(), err error) {
	if o.quiet && o.report == "" {
		return nil, nil, func() {}, nil
	}
	var lines, report *lockedWriter
	var reportFile *os.File
	if !o.quiet {
		lines = newLockedWriter(stderr)
	}
	if o.report != "" {
		f, err := os.Create(o.report)
		if err != nil {
			return nil, nil, nil, inputError(fmt.Errorf("--report: %w", err))
		}
		reportFile = f
		report = newLockedWriter(f)
	}
	printer := format.NewServePrinter(colorOn)
	pol := *policy
	cache := &checkCache{m: map[string]cors.Result{}}
	memo := proxy.NewCheckMemo(&pol) // the other exchanges' judgements
	printLine := func(l *format.ServeLine, findings []cors.Finding) {
		for _, f := range findings {
			l.Findings = append(l.Findings, format.ServeFinding{Code: f.Code, Severity: f.Severity})
		}
		lines.mu.Lock()
		printer.Print(lines.bw, *l)
		lines.mu.Unlock()
	}
	observe = func(rec *proxy.Record) {
		credMode, _ := cors.CredentialsFor(o.assumeCreds, rec.RequestHeader)
		x := cors.Exchange{
			Method: rec.Method, RequestHeader: rec.RequestHeader, Status: rec.Status,
			ResponseHeader: rec.ResponseHeader, Credentials: credMode, Policy: &pol, BackendHeader: rec.BackendHeader,
			ProxyMade: rec.ProxyMade, Body: rec.Body,
		}
		var res cors.Result
		if rec.Route == proxy.RouteCORSPreflight {
			res = cache.get(rec, credMode, func() cors.Result { y := x; return cors.Check(&y) })
		} else {
			res = memo.Check(&x)
		}
		if lines != nil {
			printLine(&format.ServeLine{Method: rec.Method, Path: rec.Path, Origin: rec.RequestHeader.Get("Origin"),
				Status: rec.Status, Verdict: string(res.Verdict)}, res.Findings)
		}
		if report != nil {
			findings := res.Findings
			if findings == nil {
				findings = []cors.Finding{}
			}
			b, err := json.Marshal(reportEntry{
				Time: rec.Start.UTC().Format(time.RFC3339Nano), DurationMS: float64(rec.Duration.Microseconds()) / 1000,
				Proxy:          pol.Proxy,
				Request:        reportRequest{Method: rec.Method, Path: rec.Path, Query: rec.Query, Host: rec.Host, Headers: rec.RequestHeader},
				Response:       reportResponse{Status: rec.Status, Headers: rec.ResponseHeader},
				BackendReached: rec.BackendReached, BackendCORS: rec.BackendHeader, Route: rec.Route,
				Credentials: credMode.String(), Preflight: res.Preflight, Verdict: res.Verdict, Findings: findings,
			})
			if err == nil {
				report.mu.Lock()
				report.bw.Write(b)
				report.bw.WriteByte('\n')
				report.mu.Unlock()
			}
		}
	}
	if lines != nil && report == nil {
		observePF = func(p *proxy.PreflightRecord) bool {
			var h http.Header
			if p.Cookie {
				h = cookieHeader
			}
			credMode, _ := cors.CredentialsFor(o.assumeCreds, h)
			var buf [256]byte
			res, ok := cache.lookup(preflightKey(buf[:0], p, credMode))
			if !ok {
				return false
			}
			printLine(&format.ServeLine{Method: p.Method, Path: p.Path, Origin: p.Origin, Status: p.Status,
				Verdict: string(res.Verdict)}, res.Findings)
			return true
		}
	}
	closeAll = func() {
		if lines != nil {
			lines.close()
		}
		if report != nil {
			if err := report.close(); err != nil {
				fmt.Fprintf(stderr, "corsgate: --report %s: %v\n", o.report, err)
			}
			reportFile.Close()
		}
	}
	return observe, observePF, closeAll, nil
}

// describeServe is the one line serve prints before it listens: which spec,
// which proxy, who answers preflights, and which backend.
func describeServe(specName string, p *cors.Policy, backend, mockCORS string) string {
	var mode string
	switch p.Mode() {
	case cors.ModeOff:
		mode = "no CORS handling (no --cors_preset, allowCors off)"
	case cors.ModeBackend:
		mode = "allowCors: preflights go to the backend"
	case cors.ModeProxy, cors.ModeBoth:
		origin := p.AllowOrigin
		if p.Preset == cors.PresetRegex {
			origin = p.AllowOriginRegex
		}
		mode = fmt.Sprintf("the proxy answers preflights (%s, %s)", p.Preset, origin)
		if p.Mode() == cors.ModeBoth {
			mode += " and allowCors sends the others to the backend"
		}
	}
	be := backend
	if be == "" {
		be = "embedded mock"
		if mockCORS != "" {
			be += " sending its own CORS headers (" + mockCORS + ")"
		}
	}
	return fmt.Sprintf("serving %s as %s: %s; backend: %s", specName, p.Proxy.Title(), mode, be)
}
