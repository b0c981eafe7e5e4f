package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/format"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/spf13/cobra"
)

func init() { register(newFlagsCmd) }

type flagsOptions struct {
	cors      map[string]*string
	creds     bool
	fromArgs  string
	fromEnv   string
	fromFile  string
	fromProxy string
	proxy     string
	format    string
	derive    bool
}

func newFlagsCmd(env *Env) *cobra.Command {
	o := &flagsOptions{cors: map[string]*string{}}
	cmd := &cobra.Command{
		Use:   "flags [SPEC]",
		Short: "Emit (and validate) the ESP / ESPv2 CORS flag set, in the form the deployment needs",
		Long: `flags builds the CORS flag set for ESPv2 (or ESP) from flags named exactly as ESPv2's
(--cors_preset, --cors_allow_origin, … so you can paste them), from an existing deployment
(--from-args, --from-env, --from-file), or from the spec (--derive), validates it the way
ESPv2 does at start-up, and prints it as plain args, a shell line, a docker run line, a
Kubernetes args: list, a Cloud Run gcloud line, JSON, or the Envoy CorsPolicy ESPv2 generates.

--derive builds a tight policy from SPEC: the methods it uses plus OPTIONS; header
parameters, the API-key header (apiKey in: header), Authorization (oauth2 or JWT) and
Content-Type (bodies) as allowed headers; declared response headers as exposed headers.
Origins are never guessed: --cors_allow_origin implies --cors_preset=basic and
--cors_allow_origin_regex implies --cors_preset=cors_with_regex.

--proxy chooses the output proxy; --from-proxy the proxy the input flags were written for
(default: --proxy, or the image of a docker line or manifest). Converting between them
prints a note for every semantic difference crossed.

Warnings and notes go to standard error, the flags to standard output.

Exit codes:
  0  the flag set is valid (warnings may have been printed)
  2  usage error, or ESPv2 would refuse to start with the flags (its exact message is shown)
  3  an input cannot be read`,
		Example: `  # flags for one origin, as Kubernetes args
  corsgate flags --cors_preset=basic --cors_allow_origin=https://app.example.com --format k8s

  # a tight policy from the spec, for Cloud Run (ESPv2_ARGS with the ^++^ delimiter)
  corsgate flags openapi.yaml --derive --cors_allow_origin_regex='^https://[a-z0-9-]+\.example\.com$' --format cloudrun

  # check what a Cloud Run service is running with (exit 2 if ESPv2 would not start)
  corsgate flags --from-env 'ESPv2_ARGS=--cors_preset=cors_with_regex,--cors_allow_origin_regex=^https://app\d\.example\.com$'

  # convert an ESP v1 docker line to ESPv2, with notes on what changes
  corsgate flags --from-args 'docker run gcr.io/endpoints-release/endpoints-runtime:1 --service=s --cors_preset=basic' --proxy espv2

  # read the args of a Kubernetes Deployment and print the Envoy CorsPolicy ESPv2 makes
  corsgate flags --from-file deployment.yaml --format envoy`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runFlags(cmd, env, o, args) },
	}
	f := cmd.Flags()
	help := map[string]string{
		cors.FlagPreset:           "basic or cors_with_regex (ESPv2's flag)",
		cors.FlagAllowOrigin:      "the one exact origin allowed with basic, or * (implies --cors_preset=basic)",
		cors.FlagAllowOriginRegex: "RE2 regex the whole Origin must match (implies --cors_preset=cors_with_regex)",
		cors.FlagAllowMethods:     "Access-Control-Allow-Methods, verbatim",
		cors.FlagAllowHeaders:     "Access-Control-Allow-Headers, verbatim",
		cors.FlagExposeHeaders:    "Access-Control-Expose-Headers, verbatim",
		cors.FlagMaxAge:           "preflight cache time, a Go duration such as 2h (ESPv2 only)",
	}
	for _, name := range cors.FlagNames {
		if name == cors.FlagAllowCredentials {
			f.BoolVar(&o.creds, strings.TrimPrefix(name, "--"), false, "send Access-Control-Allow-Credentials: true")
			continue
		}
		o.cors[name] = f.String(strings.TrimPrefix(name, "--"), "", help[name])
	}
	f.StringVar(&o.fromArgs, "from-args", "", "read flags from a command line: plain flags, a docker run line or a gcloud run deploy line")
	f.StringVar(&o.fromEnv, "from-env", "", "read flags from an environment value 'ESPv2_ARGS=…' (or a gcloud '^@^ESPv2_ARGS=…' value)")
	f.StringVar(&o.fromFile, "from-file", "", "read flags from an args file (shell words) or a Kubernetes manifest")
	f.StringVar(&o.fromProxy, "from-proxy", "", "proxy the input flags are for: espv2 or esp (default: --proxy, or the input's image)")
	f.StringVar(&o.proxy, "proxy", "espv2", "proxy to emit flags for: espv2 or esp")
	f.StringVar(&o.format, "format", "args", "output: args, shell, docker, k8s, cloudrun, json, envoy, envoy-json")
	f.BoolVar(&o.derive, "derive", false, "derive methods and headers from SPEC (origins still come from you)")
	_ = cmd.RegisterFlagCompletionFunc("proxy", fixedCompletion("espv2", "esp"))
	_ = cmd.RegisterFlagCompletionFunc("from-proxy", fixedCompletion("espv2", "esp"))
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(func() []string {
		var s []string
		for _, f := range cors.Formats {
			s = append(s, string(f))
		}
		return s
	}()...))
	_ = cmd.RegisterFlagCompletionFunc("cors_preset", fixedCompletion("basic", "cors_with_regex"))
	return cmd
}

func parseProxy(flag, s string) (cors.Proxy, error) {
	switch s {
	case "espv2":
		return cors.ESPv2, nil
	case "esp":
		return cors.ESP, nil
	}
	return "", usageError("%s must be espv2 or esp, not %q", flag, s)
}

func runFlags(cmd *cobra.Command, env *Env, o *flagsOptions, args []string) error {
	stderr := cmd.ErrOrStderr()
	outProxy, err := parseProxy("--proxy", o.proxy)
	if err != nil {
		return err
	}
	fm, err := cors.ParseFormat(o.format)
	if err != nil {
		return usageError("--format: %v", err)
	}
	if o.derive && len(args) == 0 {
		return usageError("--derive needs a SPEC to derive methods and headers from")
	}

	// Inputs, in order: --from-* first, then our own --cors_* flags, which
	// therefore win (argparse keeps the last occurrence).
	var lists []cors.ArgList
	if o.fromArgs != "" {
		l, err := cors.ReadCommandLine(o.fromArgs)
		if err != nil {
			return inputError(fmt.Errorf("--from-args: %w", err))
		}
		lists = append(lists, l)
	}
	if o.fromEnv != "" {
		l, err := cors.ReadEnv(o.fromEnv)
		if err != nil {
			return inputError(fmt.Errorf("--from-env: %w", err))
		}
		lists = append(lists, l)
	}
	if o.fromFile != "" {
		data, err := os.ReadFile(o.fromFile)
		if err != nil {
			return inputError(fmt.Errorf("--from-file: %w", err))
		}
		l, err := cors.ReadArgsFile(o.fromFile, data)
		if err != nil {
			return inputError(fmt.Errorf("--from-file: %w", err))
		}
		lists = append(lists, l)
	}
	own := cors.ArgList{Name: "flags"}
	changed := func(name string) bool { return cmd.Flags().Changed(strings.TrimPrefix(name, "--")) }
	anyOwn := false
	for _, name := range cors.FlagNames {
		if !changed(name) {
			continue
		}
		anyOwn = true
		if name == cors.FlagAllowCredentials {
			if o.creds {
				own.Args = append(own.Args, cors.Arg{Text: name, Source: name})
			}
			continue
		}
		own.Args = append(own.Args, cors.Arg{Text: name + "=" + *o.cors[name], Source: name})
	}

	inProxy := outProxy
	if o.fromProxy != "" {
		if inProxy, err = parseProxy("--from-proxy", o.fromProxy); err != nil {
			return err
		}
	} else {
		for _, l := range lists {
			if p, ok := cors.ProxyFromImage(l.Image); ok {
				inProxy = p
			} else if l.Name == cors.SourceEnvESP {
				inProxy = cors.ESP
			}
		}
	}

	// An origin or regex given with our flags implies the preset, unless one
	// is given somewhere.
	pre := cors.ParseFlags(inProxy, append(append([]cors.ArgList(nil), lists...), own)...)
	if _, ok := pre.Last[cors.FlagPreset]; !ok {
		switch {
		case changed(cors.FlagAllowOriginRegex):
			own.Args = append([]cors.Arg{{Text: cors.FlagPreset + "=" + string(cors.PresetRegex), Source: cors.FlagAllowOriginRegex}}, own.Args...)
		case changed(cors.FlagAllowOrigin):
			own.Args = append([]cors.Arg{{Text: cors.FlagPreset + "=" + string(cors.PresetBasic), Source: cors.FlagAllowOrigin}}, own.Args...)
		}
	}
	all := append(lists, own)
	f := cors.ParseFlags(inProxy, all...)

	var docs []*spec.Document
	if len(args) == 1 {
		inputs, err := spec.Expand(cmd.Context(), args)
		if err != nil {
			return inputError(err)
		}
		for _, in := range inputs {
			doc, err := spec.Open(in, cmd.InOrStdin(), spec.Options{})
			if err != nil {
				return inputError(err)
			}
			docs = append(docs, doc)
		}
	}
	if len(lists) == 0 && !anyOwn && !o.derive {
		if len(docs) > 0 && cors.MergeNeeds(needsOf(docs)...).AllowCors {
			fmt.Fprintf(stderr, "note: %s sets allowCors: true (backend mode): the proxy sends preflights to the backend, which must answer CORS itself; no --cors_* flags are needed\n", docs[0].Name)
			return nil
		}
		return usageError("nothing to emit: give --cors_* flags, --from-args, --from-env or --from-file, or SPEC with --derive (see %q)", cmd.CommandPath()+" --help")
	}

	diags := rules.FlagDiagnostics(cors.Validate(f))
	policy := f.Policy()
	if changed(cors.FlagAllowCredentials) && !o.creds && policy.Preset != cors.PresetNone {
		policy.AllowCredentials = false
	}
	transformed := false
	if o.derive {
		needs := cors.MergeNeeds(needsOf(docs)...)
		base := policy
		if base.Preset == cors.PresetNone {
			base.AllowOrigin, base.AllowOriginRegex = "", ""
			if v := f.Last[cors.FlagAllowOrigin]; v != nil {
				base.AllowOrigin = v.Value
			}
			if v := f.Last[cors.FlagAllowOriginRegex]; v != nil {
				base.AllowOriginRegex = v.Value
			}
		}
		d, err := cors.Derive(needs, base)
		if err != nil {
			return usageError("--derive: %v", err)
		}
		// Lists the user gave explicitly win over derived ones.
		for name, dst := range map[string]*string{cors.FlagAllowMethods: &d.AllowMethods, cors.FlagAllowHeaders: &d.AllowHeaders, cors.FlagExposeHeaders: &d.ExposeHeaders} {
			if v := f.Last[name]; v != nil {
				*dst = v.Value
			}
		}
		policy, transformed = d, true
		diags = dropRule(diags, cors.RuleWithoutPreset)
	}
	out, notes := cors.Convert(policy, outProxy)
	if out.Proxy != policy.Proxy {
		transformed = true
		for _, n := range notes {
			fmt.Fprintf(stderr, "note: %s → %s: %s\n", policy.Proxy.Title(), outProxy.Title(), n)
		}
	}
	if transformed {
		// Validate what will actually be emitted, under the output proxy.
		var pass []string
		for _, a := range f.Passthrough {
			pass = append(pass, a.Text)
		}
		emitted := cors.ArgList{Name: "output"}
		for i, a := range append(pass, cors.FlagArgs(&out)...) {
			emitted.Args = append(emitted.Args, cors.Arg{Text: a, Index: i + 1, Source: "output"})
		}
		seen := map[string]bool{}
		for _, d := range diags {
			seen[d.RuleID] = true
		}
		for _, d := range rules.FlagDiagnostics(cors.Validate(cors.ParseFlags(outProxy, emitted))) {
			if !seen[d.RuleID] {
				diags = append(diags, d)
			}
		}
	}
	if len(docs) > 0 && (out.Preset == cors.PresetBasic || out.Preset == cors.PresetRegex) {
		var pos *cors.Flags
		if !transformed {
			pos = f
		}
		diags = append(diags, rules.CrossCheck(out, pos, docs, flagsDeployment)...)
	}
	diags = lint.Sort(diags)
	for _, d := range diags {
		fmt.Fprintf(stderr, "%s: %s: %s [%s]\n", format.Location(d), d.Severity, d.Message, d.RuleID)
	}
	if lint.MaxSeverity(diags) >= lint.Error {
		if out.Proxy == cors.ESP || inProxy == cors.ESP {
			return &ExitError{Code: ExitUsage, Err: errors.New("the flag set has errors (above): ESP would not handle CORS as intended, or ESPv2 would refuse to start")}
		}
		return &ExitError{Code: ExitUsage, Err: errors.New("ESPv2 would refuse to start with these flags (errors above)")}
	}
	if out.Preset == cors.PresetNone {
		fmt.Fprintf(stderr, "note: no --cors_preset: %s handles no CORS and ignores every other --cors_* flag\n", outProxy.Title())
	}
	opts := cors.EmitOptions{}
	for _, a := range f.Passthrough {
		opts.Passthrough = append(opts.Passthrough, a.Text)
	}
	if len(docs) > 0 {
		opts.Service, _ = docs[0].Host()
	}
	text, err := cors.Emit(&out, fm, opts)
	if err != nil {
		return usageError("%v", err)
	}
	_, err = io.WriteString(cmd.OutOrStdout(), text)
	return err
}

// flagsDeployment is where flags assumes the specs are deployed: Cloud
// Endpoints, whose service name is the spec's host.
var flagsDeployment = spec.Deployment{}

func needsOf(docs []*spec.Document) []cors.SpecNeeds {
	var out []cors.SpecNeeds
	for _, d := range docs {
		out = append(out, cors.Needs(d, flagsDeployment))
	}
	return out
}

func dropRule(ds []lint.Diagnostic, id string) []lint.Diagnostic {
	out := ds[:0]
	for _, d := range ds {
		if d.RuleID != id {
			out = append(out, d)
		}
	}
	return out
}
