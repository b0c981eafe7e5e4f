package cors

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/lint"
	"github.com/google/go-cmp/cmp"
)

var updateFlags = flag.Bool("update-flags", false, "rewrite cors/testdata/flags golden files")

// fwant is one expected finding: rule, severity, location ("#N" for an
// argument index, "L:C" for a file position, "" for none) and a substring
// of the message that must appear exactly (ESPv2's own wording where it has
// one).
type fwant struct {
	rule string
	sev  lint.Severity
	loc  string
	msg  string
}

type vcase struct {
	name  string
	proxy Proxy
	kind  string // "args" (shell words), "env" (ESPv2_ARGS=…), "file" (args file / manifest)
	in    string
	want  []fwant
}

// validateCases covers every start-up error and warning of reference
// espv2-cors.md section 5 ("Lint rules" and "Flag emitter") that concerns
// flags alone; the spec × flags checks are in lintflags_test.go.
var validateCases = []vcase{
	// ESPv2 start-up errors (src/go/configgenerator/filtergen/cors.go, util/regex.go, flag package).
	{"preset wrong case", ESPv2, "args", `--cors_preset=Basic`, []fwant{
		{RulePresetInvalid, lint.Error, "#1", `cors_preset must be either "basic" or "cors_with_regex"`}}},
	{"preset unknown", ESPv2, "args", `--cors_preset=foo --cors_allow_origin=https://a.example`, []fwant{
		{RulePresetInvalid, lint.Error, "#1", `--cors_preset=foo: ESPv2 refuses to start: cors_preset must be either "basic" or "cors_with_regex"`}}},
	{"preset with trailing comma from ESPv2_ARGS (upstream test input)", ESPv2, "env", `ESPv2_ARGS=^++^--cors_preset=basic,++--cors_allow_origin=*`, []fwant{
		{RulePresetInvalid, lint.Error, "#1", `--cors_preset=basic,: ESPv2 refuses to start: cors_preset must be either "basic" or "cors_with_regex"`}}},
	{"basic with empty origin", ESPv2, "args", `--cors_preset=basic --cors_allow_origin=`, []fwant{
		{RuleOriginEmpty, lint.Error, "#2", `cors_allow_origin cannot be empty when cors_preset=basic`}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"regex preset without regex", ESPv2, "args", `--cors_preset=cors_with_regex`, []fwant{
		{RuleRegexEmpty, lint.Error, "#1", `cors_allow_origin_regex cannot be empty when cors_preset=cors_with_regex`}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"regex with \\d", ESPv2, "args", `--cors_preset=cors_with_regex '--cors_allow_origin_regex=^https://app\d\.example\.com$'`, []fwant{
		{RuleRegexSyntax, lint.Error, "#2", "fail to fill regex origin matcher: invalid cors origin regex: error parsing regexp: invalid escape sequence: `\\d`"},
		{RuleNoVary, lint.Info, "#1", ""}}},
	{"regex with (?:)", ESPv2, "args", `--cors_preset=cors_with_regex '--cors_allow_origin_regex=^https://(?:a|b)\.example\.com$'`, []fwant{
		{RuleRegexSyntax, lint.Error, "#2", "fail to fill regex origin matcher: invalid cors origin regex: error parsing regexp: missing argument to repetition operator: `?`"},
		{RuleNoVary, lint.Info, "#1", ""}}},
	{"regex with (?i)", ESPv2, "args", `--cors_preset=cors_with_regex '--cors_allow_origin_regex=(?i)^https://a\.example$'`, []fwant{
		{RuleRegexSyntax, lint.Error, "#2", "missing argument to repetition operator: `?`"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"regex with \\w, separate value", ESPv2, "args", `--cors_preset cors_with_regex --cors_allow_origin_regex '^https://\w+\.example\.com$'`, []fwant{
		{RuleRegexSyntax, lint.Error, "#4", "invalid escape sequence: `\\w`"}, {RuleNoVary, lint.Info, "#2", ""}}},
	{"regex program too large", ESPv2, "args", `--cors_preset=cors_with_regex '--cors_allow_origin_regex=^https://[a-z]{1,600}\.example\.com$'`, []fwant{
		{RuleRegexTooLarge, lint.Error, "#2", `invalid cors origin regex: regex program size(`},
		{RuleRegexTooLarge, lint.Error, "#2", `) is larger than the max expected(1000): ^https://[a-z]{1,600}\.example\.com$`},
		{RuleNoVary, lint.Info, "#1", ""}}},
	{"nested repetition passes ESPv2's check, not RE2", ESPv2, "args", `--cors_preset=cors_with_regex '--cors_allow_origin_regex=^https://a**\.example$'`, []fwant{
		{RuleRegexRE2, lint.Error, "#2", "invalid nested repetition operator: `**`"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"max age bare number", ESPv2, "args", `--cors_preset=basic --cors_max_age=3600`, []fwant{
		{RuleMaxAgeNoUnit, lint.Error, "#2", `invalid value "3600" for flag -cors_max_age: parse error`}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"max age days", ESPv2, "args", `--cors_preset=basic --cors_max_age 1d`, []fwant{
		{RuleMaxAgeInvalid, lint.Error, "#3", `invalid value "1d" for flag -cors_max_age: parse error`}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"flag without value", ESPv2, "args", `--cors_preset=basic --cors_allow_origin`, []fwant{
		{RuleMissingValue, lint.Error, "#2", "argument --cors_allow_origin: expected one argument"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"flag followed by a flag", ESPv2, "args", `--cors_allow_origin --cors_preset=basic`, []fwant{
		{RuleMissingValue, lint.Error, "#1", "argument --cors_allow_origin: expected one argument"}, {RuleNoVary, lint.Info, "#2", ""}}},
	{"empty custom delimiter", ESPv2, "env", `ESPv2_ARGS=^^--cors_preset=basic`, []fwant{
		{RuleEnvMalformed, lint.Error, "", "Malformed ESPv2_ARGS environment variable"}}},
	{"gcloud comma without escape", ESPv2, "env", `--set-env-vars=A=1,ESPv2_ARGS=^++^--cors_preset=basic++--cors_allow_methods=GET,POST`, []fwant{
		{RuleGcloudComma, lint.Error, "", "gcloud splits --set-env-vars on ','"}, {RuleNoVary, lint.Info, "#1", ""}}},

	// Accepted but ignored or wrong.
	{"regex with basic", ESPv2, "args", `--cors_preset=basic --cors_allow_origin=https://a.example '--cors_allow_origin_regex=^https://b\.example$'`, []fwant{
		{RuleRegexIgnored, lint.Warning, "#3", "--cors_allow_origin_regex is ignored with --cors_preset=basic"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"origin with regex preset", ESPv2, "args", `--cors_preset=cors_with_regex --cors_allow_origin=https://a.example '--cors_allow_origin_regex=^https://b\.example$'`, []fwant{
		{RuleOriginIgnored, lint.Warning, "#2", "--cors_allow_origin is ignored with --cors_preset=cors_with_regex"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"cors flags without preset", ESPv2, "args", `--cors_allow_origin=https://a.example --cors_max_age=3600 --service=x`, []fwant{
		{RuleWithoutPreset, lint.Warning, "#1", "--cors_allow_origin is ignored without --cors_preset"},
		{RuleWithoutPreset, lint.Warning, "#2", "--cors_max_age is ignored without --cors_preset"}}},
	{"empty preset", ESPv2, "args", `--cors_preset= --cors_allow_origin=https://a.example`, []fwant{
		{RuleWithoutPreset, lint.Warning, "#2", "--cors_preset is empty"}}},
	{"wildcard with credentials", ESPv2, "args", `--cors_preset=basic --cors_allow_credentials`, []fwant{
		{RuleWildcardCreds, lint.Warning, "#2", "ESPv2 echoes every Origin with Access-Control-Allow-Credentials: true"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"wildcard with credentials on ESP", ESP, "args", `--cors_preset=basic --cors_allow_credentials`, []fwant{
		{RuleWildcardCreds, lint.Warning, "#2", "browsers refuse for credentialed requests"}}},
	{"origin trailing slash", ESPv2, "args", `--cors_preset=basic --cors_allow_origin=https://a.example/`, []fwant{
		{RuleOriginNotSerial, lint.Warning, "#2", "ends with a slash: browsers send the serialized origin https://a.example"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"origin with path", ESPv2, "args", `--cors_preset=basic --cors_allow_origin=https://a.example/app`, []fwant{
		{RuleOriginNotSerial, lint.Warning, "#2", "has a path"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"origin list", ESPv2, "args", `--cors_preset=basic --cors_allow_origin=https://a.example,https://b.example`, []fwant{
		{RuleOriginNotSerial, lint.Warning, "#2", "holds several origins"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"origin upper case", ESPv2, "args", `--cors_preset=basic --cors_allow_origin=https://App.Example.com`, []fwant{
		{RuleOriginNotSerial, lint.Warning, "#2", "has upper case: browsers send the serialized origin https://app.example.com"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"origin default port", ESPv2, "args", `--cors_preset=basic --cors_allow_origin=https://a.example:443`, []fwant{
		{RuleOriginNotSerial, lint.Warning, "#2", "names the default port"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"origin without scheme", ESPv2, "args", `--cors_preset=basic --cors_allow_origin=a.example`, []fwant{
		{RuleOriginNotSerial, lint.Warning, "#2", "is not an origin"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"origin null and non-default port are fine", ESPv2, "args", `--cors_preset=basic --cors_allow_origin=http://localhost:3000`, []fwant{
		{RuleNoVary, lint.Info, "#1", ""}}},
	{"quotes kept in ESPv2_ARGS (issue 595)", ESPv2, "env", `ESPv2_ARGS=--cors_preset=basic,--cors_allow_origin="https://a.example"`, []fwant{
		{RuleValueQuoted, lint.Warning, "#2", `keeps the quote (") characters`}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"quotes kept on ESP break nginx (esp issue 786)", ESP, "file", "args:\n- --cors_preset=basic\n- --cors_allow_origin=\"https://a.example\"\n", []fwant{
		{RuleValueQuoted, lint.Warning, "3:3", "nginx fails to start"}}},
	{"regex unescaped dot", ESPv2, "args", `--cors_preset=cors_with_regex '--cors_allow_origin_regex=^https://app.example\.com$'`, []fwant{
		{RuleRegexUnescapedDot, lint.Warning, "#2", "the '.' at character 13 is unescaped, so it matches any character (e.g. a host such as appxexample)"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"regex matches *", ESPv2, "args", `--cors_preset=cors_with_regex --cors_allow_origin_regex=.* --cors_allow_credentials`, []fwant{
		{RuleRegexMatchesStar, lint.Warning, "#2", `matches the literal string "*"`},
		{RuleRegexUnanchored, lint.Info, "#2", "ESPv2 matches the whole Origin anyway"},
		{RuleWildcardCreds, lint.Warning, "#3", "allows every Origin"},
		{RuleNoVary, lint.Info, "#1", ""}}},
	{"regex unanchored on ESP", ESP, "args", `--cors_preset=cors_with_regex '--cors_allow_origin_regex=https://a\.example'`, []fwant{
		{RuleRegexUnanchored, lint.Warning, "#2", "ESP matches it anywhere in the Origin and ignores case"}}},
	{"ESP accepts \\d", ESP, "args", `--cors_preset=cors_with_regex '--cors_allow_origin_regex=^https://a\d\.example$'`, nil},
	{"credentials =true", ESPv2, "args", `--cors_preset=basic --cors_allow_origin=https://a.example --cors_allow_credentials=true`, []fwant{
		{RuleCredentialsValue, lint.Warning, "#3", "ignored explicit argument 'true'"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"comma inside ESPv2_ARGS value", ESPv2, "env", `ESPv2_ARGS=--cors_preset=basic,--cors_allow_methods=GET,POST`, []fwant{
		{RuleEnvComma, lint.Warning, "#3", "ESPv2_ARGS is split on ','"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"space after delimiter (upstream test)", ESPv2, "env", `ESPv2_ARGS=--cors_preset=basic, --cors_allow_origin=https://a.example`, []fwant{
		{RuleValueSpaces, lint.Warning, "#2", "starts with a space"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"space around a value", ESPv2, "env", `ESPv2_ARGS=--cors_preset=basic,--cors_allow_origin=https://a.example `, []fwant{
		{RuleValueSpaces, lint.Warning, "#2", "has spaces around the value"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"duplicate flag", ESPv2, "args", `--cors_preset=cors_with_regex --cors_preset=basic`, []fwant{
		{RuleDuplicate, lint.Warning, "#2", "the earlier one is argument 1"}, {RuleNoVary, lint.Info, "#2", ""}}},
	{"unknown cors flag", ESPv2, "args", `--cors_preset=basic --cors_allowed_origin=https://a.example`, []fwant{
		{RuleUnknownFlag, lint.Warning, "#2", "did you mean --cors_allow_origin?"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"max age on ESP", ESP, "args", `--cors_preset=basic --cors_max_age=2h`, []fwant{
		{RuleESPNoMaxAge, lint.Warning, "#2", "ESP v1 has no --cors_max_age flag"}}},
	{"negative max age", ESPv2, "args", `--cors_preset=basic --cors_max_age=-1h`, []fwant{
		{RuleMaxAgeNegative, lint.Warning, "#2", "Access-Control-Max-Age: -3600"}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"negative max age as separate argument", ESPv2, "args", `--cors_preset=basic --cors_max_age -1`, []fwant{
		{RuleMaxAgeNoUnit, lint.Error, "#3", `invalid value "-1" for flag -cors_max_age: parse error`}, {RuleNoVary, lint.Info, "#1", ""}}},
	{"nginx-unsafe value on ESP", ESP, "args", `--cors_preset=cors_with_regex '--cors_allow_origin_regex=^https://a{1,3}\.example$'`, []fwant{
		{RuleESPNginxUnsafe, lint.Warning, "#2", "breaks the config at start-up"}}},
	{"ESP bad preset is silent", ESP, "args", `--cors_preset=Basic`, []fwant{
		{RulePresetInvalid, lint.Error, "#1", "ESP does not check the value"}}},
	{"clean ESPv2 regex", ESPv2, "file", "--cors_preset=cors_with_regex\n--cors_allow_origin_regex='^https://[a-z0-9-]+\\.example\\.com$'\n", []fwant{
		{RuleNoVary, lint.Info, "1:1", ""}}},
}

func parseCase(t testing.TB, c vcase) *Flags {
	t.Helper()
	var l ArgList
	var err error
	switch c.kind {
	case "args":
		l, err = ReadCommandLine(c.in)
	case "env":
		l, err = ReadEnv(c.in)
	case "file":
		l, err = ReadArgsFile("flags.txt", []byte(c.in))
	}
	if err != nil {
		t.Fatalf("reading %q: %v", c.in, err)
	}
	return ParseFlags(c.proxy, l)
}

func loc(d lint.Diagnostic) string {
	switch {
	case d.Arg > 0:
		return fmt.Sprintf("#%d", d.Arg)
	case d.Line > 0:
		return fmt.Sprintf("%d:%d", d.Line, d.Column)
	}
	return ""
}

func TestValidate(t *testing.T) {
	var golden strings.Builder
	for _, c := range validateCases {
		t.Run(c.name, func(t *testing.T) {
			var got []lint.Diagnostic
			for _, f := range Validate(parseCase(t, c)) {
				got = append(got, f.Diagnostic())
			}
			fmt.Fprintf(&golden, "== %s [%s %s] %s\n", c.name, c.proxy, c.kind, c.in)
			for _, d := range got {
				fmt.Fprintf(&golden, "%s %s %s: %s\n", loc(d), d.Severity, d.RuleID, d.Message)
			}
			// Every wanted finding is there, with its severity and position.
			for _, w := range c.want {
				if !slices.ContainsFunc(got, func(d lint.Diagnostic) bool {
					return d.RuleID == w.rule && d.Severity == w.sev && loc(d) == w.loc && strings.Contains(d.Message, w.msg)
				}) {
					t.Errorf("missing %s %s at %q containing %q; got:\n%s", w.sev, w.rule, w.loc, w.msg, dump(got))
				}
			}
			// And nothing else.
			wantRules := map[string]bool{}
			for _, w := range c.want {
				wantRules[w.rule] = true
			}
			for _, d := range got {
				if !wantRules[d.RuleID] {
					t.Errorf("unexpected %s: %s", d.RuleID, d.Message)
				}
			}
		})
	}
	checkGolden(t, "validate.golden", golden.String())
}

func dump(ds []lint.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s %s %s: %s\n", loc(d), d.Severity, d.RuleID, d.Message)
	}
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "flags", name)
	if *updateFlags {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wantB, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cors -update-flags)", err)
	}
	if d := cmp.Diff(string(wantB), got); d != "" {
		t.Errorf("%s differs (-want +got); run go test ./cors -update-flags if intended:\n%s", path, d)
	}
}

// TestEveryFlagRuleTested makes sure each flag rule appears in a table.
func TestEveryFlagRuleTested(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range validateCases {
		for _, w := range c.want {
			seen[w.rule] = true
		}
	}
	for _, c := range crossCases {
		for _, r := range c.want {
			seen[r] = true
		}
	}
	for _, r := range FlagRules {
		if !seen[r.ID] {
			t.Errorf("rule %s has no test case", r.ID)
		}
	}
}

func TestCheckRegexESPv2(t *testing.T) {
	ok := []string{`^https://[0-9]+\.example\.com$`, `[[:alpha:]]`, `\.`, `\/`, `a{0,100}`, `^(https?)://a\.example$`}
	for _, re := range ok {
		if err := CheckRegexESPv2(re); err != nil {
			t.Errorf("%q: %v", re, err)
		}
	}
	bad := map[string]string{
		`\d`:    "invalid escape sequence: `\\d`",
		`\s`:    "invalid escape sequence: `\\s`",
		`\b`:    "invalid escape sequence: `\\b`",
		`\pL`:   "invalid escape sequence: `\\p`",
		`\Q.\E`: "invalid escape sequence: `\\Q`",
		`(?:a)`: "missing argument to repetition operator: `?`",
		`(`:     "missing closing ): `(`",
	}
	for re, msg := range bad {
		err := CheckRegexESPv2(re)
		if err == nil || err.Error() != "fail to fill regex origin matcher: invalid cors origin regex: error parsing regexp: "+msg {
			t.Errorf("%q: got %v, want …%s", re, err, msg)
		}
	}
	big := `[a-z]{1,600}`
	err := CheckRegexESPv2(big)
	if m := regexp.MustCompile(`^invalid cors origin regex: regex program size\((\d+)\) is larger than the max expected\(1000\): \[a-z\]\{1,600\}$`).FindStringSubmatch(fmt.Sprint(err)); m == nil || m[1] <= "1000" && len(m[1]) == 4 {
		t.Errorf("size error = %v", err)
	}
}
