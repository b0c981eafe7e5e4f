package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/corsgate/corsgate/internal/hugeheap"
	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/yamledit"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/transform"
	"github.com/spf13/cobra"
)

func init() { register(newTransformCmd) }

type transformOptions struct {
	write, diff, check bool
	maxSize            int64
	remove             bool
	from               string
	allowOrigin        string
	noHugePages        bool
	serviceName        string
	target             string

	// skipNonSpecs is --skip-non-specs (pre-commit hooks pass every changed file).
	skipNonSpecs bool
}

const transformExitHelp = `Exit codes:
  0    done (with --check: no file would change)
  1    --check: at least one file would change
  2    usage error, or a file the transform refuses to rewrite (no host, a layout it
       cannot edit without touching other lines)
  3    a file could not be read, parsed or written
  130  interrupted by Ctrl-C (SIGINT); 143 stopped by SIGTERM. A file being rewritten
       with -w is either rewritten whole or left as it was.`

func newTransformCmd(env *Env) *cobra.Command {
	o := &transformOptions{}
	cmd := &cobra.Command{
		Use:   "transform NAME [ARG] FILE...",
		Short: "Rewrite specs by command, changing only the bytes that must change",
		Long: `Transform edits Swagger specs with the smallest possible change: comments, blank lines,
key order, quoting, indentation, flow or block style, anchors, CRLF line endings, a BOM and a
missing final newline all stay as they are. Inserted text follows the file's own style.

The result goes to standard output unless -w rewrites the files in place (a temporary file
in the same directory renamed over the original, keeping its mode; a symlink's target is
rewritten). --diff prints a unified diff instead; --check prints nothing and exits 1 if any
file would change. FILE may be - for standard input.

` + transformExitHelp,
		Example: `  # make allowCors really take effect (name = host, allowCors: true), in place
  corsgate transform allow-cors on -w openapi.yaml

  # see what would change
  corsgate transform allow-cors on --diff openapi.yaml

  # CI: fail when a spec is not in the expected state
  corsgate transform sync-name --check api/*.yaml

  # let ESPv2 answer preflights instead of the backend, and print the flags to add
  corsgate transform cors-mode proxy --allow-origin https://app.example.com -w openapi.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError("transform needs a NAME: %s (see \"corsgate transform --help\")", strings.Join(transformNames(), ", "))
		},
	}
	pf := cmd.PersistentFlags()
	pf.BoolVarP(&o.write, "write", "w", false, "rewrite the files in place")
	pf.BoolVar(&o.diff, "diff", false, "print a unified diff instead of the rewritten file")
	pf.BoolVar(&o.check, "check", false, "print nothing; exit 1 if any file would change")
	pf.BoolVar(&o.skipNonSpecs, "skip-non-specs", false, skipNonSpecsHelp)
	pf.Int64Var(&o.maxSize, "max-size", spec.DefaultMaxSize, "largest spec file accepted, in bytes")
	pf.StringVar(&o.serviceName, "service-name", "", "the service config name endpoint entries must carry (default: host); on API Gateway the managed service, API_ID-HASH.apigateway.PROJECT_ID.cloud.goog")
	pf.StringVar(&o.target, "target", "", "product profile: endpoints-espv2 (default), endpoints-esp or api-gateway (on API Gateway the service name is not host: give --service-name)")
	_ = cmd.RegisterFlagCompletionFunc("target", fixedCompletion("endpoints-espv2", "endpoints-esp", "api-gateway"))
	pf.BoolVar(&o.noHugePages, "no-huge-pages", false, "do not ask Linux for huge pages for a large load (for comparison)")
	_ = pf.MarkHidden("no-huge-pages")

	for _, t := range transform.All() {
		cmd.AddCommand(newTransformSubcommand(env, o, t))
	}
	return cmd
}

func transformNames() []string {
	var out []string
	for _, t := range transform.All() {
		out = append(out, t.Name)
	}
	return out
}

// transformExamples are the Example lines of each transform's command.
var transformExamples = map[string]string{
	"allow-cors": `  corsgate transform allow-cors on -w openapi.yaml
  corsgate transform allow-cors off --remove -w openapi.yaml
  cat openapi.json | corsgate transform allow-cors on - > out.json`,
	"sync-name": `  corsgate transform sync-name -w openapi.yaml
  corsgate transform sync-name --from name --diff openapi.yaml

  # API Gateway: the entry must name the gateway's managed service
  corsgate transform sync-name --service-name orders-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog -w openapi.yaml`,
	"cors-mode": `  corsgate transform cors-mode backend -w openapi.yaml
  corsgate transform cors-mode proxy --allow-origin https://app.example.com -w openapi.yaml`,
	"allow-cors-boolean":  `  corsgate transform allow-cors-boolean -w openapi.yaml`,
	"allow-cors-spelling": `  corsgate transform allow-cors-spelling --check api/`,
}

func newTransformSubcommand(env *Env, o *transformOptions, t transform.Transform) *cobra.Command {
	use := t.Name + " FILE..."
	if len(t.Args) > 0 {
		use = t.Name + " " + strings.Join(t.Args, "|") + " FILE..."
	}
	long := t.Short
	if t.Fixes != "" {
		long += "\n\nThis is the safe fix of lint rule " + t.Fixes + " (used by corsgate lint --fix)."
	}
	sub := &cobra.Command{
		Use:     use,
		Short:   t.Short,
		Long:    long + "\n\n" + transformExitHelp,
		Example: transformExamples[t.Name],
		RunE: func(cmd *cobra.Command, args []string) error {
			target, err := lint.ParseTarget(o.target)
			if err != nil {
				return usageError("--target: %v", err)
			}
			opts := transform.Options{Remove: o.remove, From: o.from, AllowOrigin: o.allowOrigin, Deployment: target.Deployment(o.serviceName)}
			if len(t.Args) > 0 {
				if len(args) == 0 {
					return usageError("%s needs %s and at least one FILE", t.Name, strings.Join(t.Args, " or "))
				}
				opts.Arg = args[0]
				args = args[1:]
				ok := false
				for _, a := range t.Args {
					ok = ok || a == opts.Arg
				}
				if !ok {
					return usageError("%s takes %s, not %q", t.Name, strings.Join(t.Args, " or "), opts.Arg)
				}
			}
			if len(args) == 0 {
				return usageError("%s needs at least one FILE (or - for standard input)", t.Name)
			}
			if o.from != "" && o.from != "host" && o.from != "name" {
				return usageError("--from must be host or name, not %q", o.from)
			}
			if o.check && (o.write || o.diff) {
				return usageError("--check cannot be combined with --write or --diff")
			}
			return interruptible(cmd, func() error { return runTransform(cmd, o, t, opts, args) })
		},
	}
	f := sub.Flags()
	switch t.Name {
	case "allow-cors":
		f.BoolVar(&o.remove, "remove", false, "with off: remove the allowCors key instead of writing false (and an entry left with only its name)")
	case "cors-mode":
		f.BoolVar(&o.remove, "remove", false, "with proxy: remove the allowCors key instead of writing false")
		f.StringVar(&o.allowOrigin, "allow-origin", "", "with proxy: the origin for --cors_allow_origin in the printed flags (default *)")
	case "sync-name":
		f.StringVar(&o.from, "from", "host", "source of truth: host (set the endpoint name) or name (set host)")
		_ = sub.RegisterFlagCompletionFunc("from", fixedCompletion("host", "name"))
	}
	if len(t.Args) > 0 {
		sub.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return t.Args, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveDefault
		}
	}
	return sub
}

// runTransform applies t to every file. A failure on one file is reported
// and the others are still processed; the exit code is the worst outcome.
func runTransform(cmd *cobra.Command, o *transformOptions, t transform.Transform, opts transform.Options, args []string) error {
	if o.skipNonSpecs {
		var err error
		if args, err = specArgs(cmd.Context(), args); err != nil {
			return err
		}
	}
	inputs, err := spec.Expand(cmd.Context(), args)
	if err != nil {
		return usageError("%v", err)
	}
	if !o.noHugePages {
		hugeheap.Prepare(expectedHeap(inputs, o.maxSize, false))
	}
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	worst := ExitOK
	fail := func(code int, err error) {
		fmt.Fprintf(stderr, "corsgate: %v\n", err)
		worst = max(worst, code)
	}
	changed := false
	var notes []string
	stdinUsed := false
	for _, in := range inputs {
		if err := cmd.Context().Err(); err != nil {
			return err
		}
		if in.Path == "" {
			if stdinUsed {
				continue
			}
			stdinUsed = true
			if o.write {
				fail(ExitUsage, errors.New("-w cannot rewrite standard input; leave out -w to write the result to standard output"))
				continue
			}
		}
		src, err := spec.Read(in, cmd.InOrStdin(), o.maxSize)
		if err != nil {
			fail(ExitInput, err)
			continue
		}
		doc, err := spec.Parse(in.Name, src, spec.Options{MaxSize: o.maxSize})
		if err != nil {
			fail(ExitInput, fmt.Errorf("%w (transform rewrites only specs that load)", err))
			continue
		}
		res, err := t.Run(doc, opts)
		if err != nil {
			code := ExitInput
			if errors.Is(err, transform.ErrNoHost) || errors.Is(err, transform.ErrRefused) {
				code = ExitUsage
			}
			fail(code, err)
			continue
		}
		notes = appendNew(notes, res.Notes...)
		changed = changed || res.Changed
		switch {
		case o.check:
			// Nothing printed; the exit code tells.
		case o.diff || o.write:
			if o.diff && res.Changed {
				name := strings.TrimPrefix(in.Name, "./")
				io.WriteString(stdout, yamledit.Unified("a/"+name, "b/"+name, src, res.Out))
			}
			if o.write && res.Changed {
				if err := replaceFile(cmd.Context(), in.Path, src, res.Out); err != nil {
					fail(ExitInput, err)
				}
			}
		default:
			stdout.Write(res.Out)
		}
	}
	if len(notes) > 0 && !o.check {
		for _, n := range notes {
			fmt.Fprintln(stderr, n)
		}
	}
	if worst != ExitOK {
		return silentExit(worst)
	}
	if o.check && changed {
		return silentExit(ExitFindings)
	}
	return nil
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		dup := false
		for _, x := range list {
			dup = dup || x == it
		}
		if !dup {
			list = append(list, it)
		}
	}
	return list
}
