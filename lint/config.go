package lint

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ConfigFileName is the name searched for from the working directory upwards.
const ConfigFileName = ".corsgate.yaml"

// Config is the content of .corsgate.yaml.
//
//	target: endpoints-espv2        # or endpoints-esp, api-gateway
//	service_name: orders-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog
//	rules:
//	  endpoints-target-ipv4: off   # off | info | warning | error
//	  host-custom-domain: warning
//	ignore:
//	  - "third_party/**"           # globs matched against file names
//	deployments:                   # files deployed together, by name
//	  library: ["api/books.yaml", "api/shelves.yaml"]
type Config struct {
	// Path is where the configuration was read from ("" when built in code).
	Path string
	// Target is the product profile; "" means the default (endpoints-espv2).
	Target Target
	// ServiceName is the exact service config name the proxy runs with
	// (on API Gateway the managed service); "" when not given.
	ServiceName string
	// Rules maps a rule ID to its severity; SeverityNone turns the rule off.
	Rules map[string]Severity
	// Ignore holds glob patterns; files whose name matches any are not linted.
	// "**" matches any number of path segments.
	Ignore []string
	// Deployments name groups of files deployed together (one service
	// config), each a list of globs; see Deployment.
	Deployments []NamedGlobs
}

// NamedGlobs is one named list of glob patterns.
type NamedGlobs struct {
	Name  string
	Globs []string
}

// Deployment returns the name of the configured deployment a file belongs
// to, or "".
func (c *Config) Deployment(name string) string {
	if c == nil {
		return ""
	}
	for _, d := range c.Deployments {
		if matchAny(d.Globs, name) {
			return d.Name
		}
	}
	return ""
}

// ConfigError is a problem in a configuration file (exit code 2).
type ConfigError struct {
	Path   string
	Line   int
	Column int
	Msg    string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Column, e.Msg)
	}
	return e.Path + ": " + e.Msg
}

// FindConfig looks for ConfigFileName in dir and its parents. It returns ""
// when there is none.
func FindConfig(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, ConfigFileName)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// LoadConfig reads and validates a configuration file. known maps every rule
// ID to its rule; an unknown ID is a ConfigError.
func LoadConfig(p string, known map[string]*Rule) (*Config, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, &ConfigError{Path: p, Msg: fmt.Sprintf("cannot read configuration: %v", err)}
	}
	return ParseConfig(p, data, known)
}

// ParseConfig parses configuration bytes; see LoadConfig.
func ParseConfig(p string, data []byte, known map[string]*Rule) (*Config, error) {
	cfg := &Config{Path: p, Rules: map[string]Severity{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &ConfigError{Path: p, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return cfg, nil // empty file: defaults
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &ConfigError{Path: p, Line: root.Line, Column: root.Column, Msg: "configuration must be a mapping with keys target, service_name, rules, ignore, deployments"}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		bad := func(format string, args ...any) error {
			return &ConfigError{Path: p, Line: v.Line, Column: v.Column, Msg: fmt.Sprintf(format, args...)}
		}
		switch k.Value {
		case "target":
			t, err := ParseTarget(v.Value)
			if err != nil || v.Kind != yaml.ScalarNode {
				return nil, bad("unknown target %q (want endpoints-espv2, endpoints-esp or api-gateway)", v.Value)
			}
			cfg.Target = t
		case "service_name":
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" || v.Value == "" {
				return nil, bad("service_name must be the service config name, e.g. orders-1a2b3c4d5e6f7.apigateway.my-project.cloud.goog")
			}
			cfg.ServiceName = v.Value
		case "deployments":
			if v.Kind != yaml.MappingNode {
				return nil, bad("deployments must map a deployment name to a list of file globs")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				dk, dv := v.Content[j], v.Content[j+1]
				globs, err := parseGlobs(p, dv, "deployment "+dk.Value)
				if err != nil {
					return nil, err
				}
				cfg.Deployments = append(cfg.Deployments, NamedGlobs{Name: dk.Value, Globs: globs})
			}
		case "rules":
			if v.Kind != yaml.MappingNode {
				return nil, bad("rules must be a mapping of rule ID to off, info, warning or error")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				rk, rv := v.Content[j], v.Content[j+1]
				if _, ok := known[rk.Value]; !ok {
					msg := fmt.Sprintf("unknown rule %q", rk.Value)
					if s := Suggest(rk.Value, keys(known)); s != "" {
						msg += fmt.Sprintf(" (did you mean %q?)", s)
					}
					return nil, &ConfigError{Path: p, Line: rk.Line, Column: rk.Column, Msg: msg + "; run \"corsgate rules\" for the list"}
				}
				val := rv.Value
				if rv.ShortTag() == "!!bool" { // YAML 1.1 "off" is a string in yaml.v3, but false is a bool
					if val == "false" {
						val = "off"
					}
				}
				sev, err := ParseSeverity(val)
				if err != nil || rv.Kind != yaml.ScalarNode {
					return nil, &ConfigError{Path: p, Line: rv.Line, Column: rv.Column,
						Msg: fmt.Sprintf("rule %s: %q is not a severity (want off, info, warning or error)", rk.Value, rv.Value)}
				}
				cfg.Rules[rk.Value] = sev
			}
		case "ignore":
			globs, err := parseGlobs(p, v, "ignore")
			if err != nil {
				return nil, err
			}
			cfg.Ignore = append(cfg.Ignore, globs...)
		default:
			return nil, &ConfigError{Path: p, Line: k.Line, Column: k.Column,
				Msg: fmt.Sprintf("unknown configuration key %q (want target, service_name, rules, ignore or deployments)", k.Value)}
		}
	}
	return cfg, nil
}

func keys(m map[string]*Rule) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// parseGlobs reads a list of non-empty glob patterns.
func parseGlobs(p string, v *yaml.Node, what string) ([]string, error) {
	if v.Kind != yaml.SequenceNode {
		return nil, &ConfigError{Path: p, Line: v.Line, Column: v.Column, Msg: what + " must be a list of glob patterns"}
	}
	var out []string
	for _, g := range v.Content {
		if g.Kind != yaml.ScalarNode || g.Value == "" {
			return nil, &ConfigError{Path: p, Line: g.Line, Column: g.Column, Msg: what + " entries must be non-empty glob patterns"}
		}
		if _, err := globRegexp(g.Value); err != nil {
			return nil, &ConfigError{Path: p, Line: g.Line, Column: g.Column, Msg: fmt.Sprintf("bad glob %q: %v", g.Value, err)}
		}
		out = append(out, g.Value)
	}
	return out, nil
}

// Ignored reports whether a file name matches one of the ignore globs. Names
// are matched with forward slashes, relative as given, and also by base name.
func (c *Config) Ignored(name string) bool {
	if c == nil {
		return false
	}
	return matchAny(c.Ignore, name)
}

// matchAny reports whether a file name matches one of the globs, with
// forward slashes, relative as given, or by base name.
func matchAny(globs []string, name string) bool {
	n := filepath.ToSlash(name)
	n = strings.TrimPrefix(n, "./")
	for _, g := range globs {
		re, err := globRegexp(g)
		if err != nil {
			continue
		}
		if re.MatchString(n) || re.MatchString(path.Base(n)) {
			return true
		}
	}
	return false
}

var errEmptyGlob = errors.New("empty pattern")

// globRegexp compiles a glob where "*" matches within a segment, "**" across
// segments, "?" one character and [...] a class.
func globRegexp(g string) (*regexp.Regexp, error) {
	if g == "" {
		return nil, errEmptyGlob
	}
	g = strings.TrimPrefix(filepath.ToSlash(g), "./")
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(g); i++ {
		c := g[i]
		switch c {
		case '*':
			if i+1 < len(g) && g[i+1] == '*' {
				i++
				if i+1 < len(g) && g[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			j := strings.IndexByte(g[i:], ']')
			if j < 0 {
				return nil, errors.New("unclosed [")
			}
			b.WriteString(g[i : i+j+1])
			i += j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// Suggest returns the candidate closest to s by edit distance, if it is close
// enough to be a likely typo, else "".
func Suggest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := Distance(s, c)
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(s)/4)
	if bestD <= limit {
		return best
	}
	return ""
}

// Distance is the Levenshtein edit distance between a and b.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
