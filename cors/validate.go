package cors

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"time"
)

// Rule IDs of the findings the readers, ParseFlags and Validate produce.
// They never change meaning; package rules registers each (rules/<id>.go)
// with its documentation and severity.
const (
	RulePresetInvalid     = "flags-preset-invalid"
	RuleOriginEmpty       = "flags-origin-empty"
	RuleRegexEmpty        = "flags-regex-empty"
	RuleRegexSyntax       = "flags-regex-syntax"
	RuleRegexTooLarge     = "flags-regex-too-large"
	RuleRegexRE2          = "flags-regex-re2-invalid"
	RuleMaxAgeInvalid     = "flags-max-age-invalid"
	RuleMaxAgeNoUnit      = "flags-max-age-no-unit"
	RuleMissingValue      = "flags-missing-value"
	RuleEnvMalformed      = "flags-env-malformed"
	RuleGcloudComma       = "flags-gcloud-comma"
	RuleRegexIgnored      = "flags-regex-ignored"
	RuleOriginIgnored     = "flags-origin-ignored"
	RuleWithoutPreset     = "flags-without-preset"
	RuleWildcardCreds     = "flags-wildcard-credentials"
	RuleOriginNotSerial   = "flags-origin-not-serialized"
	RuleRegexUnescapedDot = "flags-regex-unescaped-dot"
	RuleRegexMatchesStar  = "flags-regex-matches-wildcard"
	RuleRegexUnanchored   = "flags-regex-unanchored"
	RuleCredentialsValue  = "flags-credentials-explicit-value"
	RuleEnvComma          = "flags-env-comma"
	RuleValueQuoted       = "flags-value-quoted"
	RuleValueSpaces       = "flags-value-spaces"
	RuleDuplicate         = "flags-duplicate"
	RuleUnknownFlag       = "flags-unknown-cors-flag"
	RuleESPNoMaxAge       = "flags-esp-no-max-age"
	RuleMaxAgeNegative    = "flags-max-age-negative"
	RuleESPNginxUnsafe    = "flags-esp-nginx-unsafe"
	RuleNoVary            = "flags-no-vary-origin"
)

// ESPv2 start-up error strings (inner text, exact). Sources:
// src/go/configgenerator/filtergen/cors.go, routegen/direct_response_cors.go,
// src/go/util/regex.go (GoogleRE2MaxProgramSize = 1000), Go's flag package
// for --cors_max_age.
const (
	MsgPresetInvalid = `cors_preset must be either "basic" or "cors_with_regex"`
	MsgOriginEmpty   = `cors_allow_origin cannot be empty when cors_preset=basic`
	MsgRegexEmpty    = `cors_allow_origin_regex cannot be empty when cors_preset=cors_with_regex`
	// MaxRegexProgramSize is ESPv2's GoogleRE2MaxProgramSize.
	MaxRegexProgramSize = 1000
)

// CheckRegexESPv2 runs ESPv2's start-up check of --cors_allow_origin_regex:
// Go regexp/syntax.Parse with flags 0 (Perl extensions off, so \d, \w, \s,
// \b, \pL, \Q…\E, (?:…) and (?i) are rejected), then the program size of the
// simplified regex must be at most 1000 instructions. The error text is
// ESPv2's exact inner message.
func CheckRegexESPv2(re string) error {
	parsed, err := syntax.Parse(re, 0)
	if err != nil {
		return fmt.Errorf("fail to fill regex origin matcher: invalid cors origin regex: %w", err)
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return fmt.Errorf("fail to fill regex origin matcher: invalid cors origin regex: %w", err)
	}
	if n := len(prog.Inst); n > MaxRegexProgramSize {
		return &RegexSizeError{Size: n, Regex: re}
	}
	return nil
}

// RegexSizeError is ESPv2's "program too large" start-up error.
type RegexSizeError struct {
	Size  int
	Regex string
}

func (e *RegexSizeError) Error() string {
	return fmt.Sprintf("invalid cors origin regex: regex program size(%d) is larger than the max expected(%d): %s", e.Size, MaxRegexProgramSize, e.Regex)
}

// perlHints suggests the flag-0 spelling of Perl-only syntax.
var perlHints = []struct{ bad, hint string }{
	{`\d`, `write [0-9] for \d`},
	{`\w`, `write [0-9A-Za-z_] for \w`},
	{`\s`, `write [ \t\n\f\r] for \s`},
	{`(?:`, `write (…) for (?:…)`},
	{`(?i`, `ESPv2 matches case-sensitively and (?i) is refused: list both cases, e.g. [Ee]xample, or lower-case only (browsers send lower-case hosts)`},
	{`\b`, `\b is refused: anchor with ^ and $ instead`},
	{`\p`, `\p classes are refused: use a bracket class`},
	{`\Q`, `\Q…\E is refused: escape each character with \`},
}

func maxAgeError(v string) string {
	return fmt.Sprintf("invalid value %q for flag -cors_max_age: parse error", v)
}

// Validate checks a parsed flag set and returns every finding: the parse
// findings, ESPv2's start-up errors (exact inner strings) and the warnings
// for what the proxy accepts but ignores or gets wrong. Findings are in
// argument order within each group.
func Validate(f *Flags) []FlagFinding {
	out := append([]FlagFinding(nil), f.Findings...)
	add := func(rule string, a Arg, format string, args ...any) {
		out = append(out, FlagFinding{RuleID: rule, Arg: a, Message: fmt.Sprintf(format, args...)})
	}
	esp := f.Proxy == ESP
	name := f.Proxy.Title()

	// Value hygiene on every CORS flag occurrence.
	for _, v := range f.All {
		if !v.HasValue {
			continue
		}
		if q := quoteChars(v.Value); q != "" {
			why := "no shell runs here, so " + name + " compares against the value with the quotes in it"
			if esp {
				why = "ESP writes it into nginx.conf unescaped, and nginx fails to start (unexpected \"h\"; esp issue #786)"
			}
			add(RuleValueQuoted, v.ValueArg, "%s=%s keeps the %s characters: %s; remove them", v.Name, v.Value, q, why)
		} else if strings.TrimSpace(v.Value) != v.Value {
			add(RuleValueSpaces, v.ValueArg, "%s=%q has spaces around the value, which the proxy keeps (nothing trims them); remove them", v.Name, v.Value)
		}
		if esp && v.Name != FlagAllowCredentials && strings.ContainsAny(v.Value, ";{}") {
			add(RuleESPNginxUnsafe, v.ValueArg, "%s=%s holds ; { or }: ESP inserts the value into nginx.conf unescaped, which breaks the config at start-up", v.Name, v.Value)
		}
		if v.Name == FlagAllowCredentials {
			if esp {
				add(RuleCredentialsValue, v.Arg, "--cors_allow_credentials=%s: the flag is a bare switch (argparse store_true) and start_esp.py refuses a value (\"ignored explicit argument '%s'\"); write --cors_allow_credentials alone, or leave it out for false", v.Value, v.Value)
			} else {
				add(RuleCredentialsValue, v.Arg, "--cors_allow_credentials=%s: the flag is a bare switch (argparse store_true) and start_proxy.py refuses a value (\"ignored explicit argument '%s'\"); write --cors_allow_credentials alone, or leave it out for false", v.Value, v.Value)
			}
		}
	}

	preset, hasPreset := f.value(FlagPreset)
	if preset == "" {
		// start_proxy.py passes CORS flags on only when the preset is truthy.
		for _, v := range f.All {
			if v.Name == FlagPreset {
				continue
			}
			if hasPreset {
				add(RuleWithoutPreset, v.Arg, "%s is ignored: --cors_preset is empty, so %s passes no CORS flag on and handles no CORS; set --cors_preset=basic or --cors_preset=cors_with_regex", v.Name, name)
			} else {
				add(RuleWithoutPreset, v.Arg, "%s is ignored without --cors_preset: %s passes no CORS flag on and handles no CORS; add --cors_preset=basic or --cors_preset=cors_with_regex", v.Name, name)
			}
		}
		return out
	}
	presetArg := f.Last[FlagPreset].ValueArg
	p := f.Policy()
	if p.Preset != PresetBasic && p.Preset != PresetRegex {
		if esp {
			add(RulePresetInvalid, presetArg, "--cors_preset=%s: ESP does not check the value, and with anything but \"basic\" or \"cors_with_regex\" (case-sensitive) it silently handles no CORS", preset)
		} else {
			add(RulePresetInvalid, presetArg, "--cors_preset=%s: ESPv2 refuses to start: %s", preset, MsgPresetInvalid)
		}
		return out
	}

	switch p.Preset {
	case PresetBasic:
		if v := f.Last[FlagAllowOriginRegex]; v != nil {
			add(RuleRegexIgnored, v.Arg, "--cors_allow_origin_regex is ignored with --cors_preset=basic, which matches --cors_allow_origin (%q) exactly; use --cors_preset=cors_with_regex to match by regex", p.AllowOrigin)
		}
		origin := p.AllowOrigin
		oa := presetArg
		if v := f.Last[FlagAllowOrigin]; v != nil {
			oa = v.ValueArg
		}
		if origin == "" {
			if esp {
				add(RuleOriginEmpty, oa, "--cors_allow_origin is empty: ESP sends an empty Access-Control-Allow-Origin, which no browser accepts")
			} else {
				add(RuleOriginEmpty, oa, "--cors_allow_origin is empty: ESPv2 refuses to start: %s", MsgOriginEmpty)
			}
		} else if origin != "*" {
			if msg := originProblem(origin); msg != "" {
				add(RuleOriginNotSerial, oa, "--cors_allow_origin=%s %s", origin, msg)
			}
		}
		if origin == "*" && p.AllowCredentials {
			ca := f.Last[FlagAllowCredentials].Arg
			if esp {
				add(RuleWildcardCreds, ca, "--cors_allow_origin=* with --cors_allow_credentials: ESP sends Access-Control-Allow-Origin: * with Allow-Credentials: true, which browsers refuse for credentialed requests; name the origin")
			} else {
				add(RuleWildcardCreds, ca, "--cors_allow_origin=* with --cors_allow_credentials: ESPv2 echoes every Origin with Access-Control-Allow-Credentials: true, so any site can make credentialed calls; name the origin or use a regex")
			}
		}
	case PresetRegex:
		if v := f.Last[FlagAllowOrigin]; v != nil {
			add(RuleOriginIgnored, v.Arg, "--cors_allow_origin is ignored with --cors_preset=cors_with_regex, which matches only --cors_allow_origin_regex")
		}
		re := p.AllowOriginRegex
		ra := presetArg
		if v := f.Last[FlagAllowOriginRegex]; v != nil {
			ra = v.ValueArg
		}
		if re == "" {
			if esp {
				add(RuleRegexEmpty, ra, "--cors_allow_origin_regex is empty: ESP inserts it as \"()\", which matches every Origin (and none at all); give the regex")
			} else {
				add(RuleRegexEmpty, ra, "--cors_allow_origin_regex is empty or missing: ESPv2 refuses to start: %s", MsgRegexEmpty)
			}
			break
		}
		if !esp {
			if err := CheckRegexESPv2(re); err != nil {
				if se, ok := err.(*RegexSizeError); ok {
					add(RuleRegexTooLarge, ra, "--cors_allow_origin_regex: ESPv2 refuses to start: %s; shorten it (bounded repeats such as {1,500} count once per repetition)", se.Error())
				} else {
					hints := ""
					for _, h := range perlHints {
						if strings.Contains(re, h.bad) {
							hints += "; " + h.hint
						}
					}
					add(RuleRegexSyntax, ra, "--cors_allow_origin_regex: ESPv2 refuses to start: %s (ESPv2 checks the regex with Go regexp/syntax and Perl extensions off%s)", err.Error(), hints)
				}
				break
			}
			// ESPv2's pre-check runs without Perl flags, which lets nested
			// repetition (a**, a+*) through; RE2, which Envoy compiles the
			// regex with, rejects it. Go's regexp (Perl flags, as RE2)
			// stands in for RE2 here.
			if _, err := regexp.Compile(re); err != nil {
				add(RuleRegexRE2, ra, "--cors_allow_origin_regex=%s passes ESPv2's start-up check but RE2 rejects it (%v); Envoy would refuse the configuration ESPv2 generates. Remove the nested repetition", re, err)
				break
			}
		}
		if i := UnescapedHostDot(re); i >= 0 {
			col := i + 1
			add(RuleRegexUnescapedDot, ra, "--cors_allow_origin_regex=%s: the '.' at character %d is unescaped, so it matches any character (e.g. a host such as %s); write \\.", re, col, dotExample(re, col))
		}
		if esp {
			if !strings.HasPrefix(re, "^") || !strings.HasSuffix(re, "$") {
				out = append(out, FlagFinding{RuleID: RuleRegexUnanchored, Arg: ra, Message: fmt.Sprintf(
					"--cors_allow_origin_regex=%s has no ^…$: ESP matches it anywhere in the Origin and ignores case (nginx ~*), so https://evil.example/?x matches too; anchor it as ^…$", re)})
			}
		} else {
			if !strings.HasPrefix(re, "^") || !strings.HasSuffix(re, "$") {
				out = append(out, FlagFinding{RuleID: RuleRegexUnanchored, Arg: ra, Info: true, Message: fmt.Sprintf(
					"--cors_allow_origin_regex=%s has no ^…$: ESPv2 matches the whole Origin anyway, but the same flag on ESP v1 would match anywhere and ignore case", re)})
			}
			if rx, err := regexp.Compile(`^(?:` + re + `)$`); err == nil && rx.MatchString("*") {
				add(RuleRegexMatchesStar, ra, "--cors_allow_origin_regex=%s matches the literal string \"*\", and Envoy then allows every Origin (cors_filter.cc checks matchers against \"*\" first); make the regex require a scheme, e.g. ^https://…$", re)
				if p.AllowCredentials {
					add(RuleWildcardCreds, f.Last[FlagAllowCredentials].Arg, "--cors_allow_origin_regex=%s allows every Origin, and with --cors_allow_credentials ESPv2 echoes each one with Access-Control-Allow-Credentials: true; tighten the regex", re)
				}
			}
		}
	}

	if v := f.Last[FlagMaxAge]; v != nil && !esp {
		if d, err := time.ParseDuration(v.Value); err != nil {
			if _, nerr := strconv.ParseFloat(strings.TrimSpace(v.Value), 64); nerr == nil {
				add(RuleMaxAgeNoUnit, v.ValueArg, "--cors_max_age=%s: ESPv2 refuses to start: %s; it is a Go duration and needs a unit, e.g. %ss or 2h", v.Value, maxAgeError(v.Value), strings.TrimSpace(v.Value))
			} else {
				add(RuleMaxAgeInvalid, v.ValueArg, "--cors_max_age=%s: ESPv2 refuses to start: %s; write a Go duration such as 3600s, 90m or 480h", v.Value, maxAgeError(v.Value))
			}
		} else if d < 0 {
			add(RuleMaxAgeNegative, v.ValueArg, "--cors_max_age=%s: ESPv2 accepts it and sends Access-Control-Max-Age: %d, which browsers treat as invalid (they cache the preflight for 5 s); use 0s to disable caching", v.Value, int(d.Seconds()))
		}
	}
	if !esp {
		out = append(out, FlagFinding{RuleID: RuleNoVary, Arg: presetArg, Message: "ESPv2 echoes the request Origin in Access-Control-Allow-Origin but never adds Vary: Origin; a shared cache in front of it may serve one origin's response to another (add Vary: Origin in the backend if responses are cached)"})
	}
	return out
}

// quoteChars returns which quote characters a value starts or ends with.
func quoteChars(v string) string {
	t := strings.TrimSpace(v)
	if t == "" {
		return ""
	}
	for _, q := range []byte{'"', '\''} {
		if t[0] == q || t[len(t)-1] == q {
			return "quote (" + string(q) + ")"
		}
	}
	return ""
}

// originProblem says how an --cors_allow_origin value differs from a
// serialized origin and what to write instead, or "" if it is one.
func originProblem(o string) string {
	why, want := OriginProblem(o)
	switch {
	case why == "":
		return ""
	case want == "":
		return why
	}
	return why + ": browsers send the serialized origin " + want + ", and the proxy compares byte for byte; write " + want
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func dotExample(re string, col int) string {
	// Show the host with the dot replaced, e.g. exampleXcom.
	i := col - 1
	l, r := i, i+1
	for l > 0 && (isAlnum(re[l-1]) || re[l-1] == '-') {
		l--
	}
	for r < len(re) && (isAlnum(re[r]) || re[r] == '-') {
		r++
	}
	return re[l:i] + "x" + re[i+1:r]
}
