package cli

import (
	"fmt"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/spf13/cobra"
)

// lintProxyFlags checks the proxy flags given to lint (--proxy-args,
// --proxy-args-file, --cloudrun-env) and cross-checks them with the specs.
// The error is for an unreadable input.
func lintProxyFlags(o *lintOptions, docs []*spec.Document, cfg *lint.Config) ([]lint.Diagnostic, error) {
	if o.proxyArgs == "" && o.proxyFile == "" && o.cloudRunEnv == "" {
		return nil, nil
	}
	ds, err := rules.LintFlags(rules.FlagSource{Args: o.proxyArgs, ArgsFile: o.proxyFile, CloudRunEnv: o.cloudRunEnv, Proxy: cors.Proxy(o.proxy)}, docs, cfg)
	if err != nil {
		return ds, fmt.Errorf("proxy flags: %w", err)
	}
	return ds, nil
}

// runFixes is lint --fix: it applies the safe fixes (named transforms) and
// returns what remains to report.
func runFixes(cmd *cobra.Command, docs []*spec.Document, ds []lint.Diagnostic, spelling bool) ([]lint.Diagnostic, error) {
	return applyFixes(cmd, docs, ds, spelling)
}
