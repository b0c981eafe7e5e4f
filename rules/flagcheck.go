package rules

import (
	"fmt"
	"os"
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

// FlagSource names the proxy flag inputs of a lint run.
type FlagSource struct {
	// Args is a command line (shell words): plain flags, a docker run line
	// or a gcloud run deploy line (--proxy-args).
	Args string
	// ArgsFile is an args file or Kubernetes manifest (--proxy-args-file).
	ArgsFile string
	// CloudRunEnv is an ESPv2_ARGS=… assignment, optionally in gcloud's
	// ^DELIM^ form (--cloudrun-env).
	CloudRunEnv string
	// Proxy whose rules apply; "" means from the image of a docker line or
	// manifest, else from the target (ESP for endpoints-esp, else ESPv2).
	Proxy cors.Proxy
}

// Read reads every non-empty input. Each becomes its own ArgList: they are
// different deployments, checked separately. The error is for input that
// cannot be read.
func (in FlagSource) Read() ([]cors.ArgList, error) {
	var out []cors.ArgList
	if strings.TrimSpace(in.Args) != "" {
		l, err := cors.ReadCommandLine(in.Args)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if in.ArgsFile != "" {
		data, err := os.ReadFile(in.ArgsFile)
		if err != nil {
			return nil, fmt.Errorf("reading proxy args file: %w", err)
		}
		l, err := cors.ReadArgsFile(in.ArgsFile, data)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if in.CloudRunEnv != "" {
		l, err := cors.ReadEnv(in.CloudRunEnv)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// proxyFor picks the proxy whose semantics apply to one list.
func (in FlagSource) proxyFor(l cors.ArgList, target lint.Target) cors.Proxy {
	if in.Proxy != "" {
		return in.Proxy
	}
	if p, ok := cors.ProxyFromImage(l.Image); ok {
		return p
	}
	if l.Name == cors.SourceEnvESP || target == lint.TargetESP {
		return cors.ESP
	}
	return cors.ESPv2
}

// LintFlags reads the proxy flag inputs, validates each flag set the way
// the proxy will treat it (cors.Validate) and cross-checks it with the
// specs (CrossCheck). Target and service name come from cfg (nil: the
// defaults). Findings about flags have the input as their File (file name,
// "command line", "ESPv2_ARGS") with line:col for files and the argument
// index for command lines and ESPv2_ARGS; cross-check findings about the
// spec point into the spec. The error is for unreadable input only.
func LintFlags(in FlagSource, docs []*spec.Document, cfg *lint.Config) ([]lint.Diagnostic, error) {
	lists, err := in.Read()
	if err != nil {
		return nil, err
	}
	target, serviceName := lint.TargetESPv2, ""
	if cfg != nil {
		if cfg.Target != "" {
			target = cfg.Target
		}
		serviceName = cfg.ServiceName
	}
	deployment := target.Deployment(serviceName)
	var out []lint.Diagnostic
	for _, l := range lists {
		f := cors.ParseFlags(in.proxyFor(l, target), l)
		found := append(FlagDiagnostics(cors.Validate(f)), CrossCheck(f.Policy(), f, docs, deployment)...)
		for _, d := range found {
			if d.File == "" {
				d.File = l.Name
			}
			out = append(out, d)
		}
	}
	return lint.Sort(out), nil
}

// FlagDiagnostics turns the findings of the flag readers and cors.Validate
// into diagnostics with each rule's registered severity (info for findings
// marked informational): the file is the argument's source, Line and Column
// its file position, Arg its index.
func FlagDiagnostics(fs []cors.FlagFinding) []lint.Diagnostic {
	out := make([]lint.Diagnostic, 0, len(fs))
	for _, f := range fs {
		sev := lint.Warning // an unregistered ID is caught by TestFlagRuleIDsRegistered
		if r, ok := ByID(f.RuleID); ok {
			sev = r.Severity
		}
		if f.Info {
			sev = lint.Info
		}
		out = append(out, lint.Diagnostic{RuleID: f.RuleID, Severity: sev, Message: f.Message,
			File: f.Arg.Source, Line: f.Arg.Line, Column: f.Arg.Column, Arg: f.Arg.Index})
	}
	return out
}
