package format

import (
	"encoding/json"
	"io"

	"github.com/corsgate/corsgate/internal/probe"
)

// checkerDocURL is where every finding code is explained.
const checkerDocURL = "https://github.com/corsgate/corsgate/blob/main/docs/checker.md"

// printProbeSARIF writes a SARIF 2.1.0 log: one rule per finding code the
// report holds, one result per finding, located on the spec operation when
// there is one (else on the URL probed). Exchanges that got no answer are
// left to the exit code and the other formats: SARIF results are findings.
func printProbeSARIF(w io.Writer, r *probe.Report, o ProbeOptions) error {
	driver := sarifDriver{Name: "corsgate", InformationURI: "https://github.com/corsgate/corsgate", Version: o.Version, Rules: []sarifRule{}}
	index := map[string]int{}
	for _, g := range groupFindingsByCode(r) {
		doc := probe.CodeDocs[g.code]
		if doc == "" {
			doc = g.code
		}
		index[g.code] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule{
			ID: g.code, Name: g.code,
			ShortDescription:     sarifText{Text: doc},
			FullDescription:      sarifText{Text: doc + " See " + checkerDocURL + "."},
			Help:                 sarifText{Text: doc + "\n\n" + checkerDocURL, Markdown: "**" + g.code + "**: " + doc + "\n\n[docs/checker.md](" + checkerDocURL + ")"},
			DefaultConfiguration: sarifRuleLevel{Level: sarifLevel(g.level)},
			Properties:           sarifRuleProps{Tags: []string{"cors", "probe"}},
		})
	}
	results := []sarifResult{}
	for _, res := range r.Results {
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: sarifURI(res.File)}}}
		if res.File == "" {
			loc.PhysicalLocation.ArtifactLocation.URI = r.Target + res.Path
		} else if res.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: res.Line, StartColumn: res.Column}
		}
		for _, f := range res.Findings {
			results = append(results, sarifResult{
				RuleID: f.Code, RuleIndex: index[f.Code], Level: sarifLevel(probe.Level(f.Severity)),
				Message:   sarifText{Text: exchangeName(res) + ": " + f.Message},
				Locations: []sarifLocation{loc},
			})
		}
	}
	// An exchange that got no answer makes the run unsuccessful, as an
	// unread file does for lint.
	inv := sarifInvocation{ExecutionSuccessful: !r.Incomplete()}
	for _, res := range r.Results {
		if res.Error != "" {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level:     "error",
				Message:   sarifText{Text: exchangeName(res) + ": no answer: " + res.Error},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: r.Target + res.Path}}}},
			})
		}
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

// groupFindingsByCode is groupFindings in code order (rule order).
func groupFindingsByCode(r *probe.Report) []*codeGroup {
	gs := groupFindings(r)
	sortGroupsByCode(gs)
	return gs
}
