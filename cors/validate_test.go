package cors

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var updateFlags = flag.Bool("update-flags", false, "rewrite cors/testdata/flags golden files")

// The cases of each rule are fixtures of package rules
// (rules/testdata/<rule-id>/*.args, *.env), linted through rules.LintFlags
// and pinned whole in rules/testdata/flags.golden. Here: what Validate
// itself decides.

// TestValidateInformational: an unanchored origin regex is informational on
// ESPv2 (it matches the whole Origin anyway), a finding on ESP (nginx
// matches anywhere and ignores case).
func TestValidateInformational(t *testing.T) {
	l, err := ReadCommandLine(`--cors_preset=cors_with_regex '--cors_allow_origin_regex=https://a\.example'`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		proxy Proxy
		info  bool
	}{{ESPv2, true}, {ESP, false}} {
		var got []FlagFinding
		for _, f := range Validate(ParseFlags(tc.proxy, l)) {
			if f.RuleID == RuleRegexUnanchored {
				got = append(got, f)
			}
		}
		if len(got) != 1 || got[0].Info != tc.info || got[0].Arg.Index != 2 {
			t.Errorf("%s: unanchored findings %+v, want one at #2 with Info=%v", tc.proxy, got, tc.info)
		}
	}
	// Nothing else is marked informational.
	for _, f := range Validate(ParseFlags(ESPv2, ArgList{Args: []Arg{{Text: "--cors_preset=basic"}}})) {
		if f.Info {
			t.Errorf("%s marked informational: %s", f.RuleID, f.Message)
		}
	}
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
