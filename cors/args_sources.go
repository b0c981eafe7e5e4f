package cors

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Names used as the "file" of findings whose arguments have no file.
const (
	SourceCommandLine = "command line"
	SourceEnvESPv2    = "ESPv2_ARGS"
	SourceEnvESP      = "ESP_ARGS"
)

// Official images (Google docs: "Specifying startup options for ESPv2").
const (
	ImageESPv2           = "gcr.io/endpoints-release/endpoints-runtime:2"
	ImageESP             = "gcr.io/endpoints-release/endpoints-runtime:1"
	ImageESPv2Serverless = "gcr.io/endpoints-release/endpoints-runtime-serverless:2"
	ImageESPServerless   = "gcr.io/endpoints-release/endpoints-runtime-serverless:1"
)

// ProxyFromImage guesses the proxy from a container image name: the
// endpoints-runtime images tagged 1 or 1.x are ESP, 2 or 2.x ESPv2.
func ProxyFromImage(image string) (Proxy, bool) {
	if !strings.Contains(image, "endpoints-runtime") && !strings.Contains(image, "esp-v2") {
		return "", false
	}
	if strings.Contains(image, "esp-v2") {
		return ESPv2, true
	}
	_, tag, ok := strings.Cut(image[strings.LastIndexByte(image, '/')+1:], ":")
	switch {
	case !ok:
		return "", false
	case tag == "1" || strings.HasPrefix(tag, "1."):
		return ESP, true
	case tag == "2" || strings.HasPrefix(tag, "2."):
		return ESPv2, true
	}
	return "", false
}

// dockerBoolFlags are the `docker run` options that take no value.
var dockerBoolFlags = map[string]bool{
	"-d": true, "--detach": true, "-i": true, "--interactive": true, "-t": true, "--tty": true,
	"--rm": true, "--privileged": true, "--init": true, "-P": true, "--publish-all": true,
	"--read-only": true, "--no-healthcheck": true, "--oom-kill-disable": true, "-it": true, "-ti": true,
	"-dit": true, "-itd": true, "-di": true, "-dt": true, "--sig-proxy": true, "-q": true, "--quiet": true,
}

// ReadCommandLine reads proxy arguments from a shell command line (POSIX
// shell words, see ShellWords). It understands three shapes:
//   - `docker run [options] IMAGE ARGS…`: the arguments after the image;
//   - `gcloud run deploy … --set-env-vars=…ESPv2_ARGS=…`: the arguments in
//     ESPv2_ARGS (or ESP_ARGS), split as the container would;
//   - anything else: every word from the first one starting with "-" (so
//     "--a=b --c d" and "start_proxy.py --a=b" both work).
//
// Each argument's Index is its 1-based word number on the line. The error is
// for a line that cannot be split (unterminated quote).
func ReadCommandLine(s string) (ArgList, error) {
	words, _, err := ShellWords(s)
	if err != nil {
		return ArgList{}, fmt.Errorf("reading proxy arguments from the command line: %w", err)
	}
	l := ArgList{Name: SourceCommandLine}
	i := 0
	if i < len(words) && words[i].Text == "sudo" {
		i++
	}
	switch {
	case i < len(words) && words[i].Text == "docker":
		i++
		if i < len(words) && words[i].Text == "container" {
			i++
		}
		if i < len(words) && words[i].Text == "run" {
			i++
		}
		img := -1
		for j := i; j < len(words); j++ {
			if _, ok := ProxyFromImage(words[j].Text); ok && !strings.HasPrefix(words[j].Text, "-") {
				img = j
				break
			}
		}
		if img < 0 {
			for j := i; j < len(words); j++ {
				w := words[j].Text
				if !strings.HasPrefix(w, "-") {
					img = j
					break
				}
				if !strings.Contains(w, "=") && !dockerBoolFlags[w] {
					j++ // the option's value
				}
			}
		}
		if img < 0 {
			return l, nil
		}
		l.Image = words[img].Text
		i = img + 1
	case i < len(words) && words[i].Text == "gcloud":
		for j := i + 1; j < len(words); j++ {
			w := words[j].Text
			for _, opt := range []string{"--set-env-vars", "--update-env-vars"} {
				val, ok := "", false
				if strings.HasPrefix(w, opt+"=") {
					val, ok = w[len(opt)+1:], true
				} else if w == opt && j+1 < len(words) {
					val, ok = words[j+1].Text, true
				}
				if ok {
					return ReadGcloudEnvVars(val)
				}
			}
		}
		return l, nil
	default:
		for i < len(words) && !strings.HasPrefix(words[i].Text, "-") {
			i++
		}
	}
	for ; i < len(words); i++ {
		l.Args = append(l.Args, Arg{Text: words[i].Text, Index: i + 1, Source: SourceCommandLine})
	}
	return l, nil
}

// ReadEnv reads proxy arguments from an environment assignment
// "ESPv2_ARGS=VALUE" (or "ESP_ARGS=VALUE") as the container sees it, split
// as env_start_proxy.py does (SplitEnvArgs). A value that starts with a
// gcloud escape ("^@^ESPv2_ARGS=…") is read as a gcloud --set-env-vars value
// (ReadGcloudEnvVars). The error is for text that names neither variable.
func ReadEnv(s string) (ArgList, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "--set-env-vars="), "--update-env-vars=")
	if strings.HasPrefix(s, "^") {
		return ReadGcloudEnvVars(s)
	}
	for _, name := range []string{SourceEnvESPv2, SourceEnvESP} {
		if v, ok := strings.CutPrefix(s, name+"="); ok {
			return readEnvValue(name, v), nil
		}
	}
	if strings.Contains(s, ",ESPv2_ARGS=") || strings.Contains(s, ",ESP_ARGS=") {
		return ReadGcloudEnvVars(s)
	}
	return ArgList{}, fmt.Errorf("reading proxy arguments from %q: want ESPv2_ARGS=VALUE or ESP_ARGS=VALUE", truncate(s, 40))
}

// ReadGcloudEnvVars reads the value of `gcloud run deploy --set-env-vars`:
// gcloud first splits it into KEY=VALUE items (on "," or on its own ^DELIM^
// escape, `gcloud topic escaping`), then the container splits ESPv2_ARGS (or
// ESP_ARGS). When gcloud's split breaks ESPv2_ARGS (a comma without the
// gcloud escape), a finding says so and the text after "ESPv2_ARGS=" is read
// as if gcloud had kept it whole.
func ReadGcloudEnvVars(v string) (ArgList, error) {
	items, err := SplitGcloudDict(v)
	if err != nil {
		for _, name := range []string{SourceEnvESPv2, SourceEnvESP} {
			if k := strings.Index(v, name+"="); k >= 0 {
				l := readEnvValue(name, v[k+len(name)+1:])
				l.Findings = append([]FlagFinding{{RuleID: RuleGcloudComma, Arg: Arg{Source: name},
					Message: "gcloud splits --set-env-vars on ',' before the container sees " + name + " (" + err.Error() +
						"); start the whole value with gcloud's escape, e.g. --set-env-vars='^@^" + name + "=^++^…'"}}, l.Findings...)
				return l, nil
			}
		}
		return ArgList{}, fmt.Errorf("reading gcloud --set-env-vars value: %w", err)
	}
	// ESP v1's serverless image also reads CORS_PRESET and turns it into
	// --cors_preset=<value> (docker/serverless/env-start-esp.py); ESPv2 has
	// no such variable. It is read first, so a preset in ESP_ARGS wins.
	var preset *Arg
	for _, it := range items {
		if it[0] == "CORS_PRESET" {
			preset = &Arg{Text: FlagPreset + "=" + it[1], Source: "CORS_PRESET"}
		}
	}
	for _, it := range items {
		if it[0] == SourceEnvESPv2 || it[0] == SourceEnvESP {
			l := readEnvValue(it[0], it[1])
			if preset != nil && it[0] == SourceEnvESP {
				l.Args = append([]Arg{*preset}, l.Args...)
			}
			return l, nil
		}
	}
	if preset != nil {
		return ArgList{Name: SourceEnvESP, Args: []Arg{*preset}}, nil
	}
	return ArgList{}, errors.New("reading gcloud --set-env-vars value: it sets neither ESPv2_ARGS nor ESP_ARGS (nor ESP's CORS_PRESET)")
}

// readEnvValue splits an ESPv2_ARGS value and records the findings that only
// the splitting layer can see.
func readEnvValue(name, v string) ArgList {
	l := ArgList{Name: name}
	pieces, delim, err := SplitEnvArgs(v)
	if err != nil {
		l.Findings = append(l.Findings, FlagFinding{RuleID: RuleEnvMalformed, Arg: Arg{Source: name},
			Message: name + " starts with an empty custom delimiter (\"^^\"): " + ErrMalformedEnvArgs.Error() +
				"; the container serves 503 instead of starting. Write a delimiter between the carets, e.g. ^++^"})
		return l
	}
	for i, p := range pieces {
		a := Arg{Text: p, Index: i + 1, Source: name}
		l.Args = append(l.Args, a)
		if strings.TrimSpace(p) != p {
			flagName, _, _ := strings.Cut(strings.TrimSpace(p), "=")
			switch {
			case strings.TrimLeft(p, " \t") != p:
				l.Findings = append(l.Findings, FlagFinding{RuleID: RuleValueSpaces, Arg: a,
					Message: fmt.Sprintf("argument %q starts with a space: %s pieces are not trimmed, so the proxy does not see the flag %s; remove the space after the delimiter", p, name, flagName)})
			case !strings.HasPrefix(flagName, "--cors_"):
				// Trailing spaces in CORS values are reported by Validate.
				l.Findings = append(l.Findings, FlagFinding{RuleID: RuleValueSpaces, Arg: a,
					Message: fmt.Sprintf("argument %q ends with a space, which stays in the value: %s pieces are not trimmed", p, name)})
			}
		}
		if i > 0 && p != "" && !isFlagPiece(p) {
			prev := pieces[i-1]
			prevName, _, prevEq := strings.Cut(prev, "=")
			takesNext := !prevEq && strings.HasPrefix(prev, "--") && prevName != FlagAllowCredentials
			if !takesNext && isFlagPiece(prev) {
				// The first piece of a group cut off the flag before it.
				j := i
				for j < len(pieces) && !isFlagPiece(pieces[j]) {
					j++
				}
				whole := strings.Join(pieces[i-1:j], delim)
				if delim == "," {
					l.Findings = append(l.Findings, FlagFinding{RuleID: RuleEnvComma, Arg: a,
						Message: fmt.Sprintf("%s is split on ',', so %s got only %q and %q was split off into separate arguments; start %s with a custom delimiter: %s=^++^%s++…",
							name, prevName, strings.TrimPrefix(prev, prevName+"="), strings.Join(pieces[i:j], ","), name, name, whole)})
				} else {
					l.Findings = append(l.Findings, FlagFinding{RuleID: RuleEnvComma, Arg: a,
						Message: fmt.Sprintf("%q is not a flag: %s is split on %q, and this piece follows no flag that takes a value; check the delimiter", p, name, delim)})
				}
			}
		}
	}
	return l
}

func isFlagPiece(p string) bool { return strings.HasPrefix(strings.TrimLeft(p, " \t"), "-") }

// ReadArgsFile reads proxy arguments from a file: a Kubernetes manifest
// (Deployment, Pod, List, several documents) whose container `args:` hold
// the flags; a YAML list or `args:` mapping of strings; the JSON document of
// `corsgate flags --format json` (its "args"); or a plain args file with
// shell words, one or more per line, # comments allowed. Every argument
// keeps its line and column. The error is for text that cannot be read
// (bad YAML in a manifest, an unterminated quote).
func ReadArgsFile(name string, data []byte) (ArgList, error) {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		// `corsgate flags --format json` output.
		l, _, err := ReadJSONOutput(t)
		if err != nil {
			return ArgList{}, fmt.Errorf("%s: %w", name, err)
		}
		l.Name = name
		for i := range l.Args {
			l.Args[i].Source = name
		}
		return l, nil
	}
	if looksLikeYAMLArgs(data) {
		return readManifest(name, data)
	}
	l := ArgList{Name: name}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		words, _, err := ShellWords(line)
		if err != nil {
			return ArgList{}, fmt.Errorf("%s:%d: %w", name, n+1, err)
		}
		for _, w := range words {
			l.Args = append(l.Args, Arg{Text: w.Text, Line: n + 1, Column: utf8.RuneCountInString(line[:w.Offset]) + 1, Source: name})
		}
	}
	return l, nil
}

// looksLikeYAMLArgs reports whether an args file is YAML (a manifest, a list
// or an args: mapping) rather than shell words.
func looksLikeYAMLArgs(data []byte) bool {
	for _, line := range bytes.Split(data, []byte("\n")) {
		t := strings.TrimSpace(string(line))
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if t == "---" || strings.HasPrefix(t, "- ") || t == "-" {
			return true
		}
		k, _, ok := strings.Cut(t, ":")
		return ok && !strings.HasPrefix(k, "-") && !strings.ContainsAny(k, " \"'")
	}
	return false
}

func readManifest(name string, data []byte) (ArgList, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ArgList{}, fmt.Errorf("%s: reading manifest: %w", name, err)
		}
		if len(n.Content) > 0 {
			docs = append(docs, n.Content[0])
		}
	}
	type container struct {
		image string
		args  *yaml.Node
		cors  bool
		esp   bool
	}
	var found []container
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 64 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if (k.Value == "containers" || k.Value == "initContainers") && v.Kind == yaml.SequenceNode {
					for _, c := range v.Content {
						if c.Kind != yaml.MappingNode {
							continue
						}
						var ct container
						for j := 0; j+1 < len(c.Content); j += 2 {
							switch c.Content[j].Value {
							case "image":
								ct.image = c.Content[j+1].Value
							case "args":
								ct.args = c.Content[j+1]
							}
						}
						_, ct.esp = ProxyFromImage(ct.image)
						ct.cors = seqHasCORS(ct.args)
						found = append(found, ct)
					}
					continue
				}
				walk(v, depth+1)
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, depth+1)
			}
		}
	}
	l := ArgList{Name: name}
	for _, d := range docs {
		// A bare list of strings, or a bare `args:` mapping (what
		// `corsgate flags --format k8s` prints).
		if d.Kind == yaml.SequenceNode && allScalars(d) {
			found = append(found, container{args: d, cors: true})
			continue
		}
		if d.Kind == yaml.MappingNode && len(d.Content) == 2 && d.Content[0].Value == "args" {
			found = append(found, container{args: d.Content[1], cors: true})
			continue
		}
		walk(d, 0)
	}
	pick := -1
	for i, c := range found {
		if c.cors {
			pick = i
			break
		}
	}
	if pick < 0 {
		for i, c := range found {
			if c.esp {
				pick = i
				break
			}
		}
	}
	if pick < 0 {
		return l, nil
	}
	c := found[pick]
	l.Image = c.image
	if c.args != nil && c.args.Kind == yaml.SequenceNode {
		for _, a := range c.args.Content {
			if a.Kind != yaml.ScalarNode {
				continue
			}
			l.Args = append(l.Args, Arg{Text: a.Value, Line: a.Line, Column: a.Column, Source: name})
		}
	}
	return l, nil
}

func allScalars(n *yaml.Node) bool {
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			return false
		}
	}
	return true
}

func seqHasCORS(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.SequenceNode {
		return false
	}
	for _, c := range n.Content {
		if strings.HasPrefix(c.Value, "--cors_") {
			return true
		}
	}
	return false
}
