package cors

import (
	"fmt"
	"os"
	"strings"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/lint"
)

const (
	srcStartProxy = "ESPv2 docker/generic/start_proxy.py (gen_proxy_config)"
	srcCorsGen    = "ESPv2 src/go/configgenerator/filtergen/cors.go"
	srcRegex      = "ESPv2 src/go/util/regex.go"
	srcEnv        = "ESPv2 docker/serverless/env_start_proxy.py"
	srcEnvoy      = "Envoy source/extensions/filters/http/cors/cors_filter.cc"
	srcFetch      = "WHATWG Fetch: CORS check and CORS-preflight fetch"
	srcESP        = "ESP v1 start_esp/start_esp.py and nginx-auto.conf.template"
)

// FlagRules are the rules whose findings come from proxy flags (Validate,
// the readers) and from the spec × flags cross-checks (CrossCheck). They are
// External: lint.Run applies configuration and suppression to their
// diagnostics, which LintFlags produces. Package rules registers them.
var FlagRules = []*lint.Rule{
	{ID: RulePresetInvalid, Category: lint.CategoryFlags, Severity: lint.Error, External: true,
		Doc:     "--cors_preset must be exactly basic or cors_with_regex.",
		Details: "ESPv2 refuses to start with any other value (wrong case, trailing comma from ESPv2_ARGS splitting). ESP v1 does not check and silently handles no CORS.",
		Bad:     "--cors_preset=Basic", Good: "--cors_preset=basic", Source: srcCorsGen},
	{ID: RuleOriginEmpty, Category: lint.CategoryFlags, Severity: lint.Error, External: true,
		Doc: "--cors_preset=basic needs a non-empty --cors_allow_origin.",
		Bad: "--cors_preset=basic --cors_allow_origin=", Good: "--cors_preset=basic --cors_allow_origin=https://app.example.com", Source: srcCorsGen},
	{ID: RuleRegexEmpty, Category: lint.CategoryFlags, Severity: lint.Error, External: true,
		Doc:     "--cors_preset=cors_with_regex needs a non-empty --cors_allow_origin_regex.",
		Details: "ESPv2 refuses to start. ESP v1 inserts the empty regex as () and allows every origin.",
		Bad:     "--cors_preset=cors_with_regex", Good: `--cors_preset=cors_with_regex --cors_allow_origin_regex=^https://[a-z0-9-]+\.example\.com$`, Source: srcCorsGen},
	{ID: RuleRegexSyntax, Category: lint.CategoryFlags, Severity: lint.Error, External: true,
		Doc:     "The origin regex must parse with Go regexp/syntax and Perl extensions off.",
		Details: `ESPv2 pre-checks the regex with syntax.Parse(re, 0), so valid RE2 such as \d, \w, \s, \b, \pL, \Q…\E, (?:…) and (?i) stop it from starting.`,
		Bad:     `--cors_allow_origin_regex=^https://app\d\.example\.com$`, Good: `--cors_allow_origin_regex=^https://app[0-9]\.example\.com$`, Source: srcRegex},
	{ID: RuleRegexTooLarge, Category: lint.CategoryFlags, Severity: lint.Error, External: true,
		Doc: "The simplified origin regex program must have at most 1000 instructions.",
		Bad: `--cors_allow_origin_regex=^https://[a-z]{1,600}\.example\.com$`, Good: `--cors_allow_origin_regex=^https://[a-z]+\.example\.com$`, Source: srcRegex},
	{ID: RuleRegexRE2, Category: lint.CategoryFlags, Severity: lint.Error, External: true,
		Doc:     "The origin regex must also compile as RE2, which Envoy uses.",
		Details: "ESPv2's Go pre-check (flags 0) accepts nested repetition such as a** that RE2 rejects, so the generated Envoy configuration would be refused (UNVERIFIED end to end: checked against Go's RE2-syntax parser, not a running Envoy).",
		Bad:     "--cors_allow_origin_regex=^https://a**\\.example$", Good: "--cors_allow_origin_regex=^https://a*\\.example$", Source: srcRegex},
	{ID: RuleMaxAgeInvalid, Category: lint.CategoryFlags, Severity: lint.Error, External: true,
		Doc: "--cors_max_age must be a Go duration.",
		Bad: "--cors_max_age=1d", Good: "--cors_max_age=24h", Source: "ESPv2 src/go/configmanager/flags/flags.go (flag.Duration)"},
	{ID: RuleMaxAgeNoUnit, Category: lint.CategoryFlags, Severity: lint.Error, External: true,
		Doc: "--cors_max_age needs a unit: a bare number is not a Go duration.",
		Bad: "--cors_max_age=3600", Good: "--cors_max_age=3600s", Source: "ESPv2 src/go/configmanager/flags/flags.go (flag.Duration)"},
	{ID: RuleMissingValue, Category: lint.CategoryFlags, Severity: lint.Error, External: true,
		Doc: "A CORS string flag needs a value.",
		Bad: "--cors_allow_origin --cors_preset=basic", Good: "--cors_allow_origin=https://app.example.com --cors_preset=basic", Source: srcStartProxy},
	{ID: RuleEnvMalformed, Category: lint.CategoryFlags, Severity: lint.Error, External: true,
		Doc: "ESPv2_ARGS must not start with an empty custom delimiter (^^).",
		Bad: "ESPv2_ARGS=^^--cors_preset=basic", Good: "ESPv2_ARGS=^++^--cors_preset=basic", Source: srcEnv},
	{ID: RuleGcloudComma, Category: lint.CategoryFlags, Severity: lint.Error, External: true,
		Doc: "A comma in ESPv2_ARGS breaks gcloud's --set-env-vars unless the value starts with gcloud's ^DELIM^ escape.",
		Bad: "--set-env-vars=ESPv2_ARGS=^++^--cors_preset=basic++--cors_allow_methods=GET,POST", Good: "--set-env-vars='^@^ESPv2_ARGS=^++^--cors_preset=basic++--cors_allow_methods=GET,POST'", Source: "gcloud topic escaping"},
	{ID: RuleRegexIgnored, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "--cors_allow_origin_regex is ignored with --cors_preset=basic.",
		Bad: "--cors_preset=basic --cors_allow_origin_regex=^https://a\\.example$", Good: "--cors_preset=cors_with_regex --cors_allow_origin_regex=^https://a\\.example$", Source: srcCorsGen},
	{ID: RuleOriginIgnored, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "--cors_allow_origin is ignored with --cors_preset=cors_with_regex.",
		Bad: "--cors_preset=cors_with_regex --cors_allow_origin=https://a.example", Good: "--cors_preset=basic --cors_allow_origin=https://a.example", Source: srcCorsGen},
	{ID: RuleWithoutPreset, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "--cors_* flags without --cors_preset are ignored.",
		Bad: "--cors_allow_origin=https://a.example", Good: "--cors_preset=basic --cors_allow_origin=https://a.example", Source: srcStartProxy},
	{ID: RuleWildcardCreds, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc:     "Any-origin CORS must not be combined with --cors_allow_credentials.",
		Details: "ESPv2 echoes every Origin with Allow-Credentials: true (any site can make credentialed calls); ESP v1 sends * with true, which browsers refuse.",
		Bad:     "--cors_preset=basic --cors_allow_credentials", Good: "--cors_preset=basic --cors_allow_origin=https://app.example.com --cors_allow_credentials", Source: srcEnvoy},
	{ID: RuleOriginNotSerial, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc:     "--cors_allow_origin must be one serialized origin: scheme://host[:port], lower case, no path, slash or default port.",
		Details: "The proxy compares it byte for byte with the Origin header, so anything else never matches (ESPv2) or is sent as an invalid header (ESP).",
		Bad:     "--cors_allow_origin=https://App.example.com/", Good: "--cors_allow_origin=https://app.example.com", Source: srcFetch},
	{ID: RuleRegexUnescapedDot, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "A '.' in the host part of an origin regex must be escaped.",
		Bad: "--cors_allow_origin_regex=^https://app.example.com$", Good: `--cors_allow_origin_regex=^https://app\.example\.com$`, Source: srcFetch},
	{ID: RuleRegexMatchesStar, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "An origin regex that matches the literal \"*\" makes Envoy allow every origin.",
		Bad: "--cors_allow_origin_regex=.*", Good: `--cors_allow_origin_regex=^https://[a-z0-9-]+\.example\.com$`, Source: srcEnvoy},
	{ID: RuleRegexUnanchored, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc:     "An origin regex should be anchored with ^ and $.",
		Details: "ESPv2 matches the whole Origin anyway (info); ESP v1 matches anywhere, ignoring case (warning).",
		Bad:     `--cors_allow_origin_regex=https://app\.example\.com`, Good: `--cors_allow_origin_regex=^https://app\.example\.com$`, Source: srcESP},
	{ID: RuleCredentialsValue, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "--cors_allow_credentials is a bare switch; start_proxy.py refuses =true.",
		Bad: "--cors_allow_credentials=true", Good: "--cors_allow_credentials", Source: srcStartProxy},
	{ID: RuleEnvComma, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "A comma inside an ESPv2_ARGS value splits it unless a custom ^DELIM^ is used.",
		Bad: "ESPv2_ARGS=--cors_preset=basic,--cors_allow_methods=GET,POST", Good: "ESPv2_ARGS=^++^--cors_preset=basic++--cors_allow_methods=GET,POST", Source: srcEnv},
	{ID: RuleValueQuoted, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "Quotes around a flag value stay in the value when no shell runs (ESPv2_ARGS, Kubernetes args).",
		Bad: `ESPv2_ARGS=--cors_preset=basic,--cors_allow_origin="https://a.example"`, Good: "ESPv2_ARGS=--cors_preset=basic,--cors_allow_origin=https://a.example", Source: srcEnv},
	{ID: RuleValueSpaces, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "Spaces around a flag or its value are kept; ESPv2_ARGS pieces are not trimmed.",
		Bad: "ESPv2_ARGS=--cors_preset=basic, --cors_allow_origin=https://a.example", Good: "ESPv2_ARGS=--cors_preset=basic,--cors_allow_origin=https://a.example", Source: srcEnv},
	{ID: RuleDuplicate, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "A CORS flag given twice: only the last one counts.",
		Bad: "--cors_preset=basic --cors_preset=cors_with_regex", Good: "--cors_preset=cors_with_regex", Source: srcStartProxy},
	{ID: RuleUnknownFlag, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "A --cors_* flag the proxy does not know (typo).",
		Bad: "--cors_allowed_origin=https://a.example", Good: "--cors_allow_origin=https://a.example", Source: srcStartProxy},
	{ID: RuleESPNoMaxAge, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "ESP v1 has no --cors_max_age (Max-Age is fixed at 1728000).",
		Bad: "--cors_max_age=2h (ESP)", Good: "(no --cors_max_age on ESP)", Source: srcESP},
	{ID: RuleMaxAgeNegative, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "A negative --cors_max_age is sent as a negative Max-Age, which browsers ignore.",
		Bad: "--cors_max_age=-1h", Good: "--cors_max_age=0s", Source: srcCorsGen},
	{ID: RuleESPNginxUnsafe, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "ESP v1 writes CORS values into nginx.conf unescaped; ; { } break it.",
		Bad: "--cors_allow_origin_regex=^https://a{1,3}\\.example$ (ESP)", Good: "--cors_allow_origin_regex=^https://aa?a?\\.example$", Source: srcESP},
	{ID: RuleNoVary, Category: lint.CategoryFlags, Severity: lint.Info, External: true,
		Doc: "ESPv2 echoes the Origin but never sends Vary: Origin.",
		Bad: "--cors_preset=basic (responses cached by a shared cache)", Good: "backend adds Vary: Origin", Source: srcEnvoy},
	{ID: RulePresetWithAllow, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc:     "Do not combine allowCors: true with --cors_preset.",
		Details: "Both take effect: allowed preflights are answered by the proxy and never reach the backend, disallowed ones reach the backend, and the backend's CORS headers are replaced (ESPv2) or doubled (ESP).",
		Bad:     "allowCors: true + --cors_preset=basic", Good: "one of them", Source: "ESPv2 route_generator.go; esp-v2 issues #261, #465", Fix: "cors-mode"},
	{ID: RuleHeadersMissingAuth, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "--cors_allow_headers must list the API-key header and Authorization the spec needs.",
		Bad: "apiKey in: header name: x-api-key + --cors_allow_headers=Content-Type", Good: "--cors_allow_headers=Content-Type,x-api-key", Source: srcFetch},
	{ID: RuleMethodsMissing, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc: "--cors_allow_methods must list every non-safelisted method the spec uses.",
		Bad: "delete operation + --cors_allow_methods=GET, POST", Good: "--cors_allow_methods=GET, POST, DELETE, OPTIONS", Source: srcFetch},
	{ID: RuleGrpcWebHeaders, Category: lint.CategoryFlags, Severity: lint.Warning, External: true,
		Doc:     "A grpc-web API needs X-Grpc-Web, X-User-Agent and Content-Type allowed and grpc-status, grpc-message exposed.",
		Details: "grpc-web is detected from an application/grpc-web* media type in consumes/produces or an x-google-backend address with a grpc:// or grpcs:// scheme.",
		Bad:     "--cors_allow_headers=Content-Type", Good: "--cors_allow_headers=Content-Type,X-Grpc-Web,X-User-Agent --cors_expose_headers=grpc-status,grpc-message", Source: "grpc/grpc-web #1132; esp-v2 issue #192"},
}

// RuleByID returns the flag rule with that ID, or nil.
func RuleByID(id string) *lint.Rule {
	for _, r := range FlagRules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// FlagSource names the proxy flag inputs of a lint run.
type FlagSource struct {
	// Args is a command line (shell words): plain flags, a docker run line
	// or a gcloud run deploy line (--proxy-args).
	Args string
	// ArgsFile is an args file or Kubernetes manifest (--proxy-args-file).
	ArgsFile string
	// CloudRunEnv is an ESPv2_ARGS=… assignment, optionally in gcloud's
	// ^DELIM^ form (--cloudrun-env).
	CloudRunEnv string
	// Proxy whose rules apply; "" means from the target (ESP for
	// endpoints-esp, else ESPv2), or from the image of a manifest.
	Proxy Proxy
}

// Read reads every non-empty input. Each becomes its own ArgList: they are
// different deployments, checked separately. The error is for input that
// cannot be read.
func (in FlagSource) Read() ([]ArgList, error) {
	var out []ArgList
	if strings.TrimSpace(in.Args) != "" {
		l, err := ReadCommandLine(in.Args)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if in.ArgsFile != "" {
		data, err := os.ReadFile(in.ArgsFile)
		if err != nil {
			return nil, fmt.Errorf("reading proxy args file: %w", err)
		}
		l, err := ReadArgsFile(in.ArgsFile, data)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if in.CloudRunEnv != "" {
		l, err := ReadEnv(in.CloudRunEnv)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// proxyFor picks the proxy whose semantics apply to one list.
func (in FlagSource) proxyFor(l ArgList, target lint.Target) Proxy {
	if in.Proxy != "" {
		return in.Proxy
	}
	if p, ok := ProxyFromImage(l.Image); ok {
		return p
	}
	if l.Name == SourceEnvESP || target == lint.TargetESP {
		return ESP
	}
	return ESPv2
}

// LintFlags reads the proxy flag inputs, validates each flag set the way
// the proxy will treat it, and cross-checks it against the specs. Findings
// come back as diagnostics whose File is the input (file name, "command
// line", "ESPv2_ARGS") with line:col for files and the argument index for
// command lines and ESPv2_ARGS; cross-check findings about the spec point
// into the spec. The error is for unreadable input only.
func LintFlags(in FlagSource, docs []*spec.Document, target lint.Target) ([]lint.Diagnostic, error) {
	lists, err := in.Read()
	if err != nil {
		return nil, err
	}
	var out []lint.Diagnostic
	for _, l := range lists {
		f := ParseFlags(in.proxyFor(l, target), l)
		for _, fd := range Validate(f) {
			d := fd.Diagnostic()
			if d.File == "" {
				d.File = l.Name
			}
			out = append(out, d)
		}
		for _, d := range CrossCheck(f, docs) {
			if d.File == "" {
				d.File = l.Name
			}
			out = append(out, d)
		}
	}
	return lint.Sort(out), nil
}

// CrossCheck compares a flag set with what the specs need: a preset
// together with allowCors, allow-headers lacking the API-key header or
// Authorization, allow-methods lacking a method, grpc-web headers. Only a
// valid preset is compared (otherwise the proxy handles no CORS).
func CrossCheck(f *Flags, docs []*spec.Document) []lint.Diagnostic {
	p := f.Policy()
	if len(docs) == 0 || p.Preset != PresetBasic && p.Preset != PresetRegex {
		return nil
	}
	return CrossCheckPolicy(p, f, docs)
}

// CrossCheckPolicy is CrossCheck for a policy; f (may be nil) gives the
// positions of the flags.
func CrossCheckPolicy(p Policy, f *Flags, docs []*spec.Document) []lint.Diagnostic {
	var out []lint.Diagnostic
	at := func(name string) Arg {
		if f == nil {
			return Arg{}
		}
		if v := f.Last[name]; v != nil {
			return v.ValueArg
		}
		if v := f.Last[FlagPreset]; v != nil {
			return v.ValueArg
		}
		return Arg{}
	}
	add := func(rule string, a Arg, format string, args ...any) {
		out = append(out, FlagFinding{RuleID: rule, Arg: a, Message: fmt.Sprintf(format, args...)}.Diagnostic())
	}
	var all []SpecNeeds
	for _, d := range docs {
		n := Needs(d)
		all = append(all, n)
		if n.AllowCors {
			pos := d.Pos(n.AllowCorsPtr)
			msg := fmt.Sprintf("allowCors: true and --cors_preset=%s are both active: ESPv2 answers preflights from allowed origins itself (the backend never sees them), sends preflights from other origins to the backend without JWT or API-key checks, and replaces the backend's Access-Control-Allow-Origin on responses; keep one mode: `corsgate transform cors-mode proxy %s` (drop allowCors) or `corsgate transform cors-mode backend %s` and remove the --cors_* flags", p.Preset, d.Name, d.Name)
			if p.Proxy == ESP {
				msg = fmt.Sprintf("allowCors: true and --cors_preset=%s are both active: ESP's nginx answers OPTIONS itself before ESP runs (basic: every OPTIONS; regex: matching origins), and adds its CORS headers next to the backend's, so browsers see them twice; keep one mode: `corsgate transform cors-mode proxy %s` or `corsgate transform cors-mode backend %s`", p.Preset, d.Name, d.Name)
			}
			out = append(out, lint.Diagnostic{RuleID: RulePresetWithAllow, Severity: lint.Warning, Message: msg,
				File: d.Name, Line: pos.Line, Column: pos.Column, Pointer: n.AllowCorsPtr})
		}
	}
	n := MergeNeeds(all...)
	allowed := listSet(p.AllowHeaders)
	if strings.TrimSpace(p.AllowHeaders) != "*" {
		var missing []string
		for _, h := range n.APIKeyHeaders {
			if !allowed.has(h) {
				missing = append(missing, h)
			}
		}
		if n.Authorization && !allowed.has("Authorization") {
			missing = append(missing, "Authorization")
		}
		if len(missing) > 0 {
			add(RuleHeadersMissingAuth, at(FlagAllowHeaders), "--cors_allow_headers=%s lacks %s, which the spec's security definitions make browsers send; the preflight fails for those requests; use --cors_allow_headers=%s",
				p.AllowHeaders, strings.Join(missing, ", "), joinList(p.AllowHeaders, missing))
		}
		if n.GrpcWeb {
			var gm []string
			for _, h := range GrpcWebHeaders {
				if !allowed.has(h) {
					gm = append(gm, h)
				}
			}
			if len(gm) > 0 {
				add(RuleGrpcWebHeaders, at(FlagAllowHeaders), "the spec targets grpc-web (%s) but --cors_allow_headers=%s lacks %s, which grpc-web clients send; use --cors_allow_headers=%s",
					n.GrpcWebPtr, p.AllowHeaders, strings.Join(gm, ", "), joinList(p.AllowHeaders, gm))
			}
		}
	}
	if n.GrpcWeb {
		exp := listSet(p.ExposeHeaders)
		var em []string
		for _, h := range []string{"grpc-status", "grpc-message"} {
			if !exp.has(h) {
				em = append(em, h)
			}
		}
		if len(em) > 0 && strings.TrimSpace(p.ExposeHeaders) != "*" {
			add(RuleGrpcWebHeaders, at(FlagExposeHeaders), "the spec targets grpc-web (%s) but --cors_expose_headers=%s lacks %s, so the client cannot read the call status; use --cors_expose_headers=%s",
				n.GrpcWebPtr, p.ExposeHeaders, strings.Join(em, ", "), joinList(p.ExposeHeaders, em))
		}
	}
	methods := listSet(p.AllowMethods)
	if strings.TrimSpace(p.AllowMethods) != "*" {
		var missing []string
		for _, m := range n.Methods {
			// GET, HEAD and POST are CORS-safelisted: no preflight needs them
			// listed (Fetch, CORS-preflight fetch step 7). OPTIONS is never
			// preflighted by a browser.
			switch m {
			case "GET", "HEAD", "POST", "OPTIONS":
				continue
			}
			if !methods.seen[m] { // methods compare byte for byte
				missing = append(missing, m)
			}
		}
		if len(missing) > 0 {
			add(RuleMethodsMissing, at(FlagAllowMethods), "--cors_allow_methods=%s lacks %s, which the spec uses; browsers refuse those cross-origin calls after the preflight; use --cors_allow_methods=%s",
				p.AllowMethods, strings.Join(missing, ", "), joinMethods(p.AllowMethods, missing))
		}
	}
	return out
}

// listSet splits a comma list as browsers do (trimming optional spaces) into
// a case-insensitive set; seen also holds each item byte for byte.
func listSet(v string) *nameSet {
	s := newNameSet()
	exact := map[string]bool{}
	for _, it := range strings.Split(v, ",") {
		it = strings.TrimSpace(it)
		if it != "" {
			s.add(it)
			exact[it] = true
		}
	}
	// Methods compare case-sensitively; keep the exact items too.
	for k := range exact {
		s.seen[k] = true
	}
	return s
}

func joinList(cur string, add []string) string {
	if strings.TrimSpace(cur) == "" {
		return strings.Join(add, ",")
	}
	return cur + "," + strings.Join(add, ",")
}

func joinMethods(cur string, add []string) string {
	items := []string{}
	for _, it := range strings.Split(cur, ",") {
		if it = strings.TrimSpace(it); it != "" {
			items = append(items, it)
		}
	}
	return strings.Join(append(items, add...), ", ")
}
