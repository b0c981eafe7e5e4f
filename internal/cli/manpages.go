package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// WriteManPages writes a section-1 man page for corsgate and each of its
// commands (hidden ones left out) into dir, for the release archives. The
// page header carries version and date, so a rebuild at the same commit
// makes the same pages.
func WriteManPages(dir, version string, date time.Time) error {
	root := newRoot(&Env{Stdin: eofReader{}, Stdout: io.Discard, Stderr: io.Discard})
	root.DisableAutoGenTag = true
	manMarkdown(root)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	header := &doc.GenManHeader{Title: "CORSGATE", Section: "1", Source: "corsgate " + version, Manual: "corsgate manual", Date: &date}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("man pages in %s: %w", dir, err)
	}
	return nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// manMarkdown rewrites the plain-text Long help of c and its subcommands as
// the Markdown the man page generator expects: indented runs of lines become
// code blocks (kept as laid out), and in the other lines the characters
// Markdown would read as markup (<stdin>, x-google-*, \d) are escaped.
func manMarkdown(c *cobra.Command) {
	var b strings.Builder
	inCode := false
	for _, line := range strings.Split(c.Long, "\n") {
		indented := strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "\t")
		switch {
		case indented && !inCode:
			b.WriteString("```\n")
			inCode = true
		case !indented && inCode && strings.TrimSpace(line) != "":
			b.WriteString("```\n")
			inCode = false
		}
		if inCode {
			b.WriteString(line + "\n")
			continue
		}
		b.WriteString(markdownEscaper.Replace(line) + "\n")
	}
	if inCode {
		b.WriteString("```\n")
	}
	c.Long = strings.TrimSuffix(b.String(), "\n")
	for _, sub := range c.Commands() {
		manMarkdown(sub)
	}
}

var markdownEscaper = strings.NewReplacer(`\`, `\\`, "<", `\<`, ">", `\>`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`)
