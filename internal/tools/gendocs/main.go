// Command gendocs writes what the release archives ship besides the binary:
// shell completions (corsgate completion SHELL) and man pages (cobra's doc
// generator). goreleaser runs it as a before hook (.goreleaser.yaml):
//
//	go run ./internal/tools/gendocs -out build -version 1.2.3 -date 2026-11-25T10:00:00Z
//
// writes build/completions/corsgate.{bash,zsh,fish,ps1} and build/man/*.1.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/corsgate/corsgate/internal/cli"
)

func main() {
	out := flag.String("out", "build", "output directory")
	version := flag.String("version", "dev", "version named in the man pages")
	date := flag.String("date", "", "date of the man pages, RFC 3339 (default: the commit date goreleaser passes, else now)")
	flag.Parse()
	if err := run(*out, *version, *date); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

// shells maps each shell corsgate completes to its script's file name.
var shells = map[string]string{"bash": "corsgate.bash", "zsh": "_corsgate", "fish": "corsgate.fish", "powershell": "corsgate.ps1"}

func run(out, version, date string) error {
	when := time.Now().UTC()
	if date != "" {
		t, err := time.Parse(time.RFC3339, date)
		if err != nil {
			return fmt.Errorf("-date: %w", err)
		}
		// goreleaser passes the zero time when it has no git information
		// (a snapshot in a clone without a remote): keep now then.
		if !t.IsZero() {
			when = t.UTC()
		}
	}
	// Start empty, so a page of a removed command does not linger.
	for _, sub := range []string{"completions", "man"} {
		if err := os.RemoveAll(filepath.Join(out, sub)); err != nil {
			return err
		}
	}
	dir := filepath.Join(out, "completions")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for shell, name := range shells {
		var stdout, stderr bytes.Buffer
		code := cli.Main([]string{"completion", shell}, cli.Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Context: context.Background()})
		if code != 0 || stdout.Len() == 0 {
			return fmt.Errorf("corsgate completion %s: exit %d: %s", shell, code, stderr.String())
		}
		if err := os.WriteFile(filepath.Join(dir, name), stdout.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return cli.WriteManPages(filepath.Join(out, "man"), version, when)
}
