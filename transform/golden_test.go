package transform

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/corsgate/corsgate/internal/yamledit"
	"github.com/corsgate/corsgate/lint"
	"github.com/corsgate/corsgate/rules"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite the .golden files")

// goldenCase says which transform a testdata case runs, from its name.
func goldenCase(name string) (string, Options) {
	switch {
	case strings.HasPrefix(name, "on_"):
		return "allow-cors", Options{Arg: "on"}
	case strings.HasPrefix(name, "off_remove_"):
		return "allow-cors", Options{Arg: "off", Remove: true}
	case strings.HasPrefix(name, "off_"):
		return "allow-cors", Options{Arg: "off"}
	case strings.HasPrefix(name, "sync_name_from_name"):
		return "sync-name", Options{From: "name"}
	case strings.HasPrefix(name, "sync_name_"):
		return "sync-name", Options{}
	case strings.HasPrefix(name, "boolean_"):
		return "allow-cors-boolean", Options{}
	case strings.HasPrefix(name, "spelling_"):
		return "allow-cors-spelling", Options{}
	case strings.HasPrefix(name, "mode_proxy_"):
		return "cors-mode", Options{Arg: "proxy", AllowOrigin: "https://app.example.com"}
	case strings.HasPrefix(name, "mode_backend_"):
		return "cors-mode", Options{Arg: "backend"}
	}
	return "", Options{}
}

// fixedRules are the lint rules that must be silent on a transform's output.
var fixedRules = map[string][]string{
	"allow-cors":          {"endpoints-name-matches-host", "endpoints-allowcors-boolean", "endpoints-single-entry"},
	"cors-mode":           {"endpoints-name-matches-host", "endpoints-allowcors-boolean"},
	"sync-name":           {"endpoints-name-matches-host"},
	"allow-cors-boolean":  {"endpoints-allowcors-boolean"},
	"allow-cors-spelling": {"endpoints-unknown-key"},
}

func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.input.*"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range inputs {
		base := filepath.Base(in)
		name := base[:strings.Index(base, ".input.")]
		t.Run(name, func(t *testing.T) {
			tname, opts := goldenCase(name)
			tr, ok := ByName(tname)
			if !ok {
				t.Fatalf("case %s names no transform", name)
			}
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := spec.Parse(base, src, spec.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := tr.Run(doc, opts)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, res.Out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), string(res.Out)); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
			}
			if !res.Changed {
				t.Errorf("case %s changes nothing; every golden case must exercise an edit", name)
			}
			checkOutput(t, tname, opts, doc, res.Out)
		})
	}
}

// checkOutput asserts what every transform promises: the output parses, a
// second run changes nothing, the fixed rules no longer fire, the file keeps
// its BOM, line endings and final-newline state, and every changed line is
// one the transform meant to change.
func checkOutput(t *testing.T, tname string, opts Options, in *spec.Document, out []byte) {
	t.Helper()
	tr, _ := ByName(tname)
	doc, err := spec.Parse(in.Name, out, spec.Options{})
	if err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, out)
	}
	again, err := tr.Run(doc, opts)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if again.Changed {
		t.Errorf("not idempotent; second run gives:\n%s", yamledit.Unified("once", "twice", out, again.Out))
	}
	diags, err := lint.Run(context.Background(), []*spec.Document{doc}, rules.All(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fixed := fixedRules[tname]
	if opts.Arg == "off" || opts.Arg == "proxy" {
		fixed = nil // turning allowCors off fixes nothing else
	}
	for _, d := range diags {
		for _, id := range fixed {
			if d.RuleID == id && !(id == "endpoints-unknown-key" && !strings.Contains(d.Message, "allow_cors")) {
				t.Errorf("%s still reports %s: %s", tname, d.RuleID, d.Message)
			}
		}
	}
	if tname == "allow-cors" || tname == "cors-mode" {
		on := opts.Arg == "on" || opts.Arg == "backend"
		if got := effectiveAllowCors(doc); got != on {
			t.Errorf("effective allowCors = %v, want %v", got, on)
		}
	}
	src := in.Src
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) != bytes.HasPrefix(out, []byte("\xef\xbb\xbf")) {
		t.Error("BOM added or lost")
	}
	if crlf := bytes.Contains(src, []byte("\r\n")); crlf {
		if n, c := bytes.Count(out, []byte("\n")), bytes.Count(out, []byte("\r\n")); n != c {
			t.Errorf("CRLF file has %d bare LF line endings after the transform", n-c)
		}
	} else if bytes.Contains(out, []byte("\r")) {
		t.Error("LF file got a CR")
	}
	if bytes.HasSuffix(src, []byte("\n")) != bytes.HasSuffix(out, []byte("\n")) {
		t.Error("final newline added or lost")
	}
	if bad := unintended(src, out); len(bad) > 0 {
		t.Errorf("lines changed that the transform had no reason to touch:\n%s", strings.Join(bad, ""))
	}
}

// effectiveAllowCors is what ESP/ESPv2 read: the model's one pass-through
// decision (an entry named as the service with allowCors true).
func effectiveAllowCors(doc *spec.Document) bool {
	ep, _ := doc.Google().PassThrough(spec.Deployment{})
	return ep != nil
}

// intended matches lines a transform may add or remove: the keys it works
// on, bare punctuation of the structures it adds or removes, and the "- "
// line of a removed list item that holds only a comment.
var intended = regexp.MustCompile(`x-google-endpoint|\bname\b|\burl\b|allowCors|allow_cors|\bhost\b|^\s*[\[\]{},]+\s*$|^\s*-\s+#`)

// unintended returns the changed lines of the diff from a to b that are
// neither intended lines nor a line that only gained or lost a trailing
// comma (JSON members before or after an inserted/removed one).
func unintended(a, b []byte) []string {
	ops := yamledit.LineDiff(a, b)
	added, removed := map[string]bool{}, map[string]bool{}
	for _, o := range ops {
		switch o.Kind {
		case '+':
			added[comma(o.Line)] = true
		case '-':
			removed[comma(o.Line)] = true
		}
	}
	var bad []string
	for _, o := range ops {
		if o.Kind == ' ' || intended.MatchString(o.Line) {
			continue
		}
		if (o.Kind == '+' && removed[comma(o.Line)]) || (o.Kind == '-' && added[comma(o.Line)]) {
			continue
		}
		bad = append(bad, string(o.Kind)+o.Line)
	}
	return bad
}

func comma(l string) string {
	return strings.TrimRight(strings.TrimRight(l, "\r\n"), ",")
}

// TestPreservedBytes checks the strongest form of the guarantee on a file
// that has every feature at once: the output equals the input with exactly
// the expected lines inserted, nothing else moved.
func TestPreservedBytes(t *testing.T) {
	src := "\xef\xbb\xbf# top comment\r\nswagger: '2.0'\r\n\r\ninfo: &info\r\n    title: \"T\"   # aligned comment\r\n    version: '1'\r\nhost: 'a.endpoints.p.cloud.goog'\r\nx-info: *info\r\nschemes:\r\n    - https\r\npaths: {}"
	doc, err := spec.Parse("p.yaml", []byte(src), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := ByName("allow-cors")
	res, err := tr.Run(doc, Options{Arg: "on"})
	if err != nil {
		t.Fatal(err)
	}
	insert := "x-google-endpoints:\r\n    - name: 'a.endpoints.p.cloud.goog'\r\n      allowCors: true\r\n"
	at := strings.Index(src, "x-info:")
	want := src[:at] + insert + src[at:]
	if diff := cmp.Diff(want, string(res.Out)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNoHost(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"missing", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n"},
		{"empty", "swagger: '2.0'\nhost: ''\npaths: {}\n"},
		{"not a string", "swagger: '2.0'\nhost: [a]\npaths: {}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := spec.Parse("h.yaml", []byte(tc.src), spec.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"allow-cors", "sync-name", "cors-mode"} {
				tr, _ := ByName(name)
				arg := ""
				if len(tr.Args) > 0 {
					arg = tr.Args[0]
				}
				doc.Src = append(doc.Src[:0:0], doc.Src...)
				before := string(doc.Src)
				_, err := tr.Run(doc, Options{Arg: arg})
				if !errorsIs(err, ErrNoHost) {
					t.Errorf("%s: err = %v, want ErrNoHost", name, err)
				}
				if string(doc.Src) != before {
					t.Errorf("%s modified its input", name)
				}
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	tests := []struct{ name, transform, arg, src string }{
		{"endpoints not a list", "allow-cors", "on", "swagger: '2.0'\nhost: a.b\nx-google-endpoints: {name: a.b}\n"},
		{"entry alias", "allow-cors", "on", "swagger: '2.0'\nhost: a.b\nx-e: &e {name: x.y}\nx-google-endpoints:\n- *e\n"},
		{"entry scalar", "sync-name", "", "swagger: '2.0'\nhost: a.b\nx-google-endpoints:\n- a.b\n"},
		{"names differ", "sync-name-from-name", "", "swagger: '2.0'\nhost: a.b\nx-google-endpoints:\n- name: x\n- name: y\n"},
		{"duplicate with target", "allow-cors", "on", "swagger: '2.0'\nhost: a.b\nx-google-endpoints:\n- name: a.b\n- name: a.b\n  target: 1.2.3.4\n"},
		{"spelling conflict", "allow-cors-spelling", "", "swagger: '2.0'\nhost: a.b\nx-google-endpoints:\n- name: a.b\n  allow_cors: true\n  allowCors: false\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := spec.Parse("r.yaml", []byte(tt.src), spec.Options{})
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{Arg: tt.arg}
			name := tt.transform
			if name == "sync-name-from-name" {
				name, opts.From = "sync-name", "name"
			}
			tr, _ := ByName(name)
			if _, err := tr.Run(doc, opts); !errorsIs(err, ErrRefused) {
				t.Errorf("err = %v, want ErrRefused", err)
			}
		})
	}
}

func TestModeNotes(t *testing.T) {
	doc, err := spec.Parse("m.yaml", []byte("swagger: '2.0'\nhost: a.b\npaths: {}\n"), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := ByName("cors-mode")
	res, err := tr.Run(doc, Options{Arg: "proxy", AllowOrigin: "https://app.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(res.Notes, "\n")
	for _, want := range []string{"--cors_preset=basic", "--cors_allow_origin=https://app.example.com", "'--cors_allow_methods=GET, POST, PUT, PATCH, DELETE, OPTIONS'"} {
		if !strings.Contains(notes, want) {
			t.Errorf("proxy notes lack %q:\n%s", want, notes)
		}
	}
	res, err = tr.Run(doc, Options{Arg: "backend"})
	if err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(res.Notes, "\n"); !strings.Contains(notes, "--cors_preset") || !strings.Contains(notes, "Remove") {
		t.Errorf("backend notes do not say to remove the preset:\n%s", notes)
	}
	if _, err := tr.Run(doc, Options{Arg: "both"}); err == nil {
		t.Error("cors-mode both accepted")
	}
}

// TestTransformsDoNotTouchUnrelatedNodes runs every transform on a spec whose
// other parts hold look-alike keys (name, host, allowCors under paths), which
// must stay untouched.
func TestTransformsDoNotTouchUnrelatedNodes(t *testing.T) {
	src := "swagger: '2.0'\nhost: a.b\nx-google-endpoints:\n- name: x.y\n  allowCors: 'true'\n  allow_cors: 'true'\npaths:\n  /p:\n    get:\n      parameters:\n      - name: host\n        in: query\n        allowCors: 'true'\n        type: string\n"
	doc, err := spec.Parse("u.yaml", []byte(src), spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range All() {
		if tr.Rewrites {
			continue
		}
		for _, arg := range append(tr.Args, "") {
			if len(tr.Args) > 0 && arg == "" {
				continue
			}
			res, err := tr.Run(doc, Options{Arg: arg})
			if err != nil {
				continue
			}
			if i := strings.Index(src, "paths:"); !bytes.HasSuffix(res.Out, []byte(src[i:])) {
				t.Errorf("%s %s changed the paths section:\n%s", tr.Name, arg, res.Out)
			}
		}
	}
}

func errorsIs(err, target error) bool {
	for err != nil {
		if err == target {
			return true
		}
		switch e := err.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				if errorsIs(x, target) {
					return true
				}
			}
			return false
		case interface{ Unwrap() error }:
			err = e.Unwrap()
		default:
			return false
		}
	}
	return false
}

var _ = yaml.Node{}
