// Package cli holds the cobra commands: one file per command, flag parsing
// only; the work is done by the library packages. Only this package exits or
// imports cobra.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"

	"github.com/spf13/cobra"
)

// Env is what a run of the CLI gets from the process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Version, Commit and Date come from release ldflags; empty values fall
	// back to the module build info.
	Version, Commit, Date string
	// Getenv reads environment variables (os.Getenv when nil).
	Getenv func(string) string
	// Context, when set, replaces the default, which SIGINT and SIGTERM
	// cancel (tests).
	Context context.Context
}

func (e *Env) getenv(k string) string {
	if e.Getenv != nil {
		return e.Getenv(k)
	}
	return os.Getenv(k)
}

// commandFactories is filled by each command file's init, so adding a command
// never touches this file.
var commandFactories []func(*Env) *cobra.Command

func register(f func(*Env) *cobra.Command) { commandFactories = append(commandFactories, f) }

// Main runs the CLI and returns the process exit code.
func Main(args []string, env Env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(env.Stderr, "corsgate: internal error: %v\n%s", r, debug.Stack())
			code = ExitInput
		}
	}()
	root := newRoot(&env)
	root.SetArgs(args)
	ctx := env.Context
	if ctx == nil {
		var stop func()
		ctx, stop = signalContext()
		defer stop()
	}
	err := root.ExecuteContext(ctx)
	if err != nil {
		if e, ok := err.(*ExitError); !ok || e.Err != nil {
			fmt.Fprintf(env.Stderr, "corsgate: %v\n", err)
		}
	}
	return exitCode(err)
}

func newRoot(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "corsgate",
		Short: "Keep Cloud Endpoints / API Gateway specs and ESP/ESPv2 CORS flags correct",
		Long: `corsgate checks Swagger 2.0 specs for Google Cloud Endpoints and API Gateway, and the
CORS configuration of the ESP / ESPv2 proxies in front of them, before deploy.

The classic silent failure: x-google-endpoints[].allowCors only takes effect when that
entry's name equals host exactly; otherwise ESP and ESPv2 ignore it without a word, and
the browser just says "CORS error". corsgate finds that and everything Service Management
or ESPv2 would reject, with file:line:col and a stable rule ID.`,
		Example: `  # lint a spec (exit 1 on errors)
  corsgate lint openapi.yaml

  # lint every spec under a directory, SARIF for GitHub code scanning
  corsgate lint --format sarif api/ > corsgate.sarif

  # list the rules, then read one
  corsgate rules
  corsgate rules endpoints-name-matches-host`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w (see %q)", err, c.CommandPath()+" --help")}
	})
	cmds := make([]*cobra.Command, 0, len(commandFactories))
	for _, f := range commandFactories {
		cmds = append(cmds, f(env))
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name() < cmds[j].Name() })
	root.AddCommand(cmds...)
	return root
}
