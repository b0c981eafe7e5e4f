package format

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/corsgate/corsgate/lint"
)

// SARIF 2.1.0 as GitHub code scanning accepts it: tool.driver.rules with help
// text, results with ruleId, ruleIndex, level and a physicalLocation region,
// and one invocation that is unsuccessful when an input could not be read.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	ColumnKind  string            `json:"columnKind"`
	Results     []sarifResult     `json:"results"`
}

// sarifInvocation says whether the run did all its work: it did not when an
// input could not be read, and a notification names each such input.
type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifRuleLevel `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifRuleLevel struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "note"
}

func sarifURI(file string) string {
	if file == "" || strings.HasPrefix(file, "<") {
		return strings.Trim(file, "<>")
	}
	p := filepath.ToSlash(file)
	p = strings.TrimPrefix(p, "./")
	return (&url.URL{Path: p}).EscapedPath()
}

func printSARIF(w io.Writer, ds []lint.Diagnostic, o Options) error {
	index := map[string]int{}
	driver := sarifDriver{Name: "corsgate", InformationURI: "https://github.com/corsgate/corsgate", Version: o.Version, Rules: []sarifRule{}}
	addRule := func(r *lint.Rule) {
		if _, ok := index[r.ID]; ok {
			return
		}
		index[r.ID] = len(driver.Rules)
		help := r.Doc
		md := "**" + r.ID + "**: " + r.Doc
		if r.Details != "" {
			help += "\n\n" + r.Details
			md += "\n\n" + r.Details
		}
		if r.Bad != "" {
			help += "\n\nBad:\n" + r.Bad
			md += "\n\nBad:\n```yaml\n" + strings.TrimRight(r.Bad, "\n") + "\n```"
		}
		if r.Good != "" {
			help += "\n\nGood:\n" + r.Good
			md += "\n\nGood:\n```yaml\n" + strings.TrimRight(r.Good, "\n") + "\n```"
		}
		if src := r.SourceText(); src != "" {
			help += "\n\nMirrors: " + src
			md += "\n\nMirrors: " + src
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.ID, Name: r.ID,
			ShortDescription:     sarifText{Text: r.Doc},
			FullDescription:      sarifText{Text: strings.TrimSpace(r.Doc + " " + r.Details)},
			Help:                 sarifText{Text: help, Markdown: md},
			HelpURI:              r.DocURL(),
			DefaultConfiguration: sarifRuleLevel{Level: sarifLevel(r.Severity)},
			Properties:           sarifRuleProps{Tags: []string{string(r.Category)}},
		})
	}
	for _, r := range o.Rules {
		addRule(r)
	}
	results := make([]sarifResult, 0, len(ds))
	for _, d := range ds {
		if _, ok := index[d.RuleID]; !ok {
			addRule(&lint.Rule{ID: d.RuleID, Doc: d.RuleID, Severity: d.Severity, Category: "unknown"})
		}
		msg := d.Message
		if d.Arg > 0 {
			msg = "argument " + itoa(d.Arg) + ": " + msg
		}
		res := sarifResult{RuleID: d.RuleID, RuleIndex: index[d.RuleID], Level: sarifLevel(d.Severity), Message: sarifText{Text: msg}}
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: sarifURI(d.File)}}}
		if d.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: d.Line, StartColumn: d.Column}
		}
		res.Locations = []sarifLocation{loc}
		results = append(results, res)
	}
	inv := sarifInvocation{ExecutionSuccessful: len(o.Failures) == 0}
	for _, f := range o.Failures {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level:     "error",
			Message:   sarifText{Text: f.File + ": cannot read: " + f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: sarifURI(f.File)}}}},
		})
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{Tool: sarifTool{Driver: driver}, Invocations: []sarifInvocation{inv},
			ColumnKind: "unicodeCodePoints", Results: results}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
