package format

import (
	"encoding/json"
	"io"

	"github.com/corsgate/corsgate/lint"
)

// JSONReport is the stable schema of --format json (version 1). New fields
// may be added; existing ones keep their names and meaning.
type JSONReport struct {
	Version int         `json:"version"`
	Tool    string      `json:"tool"`
	Files   []string    `json:"files"` // the files read and linted
	Summary JSONSummary `json:"summary"`
	// Failures are the inputs that could not be read (and were not
	// linted); the report is clean only when this list is empty too.
	Failures    []Failure         `json:"failures"`
	Diagnostics []lint.Diagnostic `json:"diagnostics"`
}

// JSONSummary counts diagnostics by severity, and the inputs that could not
// be read.
type JSONSummary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
	Failures int `json:"failures"`
}

func printJSON(w io.Writer, ds []lint.Diagnostic, o Options) error {
	e, wn, in := lint.Counts(ds)
	r := JSONReport{Version: 1, Tool: "corsgate", Files: o.Files, Failures: o.Failures, Diagnostics: ds,
		Summary: JSONSummary{Errors: e, Warnings: wn, Infos: in, Failures: len(o.Failures)}}
	if r.Files == nil {
		r.Files = []string{}
	}
	if r.Failures == nil {
		r.Failures = []Failure{}
	}
	if r.Diagnostics == nil {
		r.Diagnostics = []lint.Diagnostic{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
