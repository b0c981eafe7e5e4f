package cli

import (
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
	"github.com/spf13/cobra"
)

// lintProxyFlags checks proxy flags given to lint; wired to the cors package
// once its flag validation lands.
func lintProxyFlags(o *lintOptions, docs []*spec.Document, cfg *lint.Config) ([]lint.Diagnostic, error) {
	if o.proxyArgs == "" && o.proxyFile == "" && o.cloudRunEnv == "" {
		return nil, nil
	}
	return nil, usageError("--proxy-args, --proxy-args-file and --cloudrun-env are not available in this build")
}

// runFixes applies safe fixes; wired to package transform once it lands.
func runFixes(cmd *cobra.Command, docs []*spec.Document, ds []lint.Diagnostic, spelling bool) ([]lint.Diagnostic, error) {
	return ds, usageError("--fix is not available in this build")
}
