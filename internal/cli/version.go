package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func init() { register(newVersionCmd) }

func newVersionCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print version, commit and build date",
		Example: "  corsgate version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, c, d := versionInfo(env)
			fmt.Fprintf(cmd.OutOrStdout(), "corsgate %s\ncommit: %s\nbuilt: %s\ngo: %s\n", v, c, d, runtime.Version())
			return nil
		},
	}
}

// readBuildInfo is debug.ReadBuildInfo; tests replace it to check each way a
// binary can be built.
var readBuildInfo = debug.ReadBuildInfo

// versionInfo prefers ldflags values (release builds) and falls back to the
// module build info: `go install …@vX.Y.Z` records the module version, a build
// in a checkout records the VCS revision and time (and, since Go 1.24, a
// pseudo-version).
func versionInfo(env *Env) (version, commit, date string) {
	version, commit, date = env.Version, env.Commit, env.Date
	if bi, ok := readBuildInfo(); ok {
		if version == "" && bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if commit == "" {
					commit = s.Value
				}
			case "vcs.time":
				if date == "" {
					date = s.Value
				}
			}
		}
	}
	if version == "" {
		version = "(devel)"
	}
	if commit == "" {
		commit = "unknown"
	}
	if date == "" {
		date = "unknown"
	}
	return
}
