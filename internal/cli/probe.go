package cli

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/format"
	"github.com/corsgate/corsgate/internal/probe"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/spf13/cobra"
)

func init() { register(newProbeCmd) }

type probeOptions struct {
	origins, paths, methods []string
	pathParams, headers     []string
	apiKey                  string
	assumeCreds             string
	hostile                 string
	allowUnsafe             bool
	concurrency             int
	rate                    float64
	timeout, deadline       time.Duration
	retries                 int
	cacert                  string
	format, failOn, color   string
	proxy                   string
	// config holds the deployment's CORS flags, read exactly as serve
	// reads them (servePolicy).
	config serveOptions
}

func newProbeCmd(env *Env) *cobra.Command {
	o := &probeOptions{config: serveOptions{cors: map[string]*string{}}}
	cmd := &cobra.Command{
		Use:   "probe BASE_URL [SPEC] --origin ORIGIN...",
		Short: "Check a deployed API's CORS the way a browser sees it, with hostile origins and drift from the configuration",
		Long: `probe sends to a deployed API the requests a browser makes, and judges every answer with
the browser's rules.

From SPEC it derives, for each operation, the preflight (OPTIONS with Origin,
Access-Control-Request-Method and Access-Control-Request-Headers listing the operation's
header parameters, its API-key header, Authorization for JWT schemes and Content-Type for
bodies), sent when a browser would send one, and the actual request for safe methods (GET,
HEAD). Path variables get --path-param values, else the spec's example, default or enum,
else a placeholder (said in the output). Without SPEC, the --path values are probed with
each --method (default GET).

Requests go from every --origin, and from hostile variants of them: an unrelated site,
null, the allowed host with a domain appended (app.example.com.evil.test) or letters put in
front (evilapp.example.com), the http:// downgrade and a subdomain (--hostile sample, the
default, sends them to the first 3 operations; all, or none). A hostile origin that is let
in earns ORIGIN_REFLECTED, NULL_ORIGIN_ALLOWED, ORIGIN_SUFFIX_ALLOWED, ORIGIN_PREFIX_ALLOWED,
INSECURE_ORIGIN_ALLOWED or ORIGIN_SUBDOMAIN_ALLOWED; every answer also gets the checker's
codes (docs/checker.md) for the credentials mode of --assume-credentials.

Given the deployment's configuration (the --cors_* flags, --from-args, --from-env or
--from-file, read as serve reads them, and --proxy), every answer is also predicted with
serve's proxy, and DRIFT_FROM_PREDICTED says what differs (the status class, each
Access-Control-* header, who answered): the configuration in production is not that one.
Answers ESPv2 or ESP made themselves (404 "not defined by this API", 405, the CORS fallback
400, API-key and JWT refusals, ESP's 403) are recognised by their bodies: the proxy
answered, not your backend.

Safe by default: only OPTIONS, GET and HEAD (--allow-unsafe-methods sends the others); no
credentials or cookies unless given with --header or --api-key, whose values are redacted in
every output; --concurrency and --rate bound the load, --timeout each request, --deadline
the run; only connection errors are retried; redirects are reported, not followed.

Output formats: text (default), json, sarif, github, junit. Findings at level error are
block and insecure severities, warning is warn, info is info.

Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage or configuration error (ESPv2 would refuse the flags)
  3  the target cannot be reached (connection, TLS), some requests got no answer, or an
     input (SPEC, --from-file, --cacert) cannot be read`,
		Example: `  # after a deploy: every operation, from the front-end's origin, with hostile variants
  corsgate probe https://api.example.com openapi.yaml --origin https://app.example.com

  # compare with the flags the repository deploys (drift = production runs something else)
  corsgate probe https://api.example.com openapi.yaml --origin https://app.example.com \
    --from-env 'ESPv2_ARGS=^++^--cors_preset=basic++--cors_allow_origin=https://app.example.com'

  # credentialed front-end: judge with credentials, send a session cookie (redacted in output)
  corsgate probe https://api.example.com openapi.yaml --origin https://app.example.com \
    --assume-credentials include --header 'Cookie: sid=…' --api-key "$API_KEY"

  # no spec: two paths, GET and PUT preflights, JSON for a script
  corsgate probe https://api.example.com --path /v1/shelves --path /v1/shelves/1 \
    --method GET --method PUT --origin https://app.example.com --format json

  # CI: GitHub annotations, polite load
  corsgate probe "$URL" openapi.yaml --origin https://app.example.com --format github --rate 5 --concurrency 2`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error { return runProbe(cmd, env, o, args) },
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.origins, "origin", nil, "an origin the API should allow, as a browser sends it (repeatable)")
	f.StringArrayVar(&o.paths, "path", nil, "without SPEC: a path to probe, under BASE_URL (repeatable)")
	f.StringArrayVar(&o.methods, "method", nil, "without SPEC: a method to probe each --path with (repeatable; default GET)")
	f.StringArrayVar(&o.pathParams, "path-param", nil, "NAME=VALUE for a path template variable (repeatable)")
	f.StringArrayVar(&o.headers, "header", nil, "'Name: value' sent on actual requests and announced in preflights (repeatable; redacted in output)")
	f.StringVar(&o.apiKey, "api-key", "", "API key, sent where the operation's apiKey scheme says (redacted in output)")
	f.StringVar(&o.assumeCreds, "assume-credentials", "", "the page's credentials mode to judge with: include or omit (default: include when --header sets a Cookie)")
	f.StringVar(&o.hostile, "hostile", "sample", "which operations get the hostile origins: sample (the first 3), all or none")
	f.BoolVar(&o.allowUnsafe, "allow-unsafe-methods", false, "also send actual POST, PUT, PATCH and DELETE requests (they may change data)")
	f.IntVar(&o.concurrency, "concurrency", 4, "requests in flight at most")
	f.Float64Var(&o.rate, "rate", 10, "requests started per second at most (0: no limit)")
	f.DurationVar(&o.timeout, "timeout", 10*time.Second, "time limit of each request")
	f.DurationVar(&o.deadline, "deadline", 5*time.Minute, "time limit of the whole run (0: none)")
	f.IntVar(&o.retries, "retries", 2, "retries of a request after a connection error (only those)")
	f.StringVar(&o.cacert, "cacert", "", "PEM file of the CA certificates to trust for an https BASE_URL (default: the system's)")
	f.StringVarP(&o.format, "format", "f", "text", "output format: "+strings.Join(format.Names(), ", "))
	f.StringVar(&o.failOn, "fail-on", "error", "exit 1 when a finding has at least this level: error, warning, info or none")
	f.StringVar(&o.color, "color", "auto", "colour text output: auto, always or never (NO_COLOR is respected)")
	f.StringVar(&o.proxy, "proxy", "espv2", "the deployed proxy, for the prediction: espv2 or esp")
	f.StringVar(&o.config.config, "config", "", "configuration file for target and service_name (default: .corsgate.yaml from the working directory upwards)")
	f.StringVar(&o.config.target, "target", "", "product profile, for the prediction: endpoints-espv2 (default), endpoints-esp or api-gateway")
	f.StringVar(&o.config.serviceName, "service-name", "", "the service config name the proxy runs with, for the prediction of allowCors (default: host on Cloud Endpoints)")
	help := map[string]string{
		cors.FlagPreset:           "the deployment's --cors_preset, to predict with (ESPv2's flag)",
		cors.FlagAllowOrigin:      "the deployment's --cors_allow_origin",
		cors.FlagAllowOriginRegex: "the deployment's --cors_allow_origin_regex",
		cors.FlagAllowMethods:     "the deployment's --cors_allow_methods",
		cors.FlagAllowHeaders:     "the deployment's --cors_allow_headers",
		cors.FlagExposeHeaders:    "the deployment's --cors_expose_headers",
		cors.FlagMaxAge:           "the deployment's --cors_max_age",
	}
	for _, name := range cors.FlagNames {
		if name == cors.FlagAllowCredentials {
			f.BoolVar(&o.config.creds, strings.TrimPrefix(name, "--"), false, "the deployment sets --cors_allow_credentials")
			continue
		}
		o.config.cors[name] = f.String(strings.TrimPrefix(name, "--"), "", help[name])
	}
	f.StringVar(&o.config.fromArgs, "from-args", "", "read the deployment's CORS flags from a command line (as corsgate flags does)")
	f.StringVar(&o.config.fromEnv, "from-env", "", "read the deployment's CORS flags from 'ESPv2_ARGS=…'")
	f.StringVar(&o.config.fromFile, "from-file", "", "read the deployment's CORS flags from an args file or a Kubernetes manifest")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(format.Names()...))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", fixedCompletion("error", "warning", "info", "none"))
	_ = cmd.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	_ = cmd.RegisterFlagCompletionFunc("proxy", fixedCompletion("espv2", "esp"))
	_ = cmd.RegisterFlagCompletionFunc("target", fixedCompletion("endpoints-espv2", "endpoints-esp", "api-gateway"))
	_ = cmd.RegisterFlagCompletionFunc("hostile", fixedCompletion("sample", "all", "none"))
	_ = cmd.RegisterFlagCompletionFunc("assume-credentials", fixedCompletion("include", "omit"))
	_ = cmd.RegisterFlagCompletionFunc("cors_preset", fixedCompletion("basic", "cors_with_regex"))
	return cmd
}

func runProbe(cmd *cobra.Command, env *Env, o *probeOptions, args []string) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	fm, err := format.Parse(o.format)
	if err != nil {
		return usageError("%v", err)
	}
	failOn, err := lint.ParseSeverity(o.failOn)
	if err != nil {
		return usageError("--fail-on: %v", err)
	}
	colorOn, err := useColor(env, o.color, stdout)
	if err != nil {
		return err
	}
	target, err := url.Parse(args[0])
	if err != nil || (target.Scheme != "http" && target.Scheme != "https") || target.Host == "" || target.RawQuery != "" || target.Fragment != "" {
		return usageError("BASE_URL must be an http:// or https:// URL with a host and no query, not %q", args[0])
	}
	if len(o.origins) == 0 {
		return usageError("give at least one --origin: the origin of the page that calls the API, e.g. --origin https://app.example.com")
	}
	for _, s := range o.origins {
		if err := probe.ParseOrigin(s); err != nil {
			return usageError("--origin: %v", err)
		}
	}
	hostile, err := probe.ParseHostileMode(o.hostile)
	if err != nil {
		return usageError("--hostile: %v", err)
	}
	switch {
	case len(args) == 2 && len(o.paths) > 0:
		return usageError("--path is for probing without SPEC: the spec's operations are probed")
	case len(args) == 1 && len(o.paths) == 0:
		return usageError("give SPEC, or the paths to probe with --path")
	case len(args) == 2 && len(o.methods) > 0:
		return usageError("--method goes with --path: the spec's methods are probed")
	case o.concurrency < 1:
		return usageError("--concurrency must be at least 1")
	case o.rate < 0:
		return usageError("--rate must not be negative")
	case o.timeout <= 0:
		return usageError("--timeout must be positive")
	case o.deadline < 0:
		return usageError("--deadline must not be negative")
	case o.retries < 0:
		return usageError("--retries must not be negative")
	}
	for _, p := range o.paths {
		if !strings.HasPrefix(p, "/") {
			return usageError("--path %q must start with /", p)
		}
	}
	for i, m := range o.methods {
		if !isToken(m) { // a method is a token
			return usageError("--method %q is not an HTTP method", m)
		}
		o.methods[i] = strings.ToUpper(m)
	}
	params := map[string]string{}
	for _, kv := range o.pathParams {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return usageError("--path-param %q: want NAME=VALUE", kv)
		}
		params[k] = v
	}
	headers := http.Header{}
	for _, h := range o.headers {
		k, v, ok := strings.Cut(h, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || !isToken(k) || strings.ContainsAny(v, "\r\n\x00") {
			return usageError("--header: want 'Name: value' with a valid name and value (the value is not shown)")
		}
		headers.Add(k, v)
	}
	credMode, err := cors.CredentialsFor(o.assumeCreds, headers)
	if err != nil {
		return usageError("--assume-credentials must be include or omit, not %q", o.assumeCreds)
	}
	px, err := parseProxy("--proxy", o.proxy)
	if err != nil {
		return err
	}
	var roots *x509.CertPool
	if o.cacert != "" {
		pem, err := os.ReadFile(o.cacert)
		if err != nil {
			return inputError(fmt.Errorf("--cacert: %w", err))
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return inputError(fmt.Errorf("--cacert %s: no PEM certificate in it", o.cacert))
		}
	}

	var doc *spec.Document
	if len(args) == 2 {
		inputs, err := spec.Expand(cmd.Context(), args[1:])
		if err != nil {
			return inputError(err)
		}
		if len(inputs) != 1 {
			return usageError("probe takes one spec, and %s names %d", args[1], len(inputs))
		}
		if doc, err = spec.Open(inputs[0], cmd.InOrStdin(), spec.Options{}); err != nil {
			return inputError(err)
		}
	}

	// The deployment's configuration, read and validated as serve does.
	dep, err := readServeTarget(&o.config)
	if err != nil {
		return err
	}
	var policy *cors.Policy
	if probeHasConfig(cmd, &o.config) {
		p, err := servePolicy(cmd, &o.config, px, stderr)
		if err != nil {
			return err
		}
		policy = &p
	}

	v, _, _ := versionInfo(env)
	progress, stopProgress := newProgress(env, stderr)
	rep, err := probe.Run(cmd.Context(), probe.Options{
		Target: target, Doc: doc, Paths: o.paths, Methods: o.methods, Origins: o.origins, Hostile: hostile,
		PathParams: params, Headers: headers, APIKey: o.apiKey, Credentials: credMode, AllowUnsafe: o.allowUnsafe,
		Concurrency: o.concurrency, Rate: o.rate, Timeout: o.timeout, Deadline: o.deadline, Retries: o.retries,
		RootCAs: roots, UserAgent: "corsgate-probe/" + v, Policy: policy, Deployment: dep.deployment(), Progress: progress,
	})
	stopProgress()
	if err != nil {
		if errors.Is(err, probe.ErrUnreachable) {
			return inputError(err)
		}
		return usageError("%v", err)
	}
	if err := format.PrintProbe(stdout, fm, rep, format.ProbeOptions{Color: colorOn, FailOn: failOn, Version: v}); err != nil {
		return inputError(fmt.Errorf("write output: %w", err))
	}
	if rep.Incomplete() {
		for _, res := range rep.Results {
			if res.Error != "" {
				return inputError(fmt.Errorf("%d of %d exchanges got no answer; the first: %s %s origin=%s: %s",
					rep.Summary.Failed, rep.Summary.Exchanges, res.Method, res.Path, res.Origin, res.Error))
			}
		}
	}
	if failOn != lint.SeverityNone && rep.MaxLevel() >= failOn {
		return silentExit(ExitFindings)
	}
	return nil
}

// probeHasConfig reports whether the deployment's configuration was given:
// a --cors_* flag, a --from-* source, or --proxy.
func probeHasConfig(cmd *cobra.Command, c *serveOptions) bool {
	if c.fromArgs != "" || c.fromEnv != "" || c.fromFile != "" || cmd.Flags().Changed("proxy") {
		return true
	}
	for _, name := range cors.FlagNames {
		if cmd.Flags().Changed(strings.TrimPrefix(name, "--")) {
			return true
		}
	}
	return false
}

// newProgress returns probe's progress callback: on a terminal, a line
// "probe: N/M exchanges" rewritten in place (see progressLine). Elsewhere
// it does nothing.
func newProgress(env *Env, w io.Writer) (progress func(done, total int), stop func()) {
	f, ok := w.(*os.File)
	if !ok || env.getenv("TERM") == "dumb" {
		return nil, func() {}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil, func() {}
	}
	return progressLine(w, time.Now)
}

// progressLine writes "\rprobe: N/M exchanges" to w once the run has taken
// a second, at most every 100 ms (and at the end); stop clears the line if
// it was shown. The callback is safe for concurrent use.
func progressLine(w io.Writer, now func() time.Time) (progress func(done, total int), stop func()) {
	var mu sync.Mutex
	start, shown := now(), false
	var last time.Time
	progress = func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		t := now()
		if t.Sub(start) < time.Second || t.Sub(last) < 100*time.Millisecond && done < total {
			return
		}
		last, shown = t, true
		fmt.Fprintf(w, "\rprobe: %d/%d exchanges", done, total)
	}
	stop = func() {
		mu.Lock()
		defer mu.Unlock()
		if shown {
			fmt.Fprint(w, "\r\x1b[K")
		}
	}
	return progress, stop
}

// isToken reports whether s is an HTTP token (RFC 9110): what a method and a
// header name must be.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
