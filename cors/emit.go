package cors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Format is an output form of `corsgate flags`.
type Format string

// Output formats.
const (
	FormatArgs      Format = "args"       // one argument per line, shell-quoted when needed
	FormatShell     Format = "shell"      // one line, quoted for POSIX sh
	FormatDocker    Format = "docker"     // a docker run line for the official image
	FormatK8s       Format = "k8s"        // a YAML args: list
	FormatCloudRun  Format = "cloudrun"   // a gcloud run deploy line with ESPv2_ARGS
	FormatJSON      Format = "json"       // the policy and the flags
	FormatEnvoy     Format = "envoy"      // the Envoy CorsPolicy ESPv2 generates, YAML
	FormatEnvoyJSON Format = "envoy-json" // the same, JSON
)

// Formats lists every format, in help order.
var Formats = []Format{FormatArgs, FormatShell, FormatDocker, FormatK8s, FormatCloudRun, FormatJSON, FormatEnvoy, FormatEnvoyJSON}

// EmitOptions adds context to an emitted flag set.
type EmitOptions struct {
	// Passthrough are non-CORS arguments (e.g. --service, --backend), written
	// before the CORS flags, untouched.
	Passthrough []string
	// Service is the Endpoints service name (the spec's host) for the docker
	// line's --service when Passthrough has none.
	Service string
}

// FormatDuration writes a Go duration the way a person would type it for
// --cors_max_age: "480h", "90m", "3600s", else time.Duration's own form.
// time.ParseDuration reads every result back to the same value.
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return d.String()
}

// FlagArgs returns the CORS flags that give p, each as "--flag=value" (the
// "=" form, so a value starting with "-" is never read as a flag). ESPv2
// always gets --cors_preset and --cors_max_age (as a Go duration); ESP never
// gets --cors_max_age (start_esp.py has no such flag). Only the origin flag
// the preset uses is written. A policy without a preset has no CORS flags.
func FlagArgs(p *Policy) []string {
	if p.Preset == PresetNone {
		return nil
	}
	out := []string{FlagPreset + "=" + string(p.Preset)}
	switch p.Preset {
	case PresetBasic:
		out = append(out, FlagAllowOrigin+"="+p.AllowOrigin)
	case PresetRegex:
		out = append(out, FlagAllowOriginRegex+"="+p.AllowOriginRegex)
	}
	out = append(out,
		FlagAllowMethods+"="+p.AllowMethods,
		FlagAllowHeaders+"="+p.AllowHeaders,
		FlagExposeHeaders+"="+p.ExposeHeaders)
	if p.AllowCredentials {
		out = append(out, FlagAllowCredentials)
	}
	if p.Proxy != ESP {
		out = append(out, FlagMaxAge+"="+FormatDuration(p.MaxAge))
	}
	return out
}

// Emit writes p in a format. The output ends with a newline.
func Emit(p *Policy, format Format, opts EmitOptions) (string, error) {
	args := append(append([]string(nil), opts.Passthrough...), FlagArgs(p)...)
	var b strings.Builder
	switch format {
	case FormatArgs:
		// One argument per line, quoted for POSIX sh only when needed, so a
		// value with spaces ("GET, POST") stays one argument when the file
		// is read back (ReadArgsFile) or pasted into a shell.
		for _, a := range args {
			b.WriteString(ShellQuote(a))
			b.WriteByte('\n')
		}
	case FormatShell:
		b.WriteString(shellJoin(args))
		b.WriteByte('\n')
	case FormatDocker:
		img := ImageESPv2
		if p.Proxy == ESP {
			img = ImageESP
		}
		words := []string{"docker", "run", "--detach", "--publish=8080:8080", img}
		if !hasFlag(opts.Passthrough, "--service") {
			svc := opts.Service
			if svc == "" {
				svc = "SERVICE_NAME"
			}
			backend := "--backend=http://127.0.0.1:8081"
			if p.Proxy == ESP {
				backend = "--backend=127.0.0.1:8081"
			}
			words = append(words, "--service="+svc, "--rollout_strategy=managed", backend)
		}
		words = append(words, args...)
		b.WriteString(shellJoin(words))
		b.WriteByte('\n')
	case FormatK8s:
		fmt.Fprintf(&b, "# %s container args (Kubernetes): paste under the container that runs %s\n", p.Proxy.Title(), imageFor(p.Proxy))
		b.WriteString("args:\n")
		for _, a := range args {
			b.WriteString("  - ")
			b.WriteString(yamlDoubleQuote(a))
			b.WriteByte('\n')
		}
	case FormatCloudRun:
		b.WriteString(CloudRunCommand(p.Proxy, args))
		b.WriteByte('\n')
	case FormatJSON:
		out := jsonOutput{Proxy: p.Proxy, Mode: p.Mode(), Policy: policyJSON(p), Args: args}
		if out.Args == nil {
			out.Args = []string{}
		}
		data, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return "", fmt.Errorf("encoding the policy as JSON: %w", err)
		}
		b.Write(data)
		b.WriteByte('\n')
	case FormatEnvoy, FormatEnvoyJSON:
		if p.Proxy == ESP {
			return "", fmt.Errorf("format %s describes ESPv2's Envoy configuration; ESP v1 runs nginx (use --proxy espv2)", format)
		}
		if p.Preset != PresetBasic && p.Preset != PresetRegex {
			return "", fmt.Errorf("format %s needs --cors_preset=basic or cors_with_regex: without a preset ESPv2 installs no CORS filter", format)
		}
		cfg := EnvoyConfig(p)
		if format == FormatEnvoyJSON {
			data, err := json.MarshalIndent(cfg, "", "  ")
			if err != nil {
				return "", fmt.Errorf("encoding the Envoy config as JSON: %w", err)
			}
			b.Write(data)
			b.WriteByte('\n')
			break
		}
		b.WriteString("# Envoy configuration ESPv2 generates for these flags (src/go/configgenerator/filtergen/cors.go):\n")
		b.WriteString("# the CORS filter in the HTTP connection manager, and the CorsPolicy in the\n")
		b.WriteString("# typed_per_filter_config of the single virtual host \"backend\" (domains \"*\").\n")
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(cfg); err != nil {
			return "", fmt.Errorf("encoding the Envoy config as YAML: %w", err)
		}
		b.Write(buf.Bytes())
	default:
		return "", fmt.Errorf("unknown format %q (want %s)", format, formatList())
	}
	return b.String(), nil
}

func formatList() string {
	s := make([]string, len(Formats))
	for i, f := range Formats {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want %s)", s, formatList())
}

func imageFor(p Proxy) string {
	if p == ESP {
		return ImageESP
	}
	return ImageESPv2
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

func shellJoin(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = ShellQuote(w)
	}
	return strings.Join(q, " ")
}

// yamlDoubleQuote writes s as a YAML double-quoted scalar: backslashes and
// double quotes escaped (so a regex's \. becomes \\. in the file), control
// characters as \xNN / \uNNNN.
func yamlDoubleQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02X`, r)
		case r == 0x85 || r == 0xA0 || r == 0x2028 || r == 0x2029 || r == 0xFEFF:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// CloudRunCommand writes a `gcloud run deploy` line that sets ESPv2_ARGS
// (ESP_ARGS for ESP) to args. ESPv2_ARGS always uses a custom ^DELIM^
// delimiter ("++" unless an argument holds it), as Google's docs advise, so
// commas inside values survive env_start_proxy.py; when the value holds a
// comma, the whole --set-env-vars value starts with gcloud's own escape
// ("^@^" unless "@" occurs), because gcloud splits dict flags on commas
// (`gcloud topic escaping`).
func CloudRunCommand(proxy Proxy, args []string) string {
	return "gcloud run deploy CLOUD_RUN_SERVICE_NAME \\\n" +
		"  --image=" + ShellQuote(serverlessImage(proxy)) + " \\\n" +
		"  --allow-unauthenticated --platform=managed --project=ESP_PROJECT_ID \\\n" +
		"  --set-env-vars=" + ShellQuote(CloudRunEnvValue(proxy, args))
}

func serverlessImage(p Proxy) string {
	if p == ESP {
		return "gcr.io/ESP_PROJECT_ID/endpoints-runtime-serverless:ESP_VERSION-CLOUD_RUN_HOSTNAME-CONFIG_ID"
	}
	return "gcr.io/ESP_PROJECT_ID/endpoints-runtime-serverless:ESPv2_VERSION-CLOUD_RUN_HOSTNAME-CONFIG_ID"
}

// CloudRunEnvValue is the value of gcloud's --set-env-vars for args (see
// CloudRunCommand).
func CloudRunEnvValue(proxy Proxy, args []string) string {
	name := SourceEnvESPv2
	if proxy == ESP {
		name = SourceEnvESP
	}
	delim := pickDelim(args, []string{"++", "@@", "~~", "%%", "!!", "::", "##", "+-+", "@+@"})
	val := name + "=^" + delim + "^" + strings.Join(args, delim)
	if !strings.Contains(val, ",") {
		return val
	}
	g := pickDelim([]string{val}, []string{"@", "|", "~", "#", "%", "!", ":", ";", "&", "*"})
	return "^" + g + "^" + val
}

// pickDelim returns the first candidate that splits join(args, c) back into
// exactly args (it occurs in no argument and forms no occurrence across a
// boundary).
func pickDelim(args []string, candidates []string) string {
	if len(args) == 0 {
		return candidates[0]
	}
	ok := func(c string) bool {
		got := strings.Split(strings.Join(args, c), c)
		if len(got) != len(args) {
			return false
		}
		for i := range got {
			if got[i] != args[i] {
				return false
			}
		}
		return true
	}
	for _, c := range candidates {
		if ok(c) {
			return c
		}
	}
	// Every candidate is taken: build one from a rune that occurs nowhere.
	all := strings.Join(args, "")
	for r := rune(0x2400); r < 0x10000; r++ {
		if c := string(r) + string(r); !strings.ContainsRune(all, r) && ok(c) {
			return c
		}
	}
	return "\x00\x00" // unreachable for real flags: they cannot hold every rune
}

// jsonOutput is the --format json document.
type jsonOutput struct {
	Proxy  Proxy      `json:"proxy"`
	Mode   Mode       `json:"mode"`
	Policy jsonPolicy `json:"policy"`
	Args   []string   `json:"args"`
}

type jsonPolicy struct {
	Preset           Preset `json:"cors_preset"`
	AllowOrigin      string `json:"cors_allow_origin,omitempty"`
	AllowOriginRegex string `json:"cors_allow_origin_regex,omitempty"`
	AllowMethods     string `json:"cors_allow_methods"`
	AllowHeaders     string `json:"cors_allow_headers"`
	ExposeHeaders    string `json:"cors_expose_headers"`
	AllowCredentials bool   `json:"cors_allow_credentials"`
	MaxAge           string `json:"cors_max_age,omitempty"`
	MaxAgeSeconds    int    `json:"max_age_seconds"`
}

func policyJSON(p *Policy) jsonPolicy {
	j := jsonPolicy{Preset: p.Preset, AllowOrigin: p.AllowOrigin, AllowOriginRegex: p.AllowOriginRegex,
		AllowMethods: p.AllowMethods, AllowHeaders: p.AllowHeaders, ExposeHeaders: p.ExposeHeaders,
		AllowCredentials: p.AllowCredentials, MaxAgeSeconds: maxAgeSeconds(p)}
	if p.Proxy != ESP {
		j.MaxAge = FormatDuration(p.MaxAge)
	}
	return j
}

// ReadJSONOutput reads back the args of a --format json document.
func ReadJSONOutput(data []byte) (ArgList, Proxy, error) {
	var out jsonOutput
	if err := json.Unmarshal(data, &out); err != nil {
		return ArgList{}, "", fmt.Errorf("reading corsgate flags JSON: %w", err)
	}
	l := ArgList{Name: "json"}
	for i, a := range out.Args {
		l.Args = append(l.Args, Arg{Text: a, Index: i + 1, Source: "json"})
	}
	return l, out.Proxy, nil
}

// EnvoyFilterConfig is the Envoy configuration ESPv2 generates for a preset.
type EnvoyFilterConfig struct {
	HTTPFilter  EnvoyHTTPFilter  `json:"http_filter" yaml:"http_filter"`
	VirtualHost EnvoyVirtualHost `json:"virtual_host" yaml:"virtual_host"`
}

// EnvoyHTTPFilter is the CORS entry of the HCM's http_filters.
type EnvoyHTTPFilter struct {
	Name        string            `json:"name" yaml:"name"`
	TypedConfig map[string]string `json:"typed_config" yaml:"typed_config"`
}

// EnvoyVirtualHost is the part of the single ESPv2 virtual host that holds
// the CORS policy.
type EnvoyVirtualHost struct {
	Name                 string                     `json:"name" yaml:"name"`
	Domains              []string                   `json:"domains" yaml:"domains"`
	TypedPerFilterConfig map[string]EnvoyCorsPolicy `json:"typed_per_filter_config" yaml:"typed_per_filter_config"`
}

// EnvoyCorsPolicy is envoy.extensions.filters.http.cors.v3.CorsPolicy with
// the fields ESPv2 sets (filtergen/cors.go): one origin matcher, the flag
// strings verbatim, max_age as decimal seconds, allow_credentials always.
type EnvoyCorsPolicy struct {
	Type                   string             `json:"@type" yaml:"@type"`
	AllowOriginStringMatch []EnvoyStringMatch `json:"allow_origin_string_match" yaml:"allow_origin_string_match"`
	AllowMethods           string             `json:"allow_methods" yaml:"allow_methods"`
	AllowHeaders           string             `json:"allow_headers" yaml:"allow_headers"`
	ExposeHeaders          string             `json:"expose_headers" yaml:"expose_headers"`
	MaxAge                 string             `json:"max_age" yaml:"max_age"`
	AllowCredentials       bool               `json:"allow_credentials" yaml:"allow_credentials"`
}

// EnvoyStringMatch is a StringMatcher: exact or safe_regex.
type EnvoyStringMatch struct {
	Exact     string            `json:"exact,omitempty" yaml:"exact,omitempty"`
	SafeRegex map[string]string `json:"safe_regex,omitempty" yaml:"safe_regex,omitempty"`
}

// EnvoyConfig returns the Envoy configuration ESPv2 generates for p.
func EnvoyConfig(p *Policy) EnvoyFilterConfig {
	m := EnvoyStringMatch{Exact: p.AllowOrigin}
	if p.Preset == PresetRegex {
		m = EnvoyStringMatch{SafeRegex: map[string]string{"regex": p.AllowOriginRegex}}
	}
	return EnvoyFilterConfig{
		HTTPFilter: EnvoyHTTPFilter{Name: "envoy.filters.http.cors",
			TypedConfig: map[string]string{"@type": "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors"}},
		VirtualHost: EnvoyVirtualHost{Name: "backend", Domains: []string{"*"},
			TypedPerFilterConfig: map[string]EnvoyCorsPolicy{"envoy.filters.http.cors": {
				Type:                   "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy",
				AllowOriginStringMatch: []EnvoyStringMatch{m},
				AllowMethods:           p.AllowMethods,
				AllowHeaders:           p.AllowHeaders,
				ExposeHeaders:          p.ExposeHeaders,
				MaxAge:                 strconv.Itoa(maxAgeSeconds(p)),
				AllowCredentials:       p.AllowCredentials,
			}}},
	}
}

// Convert turns a policy for one proxy into the closest policy for the
// other, with a note for every semantic difference crossed (reference
// espv2-cors.md section 3). Converting to the same proxy returns p as is.
func Convert(p Policy, to Proxy) (Policy, []string) {
	from := p.Proxy
	if from == "" {
		from = ESPv2
	}
	if to == "" || to == from {
		return p, nil
	}
	var notes []string
	q := p
	q.Proxy = to
	if p.Preset == PresetNone {
		return q, nil
	}
	switch to {
	case ESP:
		if p.MaxAge != DefaultMaxAge {
			notes = append(notes, fmt.Sprintf("ESP has no --cors_max_age: Max-Age becomes the fixed 1728000 s instead of %d s", maxAgeSeconds(&p)))
		} else {
			notes = append(notes, "ESP has no --cors_max_age: it always sends Access-Control-Max-Age: 1728000 (the same as ESPv2's default 480h)")
		}
		q.MaxAge, q.MaxAgeSet = DefaultMaxAge, false
		if p.Preset == PresetRegex {
			re := p.AllowOriginRegex
			if !strings.HasPrefix(re, "^") || !strings.HasSuffix(re, "$") {
				q.AllowOriginRegex = "^(" + re + ")$"
				notes = append(notes, fmt.Sprintf("ESP matches the regex anywhere in the Origin; it is anchored as %s to keep ESPv2's whole-string meaning", q.AllowOriginRegex))
			}
			notes = append(notes, "ESP matches the regex case-insensitively (nginx ~*), ESPv2 case-sensitively: an Origin that differs only in case is now allowed")
			notes = append(notes, "ESP answers an OPTIONS with 204 only when the Origin matches; others go to ESP itself (403 \"The service does not allow CORS traffic.\" or the backend), where ESPv2 answered 400")
		} else {
			notes = append(notes, "ESP answers every OPTIONS request with 204 and the CORS headers (even without Origin or Access-Control-Request-Method), where ESPv2 answers 200 only for an allowed Origin with Access-Control-Request-Method and 400 otherwise")
			if p.AllowOrigin == "*" {
				notes = append(notes, "ESP sends the literal Access-Control-Allow-Origin: * where ESPv2 echoes the Origin")
				if p.AllowCredentials {
					notes = append(notes, "with credentials, ESP's * plus Allow-Credentials: true is refused by browsers for credentialed requests (ESPv2's echo works)")
				}
			} else {
				notes = append(notes, "ESP sends the CORS headers whatever the request's Origin is; ESPv2 only for the matching Origin")
			}
		}
		if p.AllowHeaders == DefaultAllowHeadersESP2 {
			notes = append(notes, "ESPv2's default --cors_allow_headers is kept as given, including X-User-Agent, which ESP's own default lacks")
		}
		notes = append(notes, "ESP adds its CORS headers next to the backend's (duplicates if the backend sends its own); ESPv2 replaces them")
		notes = append(notes, "ESP sends no Access-Control-Expose-Headers on the preflight (harmless: browsers ignore it there)")
	case ESPv2:
		q.MaxAge, q.MaxAgeSet = DefaultMaxAge, true
		notes = append(notes, "ESPv2 gets --cors_max_age=480h, the same 1728000 s that ESP always sends")
		if p.Preset == PresetRegex {
			notes = append(notes, "ESPv2 matches the regex against the whole Origin and case-sensitively (ESP: anywhere, ignoring case); check that it spells the full origin in lower case")
			notes = append(notes, "ESPv2 checks the regex at start-up with Go regexp/syntax (no \\d, \\w, (?:…), (?i)) and refuses to start if it fails")
		} else {
			notes = append(notes, "ESPv2 answers a preflight (200) only for a matching Origin with Access-Control-Request-Method; any other OPTIONS gets 400 where ESP answered 204")
			if p.AllowOrigin == "*" {
				notes = append(notes, "ESPv2 echoes the request Origin instead of sending *")
			}
		}
		if p.AllowHeaders == DefaultAllowHeadersESP {
			notes = append(notes, "ESP's default --cors_allow_headers is kept as given; ESPv2's own default adds X-User-Agent (needed by grpc-web clients)")
		}
		notes = append(notes, "ESPv2 replaces the backend's Access-Control-Allow-Origin and Expose-Headers instead of adding to them, and adds no CORS headers to its own 404/405/400 replies")
	}
	return q, notes
}
