package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/corsgate/corsgate/internal/probe"
)

// printProbeGitHub writes one GitHub Actions annotation per finding, on the
// spec operation when there is one, and one per exchange that got no
// answer.
func printProbeGitHub(w io.Writer, r *probe.Report) error {
	bw := bufio.NewWriter(w)
	for _, res := range r.Results {
		var props []string
		if res.File != "" {
			props = append(props, "file="+escapeProperty(res.File))
			if res.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", res.Line), fmt.Sprintf("col=%d", res.Column))
			}
		}
		if res.Error != "" {
			p := append(props[:len(props):len(props)], "title="+escapeProperty("corsgate probe: no answer"))
			fmt.Fprintf(bw, "::error %s::%s\n", strings.Join(p, ","), escapeData(exchangeName(res)+": "+res.Error))
		}
		for _, f := range res.Findings {
			level := "notice"
			switch levelName(f.Severity) {
			case "error":
				level = "error"
			case "warning":
				level = "warning"
			}
			p := append(props[:len(props):len(props)], "title="+escapeProperty("corsgate "+f.Code))
			fmt.Fprintf(bw, "::%s %s::%s\n", level, strings.Join(p, ","), escapeData(exchangeName(res)+": "+f.Message+" ["+f.Code+"]"))
		}
	}
	return bw.Flush()
}
