package rules_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/corsgate/corsgate/cors"
	"github.com/corsgate/corsgate/lint"
)

var flagHeaderRE = regexp.MustCompile(`^#\s*(proxy|target|service-name):\s*(\S+)`)

// readFlagFixture reads a run (an .args or .env file, or a folder), its
// settings and its expectations.
func readFlagFixture(path, rule string) (*flagFixture, error) {
	fx := &flagFixture{path: path, input: path, specWants: map[string][]want{}}
	if st, err := os.Stat(path); err != nil {
		return nil, err
	} else if st.IsDir() {
		files, _ := filepath.Glob(filepath.Join(path, "*"))
		var inputs []string
		for _, f := range files {
			switch filepath.Ext(f) {
			case ".args":
				inputs = append(inputs, f)
			case ".yaml", ".yml", ".json":
				fx.specs = append(fx.specs, f)
			default:
				return nil, fmt.Errorf("%s: want .args and spec files only", f)
			}
		}
		if len(inputs) != 1 {
			return nil, fmt.Errorf("%s: want one .args file, found %d", path, len(inputs))
		}
		fx.input = inputs[0]
	}
	data, err := os.ReadFile(fx.input)
	if err != nil {
		return nil, err
	}
	set := func(key, val string) error {
		switch key {
		case "proxy":
			fx.src.Proxy = cors.Proxy(val)
			if fx.src.Proxy != cors.ESP && fx.src.Proxy != cors.ESPv2 {
				return fmt.Errorf("%s: proxy %q: want espv2 or esp", fx.input, val)
			}
		case "target":
			fx.cfg.Target = lint.Target(val)
		case "service-name":
			fx.cfg.ServiceName = val
		default:
			return fmt.Errorf("%s: unknown setting %q", fx.input, key)
		}
		return nil
	}
	if strings.HasSuffix(fx.input, ".env") {
		fx.env = true
		fx.src.CloudRunEnv = strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
		if err := readEnvWants(fx, fx.input+".want", rule, set); err != nil {
			return nil, err
		}
	} else {
		fx.src.ArgsFile = fx.input
		lines := strings.Split(string(data), "\n")
		// Settings are read from the comment lines the file starts with.
		for _, line := range lines {
			if !strings.HasPrefix(line, "#") {
				break
			}
			if m := flagHeaderRE.FindStringSubmatch(line); m != nil {
				if err := set(m[1], m[2]); err != nil {
					return nil, err
				}
			}
		}
		if fx.wants, err = lineWants(fx.input, lines, rule); err != nil {
			return nil, err
		}
	}
	for _, s := range fx.specs {
		src, err := os.ReadFile(s)
		if err != nil {
			return nil, err
		}
		if fx.specWants[s], err = lineWants(s, strings.Split(string(src), "\n"), rule); err != nil {
			return nil, err
		}
	}
	return fx, nil
}

// lineWants reads the # want comments of a file's lines.
func lineWants(path string, lines []string, rule string) ([]want, error) {
	var out []want
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
		out = append(out, ws...)
	}
	return out, nil
}

// readEnvWants reads an .env fixture's .want file: settings and "#ARG
// [rule] REGEXP" lines.
func readEnvWants(fx *flagFixture, path, rule string, set func(key, val string) error) error {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if key, val, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			if err := set(key, val); err != nil {
				return err
			}
			continue
		}
		pos, rest, _ := strings.Cut(line, " ")
		arg, err := strconv.Atoi(strings.TrimPrefix(pos, "#"))
		if !strings.HasPrefix(pos, "#") || err != nil {
			return fmt.Errorf("%s:%d: want #ARG [rule] REGEXP, not %q", path, n+1, line)
		}
		ws, err := parseWants(rest, rule)
		if err != nil || len(ws) != 1 {
			return fmt.Errorf("%s:%d: want #ARG [rule] REGEXP: %v", path, n+1, err)
		}
		ws[0].line = arg
		fx.wants = append(fx.wants, ws...)
	}
	return nil
}
