package rules_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/lint"
)

// readDeployments reads a rule's folder: each spec file directly in it is a
// deployment of its own; each subfolder is one deployment of several files
// (for rules about files deployed together).
func readDeployments(dir, rule string) ([][]*fixture, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out [][]*fixture
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if !e.IsDir() {
			if slices.Contains(specFiles, filepath.Ext(p)) {
				fx, err := readFixture(p, rule)
				if err != nil {
					return nil, err
				}
				out = append(out, []*fixture{fx})
			}
			continue
		}
		files, _ := filepath.Glob(filepath.Join(p, "*"))
		var dep []*fixture
		for _, f := range files {
			if !slices.Contains(specFiles, filepath.Ext(f)) {
				continue
			}
			fx, err := readFixture(f, rule)
			if err != nil {
				return nil, err
			}
			fx.deployment = p
			dep = append(dep, fx)
		}
		out = append(out, dep)
	}
	return out, nil
}

// readFixture reads a spec fixture and its expectations.
func readFixture(path, rule string) (*fixture, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fx := &fixture{path: path, data: data}
	lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n")
	for _, line := range lines[:min(2, len(lines))] {
		if m := headerRE.FindStringSubmatch(line); m != nil {
			switch m[1] {
			case "target":
				fx.cfg.Target = lint.Target(m[2])
			case "service-name":
				fx.cfg.ServiceName = m[2]
			}
		}
	}
	if filepath.Ext(path) == ".json" {
		wf, err := os.ReadFile(path + ".want")
		if errors.Is(err, os.ErrNotExist) {
			return fx, nil
		}
		if err != nil {
			return nil, err
		}
		for n, line := range strings.Split(string(wf), "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if t, ok := strings.CutPrefix(line, "target="); ok {
				fx.cfg.Target = lint.Target(t)
				continue
			}
			pos, rest, _ := strings.Cut(line, " ")
			l, c, _ := strings.Cut(pos, ":")
			ln, err := strconv.Atoi(l)
			if err != nil {
				return nil, fmt.Errorf("%s.want:%d: bad line number %q", path, n+1, l)
			}
			ws, err := parseWants(":"+c+" "+rest, rule)
			if err != nil || len(ws) != 1 {
				return nil, fmt.Errorf("%s.want:%d: want LINE[:COL] [rule] REGEXP: %v", path, n+1, err)
			}
			ws[0].line = ln
			fx.wants = append(fx.wants, ws...)
		}
		return fx, nil
	}
	for i, line := range lines {
		m := wantRE.FindStringSubmatch(strings.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		ws, err := parseWants(m[1], rule)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		for j := range ws {
			ws[j].line = i + 1
		}
		fx.wants = append(fx.wants, ws...)
	}
	return fx, nil
}

// parseWants parses the text after "want": a sequence of [:COL] [rule-id]
// REGEXP.
func parseWants(s, rule string) ([]want, error) {
	var out []want
	cur := want{rule: rule}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		switch s[0] {
		case ':':
			end := strings.IndexAny(s, " \t")
			if end < 0 {
				end = len(s)
			}
			if end > 1 {
				c, err := strconv.Atoi(s[1:end])
				if err != nil {
					return nil, fmt.Errorf("bad column %q", s[:end])
				}
				cur.col = c
			}
			s = s[end:]
		case '"', '`':
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, fmt.Errorf("bad quoted regexp in %q: %w", s, err)
			}
			text, _ := strconv.Unquote(q)
			re, err := regexp.Compile(text)
			if err != nil {
				return nil, fmt.Errorf("bad regexp %s: %w", q, err)
			}
			cur.re = re
			out = append(out, cur)
			cur = want{rule: rule}
			s = s[len(q):]
		default:
			end := strings.IndexAny(s, " \t")
			if end < 0 {
				end = len(s)
			}
			cur.rule = s[:end]
			s = s[end:]
		}
	}
	if cur.col != 0 || cur.rule != rule {
		return nil, fmt.Errorf("want ends without a message regexp: pin each finding's message with \"regexp\"")
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("want without a message regexp: pin each finding's message with \"regexp\"")
	}
	return out, nil
}
