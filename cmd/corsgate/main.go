// Command corsgate checks Swagger 2.0 specs and ESP / ESPv2 CORS flags for
// Google Cloud Endpoints and API Gateway. See README.md.
package main

import (
	"os"

	"github.com/corsgate/corsgate/internal/cli"
)

// Set by the release build with -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var (
	version = ""
	commit  = ""
	date    = ""
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Version: version, Commit: commit, Date: date,
	}))
}
