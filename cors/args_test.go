package cors

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func wordTexts(ws []Word) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, w.Text)
	}
	return out
}

func TestShellWords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
		more bool
		err  bool
	}{
		{"plain", `--a=b --c d`, []string{"--a=b", "--c", "d"}, false, false},
		{"single quotes keep everything", `'--r=^https://a\.b$' x`, []string{`--r=^https://a\.b$`, "x"}, false, false},
		{"double quotes escape only some", `"a\"b\\c\d\$e"`, []string{`a"b\c\d$e`}, false, false},
		{"backslash outside quotes", `a\ b c\\d`, []string{"a b", `c\d`}, false, false},
		{"line continuation", "docker run \\\n  img --a", []string{"docker", "run", "img", "--a"}, false, false},
		{"adjacent quoting joins", `--x='a b'"c d"e`, []string{"--x=a bc de"}, false, false},
		{"empty quotes are a word", `'' ""`, []string{"", ""}, false, false},
		{"comment", "--a # --b\n", []string{"--a"}, false, false},
		{"hash inside word is literal", "a#b", []string{"a#b"}, false, false},
		{"semicolon ends command", "--a; rm x", []string{"--a"}, true, false},
		{"pipe ends command", "--a | cat", []string{"--a"}, true, false},
		{"trailing newline is harmless", "--a\n\n", []string{"--a"}, false, false},
		{"dollar kept literally", "--x=$HOME", []string{"--x=$HOME"}, false, false},
		{"unterminated single", `'abc`, nil, false, true},
		{"unterminated double", `"abc`, nil, false, true},
		{"unicode", `--o=https://bücher.example 'é'`, []string{"--o=https://bücher.example", "é"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, more, err := ShellWords(tt.in)
			if tt.err {
				if !errors.Is(err, ErrUnterminatedQuote) {
					t.Fatalf("err = %v, want ErrUnterminatedQuote", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, wordTexts(ws)); d != "" {
				t.Errorf("words (-want +got):\n%s", d)
			}
			if more != tt.more {
				t.Errorf("more = %v, want %v", more, tt.more)
			}
		})
	}
}

func TestShellWordsOffsets(t *testing.T) {
	ws, _, err := ShellWords(`  --a=1   'b c'`)
	if err != nil {
		t.Fatal(err)
	}
	if ws[0].Offset != 2 || ws[1].Offset != 10 {
		t.Errorf("offsets = %d, %d; want 2, 10", ws[0].Offset, ws[1].Offset)
	}
}

func TestShellQuoteRoundTrip(t *testing.T) {
	for _, w := range []string{"", "plain", "a b", "it's", `back\slash`, "$HOME", "*", "--cors_allow_methods=GET, POST", "tab\there", "new\nline", `"dq"`} {
		ws, _, err := ShellWords(ShellQuote(w))
		if err != nil || len(ws) != 1 || ws[0].Text != w {
			t.Errorf("ShellQuote(%q) = %q reads back as %q (err %v)", w, ShellQuote(w), wordTexts(ws), err)
		}
	}
}

// TestSplitEnvArgs reproduces env_start_proxy.py's splitting, including the
// cases asserted by ESPv2's tests/start_proxy/env_start_proxy_test.py.
func TestSplitEnvArgs(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []string
		delim string
		err   error
	}{
		{"comma default", "--a=1,--b=2", []string{"--a=1", "--b=2"}, ",", nil},
		{"no trimming (upstream test)", "--http_request_timeout_s=1, --disable_tracing ", []string{"--http_request_timeout_s=1", " --disable_tracing "}, ",", nil},
		{"custom delimiter keeps commas", "^++^--cors_preset=basic++--cors_allow_methods=GET,POST", []string{"--cors_preset=basic", "--cors_allow_methods=GET,POST"}, "++", nil},
		{"custom delimiter, comma stays in value (upstream test)", "^++^--cors_preset=basic,++--cors_allow_origin=*", []string{"--cors_preset=basic,", "--cors_allow_origin=*"}, "++", nil},
		{"quotes kept", `--cors_allow_methods="GET,POST"`, []string{`--cors_allow_methods="GET`, `POST"`}, ",", nil},
		{"single caret is not a delimiter", "^--a=1,--b", []string{"^--a=1", "--b"}, ",", nil},
		{"empty value", "", nil, ",", nil},
		{"empty delimiter is malformed", "^^--a", nil, "", ErrMalformedEnvArgs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, delim, err := SplitEnvArgs(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("args (-want +got):\n%s", d)
			}
			if delim != tt.delim {
				t.Errorf("delim = %q, want %q", delim, tt.delim)
			}
		})
	}
}

func TestSplitGcloudDict(t *testing.T) {
	got, err := SplitGcloudDict("^@^A=1,2@ESPv2_ARGS=^++^--x=a,b")
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"A", "1,2"}, {"ESPv2_ARGS", "^++^--x=a,b"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := SplitGcloudDict("ESPv2_ARGS=--a=GET,POST"); err == nil {
		t.Error("a comma item without '=' must be gcloud's bad-syntax error")
	}
	if _, err := SplitGcloudDict("^^A=1"); err == nil {
		t.Error("an empty gcloud delimiter must fail")
	}
}

func argTexts(l ArgList) []string {
	out := []string{}
	for _, a := range l.Args {
		out = append(out, a.Text)
	}
	return out
}

func TestReadCommandLine(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		index0  int
		image   string
		findRul string
	}{
		{"plain flags", `--cors_preset=basic --cors_allow_origin 'https://a.example'`, []string{"--cors_preset=basic", "--cors_allow_origin", "https://a.example"}, 1, "", ""},
		{"program name skipped", `start_proxy.py --cors_preset=basic`, []string{"--cors_preset=basic"}, 2, "", ""},
		{"docker run", `docker run -d -p 8080:8080 --name esp --rm gcr.io/endpoints-release/endpoints-runtime:2 --service=s --cors_preset=basic`, []string{"--service=s", "--cors_preset=basic"}, 10, ImageESPv2, ""},
		{"docker run, other image found by options", `sudo docker run -e X=1 my/esp:latest --cors_preset=basic`, []string{"--cors_preset=basic"}, 7, "my/esp:latest", ""},
		{"gcloud with escape", `gcloud run deploy svc --image=x --set-env-vars='^@^ESPv2_ARGS=^++^--cors_preset=basic++--cors_allow_methods=GET,POST'`, []string{"--cors_preset=basic", "--cors_allow_methods=GET,POST"}, 1, "", ""},
		{"gcloud without escape breaks", `gcloud run deploy svc --set-env-vars ESPv2_ARGS=^++^--cors_preset=basic++--cors_allow_methods=GET,POST`, []string{"--cors_preset=basic", "--cors_allow_methods=GET,POST"}, 1, "", RuleGcloudComma},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ReadCommandLine(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, argTexts(l)); d != "" {
				t.Errorf("args (-want +got):\n%s", d)
			}
			if len(l.Args) > 0 && l.Args[0].Index != tt.index0 {
				t.Errorf("first index = %d, want %d", l.Args[0].Index, tt.index0)
			}
			if l.Image != tt.image {
				t.Errorf("image = %q, want %q", l.Image, tt.image)
			}
			var rules []string
			for _, f := range l.Findings {
				rules = append(rules, f.RuleID)
			}
			if tt.findRul != "" && !strings.Contains(strings.Join(rules, " "), tt.findRul) || tt.findRul == "" && len(rules) > 0 {
				t.Errorf("findings = %v, want %q", rules, tt.findRul)
			}
		})
	}
	if _, err := ReadCommandLine(`--cors_allow_origin='x`); err == nil {
		t.Error("unterminated quote must be an error")
	}
}

func TestReadEnv(t *testing.T) {
	l, err := ReadEnv("ESPv2_ARGS=--cors_preset=basic,--cors_allow_methods=GET,POST,PUT,--cors_allow_origin=https://a.example")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Findings) != 1 || l.Findings[0].RuleID != RuleEnvComma || l.Findings[0].Arg.Index != 3 {
		t.Fatalf("findings = %+v, want one %s at argument 3", l.Findings, RuleEnvComma)
	}
	if !strings.Contains(l.Findings[0].Message, "ESPv2_ARGS=^++^--cors_allow_methods=GET,POST,PUT++") {
		t.Errorf("message does not show the fixed value: %s", l.Findings[0].Message)
	}
	// A flag whose value is the next piece is not a comma victim.
	l, _ = ReadEnv("ESPv2_ARGS=--cors_preset,basic")
	if len(l.Findings) != 0 {
		t.Errorf("--flag,value: unexpected findings %+v", l.Findings)
	}
	l, _ = ReadEnv("ESP_ARGS=--cors_preset=basic")
	if l.Name != SourceEnvESP || len(l.Args) != 1 {
		t.Errorf("ESP_ARGS: got %+v", l)
	}
	l, _ = ReadEnv("ESPv2_ARGS=^^--cors_preset=basic")
	if len(l.Findings) != 1 || l.Findings[0].RuleID != RuleEnvMalformed {
		t.Errorf("^^: findings = %+v", l.Findings)
	}
	// ESP v1 serverless: CORS_PRESET becomes --cors_preset, before ESP_ARGS.
	l, err = ReadEnv("^@^CORS_PRESET=basic@ESP_ARGS=--cors_allow_origin=https://a.example")
	if err != nil || len(l.Args) != 2 || l.Args[0].Text != "--cors_preset=basic" || l.Args[0].Source != "CORS_PRESET" {
		t.Errorf("CORS_PRESET: %+v %v", l, err)
	}
	if _, err := ReadEnv("FOO=1"); err == nil {
		t.Error("FOO=1 must be an error")
	}
}

const manifest = `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: esp
  spec:
    template:
      spec:
        containers:
        - name: app
          image: gcr.io/me/app:1
          args: ["--port=8081"]
        - name: esp
          image: gcr.io/endpoints-release/endpoints-runtime:2
          args:
            - --service=echo.endpoints.p.cloud.goog
            - "--cors_preset=cors_with_regex"
            - "--cors_allow_origin_regex=^https://(www\\.)?example\\.com$"
---
kind: Service
`

func TestReadArgsFileManifest(t *testing.T) {
	l, err := ReadArgsFile("deploy.yaml", []byte(manifest))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"--service=echo.endpoints.p.cloud.goog", "--cors_preset=cors_with_regex", `--cors_allow_origin_regex=^https://(www\.)?example\.com$`}
	if d := cmp.Diff(want, argTexts(l)); d != "" {
		t.Errorf("args (-want +got):\n%s", d)
	}
	if a := l.Args[2]; a.Line != 20 || a.Column != 15 || a.Source != "deploy.yaml" {
		t.Errorf("position of 3rd arg = %s %d:%d, want deploy.yaml 20:15", a.Source, a.Line, a.Column)
	}
	if l.Image != ImageESPv2 {
		t.Errorf("image = %q", l.Image)
	}
	if _, err := ReadArgsFile("bad.yaml", []byte("args:\n  - \"--x=\\d\"\n")); err == nil {
		t.Error(`a YAML double-quoted "\d" is invalid YAML and must be an error`)
	}
}

func TestReadArgsFilePlain(t *testing.T) {
	data := "# ESPv2 flags\n--cors_preset=basic\n  --cors_allow_origin 'https://a.example'   --cors_allow_credentials\n\n"
	l, err := ReadArgsFile("esp.args", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	type pos struct {
		Text      string
		Line, Col int
	}
	var got []pos
	for _, a := range l.Args {
		got = append(got, pos{a.Text, a.Line, a.Column})
	}
	want := []pos{{"--cors_preset=basic", 2, 1}, {"--cors_allow_origin", 3, 3}, {"https://a.example", 3, 23}, {"--cors_allow_credentials", 3, 45}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestReadArgsFileComments: # comments (whole lines, and after the
// arguments, as the rule fixtures' "# want" expectations) are not
// arguments, in shell-word files and in YAML manifests; a # inside a word
// or in quotes is kept.
func TestReadArgsFileComments(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{"shell words", "# proxy: esp\n--cors_preset=basic  # want \"x\"\n'--cors_allow_origin=https://a.example' # note\n",
			[]string{"--cors_preset=basic", "--cors_allow_origin=https://a.example"}},
		{"hash inside words", "--x=a#b '--y=# kept'\n", []string{"--x=a#b", "--y=# kept"}},
		{"manifest", "# proxy: esp\nargs:\n- --cors_preset=basic  # want \"x\"\n- --cors_allow_origin=https://a.example\n",
			[]string{"--cors_preset=basic", "--cors_allow_origin=https://a.example"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ReadArgsFile("f.args", []byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, argTexts(l)); d != "" {
				t.Errorf("args (-want +got):\n%s", d)
			}
		})
	}
}

func TestProxyFromImage(t *testing.T) {
	for img, want := range map[string]Proxy{
		ImageESPv2: ESPv2, ImageESP: ESP, ImageESPv2Serverless: ESPv2, "gcr.io/endpoints-release/endpoints-runtime:1.58.0": ESP,
		"gcr.io/endpoints-release/endpoints-runtime:2.55.7": ESPv2, "nginx:1": "",
	} {
		got, _ := ProxyFromImage(img)
		if got != want {
			t.Errorf("ProxyFromImage(%q) = %q, want %q", img, got, want)
		}
	}
}

func FuzzShellWords(f *testing.F) {
	for _, s := range []string{`--a='b c' "d\"e" f\ g`, "a\\\nb", "'", `"`, "a;b", "#x", `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ws, _, err := ShellWords(s)
		if err != nil {
			return
		}
		// Quoting the words and splitting again gives the same words.
		q := make([]string, len(ws))
		for i, w := range ws {
			q[i] = ShellQuote(w.Text)
		}
		again, _, err := ShellWords(strings.Join(q, " "))
		if err != nil {
			t.Fatalf("re-split of quoted words failed: %v", err)
		}
		if d := cmp.Diff(wordTexts(ws), wordTexts(again)); d != "" {
			t.Fatalf("quote round trip (-first +second):\n%s", d)
		}
	})
}

func FuzzSplitEnvArgs(f *testing.F) {
	for _, s := range []string{"--a=1,--b", "^++^--a=1,2++--b", "^^x", "^", "^a^", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args, delim, err := SplitEnvArgs(s)
		if err != nil {
			if !strings.HasPrefix(s, "^^") {
				t.Fatalf("error for %q without an empty delimiter: %v", s, err)
			}
			return
		}
		rest := s
		if delim != "," || strings.HasPrefix(s, "^,^") {
			rest = s[len(delim)+2:]
		}
		if strings.Join(args, delim) != rest {
			t.Fatalf("joining %q with %q does not give back %q", args, delim, rest)
		}
		_ = readEnvValue(SourceEnvESPv2, s) // must not panic
	})
}

func FuzzReadArgsFile(f *testing.F) {
	f.Add(manifest)
	f.Add("--a=b 'c d'\n# x\n--e")
	f.Add("- --a\n- b\n")
	f.Add(`{"args": ["--cors_preset=basic"]}`)
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ReadArgsFile("f", []byte(s))
		if err != nil {
			return
		}
		for _, a := range l.Args {
			if (a.Line < 1 || a.Column < 1) && a.Index < 1 {
				t.Fatalf("argument %q without a position", a.Text)
			}
		}
	})
}

func FuzzCheckRegexESPv2(f *testing.F) {
	for _, s := range []string{`()000**`, `^https://a\.example$`, `\d`, `(?:a)`, `(?i)a`, `a{1000}`, `[[:alpha:]]`, `(`, `x{2,1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, re string) {
		err := CheckRegexESPv2(re)
		if err == nil {
			// ESPv2's flag-0 check is looser than RE2 in one way (nested
			// repetition such as a**): Validate must then report it.
			if _, cerr := regexp.Compile(re); cerr != nil {
				f := ParseFlags(ESPv2, ArgList{Args: []Arg{{Text: "--cors_preset=cors_with_regex"}, {Text: "--cors_allow_origin_regex=" + re}}})
				if !slices.ContainsFunc(Validate(f), func(x FlagFinding) bool { return x.RuleID == RuleRegexRE2 }) {
					t.Fatalf("ESPv2 check passed %q, RE2 rejects it (%v), and Validate says nothing", re, cerr)
				}
			}
			return
		}
		if !strings.HasPrefix(err.Error(), "fail to fill regex origin matcher: invalid cors origin regex: ") &&
			!strings.HasPrefix(err.Error(), "invalid cors origin regex: regex program size(") {
			t.Fatalf("unexpected error text %q", err)
		}
	})
}

func FuzzParseFlags(f *testing.F) {
	f.Add("--cors_preset=basic --cors_allow_origin x --cors_allow_credentials=true --cors_max_age -1h --cors_max_age=3600")
	f.Add("--cors_preset cors_with_regex --cors_allow_origin_regex '\\d' --cors_bogus")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ReadCommandLine(s)
		if err != nil {
			return
		}
		for _, proxy := range []Proxy{ESPv2, ESP} {
			fl := ParseFlags(proxy, l)
			p := fl.Policy()
			_ = Validate(fl)
			if p.Preset == PresetNone && (p.AllowOrigin != "" || p.AllowMethods != "") {
				t.Fatalf("policy without a preset carries values: %+v", p)
			}
			// Every argument is either a CORS flag (or its value) or passed through.
			n := len(fl.Passthrough)
			for _, v := range fl.All {
				n++
				if v.ValueArg != v.Arg {
					n++
				}
			}
			missing := 0
			for _, fd := range fl.Findings {
				if fd.RuleID == RuleMissingValue {
					missing++
				}
			}
			if n+missing != len(l.Args) {
				t.Fatalf("%d arguments, %d accounted for (+%d missing values)", len(l.Args), n, missing)
			}
		}
	})
}
