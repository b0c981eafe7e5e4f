package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/corsgate/corsgate/internal/testenv"
	"github.com/google/go-cmp/cmp"
)

const minimal = "swagger: \"2.0\"\ninfo: {title: t, version: 1.0.0}\npaths: {}\n"

// TestLoadBadInput: every kind of bad input gives a LoadError with the right
// kind and position, never a panic or a hang; the alias bombs of
// aliases_test.go included.
func TestLoadBadInput(t *testing.T) {
	deep := strings.Repeat("[", 1001) + strings.Repeat("]", 1001)
	var bomb strings.Builder
	bomb.WriteString("swagger: \"2.0\"\na: &a [x, x]\n")
	for i := 0; i < 201; i++ {
		bomb.WriteString("k" + itoa(i) + ": *a\n")
	}
	tests := []struct {
		name       string
		in         string
		opts       Options
		kind       ErrorKind
		line, col  int
		msgContain string
	}{
		{name: "empty", in: "", kind: KindEmpty, msgContain: "empty"},
		{name: "whitespace only", in: " \n\t\n", kind: KindEmpty},
		{name: "bom only", in: "\ufeff\n", kind: KindEmpty},
		{name: "comment only", in: "# nothing\n", kind: KindEmpty},
		{name: "binary", in: "swagger: \"2.0\"\n\x00\x01\x02", kind: KindEncoding, line: 2, col: 1, msgContain: "binary"},
		{name: "invalid utf8", in: "swagger: \"2.0\"\ninfo: {title: \"a\xffb\"}\n", kind: KindEncoding, line: 2, col: 17, msgContain: "UTF-8"},
		{name: "yaml syntax", in: "swagger: \"2.0\"\npaths:\n  /a: {get: [}\n", kind: KindSyntax, line: 3, msgContain: "invalid yaml"},
		{name: "yaml scanner error", in: "swagger: \"2.0\"\n\tpaths: {}\n", kind: KindSyntax, line: 2},
		{name: "json syntax", in: "{\n  \"swagger\": \"2.0\",\n  \"paths\": {,}\n}\n", kind: KindSyntax, line: 3, col: 13, msgContain: "invalid JSON"},
		{name: "json truncated", in: "{\"swagger\": \"2.0\"", kind: KindSyntax, msgContain: "invalid JSON"},
		{name: "top-level list", in: "- swagger: \"2.0\"\n", kind: KindNotMapping, line: 1, col: 1, msgContain: "a list"},
		{name: "top-level scalar", in: "hello\n", kind: KindNotMapping, line: 1, col: 1, msgContain: "scalar"},
		{name: "json top-level list", in: "[1, 2]", kind: KindNotMapping, line: 1, col: 1},
		{name: "duplicate key", in: "swagger: \"2.0\"\npaths:\n  /a: {}\n  /b: {}\n  /a: {}\n", kind: KindDuplicate, line: 5, col: 3, msgContain: "first defined at line 3"},
		{name: "duplicate key json", in: "{\"swagger\": \"2.0\", \"host\": \"a\",\n \"host\": \"b\"}", kind: KindDuplicate, line: 2, col: 2, msgContain: "line 1"},
		{name: "too many aliases", in: bomb.String(), kind: KindAliases, msgContain: "200"},
		{name: "too deep", in: "swagger: \"2.0\"\nx: " + deep + "\n", kind: KindDepth, msgContain: "1000"},
		{name: "too large", in: minimal, opts: Options{MaxSize: 10}, kind: KindTooLarge, msgContain: "--max-size"},
		{name: "openapi 3.2", in: "openapi: 3.2.0\ninfo: {title: t, version: 1}\npaths: {}\n", kind: KindOpenAPIVersion, line: 1, col: 10, msgContain: `openapi "3.2.0" is not a version Cloud Endpoints and API Gateway accept: they read Swagger 2.0 (swagger: "2.0"), OpenAPI 3.0.x and 3.1.x`},
		{name: "openapi 2.0", in: "openapi: \"2.0\"\npaths: {}\n", kind: KindOpenAPIVersion, line: 1, col: 10},
		{name: "openapi 3.0 without patch", in: "openapi: \"3.0\"\npaths: {}\n", kind: KindOpenAPIVersion, line: 1, col: 10},
		{name: "openapi list", in: "openapi: [3]\npaths: {}\n", kind: KindOpenAPIVersion, line: 1, col: 10, msgContain: "a list"},
		{name: "no swagger key", in: "info: {title: t}\npaths: {}\n", kind: KindNotSwagger, line: 1, col: 1, msgContain: "neither a \"swagger\" nor an \"openapi\" key"},
	}
	for _, b := range aliasBombs() {
		tests = append(tests, struct {
			name       string
			in         string
			opts       Options
			kind       ErrorKind
			line, col  int
			msgContain string
		}{name: b.Name, in: b.Src, kind: b.Kind, line: b.Line, col: b.Col, msgContain: b.Msg})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("f.yaml", []byte(tt.in), tt.opts)
			if err == nil {
				t.Fatalf("Parse succeeded (root %v); want a %s error", d.Root.Kind, tt.kind)
			}
			le, ok := errors.AsType[*LoadError](err)
			if !ok {
				t.Fatalf("error %T %v is not a *LoadError", err, err)
			}
			if le.Kind != tt.kind {
				t.Errorf("kind = %s, want %s (%v)", le.Kind, tt.kind, err)
			}
			if tt.line != 0 && le.Line != tt.line {
				t.Errorf("line = %d, want %d (%v)", le.Line, tt.line, err)
			}
			if tt.col != 0 && le.Column != tt.col {
				t.Errorf("column = %d, want %d (%v)", le.Column, tt.col, err)
			}
			if !strings.Contains(le.Msg, tt.msgContain) {
				t.Errorf("message %q does not contain %q", le.Msg, tt.msgContain)
			}
			if le.File != "f.yaml" || !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestVersions(t *testing.T) {
	for in, want := range map[string]Version{
		"swagger: \"2.0\"\n":                 Swagger2,
		"swagger: 2.0\n":                     Swagger2, // swagger-version reports the number
		"swagger: \"2.0\"\nopenapi: 3.0.3\n": Swagger2, // a swagger key wins, as in gcloud
		"openapi: 3.0.4\n":                   OpenAPI30,
		"openapi: \"3.0.0\"\n":               OpenAPI30,
		"openapi: 3.1.1\n":                   OpenAPI31,
		"openapi: 3.0\n":                     OpenAPI30, // a YAML float: openapi-version reports it
		"{\"openapi\": \"3.1.0\"}":           OpenAPI31,
	} {
		d, err := Parse("v.yaml", []byte(in), Options{})
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if d.Version != want {
			t.Errorf("%q: version %v, want %v", in, d.Version, want)
		}
	}
}

// TestPositions: positions are the exact node, 1-based, in characters, for
// CRLF, BOM, tabs in JSON, multi-line strings and flow style.
func TestPositions(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ptr  string
		want Position
		key  Position
	}{
		{"block", "swagger: \"2.0\"\nhost: a.b\n", "/host", Position{2, 7}, Position{2, 1}},
		{"crlf", "swagger: \"2.0\"\r\ninfo:\r\n  title: T\r\n", "/info/title", Position{3, 10}, Position{3, 3}},
		{"bom", "\ufeffswagger: \"2.0\"\nhost: a.b\n", "/swagger", Position{1, 10}, Position{1, 1}},
		{"json tabs", "{\n\t\"swagger\": \"2.0\",\n\t\"host\": \"h\"\n}", "/host", Position{3, 10}, Position{3, 2}},
		{"multiline literal", "swagger: \"2.0\"\ninfo:\n  description: |\n    line one\n    line two\n  title: T\n", "/info/title", Position{6, 10}, Position{6, 3}},
		{"flow", "swagger: \"2.0\"\nx-google-endpoints: [{name: a, allowCors: true}]\n", "/x-google-endpoints/0/allowCors", Position{2, 43}, Position{2, 32}},
		{"unicode before", "swagger: \"2.0\"\ninfo: {title: \"héllo wörld\", version: v}\n", "/info/version", Position{2, 39}, Position{2, 30}},
		{"escaped pointer", "swagger: \"2.0\"\npaths:\n  /a/{id}:\n    get: {}\n", "/paths/~1a~1{id}/get", Position{4, 10}, Position{4, 5}},
		{"missing member falls back to parent", "swagger: \"2.0\"\ninfo:\n  title: T\n", "/info/version", Position{3, 3}, Position{3, 3}},
		{"sequence index", "swagger: \"2.0\"\nschemes:\n- http\n- https\n", "/schemes/1", Position{4, 3}, Position{4, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("f", []byte(tt.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Pos(tt.ptr); got != tt.want {
				t.Errorf("Pos(%q) = %v, want %v", tt.ptr, got, tt.want)
			}
			if got := d.KeyPos(tt.ptr); got != tt.key {
				t.Errorf("KeyPos(%q) = %v, want %v", tt.ptr, got, tt.key)
			}
		})
	}
}

// TestOffsetRoundTrip: Offset(line, col) of every node lands on the byte
// where that node's text starts (what byte-splicing edits rely on).
func TestOffsetRoundTrip(t *testing.T) {
	in := "\ufeffswagger: \"2.0\"\r\ninfo: {title: \"h\u00e9\", version: v1}\r\nhost: a.b\r\n"
	d, err := Parse("f", []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for ptr, want := range map[string]string{"/swagger": `"2.0"`, "/info/title": `"hé"`, "/info/version": "v1", "/host": "a.b"} {
		p := d.Pos(ptr)
		off := d.Offset(p.Line, p.Column)
		if !strings.HasPrefix(in[off:], want) {
			t.Errorf("%s: Offset(%v) = %d points at %q, want %q", ptr, p, off, in[off:min(len(in), off+10)], want)
		}
	}
}

// TestModel: the Google model is built from the node tree, with YAML
// integer response keys and aliases resolved.
func TestModel(t *testing.T) {
	in := `swagger: "2.0"
info: {title: Echo, version: 1.0.0}
host: echo.endpoints.p.cloud.goog
x-google-endpoints: [{name: echo.endpoints.p.cloud.goog, allowCors: true}]
paths:
  /echo:
    post:
      operationId: echo
      security: [{firebase: []}]
      responses:
        200: &ok {description: ok}
        404: *ok
securityDefinitions:
  firebase:
    type: oauth2
    flow: implicit
    authorizationUrl: ""
    x-google-issuer: https://securetoken.google.com/p
`
	d, err := Parse("f", []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := d.Google()
	if name, _ := g.Service.Str(); name != "echo.endpoints.p.cloud.goog" {
		t.Errorf("service = %q", name)
	}
	if len(g.Ops) != 1 || g.Ops[0].Path != "/echo" || g.Ops[0].Method != "post" {
		t.Fatalf("ops = %+v", g.Ops)
	}
	fb := g.Scheme("firebase")
	if fb == nil || !fb.IsOAuth2() {
		t.Fatalf("firebase = %+v", fb)
	}
	if iss, _ := fb.Issuer.Str(); iss != "https://securetoken.google.com/p" {
		t.Errorf("issuer = %q", iss)
	}
	if l := g.EffectiveSecurity(g.Ops[0]); l == nil || len(l.Reqs) != 1 || l.Reqs[0].Names[0].Scheme != fb {
		t.Errorf("security of post /echo = %+v", l)
	}
	if on, _ := g.Endpoints[0].CorsOn(); !on {
		t.Error("allowCors not read")
	}
	v, err := JSONValue(d.Node("/paths/~1echo/post/responses"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"200": map[string]any{"description": "ok"}, "404": map[string]any{"description": "ok"}}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("responses (-want +got):\n%s", diff)
	}
}

// TestCorpusLoads: every real-world spec loads with a model.
func TestCorpusLoads(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.Shared(t, "corpus", "real-world"), "*.*"))
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".md") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(f, data, Options{})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if g := d.Google(); g.Version != Swagger2 || len(g.Ops) != len(d.Operations()) {
			t.Errorf("%s: the model has version %v and %d operations; the tree has %d", f, g.Version, len(g.Ops), len(d.Operations()))
		}
		n++
	}
	if n == 0 {
		t.Fatal("the real-world corpus holds no spec")
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	write := func(p, s string) {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("api/a.yaml", minimal)
	write("api/sub/b.json", `{"swagger": "2.0"}`)
	write("api/other.yaml", "kind: Deployment\n")
	write("api/.hidden/c.yaml", minimal)
	write("api/node_modules/d.yaml", minimal)
	write("x1.yaml", minimal)
	write("x2.yaml", minimal)
	got, err := Expand(t.Context(), []string{filepath.Join(dir, "api"), filepath.Join(dir, "x*.yaml"), "-", filepath.Join(dir, "x1.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, in := range got {
		names = append(names, strings.TrimPrefix(filepath.ToSlash(in.Name), filepath.ToSlash(dir)+"/"))
	}
	want := []string{"api/a.yaml", "api/sub/b.json", "x1.yaml", "x2.yaml", "<stdin>"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("Expand (-want +got):\n%s", diff)
	}
	if _, err := Expand(t.Context(), []string{filepath.Join(dir, "nomatch*.yaml")}); err == nil {
		t.Error("glob without match: want error")
	}
	write("plain/k8s.yaml", "kind: Deployment\n")
	if _, err := Expand(t.Context(), []string{filepath.Join(dir, "plain")}); err == nil {
		t.Error("directory without specs: want error")
	}
}

func TestReadUnreadable(t *testing.T) {
	_, err := Open(Input{Name: "nope.yaml", Path: filepath.Join(t.TempDir(), "nope.yaml")}, nil, Options{})
	if !errors.Is(err, ErrUnreadable) {
		t.Errorf("missing file: err = %v, want ErrUnreadable", err)
	}
	_, err = Open(Input{Name: "dir", Path: t.TempDir()}, nil, Options{})
	if !errors.Is(err, ErrUnreadable) {
		t.Errorf("directory: err = %v, want ErrUnreadable", err)
	}
	d, err := Open(Input{Name: StdinName}, strings.NewReader(minimal), Options{})
	if err != nil || d.Name != StdinName {
		t.Errorf("stdin: %v %v", d, err)
	}
}

// FuzzParse: the loader never panics or hangs, and whatever it accepts has a
// mapping root and positions inside the file.
func FuzzParse(f *testing.F) {
	for _, s := range []string{minimal, "{\"swagger\":\"2.0\",\"paths\":{}}", "a: &a [1]\nb: *a\n", "- 1\n", "\ufeffswagger: 2.0\r\n", "a: {b: [c, {d: e}]}", "x: |\n  y\n", "<<: {a: 1}\n"} {
		f.Add([]byte(s))
	}
	for _, b := range aliasBombs() {
		f.Add([]byte(b.Src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("fuzz", data, Options{MaxSize: 1 << 20})
		if err != nil {
			if _, ok := errors.AsType[*LoadError](err); !ok {
				t.Fatalf("error is %T, not *LoadError", err)
			}
			return
		}
		if d.Root == nil || d.Root.Kind == 0 {
			t.Fatal("accepted document without root")
		}
		lines := d.LineCount()
		for _, op := range d.Operations() {
			p := d.Pos(op.Ptr)
			if p.Line < 1 || p.Line > lines {
				t.Fatalf("position %v outside the file (%d lines)", p, lines)
			}
		}
		_ = d.Pos("/info/title")
		_ = d.Offset(d.Root.Line, d.Root.Column)
		// The JSON writer: its indented form is json.Indent of its compact one.
		if compact, err := MarshalJSON(d.Root); err == nil {
			var want bytes.Buffer
			if err := json.Indent(&want, compact, "", "  "); err != nil {
				t.Fatalf("MarshalJSON wrote invalid JSON: %v", err)
			}
			if got, err := MarshalJSONIndent(d.Root, "  "); err != nil || !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("MarshalJSONIndent = %q, %v; want json.Indent's %q", got, err, want.Bytes())
			}
		}
	})
}
