package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/spf13/cobra"
)

func init() { register(newRulesCmd) }

func newRulesCmd(env *Env) *cobra.Command {
	var outFormat string
	cmd := &cobra.Command{
		Use:   "rules [RULE-ID]",
		Short: "List the lint rules, or print one rule's documentation",
		Long: `Rules lists every lint rule with its default severity, category and one-line doc.
With a rule ID it prints the rule's full documentation: why it matters, a bad and a good
example, the upstream behaviour it mirrors, and the fix command when there is one.

Rule IDs are stable: an ID never changes meaning. Use them in .corsgate.yaml
(rules: {ID: off|info|warning|error}) and in "# corsgate:ignore ID" comments.`,
		Example: `  corsgate rules
  corsgate rules endpoints-name-matches-host
  corsgate rules --format json
  corsgate rules --format markdown   # the table in README.md`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			var ids []string
			for _, r := range rules.All() {
				ids = append(ids, r.ID+"\t"+r.Doc)
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			if len(args) == 1 {
				r, ok := rules.ByID(args[0])
				if !ok {
					ids := make([]string, 0)
					for _, r := range rules.All() {
						ids = append(ids, r.ID)
					}
					msg := fmt.Sprintf("no rule %q", args[0])
					if s := lint.Suggest(args[0], ids); s != "" {
						msg += fmt.Sprintf("; did you mean %q?", s)
					}
					return usageError("%s (\"corsgate rules\" lists them)", msg)
				}
				return printRuleDoc(w, r, outFormat)
			}
			switch outFormat {
			case "text", "":
				return printRuleList(w, rules.All())
			case "json":
				return printRulesJSON(w, rules.All())
			case "markdown", "md":
				_, err := io.WriteString(w, RulesMarkdown(rules.All()))
				return err
			}
			return usageError("--format must be text, json or markdown, not %q", outFormat)
		},
	}
	cmd.Flags().StringVarP(&outFormat, "format", "f", "text", "text, json or markdown")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion("text", "json", "markdown"))
	return cmd
}

func printRuleList(w io.Writer, rs []*lint.Rule) error {
	bw := bufio.NewWriter(w)
	width := 0
	for _, r := range rs {
		width = max(width, len(r.ID))
	}
	for _, r := range rs {
		fmt.Fprintf(bw, "%-*s  %-7s  %-10s  %s\n", width, r.ID, r.Severity, r.Category, r.Doc)
	}
	fmt.Fprintf(bw, "\n%d rules. \"corsgate rules ID\" prints one rule's documentation.\n", len(rs))
	return bw.Flush()
}

func printRuleDoc(w io.Writer, r *lint.Rule, outFormat string) error {
	if outFormat == "json" {
		return printRulesJSON(w, []*lint.Rule{r})
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s", r.ID)
	fmt.Fprintf(bw, "\n  severity: %s   category: %s\n\n%s\n", r.Severity, r.Category, r.Doc)
	if r.Details != "" {
		fmt.Fprintf(bw, "\n%s\n", r.Details)
	}
	if r.Bad != "" {
		fmt.Fprintf(bw, "\nBad:\n%s", indent(r.Bad))
	}
	if r.Good != "" {
		fmt.Fprintf(bw, "\nGood:\n%s", indent(r.Good))
	}
	if len(r.Sources) > 0 {
		fmt.Fprintf(bw, "\nMirrors:\n")
		for _, s := range r.Sources {
			fmt.Fprintf(bw, "  %s\n    %s\n", s, s.Link())
		}
	}
	if r.Fix != "" {
		fmt.Fprintf(bw, "Fix: corsgate lint --fix (transform %q)\n", r.Fix)
	}
	return bw.Flush()
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n") + "\n"
}

type ruleJSON struct {
	ID       string       `json:"id"`
	Category string       `json:"category"`
	Severity string       `json:"severity"`
	Doc      string       `json:"doc"`
	Details  string       `json:"details,omitempty"`
	Bad      string       `json:"bad,omitempty"`
	Good     string       `json:"good,omitempty"`
	Source   string       `json:"source,omitempty"`
	Sources  []sourceJSON `json:"sources,omitempty"`
	Fix      string       `json:"fix,omitempty"`
}

type sourceJSON struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

func printRulesJSON(w io.Writer, rs []*lint.Rule) error {
	out := make([]ruleJSON, 0, len(rs))
	for _, r := range rs {
		j := ruleJSON{r.ID, string(r.Category), r.Severity.String(), r.Doc, r.Details, r.Bad, r.Good, r.SourceText(), nil, r.Fix}
		for _, s := range r.Sources {
			j.Sources = append(j.Sources, sourceJSON{s.String(), s.Link()})
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// RulesMarkdown renders the rule table kept in README.md (a test keeps the
// two in sync).
func RulesMarkdown(rs []*lint.Rule) string {
	var b strings.Builder
	b.WriteString("| Rule | Severity | Category | Checks |\n|---|---|---|---|\n")
	for _, r := range rs {
		doc := strings.ReplaceAll(r.Doc, "|", `\|`)
		fix := ""
		if r.Fix != "" {
			fix = " (fix: `" + r.Fix + "`)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s%s |\n", r.ID, r.Severity, r.Category, doc, fix)
	}
	return b.String()
}

// RulePage renders a rule's documentation page, docs/rules/ID.md: what the
// SARIF helpUri of its findings links to (kept in sync by a test).
func RulePage(r *lint.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n<!-- generated from the rule registry by corsgate's tests; do not edit -->\n\n", r.ID)
	fmt.Fprintf(&b, "Severity: **%s** · category: %s", r.Severity, r.Category)
	if len(r.Versions) > 0 {
		var vs []string
		for _, v := range r.Versions {
			vs = append(vs, v.String())
		}
		fmt.Fprintf(&b, " · applies to %s", strings.Join(vs, ", "))
	}
	fmt.Fprintf(&b, "\n\n%s\n", r.Doc)
	if r.Details != "" {
		fmt.Fprintf(&b, "\n%s\n", r.Details)
	}
	lang := func(ex string) string {
		if strings.HasPrefix(strings.TrimSpace(ex), "-") || strings.Contains(ex, "--cors_") || strings.Contains(ex, "ESPv2_ARGS") {
			return "sh"
		}
		if strings.HasPrefix(strings.TrimSpace(ex), "{") {
			return "json"
		}
		return "yaml"
	}
	if r.Bad != "" {
		fmt.Fprintf(&b, "\n## Bad\n\n```%s\n%s\n```\n", lang(r.Bad), strings.TrimRight(r.Bad, "\n"))
	}
	if r.Good != "" {
		fmt.Fprintf(&b, "\n## Good\n\n```%s\n%s\n```\n", lang(r.Good), strings.TrimRight(r.Good, "\n"))
	}
	if r.Fix != "" {
		fmt.Fprintf(&b, "\n## Fix\n\n`corsgate lint --fix` applies the transform `%s` (`corsgate transform %s`).\n", r.Fix, r.Fix)
	}
	if len(r.Sources) > 0 {
		b.WriteString("\n## Mirrors\n\n")
		for _, s := range r.Sources {
			fmt.Fprintf(&b, "- [%s](%s)\n", s, s.Link())
		}
	}
	fmt.Fprintf(&b, "\n## Configure\n\n```yaml\n# .corsgate.yaml\nrules:\n  %s: off   # or info, warning, error\n```\n\nOr suppress one finding with a comment on its line or the line above: `# corsgate:ignore %s`.\n", r.ID, r.ID)
	return b.String()
}
