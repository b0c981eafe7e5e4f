package cors

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// CORS flag names, spelled exactly as ESPv2's start_proxy.py and ESP's
// start_esp.py accept them.
const (
	FlagPreset           = "--cors_preset"
	FlagAllowOrigin      = "--cors_allow_origin"
	FlagAllowOriginRegex = "--cors_allow_origin_regex"
	FlagAllowMethods     = "--cors_allow_methods"
	FlagAllowHeaders     = "--cors_allow_headers"
	FlagExposeHeaders    = "--cors_expose_headers"
	FlagAllowCredentials = "--cors_allow_credentials"
	FlagMaxAge           = "--cors_max_age"
)

// FlagNames lists the CORS flags in the order the emitter writes them.
var FlagNames = []string{FlagPreset, FlagAllowOrigin, FlagAllowOriginRegex, FlagAllowMethods,
	FlagAllowHeaders, FlagExposeHeaders, FlagAllowCredentials, FlagMaxAge}

// isCORSFlag reports whether name is one of the CORS flags the proxy knows.
// ESP v1 has no --cors_max_age (start_esp/start_esp.py).
func isCORSFlag(name string, proxy Proxy) bool {
	for _, n := range FlagNames {
		if n == name {
			return name != FlagMaxAge || proxy != ESP
		}
	}
	return false
}

// FlagValue is one occurrence of a CORS flag.
type FlagValue struct {
	// Name is the flag, e.g. "--cors_preset".
	Name string
	// Value is the value as the proxy receives it (quotes and spaces kept).
	Value string
	// HasValue is false for a bare switch (--cors_allow_credentials).
	HasValue bool
	// Arg is the argument holding the flag name; ValueArg the one holding the
	// value (the same argument for --flag=value).
	Arg, ValueArg Arg
}

// Flags is a proxy flag list after argparse-style parsing.
type Flags struct {
	// Proxy is whose flag rules were applied.
	Proxy Proxy
	// Last holds the last occurrence of each CORS flag (argparse keeps the
	// last one).
	Last map[string]*FlagValue
	// All holds every CORS flag occurrence in order.
	All []*FlagValue
	// Passthrough holds every argument that is not a CORS flag (or its
	// value), untouched and in order.
	Passthrough []Arg
	// Findings are problems seen while parsing (missing values, duplicates,
	// reading-layer findings of the sources).
	Findings []FlagFinding
}

// negativeNumber is argparse's _negative_number_matcher: such a word after an
// option is taken as its value, any other word starting with "-" is not.
var negativeNumber = regexp.MustCompile(`^-\d+$|^-\d*\.\d+$`)

// ParseFlags parses argument lists as ESPv2's docker/generic/start_proxy.py
// (or ESP's start_esp/start_esp.py when proxy is ESP) does with argparse:
// "--flag=value" and "--flag value" for string flags, a bare
// --cors_allow_credentials switch (store_true), the last occurrence wins.
// Lists are read in order, as if concatenated. Arguments that are not CORS
// flags are kept in Passthrough untouched. Abbreviated flag names, which
// argparse also accepts, are not recognised: they are reported as unknown
// CORS flags.
func ParseFlags(proxy Proxy, lists ...ArgList) *Flags {
	if proxy == "" {
		proxy = ESPv2
	}
	f := &Flags{Proxy: proxy, Last: map[string]*FlagValue{}}
	var args []Arg
	for _, l := range lists {
		f.Findings = append(f.Findings, l.Findings...)
		args = append(args, l.Args...)
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasEq := strings.Cut(a.Text, "=")
		if !strings.HasPrefix(name, "--cors_") {
			f.Passthrough = append(f.Passthrough, a)
			continue
		}
		if !isCORSFlag(name, proxy) {
			if name == FlagMaxAge && proxy == ESP {
				f.Findings = append(f.Findings, FlagFinding{RuleID: RuleESPNoMaxAge, Arg: a,
					Message: "ESP v1 has no --cors_max_age flag: it always sends Access-Control-Max-Age: 1728000; remove the flag (ESPv2 only, from v2.26.0)"})
			} else {
				f.Findings = append(f.Findings, FlagFinding{RuleID: RuleUnknownFlag, Arg: a,
					Message: unknownFlagMessage(name, proxy)})
			}
			f.Passthrough = append(f.Passthrough, a)
			continue
		}
		fv := &FlagValue{Name: name, Arg: a, ValueArg: a}
		switch {
		case name == FlagAllowCredentials:
			// store_true: argparse rejects "=value" ("ignored explicit
			// argument"), the config manager's flag.Bool would accept it.
			if hasEq {
				fv.Value, fv.HasValue = value, true
			}
		case hasEq:
			fv.Value, fv.HasValue = value, true
		case i+1 < len(args) && (!strings.HasPrefix(args[i+1].Text, "-") || negativeNumber.MatchString(args[i+1].Text)):
			i++
			fv.Value, fv.HasValue, fv.ValueArg = args[i].Text, true, args[i]
		default:
			f.Findings = append(f.Findings, FlagFinding{RuleID: RuleMissingValue, Arg: a,
				Message: "argument " + name + ": expected one argument (start_proxy.py stops here); write " + name + "=VALUE"})
			continue
		}
		if prev := f.Last[name]; prev != nil {
			f.Findings = append(f.Findings, FlagFinding{RuleID: RuleDuplicate, Arg: a,
				Message: name + " is given more than once; the proxy keeps only the last one (" + strconv.Quote(fv.Value) + ")" + atPrevious(prev.Arg)})
		}
		f.Last[name] = fv
		f.All = append(f.All, fv)
	}
	return f
}

func atPrevious(a Arg) string {
	switch {
	case a.Line > 0:
		return "; the earlier one is at line " + strconv.Itoa(a.Line)
	case a.Index > 0:
		return "; the earlier one is argument " + strconv.Itoa(a.Index)
	}
	return ""
}

func unknownFlagMessage(name string, proxy Proxy) string {
	best, bestD := "", 4
	for _, n := range FlagNames {
		if !isCORSFlag(n, proxy) {
			continue
		}
		if d := editDistance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	msg := name + " is not a CORS flag of " + proxy.Title()
	if best != "" {
		msg += "; did you mean " + best + "?"
	}
	return msg + " (start_proxy.py refuses unknown flags or, if abbreviated, may read it as another flag)"
}

// Title is the product name for messages.
func (p Proxy) Title() string {
	if p == ESP {
		return "ESP"
	}
	return "ESPv2"
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// value returns the last value of a flag and whether it was given.
func (f *Flags) value(name string) (string, bool) {
	if v := f.Last[name]; v != nil {
		return v.Value, true
	}
	return "", false
}

// Policy returns the policy the proxy will enforce with these flags, as
// start_proxy.py hands them to the config manager: without a truthy
// --cors_preset no CORS flag is passed on (only Proxy and Preset are set);
// with one, every flag gets its default when absent. Only the origin field
// the preset uses is kept. Values that fail validation (an unparsable max
// age) fall back to the default; Validate reports them.
func (f *Flags) Policy() Policy {
	p := Policy{Proxy: f.Proxy}
	preset, _ := f.value(FlagPreset)
	if preset == "" {
		return p
	}
	p.Preset = Preset(preset)
	str := func(name, def string) string {
		if v, ok := f.value(name); ok {
			return v
		}
		return def
	}
	switch p.Preset {
	case PresetBasic:
		p.AllowOrigin = str(FlagAllowOrigin, DefaultAllowOrigin)
	case PresetRegex:
		p.AllowOriginRegex = str(FlagAllowOriginRegex, "")
	}
	p.AllowMethods = str(FlagAllowMethods, DefaultAllowMethods)
	if f.Proxy == ESP {
		p.AllowHeaders = str(FlagAllowHeaders, DefaultAllowHeadersESP)
	} else {
		p.AllowHeaders = str(FlagAllowHeaders, DefaultAllowHeadersESP2)
	}
	p.ExposeHeaders = str(FlagExposeHeaders, DefaultExposeHeaders)
	if v := f.Last[FlagAllowCredentials]; v != nil {
		p.AllowCredentials = true
		if v.HasValue {
			// ESPv2's config manager reads it with Go's flag.Bool.
			if b, err := strconv.ParseBool(v.Value); err == nil {
				p.AllowCredentials = b
			}
		}
	}
	p.MaxAge = DefaultMaxAge
	if v, ok := f.value(FlagMaxAge); ok && f.Proxy != ESP {
		if d, err := time.ParseDuration(v); err == nil {
			p.MaxAge, p.MaxAgeSet = d, true
		}
	}
	return p
}

// maxAgeSeconds is the Access-Control-Max-Age value ESPv2 sends:
// strconv.Itoa(int(d.Seconds())), so fractions are truncated and negative
// values kept (src/go/configgenerator/filtergen/cors.go). ESP v1 always
// sends 1728000.
func maxAgeSeconds(p *Policy) int {
	if p.Proxy == ESP {
		return int(DefaultMaxAge / time.Second)
	}
	return int(p.MaxAge.Seconds())
}
