package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/internal/probe"
	"github.com/fatih/color"
)

// printProbeText writes a header, the notes, one line per exchange grouped
// by operation (with what the proxy answered, the drift and errors under
// it), each finding code once with its first message, and a summary.
func printProbeText(w io.Writer, r *probe.Report, o ProbeOptions) error {
	bw := bufio.NewWriter(w)
	p := newPalette(o.Color)
	verdicts := newVerdictPalette(o.Color)
	fmt.Fprintf(bw, "%s %s\n", p.bold.Sprint("probe"), probeHeader(r))
	for _, n := range r.Notes {
		fmt.Fprintf(bw, "note: %s\n", n)
	}
	op := ""
	for _, res := range r.Results {
		key := res.Operation + "\x00" + res.Template + "\x00" + res.ForMethod
		if key != op {
			op = key
			loc := ""
			if res.File != "" && res.Line > 0 {
				loc = fmt.Sprintf(" (%s:%d:%d)", res.File, res.Line, res.Column)
			}
			fmt.Fprintf(bw, "\n%s: %s %s%s\n", p.bold.Sprint(res.Operation), res.ForMethod, res.Template, p.rule.Sprint(loc))
		}
		fmt.Fprintf(bw, "  %s", exchangeName(res))
		if res.Error != "" {
			fmt.Fprintf(bw, " %s\n    %s\n", p.err.Sprint("failed"), res.Error)
			continue
		}
		fmt.Fprintf(bw, " %d %s", res.Status, verdicts.of(res))
		if codes := findingCodes(res); codes != "" {
			fmt.Fprintf(bw, " %s", codesColored(res, p))
		}
		bw.WriteByte('\n')
		if res.ProxyAnswer != nil {
			fmt.Fprintf(bw, "    the proxy answered, not your backend: %s\n", res.ProxyAnswer.Describe())
		}
		if res.Redirect != "" {
			fmt.Fprintf(bw, "    redirected to %s (not followed)\n", res.Redirect)
		}
		if pr := res.Prediction; pr != nil {
			for _, d := range pr.Drift {
				fmt.Fprintf(bw, "    %s %s\n", p.warn.Sprint("drift:"), d)
			}
		}
	}
	if groups := groupFindings(r); len(groups) > 0 {
		fmt.Fprintf(bw, "\n%s\n", p.bold.Sprint("findings:"))
		for _, g := range groups {
			fmt.Fprintf(bw, "  %s %s (%s, %s): %s\n", p.severity(g.level).Sprint(g.level), g.code, g.severity,
				plural(g.count, "exchange"), strings.ReplaceAll(g.first, "\n", " "))
		}
	}
	s := r.Summary
	fmt.Fprintf(bw, "\n%s (%s): given origins: %d allowed, %d blocked, %d not CORS; %d failed", plural(s.Exchanges, "exchange"),
		plural(s.Requests, "request"), s.Allowed, s.Blocked, s.NotCORS, s.Failed)
	if s.Granted+s.Refused > 0 {
		fmt.Fprintf(bw, "; hostile origins: %d refused, %d granted", s.Refused, s.Granted)
	}
	fmt.Fprintf(bw, "; %s, %s, %s", p.err.Sprint(plural(s.Errors, "error")), p.warn.Sprint(plural(s.Warnings, "warning")), p.info.Sprint(plural(s.Infos, "info")))
	if r.Configuration != "" {
		fmt.Fprintf(bw, "; drift in %d", s.Drift)
	}
	if s.ProxyAnswers > 0 {
		fmt.Fprintf(bw, "; %d answered by the proxy itself", s.ProxyAnswers)
	}
	fmt.Fprintf(bw, "; %.2f s\n", s.WallMS/1000)
	return bw.Flush()
}

func probeHeader(r *probe.Report) string {
	var parts []string
	if r.Spec != "" {
		parts = append(parts, "spec "+r.Spec)
	}
	if r.Configuration != "" {
		parts = append(parts, "predicted as "+r.Configuration)
	}
	parts = append(parts, "credentials "+r.Credentials)
	return r.Target + " (" + strings.Join(parts, "; ") + ")"
}

// codesColored writes an exchange's codes coloured by level.
func codesColored(res *probe.Result, p palette) string {
	parts := make([]string, len(res.Findings))
	for i, f := range res.Findings {
		parts[i] = p.severity(probe.Level(f.Severity)).Sprint(f.Code)
	}
	return strings.Join(parts, ",")
}

// verdictPalette colours verdict words.
type verdictPalette struct{ good, bad, faint *color.Color }

func newVerdictPalette(on bool) verdictPalette {
	v := verdictPalette{good: color.New(color.FgGreen), bad: color.New(color.FgRed, color.Bold), faint: color.New(color.Faint)}
	for _, c := range []*color.Color{v.good, v.bad, v.faint} {
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return v
}

// of is the verdict word of an exchange: the browser's verdict for the
// given origins; for hostile ones whether the server refused or granted the
// origin (refusal is the good outcome).
func (v verdictPalette) of(res *probe.Result) string {
	if res.OriginKind.Hostile() {
		if res.Granted() {
			return v.bad.Sprint("granted")
		}
		return v.good.Sprint("refused")
	}
	switch res.Verdict {
	case cors.VerdictAllowed:
		return v.good.Sprint(string(res.Verdict))
	case cors.VerdictBlocked:
		return v.bad.Sprint(string(res.Verdict))
	}
	return v.faint.Sprint(string(res.Verdict))
}
