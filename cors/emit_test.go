package cors

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// readBack parses an emitted text with the reader for its format.
func readBack(t testing.TB, format Format, text string) ArgList {
	t.Helper()
	var l ArgList
	var err error
	switch format {
	case FormatArgs, FormatK8s:
		l, err = ReadArgsFile("out", []byte(text))
	case FormatShell, FormatDocker, FormatCloudRun:
		l, err = ReadCommandLine(text)
	case FormatJSON:
		l, _, err = ReadJSONOutput([]byte(text))
		if err == nil {
			// The file reader recognises it too.
			fl, ferr := ReadArgsFile("out.json", []byte(text))
			if ferr != nil || !cmp.Equal(argTexts(fl), argTexts(l)) {
				t.Fatalf("ReadArgsFile on JSON output: %v %q", ferr, argTexts(fl))
			}
		}
	default:
		t.Fatalf("format %s is not readable", format)
	}
	if err != nil {
		t.Fatalf("reading back %s output: %v\n%s", format, err, text)
	}
	return l
}

// readableFormats are the formats that can be parsed back into flags (envoy
// is Envoy configuration, not flags).
var readableFormats = []Format{FormatArgs, FormatShell, FormatDocker, FormatK8s, FormatCloudRun, FormatJSON}

func roundTrip(t testing.TB, p Policy, pass []string) {
	t.Helper()
	for _, fm := range readableFormats {
		text, err := Emit(&p, fm, EmitOptions{Passthrough: pass})
		if err != nil {
			t.Fatalf("%s: %v", fm, err)
		}
		l := readBack(t, fm, text)
		f := ParseFlags(p.Proxy, l)
		if d := cmp.Diff(p, f.Policy()); d != "" {
			t.Fatalf("%s: parse(emit(p)) != p (-p +got):\n%s\noutput:\n%s", fm, d, text)
		}
		var gotPass []string
		for _, a := range f.Passthrough {
			gotPass = append(gotPass, a.Text)
		}
		wantPass := pass
		if fm == FormatDocker && !hasFlag(pass, "--service") {
			wantPass = append([]string{"--service=SERVICE_NAME", "--rollout_strategy=managed", "--backend=http://127.0.0.1:8081"}, pass...)
			if p.Proxy == ESP {
				wantPass[2] = "--backend=127.0.0.1:8081"
			}
		}
		if d := cmp.Diff(wantPass, gotPass); d != "" {
			t.Fatalf("%s: pass-through (-want +got):\n%s", fm, d)
		}
		// What was emitted must not produce reading-layer findings (no
		// comma split, no gcloud breakage, no missing value).
		for _, fd := range f.Findings {
			switch fd.RuleID {
			case RuleValueSpaces, RuleValueQuoted:
				continue // about the value itself, which the policy holds on purpose
			}
			t.Fatalf("%s: emitted flags read back with finding %s: %s\n%s", fm, fd.RuleID, fd.Message, text)
		}
	}
}

func TestRoundTripExamples(t *testing.T) {
	cases := []Policy{
		{Proxy: ESPv2, Preset: PresetBasic, AllowOrigin: "https://app.example.com", AllowMethods: "GET, POST, OPTIONS",
			AllowHeaders: "Authorization,Content-Type", ExposeHeaders: "", AllowCredentials: true, MaxAge: 2 * time.Hour, MaxAgeSet: true},
		{Proxy: ESPv2, Preset: PresetRegex, AllowOriginRegex: `^https://(www\.)?example\.com$`, AllowMethods: DefaultAllowMethods,
			AllowHeaders: DefaultAllowHeadersESP2, ExposeHeaders: DefaultExposeHeaders, MaxAge: 1500 * time.Millisecond, MaxAgeSet: true},
		{Proxy: ESP, Preset: PresetBasic, AllowOrigin: "*", AllowMethods: "GET", AllowHeaders: DefaultAllowHeadersESP,
			ExposeHeaders: DefaultExposeHeaders, MaxAge: DefaultMaxAge},
		{Proxy: ESPv2, Preset: PresetBasic, AllowOrigin: "it's \"odd\" ++ @@ ^x^ , \\", AllowMethods: "-GET", AllowHeaders: "",
			ExposeHeaders: " spaced ", MaxAge: -time.Hour, MaxAgeSet: true},
		{Proxy: ESPv2},
	}
	for i, p := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			roundTrip(t, p, []string{"--service=echo.endpoints.p.cloud.goog", "--backend=http://127.0.0.1:8081"})
			roundTrip(t, p, nil)
		})
	}
}

// randomValue draws a flag value that stresses every quoting layer: shell
// metacharacters, quotes, both delimiters, carets, commas, backslashes,
// YAML indicators and non-ASCII. Newlines and NUL are left out: no flag
// value can carry them through an args file or the environment.
func randomValue(r *rand.Rand) string {
	atoms := []string{"a", "Z", "9", " ", ",", ";", "'", `"`, `\`, "^", "+", "++", "@", "=", "-", "--", "*", ".", "$", "`", "#", ":", "{", "}", "[", "]", "|", "&", "é", "\t", "%", "!", "~", "https://a.example", "GET, POST", "^++^", "^@^"}
	n := r.IntN(8)
	var b strings.Builder
	for range n {
		b.WriteString(atoms[r.IntN(len(atoms))])
	}
	return b.String()
}

func randomPolicy(r *rand.Rand) Policy {
	p := Policy{Proxy: ESPv2}
	if r.IntN(3) == 0 {
		p.Proxy = ESP
	}
	switch r.IntN(5) {
	case 0:
		return p // no preset: no CORS flags
	case 1, 2:
		p.Preset, p.AllowOrigin = PresetBasic, randomValue(r)
	default:
		p.Preset, p.AllowOriginRegex = PresetRegex, randomValue(r)
	}
	p.AllowMethods, p.AllowHeaders, p.ExposeHeaders = randomValue(r), randomValue(r), randomValue(r)
	p.AllowCredentials = r.IntN(2) == 0
	p.MaxAge = DefaultMaxAge
	if p.Proxy == ESPv2 {
		p.MaxAge = time.Duration(r.Int64N(int64(1000*time.Hour))) - 10*time.Hour
		if r.IntN(2) == 0 {
			p.MaxAge = p.MaxAge.Truncate(time.Second)
		}
		p.MaxAgeSet = true
	}
	return p
}

// TestRoundTripProperty checks parse(emit(p)) == p for generated policies
// in every readable format.
func TestRoundTripProperty(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		p := randomPolicy(r)
		var pass []string
		if r.IntN(2) == 0 {
			pass = []string{"--service=" + randomValue(r)}
		}
		t.Run("", func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Logf("policy #%d: %#v", i, p)
				}
			}()
			roundTrip(t, p, pass)
		})
		if t.Failed() {
			return
		}
	}
}

// TestCloudRunSplitting feeds the emitted Cloud Run line through the two
// documented splitting layers by hand (gcloud's ^@^ dict escape, then
// ESPv2's ^++^ ESPv2_ARGS delimiter) and gets back exactly the intended
// arguments.
func TestCloudRunSplitting(t *testing.T) {
	args := []string{"--cors_preset=basic", "--cors_allow_origin=https://app.example.com",
		"--cors_allow_methods=GET,POST,OPTIONS", "--cors_allow_headers=Authorization,Content-Type,x-api-key", "--cors_max_age=2h"}
	line := CloudRunCommand(ESPv2, args)
	words, _, err := ShellWords(line)
	if err != nil {
		t.Fatal(err)
	}
	var value string
	for _, w := range words {
		if v, ok := strings.CutPrefix(w.Text, "--set-env-vars="); ok {
			value = v
		}
	}
	// Layer 1: gcloud. The value holds commas, so it must start with ^@^.
	if !strings.HasPrefix(value, "^@^") {
		t.Fatalf("--set-env-vars value %q does not start with gcloud's ^@^ escape", value)
	}
	items := strings.Split(value[len("^@^"):], "@")
	if len(items) != 1 {
		t.Fatalf("gcloud would see %d items: %q", len(items), items)
	}
	key, env, _ := strings.Cut(items[0], "=")
	if key != "ESPv2_ARGS" {
		t.Fatalf("key = %q", key)
	}
	// Layer 2: env_start_proxy.py. Custom delimiter ^++^.
	if !strings.HasPrefix(env, "^++^") {
		t.Fatalf("ESPv2_ARGS %q does not start with ^++^", env)
	}
	got := strings.Split(env[len("^++^"):], "++")
	if d := cmp.Diff(args, got); d != "" {
		t.Errorf("arguments after both splits (-want +got):\n%s", d)
	}
	// The library readers agree with the hand-split.
	l, err := ReadCommandLine(line)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(args, argTexts(l)); d != "" {
		t.Errorf("ReadCommandLine (-want +got):\n%s", d)
	}
	// Without commas no gcloud escape is needed (and none is written).
	v := CloudRunEnvValue(ESPv2, []string{"--cors_preset=basic", "--cors_allow_origin=https://a.example"})
	if v != "ESPv2_ARGS=^++^--cors_preset=basic++--cors_allow_origin=https://a.example" {
		t.Errorf("no-comma value = %q", v)
	}
	// A value holding "++" and "@" gets other delimiters.
	v = CloudRunEnvValue(ESPv2, []string{"--x=a++b,c@d"})
	if v != "^|^ESPv2_ARGS=^@@^--x=a++b,c@d" {
		t.Errorf("value with ++ and @ = %q", v)
	}
	// ESP uses ESP_ARGS.
	if v := CloudRunEnvValue(ESP, []string{"--cors_preset=basic"}); !strings.HasPrefix(v, "ESP_ARGS=^++^") {
		t.Errorf("ESP value = %q", v)
	}
}

func TestK8sEscapesRegex(t *testing.T) {
	p := Policy{Proxy: ESPv2, Preset: PresetRegex, AllowOriginRegex: `^https?://(www\.)?example\.com$`, MaxAge: DefaultMaxAge, MaxAgeSet: true}
	out, err := Emit(&p, FormatK8s, EmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The documented form (esp-v2 issue #701): each backslash written twice.
	if !strings.Contains(out, `  - "--cors_allow_origin_regex=^https?://(www\\.)?example\\.com$"`+"\n") {
		t.Errorf("regex line not escaped for YAML:\n%s", out)
	}
	var doc struct{ Args []string }
	if err := yaml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Args[1] != `--cors_allow_origin_regex=^https?://(www\.)?example\.com$` {
		t.Errorf("YAML decodes to %q", doc.Args[1])
	}
}

func TestEmitESPv2AlwaysPresetAndMaxAge(t *testing.T) {
	p := Policy{Proxy: ESPv2, Preset: PresetBasic, AllowOrigin: "https://a.example", MaxAge: 90 * time.Minute}
	args := FlagArgs(&p)
	if args[0] != "--cors_preset=basic" || args[len(args)-1] != "--cors_max_age=90m" {
		t.Errorf("ESPv2 args = %q", args)
	}
	p.Proxy = ESP
	for _, a := range FlagArgs(&p) {
		if strings.HasPrefix(a, FlagMaxAge) {
			t.Errorf("ESP args carry %s", a)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", DefaultMaxAge: "480h", 90 * time.Minute: "90m", 3600 * time.Second: "1h", 61 * time.Second: "61s",
		1500 * time.Millisecond: "1.5s", -time.Hour: "-1h",
	} {
		got := FormatDuration(d)
		if got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := time.ParseDuration(got); err != nil || back != d {
			t.Errorf("%q reads back as %v (%v)", got, back, err)
		}
	}
}

func TestEnvoyConfig(t *testing.T) {
	p := Policy{Proxy: ESPv2, Preset: PresetRegex, AllowOriginRegex: `^https://a\.example$`, AllowMethods: "GET",
		AllowHeaders: "X", ExposeHeaders: "", AllowCredentials: false, MaxAge: 1500 * time.Millisecond, MaxAgeSet: true}
	out, err := Emit(&p, FormatEnvoyJSON, EmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var cfg EnvoyFilterConfig
	if err := json.Unmarshal([]byte(out), &cfg); err != nil {
		t.Fatal(err)
	}
	cp := cfg.VirtualHost.TypedPerFilterConfig["envoy.filters.http.cors"]
	// max_age is whole seconds, fractions truncated (filtergen/cors.go).
	if cp.MaxAge != "1" || cp.AllowOriginStringMatch[0].SafeRegex["regex"] != p.AllowOriginRegex || cp.AllowCredentials {
		t.Errorf("policy = %+v", cp)
	}
	yml, err := Emit(&p, FormatEnvoy, EmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var back EnvoyFilterConfig
	if err := yaml.Unmarshal([]byte(yml), &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(cfg, back); d != "" {
		t.Errorf("YAML and JSON disagree (-json +yaml):\n%s", d)
	}
	checkGolden(t, "envoy.golden", yml)
	p.Proxy = ESP
	if _, err := Emit(&p, FormatEnvoy, EmitOptions{}); err == nil {
		t.Error("envoy format for ESP must fail")
	}
	if _, err := Emit(&Policy{Proxy: ESPv2}, FormatEnvoy, EmitOptions{}); err == nil {
		t.Error("envoy format without preset must fail")
	}
}

func TestConvert(t *testing.T) {
	p := Policy{Proxy: ESPv2, Preset: PresetRegex, AllowOriginRegex: `https://a\.example`, AllowMethods: "GET",
		MaxAge: 2 * time.Hour, MaxAgeSet: true}
	q, notes := Convert(p, ESP)
	if q.Proxy != ESP || q.AllowOriginRegex != `^(https://a\.example)$` || q.MaxAge != DefaultMaxAge || q.MaxAgeSet {
		t.Errorf("to ESP: %+v", q)
	}
	joined := strings.Join(notes, "\n")
	for _, s := range []string{"Max-Age becomes the fixed 1728000 s instead of 7200 s", "case-insensitively", "anchored as ^(https://a\\.example)$", "204"} {
		if !strings.Contains(joined, s) {
			t.Errorf("ESPv2→ESP notes lack %q:\n%s", s, joined)
		}
	}
	back, notes := Convert(q, ESPv2)
	if back.Proxy != ESPv2 || !back.MaxAgeSet || back.MaxAge != DefaultMaxAge {
		t.Errorf("to ESPv2: %+v", back)
	}
	if !strings.Contains(strings.Join(notes, "\n"), "whole Origin and case-sensitively") {
		t.Errorf("ESP→ESPv2 notes: %q", notes)
	}
	same, notes := Convert(p, ESPv2)
	if same != p || notes != nil {
		t.Errorf("same proxy changed the policy or noted: %+v %q", same, notes)
	}
	bp := Policy{Proxy: ESPv2, Preset: PresetBasic, AllowOrigin: "*", AllowCredentials: true, MaxAge: DefaultMaxAge, MaxAgeSet: true}
	_, notes = Convert(bp, ESP)
	if !strings.Contains(strings.Join(notes, "\n"), "literal Access-Control-Allow-Origin: *") {
		t.Errorf("basic * notes: %q", notes)
	}
}

func BenchmarkParseValidate(b *testing.B) {
	l, err := ReadEnv(`ESPv2_ARGS=^++^--service=echo.endpoints.p.cloud.goog++--backend=http://127.0.0.1:8081++--cors_preset=cors_with_regex++--cors_allow_origin_regex=^https://[a-z0-9-]+\.example\.com$++--cors_allow_methods=GET, POST, OPTIONS++--cors_allow_headers=Authorization,Content-Type++--cors_max_age=2h++--cors_allow_credentials`)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		f := ParseFlags(ESPv2, l)
		if fs := Validate(f); len(fs) != 1 || fs[0].RuleID != RuleNoVary {
			b.Fatal(fs)
		}
	}
}

func BenchmarkEmitCloudRun(b *testing.B) {
	p := Policy{Proxy: ESPv2, Preset: PresetBasic, AllowOrigin: "https://a.example", AllowMethods: DefaultAllowMethods,
		AllowHeaders: DefaultAllowHeadersESP2, ExposeHeaders: DefaultExposeHeaders, MaxAge: DefaultMaxAge, MaxAgeSet: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Emit(&p, FormatCloudRun, EmitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
