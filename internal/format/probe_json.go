package format

import (
	"encoding/json"
	"io"

	"github.com/corsgate/corsgate/internal/probe"
)

// printProbeJSON writes the report as its versioned JSON schema
// (probe.ReportVersion; README documents it).
func printProbeJSON(w io.Writer, r *probe.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
