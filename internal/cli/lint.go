package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"

	"github.com/corsgate/corsgate/internal/format"
	"github.com/corsgate/corsgate/internal/hugeheap"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/spf13/cobra"
)

func init() { register(newLintCmd) }

type lintOptions struct {
	format      string
	color       string
	failOn      string
	config      string
	target      string
	maxSize     int64
	proxyArgs   string
	proxyFile   string
	cloudRunEnv string
	proxy       string
	fix         bool
	fixSpelling bool
	cpuProfile  string
	noHugePages bool
	serviceName string

	// skipNonSpecs is --skip-non-specs (pre-commit hooks pass every changed file).
	skipNonSpecs bool
	// separate is --separate: every file is a deployment of its own.
	separate bool
}

func newLintCmd(env *Env) *cobra.Command {
	o := &lintOptions{}
	cmd := &cobra.Command{
		Use:   "lint [flags] SPEC...",
		Short: "Check Swagger 2.0 and OpenAPI 3.x specs (and proxy CORS flags) before deploy",
		Long: `Lint checks Swagger 2.0 and OpenAPI 3.0/3.1 specs for Cloud Endpoints and API Gateway:
that the endpoint name equals the service name (x-google-endpoints[].name and host in 2.0, the
x-google-endpoint server in 3.x; otherwise allowCors is silently ignored), the shape of every
Google extension, and what Service Management, API Gateway or ESPv2 would reject. Every finding
has file:line:col and a stable rule ID ("corsgate rules" lists them).

SPEC may be a file, a directory (searched recursively for .yaml/.yml/.json files with a top-level
swagger or openapi key), a glob, or - for standard input (named <stdin> in findings). Files named
together are one deployment (as gcloud endpoints services deploy a.yaml b.yaml); each file a
directory scan finds, or each file with --separate, is a deployment of its own.

Configuration comes from --config or the first .corsgate.yaml found from the working directory
upwards:

  target: endpoints-espv2        # endpoints-espv2 (default) | endpoints-esp | api-gateway
  service_name: orders-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog   # API Gateway's managed service
  deployments:                   # files deployed together, by name
    orders: ["api/orders/*.yaml"]
  rules:
    endpoints-target-ipv4: off   # off | info | warning | error
  ignore:
    - "third_party/**"

Suppress one finding with a YAML comment on its line or the line above:
  # corsgate:ignore <rule-id> [<rule-id>...]

Output formats: text (default), json, sarif, github, junit.

` + exitCodesHelp,
		Example: `  # the classic: is allowCors really on?
  corsgate lint openapi.yaml

  # every spec under api/, fail on warnings too
  corsgate lint --fail-on warning api/

  # GitHub code scanning
  corsgate lint --format sarif api/ > corsgate.sarif

  # GitHub Actions annotations, for API Gateway
  corsgate lint --format github --target api-gateway openapi.yaml

  # check the spec together with the ESPv2 flags you deploy with
  corsgate lint --proxy-args '--cors_preset=basic --cors_allow_origin=https://app.example.com' openapi.yaml

  # fix what can be fixed safely (name/host mismatch, quoted allowCors)
  corsgate lint --fix openapi.yaml

  # from standard input
  cat openapi.yaml | corsgate lint -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError("lint needs at least one SPEC (a file, directory, glob or -); see \"corsgate lint --help\"")
			}
			return interruptible(cmd, func() error { return runLint(cmd, env, o, args) })
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.format, "format", "f", "text", "output format: "+strings.Join(format.Names(), ", "))
	f.StringVar(&o.color, "color", "auto", "colour text output: auto, always or never (NO_COLOR is respected)")
	f.StringVar(&o.failOn, "fail-on", "error", "exit 1 when a finding has at least this severity: error, warning, info or none")
	f.StringVar(&o.config, "config", "", "configuration file (default: .corsgate.yaml from the working directory upwards)")
	f.StringVar(&o.target, "target", "", "product profile: endpoints-espv2 (default), endpoints-esp or api-gateway")
	f.StringVar(&o.serviceName, "service-name", "", "the service config name the proxy runs with, to compare endpoint names with exactly (on API Gateway the managed service API_ID-HASH.apigateway.PROJECT_ID.cloud.goog; default: host on Cloud Endpoints)")
	f.Int64Var(&o.maxSize, "max-size", spec.DefaultMaxSize, "largest spec file accepted, in bytes")
	f.StringVar(&o.proxyArgs, "proxy-args", "", "ESP/ESPv2 flags as a shell command line, checked with the spec")
	f.StringVar(&o.proxyFile, "proxy-args-file", "", "file with ESP/ESPv2 flags (one per line, or a Kubernetes manifest)")
	f.StringVar(&o.cloudRunEnv, "cloudrun-env", "", "Cloud Run environment value, e.g. 'ESPv2_ARGS=^++^--cors_preset=basic++…'")
	f.StringVar(&o.proxy, "proxy", "", "proxy the flags are for: espv2 or esp (default: from the image in the flags, else the target)")
	f.BoolVar(&o.fix, "fix", false, "apply the safe fixes of rules that have one, rewriting the files in place")
	f.BoolVar(&o.fixSpelling, "fix-spelling", false, "with --fix, also rename allow_cors to allowCors")
	f.BoolVar(&o.skipNonSpecs, "skip-non-specs", false, skipNonSpecsHelp)
	f.BoolVar(&o.separate, "separate", false, "lint every file as a deployment of its own, as a directory scan does (for CI checks of every spec in a repository); deployments: in .corsgate.yaml still groups files")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to FILE (for tuning)")
	_ = f.MarkHidden("cpuprofile")
	f.BoolVar(&o.noHugePages, "no-huge-pages", false, "do not ask Linux for huge pages for a large load (for comparison)")
	_ = f.MarkHidden("no-huge-pages")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(format.Names()...))
	_ = cmd.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", fixedCompletion("error", "warning", "info", "none"))
	_ = cmd.RegisterFlagCompletionFunc("target", fixedCompletion("endpoints-espv2", "endpoints-esp", "api-gateway"))
	_ = cmd.RegisterFlagCompletionFunc("proxy", fixedCompletion("espv2", "esp"))
	return cmd
}

func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// loadInputs loads every input. Load failures become diagnostics (the file
// was read; names lists it); inputs that could not be read are failures.
// It stops with the context's error once the command is interrupted.
func loadInputs(env *Env, cmd *cobra.Command, args []string, cfg *lint.Config, maxSize int64, hugePages, separate bool) (docs []*spec.Document, names []string, diags []lint.Diagnostic, failures []format.Failure, err error) {
	ctx := cmd.Context()
	inputs, err := spec.Expand(ctx, args)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, nil, nil, err
		}
		return nil, nil, nil, nil, usageError("%v", err)
	}
	var todo []spec.Input
	stdinUsed := false
	for _, in := range inputs {
		if cfg.Ignored(in.Name) {
			continue
		}
		if in.Path == "" {
			if stdinUsed {
				continue
			}
			stdinUsed = true
		}
		todo = append(todo, in)
	}
	if hugePages {
		hugeheap.Prepare(expectedHeap(todo, maxSize, true))
	}
	for _, in := range todo {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, nil, err
		}
		doc, err := spec.Open(in, cmd.InOrStdin(), spec.Options{MaxSize: maxSize})
		if le, ok := errors.AsType[*spec.LoadError](err); ok {
			names = append(names, in.Name)
			diags = append(diags, rules.LoadDiagnostic(le))
			continue
		}
		if re, ok := errors.AsType[*spec.ReadError](err); ok {
			failures = append(failures, format.Failure{File: re.File, Message: re.Reason()})
			continue
		}
		if err != nil {
			failures = append(failures, format.Failure{File: in.Name, Message: err.Error()})
			continue
		}
		names = append(names, in.Name)
		doc.Deployment = deploymentOf(in, cfg, separate)
		docs = append(docs, doc)
	}
	return docs, names, diags, failures, nil
}

// deploymentOf decides which files are deployed together (one service
// config, as `gcloud endpoints services deploy a.yaml b.yaml`): the files a
// deployments: entry of the configuration names; else every file named (or
// matched by a glob) on the command line, together, unless --separate; a
// file found by searching a directory is deployed on its own.
func deploymentOf(in spec.Input, cfg *lint.Config, separate bool) string {
	if d := cfg.Deployment(in.Name); d != "" {
		return "deployment " + d
	}
	if in.Scanned || separate {
		return ""
	}
	return "command line"
}

// expectedHeap estimates the heap that loading inputs will fill, from the
// sizes of the files (standard input is not counted: its size is unknown, nor
// files over maxSize: they are refused unread): all of them when every
// document stays loaded (lint), the largest when they are handled one at a
// time (transform).
func expectedHeap(inputs []spec.Input, maxSize int64, together bool) int64 {
	var total, largest int64
	for _, in := range inputs {
		if in.Path == "" {
			continue
		}
		if st, err := os.Stat(in.Path); err == nil && st.Mode().IsRegular() && st.Size() <= maxSize {
			total += st.Size()
			largest = max(largest, st.Size())
		}
	}
	if !together {
		total = largest
	}
	return total * hugeheap.HeapPerInputByte
}

func loadConfig(path string) (*lint.Config, error) {
	if path == "" {
		wd, err := os.Getwd()
		if err == nil {
			path = lint.FindConfig(wd)
		}
	}
	if path == "" {
		return &lint.Config{Rules: map[string]lint.Severity{}}, nil
	}
	cfg, err := lint.LoadConfig(path, rules.Known())
	if err != nil {
		return nil, usageError("configuration: %v", err)
	}
	return cfg, nil
}

// startCPUProfile starts the hidden --cpuprofile of lint and serve (a no-op
// without a path); the returned function stops it and closes the file.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	pf, err := os.Create(path)
	if err != nil {
		return nil, inputError(fmt.Errorf("--cpuprofile: %w", err))
	}
	if err := pprof.StartCPUProfile(pf); err != nil {
		pf.Close()
		return nil, inputError(fmt.Errorf("--cpuprofile: %w", err))
	}
	return func() { pprof.StopCPUProfile(); pf.Close() }, nil
}

func runLint(cmd *cobra.Command, env *Env, o *lintOptions, args []string) error {
	stopProfile, err := startCPUProfile(o.cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	f, err := format.Parse(o.format)
	if err != nil {
		return usageError("%v", err)
	}
	failOn, err := lint.ParseSeverity(o.failOn)
	if err != nil {
		return usageError("--fail-on: %v", err)
	}
	color, err := useColor(env, o.color, cmd.OutOrStdout())
	if err != nil {
		return err
	}
	if o.fixSpelling && !o.fix {
		return usageError("--fix-spelling only works together with --fix")
	}
	if o.proxy != "" && o.proxy != "espv2" && o.proxy != "esp" {
		return usageError("--proxy must be espv2 or esp, not %q", o.proxy)
	}
	cfg, err := loadConfig(o.config)
	if err != nil {
		return err
	}
	if o.skipNonSpecs {
		if args, err = specArgs(cmd.Context(), args); err != nil {
			return err
		}
	}
	if o.target != "" {
		t, err := lint.ParseTarget(o.target)
		if err != nil {
			return usageError("--target: %v", err)
		}
		cfg.Target = t
	}
	if o.serviceName != "" {
		cfg.ServiceName = o.serviceName
	}
	if env.getenv("GOGC") == "" {
		// Nearly everything a lint allocates stays live until it ends (the
		// node tree), so collecting finds little to free and competes with
		// the parse and the rules for the CPUs: no collection while loading
		// and linting, unless the heap passes a bound far above what a
		// 64 MiB spec needs. (Collecting once the specs were loaded marked
		// the whole tree to free the rules' few MB: 0.3-0.45 s of CPU at
		// 5000 paths for 4 % less peak memory; bench/RESULTS.md.)
		gc := debug.SetGCPercent(-1)
		limit := debug.SetMemoryLimit(4 << 30)
		defer func() {
			debug.SetMemoryLimit(limit)
			debug.SetGCPercent(gc)
		}()
	}
	docs, names, extra, failures, err := loadInputs(env, cmd, args, cfg, o.maxSize, !o.noHugePages, o.separate)
	if err != nil {
		return err
	}
	flagDiags, err := lintProxyFlags(o, docs, cfg)
	if err != nil {
		failures = append(failures, format.Failure{File: proxyFlagsSource(o), Message: err.Error()})
	}
	extra = append(extra, flagDiags...)
	ds, runErr := lint.Run(cmd.Context(), docs, rules.All(), cfg, extra)
	if err := cmd.Context().Err(); err != nil {
		return err // interrupted: no report
	}
	if o.fix {
		if ds, err = runFixes(cmd, docs, ds, o.fixSpelling); err != nil {
			return err
		}
	}
	v, _, _ := versionInfo(env)
	opts := format.Options{Color: color, Files: names, Failures: failures, FailOn: failOn, Rules: rules.All(), Version: v}
	if err := format.Print(cmd.OutOrStdout(), f, ds, opts); err != nil {
		return inputError(fmt.Errorf("write output: %w", err))
	}
	if f != format.Text {
		// The report carries them; a person at the terminal sees them too.
		for _, fl := range failures {
			fmt.Fprintf(cmd.ErrOrStderr(), "corsgate: %s: cannot read: %s\n", fl.File, fl.Message)
		}
	}
	if runErr != nil {
		return inputError(runErr)
	}
	if len(failures) > 0 {
		return silentExit(ExitInput)
	}
	if failOn != lint.SeverityNone && lint.MaxSeverity(ds) >= failOn {
		return silentExit(ExitFindings)
	}
	return nil
}

// proxyFlagsSource names the proxy flags lint read, for a failure to read
// them.
func proxyFlagsSource(o *lintOptions) string {
	switch {
	case o.proxyFile != "":
		return o.proxyFile
	case o.proxyArgs != "":
		return "<proxy-args>"
	}
	return "<cloudrun-env>"
}

// useColor decides colouring for w: never/always as asked; auto colours only
// a terminal, and never when NO_COLOR is set (https://no-color.org).
func useColor(env *Env, mode string, w io.Writer) (bool, error) {
	switch mode {
	case "never":
		return false, nil
	case "always":
		return true, nil
	case "auto", "":
		if env.getenv("NO_COLOR") != "" {
			return false, nil
		}
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				return env.getenv("TERM") != "dumb", nil
			}
		}
		return false, nil
	}
	return false, usageError("--color must be auto, always or never, not %q", mode)
}
