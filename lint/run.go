package lint

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/corsgate/corsgate/internal/spec"
)

// SuppressMarker starts an inline suppression comment in YAML:
//
//	host: Example.com  # corsgate:ignore host-valid-service-name
//
// The comment applies to findings on its own line and on the line below it.
// Several IDs may follow, separated by spaces or commas.
const SuppressMarker = "corsgate:ignore"

// Run checks every document with every rule that is not turned off, then
// applies configuration, inline suppression, sorting and de-duplication.
// extra holds diagnostics produced outside the rules (load errors, proxy flag
// findings); they go through the same filters. A rule that panics is a bug:
// Run recovers and returns an error naming the rule and the file.
//
// Run checks ctx before each rule runs on a document, and rules may check it
// (Pass.Context) in long loops; once ctx is done Run returns ctx.Err() and no
// diagnostics.
func Run(ctx context.Context, docs []*spec.Document, rules []*Rule, cfg *Config, extra []Diagnostic) ([]Diagnostic, error) {
	target := TargetESPv2
	serviceName := ""
	defaulted := cfg == nil || cfg.Target == ""
	if cfg != nil {
		if cfg.Target != "" {
			target = cfg.Target
		}
		serviceName = cfg.ServiceName
	}
	deployment := target.Deployment(serviceName)
	type task struct {
		doc  *spec.Document
		rule *Rule
	}
	var tasks []task
	var setRules []*Rule
	for _, r := range rules {
		if r.Deprecated || cfg.off(r.ID) {
			continue
		}
		if r.perDocument() {
			for _, d := range docs {
				if r.AppliesTo(d.Google().Version) {
					tasks = append(tasks, task{d, r})
				}
			}
		}
		if r.CheckSet != nil {
			setRules = append(setRules, r)
		}
	}

	// Longest first (LPT): heavy rules, and within them and the rest the
	// registry order.
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].rule.Heavy && !tasks[j].rule.Heavy })

	var (
		mu    sync.Mutex
		out   = append([]Diagnostic(nil), extra...)
		errs  []string
		next  int
		wg    sync.WaitGroup
		nwork = min(runtime.GOMAXPROCS(0), max(1, len(tasks)))
	)
	for w := 0; w < nwork; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []Diagnostic
			emit := func(d Diagnostic) { local = append(local, d) }
			for ctx.Err() == nil {
				mu.Lock()
				if next >= len(tasks) {
					mu.Unlock()
					break
				}
				t := tasks[next]
				next++
				mu.Unlock()
				if err := safely(func() {
					t.rule.run(&Pass{Doc: t.doc, G: t.doc.Google(), Target: target, TargetDefaulted: defaulted, Deployment: deployment, ctx: ctx, rule: t.rule, emit: emit})
				}); err != "" {
					mu.Lock()
					errs = append(errs, fmt.Sprintf("rule %s crashed on %s: %s", t.rule.ID, t.doc.Name, err))
					mu.Unlock()
				}
			}
			mu.Lock()
			out = append(out, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, r := range setRules {
		if ctx.Err() != nil {
			break
		}
		emit := func(d Diagnostic) { out = append(out, d) }
		if err := safely(func() {
			r.CheckSet(&SetPass{Docs: docs, Target: target, TargetDefaulted: defaulted, Deployment: deployment, ctx: ctx, rule: r, emit: emit})
		}); err != "" {
			errs = append(errs, fmt.Sprintf("rule %s crashed: %s", r.ID, err))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out = Finalize(out, docs, cfg)
	if len(errs) > 0 {
		return out, fmt.Errorf("internal error: %s", strings.Join(errs, "; "))
	}
	return out, nil
}

func safely(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("%v\n%s", r, debug.Stack())
		}
	}()
	f()
	return ""
}

func (c *Config) off(id string) bool {
	if c == nil {
		return false
	}
	s, ok := c.Rules[id]
	return ok && s == SeverityNone
}

// Finalize applies severity overrides, turned-off rules and inline
// suppression comments, then sorts and de-duplicates.
func Finalize(ds []Diagnostic, docs []*spec.Document, cfg *Config) []Diagnostic {
	byName := make(map[string]*spec.Document, len(docs))
	for _, d := range docs {
		byName[d.Name] = d
	}
	supp := map[string]map[int][]string{}
	kept := ds[:0]
	for _, d := range ds {
		if cfg != nil {
			if s, ok := cfg.Rules[d.RuleID]; ok {
				if s == SeverityNone {
					continue
				}
				d.Severity = s
			}
		}
		if doc := byName[d.File]; doc != nil && d.Line > 0 {
			m, ok := supp[d.File]
			if !ok {
				m = suppressions(doc)
				supp[d.File] = m
			}
			if suppressed(m, d.Line, d.RuleID) {
				continue
			}
		}
		kept = append(kept, d)
	}
	return Sort(kept)
}

func suppressed(m map[int][]string, line int, id string) bool {
	for _, l := range []int{line, line - 1} {
		for _, x := range m[l] {
			if x == id {
				return true
			}
		}
	}
	return false
}

// suppressions maps line numbers to the rule IDs named in a
// "# corsgate:ignore" comment on that line.
func suppressions(doc *spec.Document) map[int][]string {
	m := map[int][]string{}
	if doc.Format == spec.JSON || !bytes.Contains(doc.Src, []byte(SuppressMarker)) {
		return m
	}
	for n := 1; n <= doc.LineCount(); n++ {
		line := doc.Line(n)
		i := strings.Index(line, SuppressMarker)
		if i < 0 {
			continue
		}
		hash := strings.LastIndex(line[:i], "#")
		if hash < 0 {
			continue
		}
		rest := line[i+len(SuppressMarker):]
		ids := strings.FieldsFunc(rest, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
		m[n] = ids
	}
	return m
}
