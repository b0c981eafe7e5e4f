package oasschema

import (
	"bytes"
	"embed"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/corsgate/corsgate/internal/spec"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The official schemas, byte for byte as published (schemas/README.md).
//
//go:embed schemas/swagger-2.0.json schemas/openapi-3.0.json schemas/openapi-3.1.json
var schemaFiles embed.FS

// schemaSet is one compiled schema and the raw document it came from (the
// raw tree is read when turning errors into messages, for example to list
// the values an enum allows).
type schemaSet struct {
	whole *jsonschema.Schema            // the document schema
	units [unitKinds]*jsonschema.Schema // the sub-schema each kind of unit is validated against
	raw   any                           // the schema document as decoded JSON
	url   string                        // its own id, without fragment
	errs  error
}

var (
	schemaOnce [versionCount]sync.Once
	schemas    [versionCount]schemaSet
)

// schemaFor compiles the schema of a version the first time it is needed.
func schemaFor(v Version) (*schemaSet, error) {
	i := v.index()
	schemaOnce[i].Do(func() { schemas[i] = compile(v) })
	s := &schemas[i]
	return s, s.errs
}

func compile(v Version) schemaSet {
	file, url := v.schemaFile()
	data, err := schemaFiles.ReadFile(file)
	if err != nil {
		return schemaSet{errs: fmt.Errorf("oasschema: embedded %s: %w", file, err)}
	}
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return schemaSet{errs: fmt.Errorf("oasschema: embedded %s: %w", file, err)}
	}
	c := newCompiler()
	if err := c.AddResource(url, raw); err != nil {
		return schemaSet{errs: fmt.Errorf("oasschema: embedded %s: %w", file, err)}
	}
	set := schemaSet{raw: raw, url: url}
	if set.whole, err = c.Compile(url); err != nil {
		return schemaSet{errs: fmt.Errorf("oasschema: compiling %s: %w", file, err)}
	}
	skel, err := deriveSkeleton(v, raw)
	if err != nil {
		return schemaSet{errs: err}
	}
	sc := newCompiler()
	if err := sc.AddResource(url, skel); err != nil {
		return schemaSet{errs: fmt.Errorf("oasschema: skeleton of %s: %w", file, err)}
	}
	for k, frag := range layouts[v.index()].fragments {
		from := c
		if unitKind(k) == unitRoot || unitKind(k) == unitPathItem || unitKind(k) == unitOperation {
			from = sc // the units that hold stubs
		} else if frag == "" {
			continue
		}
		if set.units[k], err = from.Compile(url + frag); err != nil {
			return schemaSet{errs: fmt.Errorf("oasschema: compiling %s%s: %w", file, frag, err)}
		}
	}
	return set
}

// assertedFormats lists every format the embedded schemas use (a test keeps
// the list complete). Each is registered as always valid: format is an
// annotation for corsgate, so Google's authorizationUrl: "" passes (the
// draft-04 schemas would otherwise assert "uri"), as do e-mail addresses
// and URLs the proxy never reads.
var assertedFormats = []string{"uri", "uri-reference", "email", "media-range"}

func newCompiler() *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	c.UseRegexpEngine(lenientRegexp)
	for _, f := range assertedFormats {
		c.RegisterFormat(&jsonschema.Format{Name: f, Validate: func(any) error { return nil }})
	}
	return c
}

// noLoader refuses every URL: the schemas refer only to themselves and to the
// draft-04 and 2020-12 metaschemas the library carries, so nothing is ever
// fetched.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("oasschema: refusing to load %s: schemas are embedded", url)
}

// lenientRegexp compiles the schemas' own patterns with Go's regexp, and
// accepts any text where a schema asks for format "regex" (a parameter's
// pattern, written for ECMA-262, may use syntax RE2 lacks, such as
// lookahead): like every other format, it is not asserted. The jsonschema
// library lets every format but "regex" be replaced; this is the way to turn
// that one off too.
func lenientRegexp(s string) (jsonschema.Regexp, error) {
	re, err := regexp.Compile(s)
	if err != nil {
		return anyText(s), nil
	}
	return re, nil
}

type anyText string

func (a anyText) String() string            { return string(a) }
func (a anyText) MatchString(s string) bool { return true }

// lookup returns the raw schema object at an absolute location in this
// schema (as the validator reports locations), or nil.
func (s *schemaSet) lookup(loc string) map[string]any {
	base, frag, _ := strings.Cut(loc, "#")
	if base != s.url {
		return nil
	}
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	var cur any = s.raw
	for _, tok := range spec.SplitPointer(frag) {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	m, _ := cur.(map[string]any)
	return m
}

// deref follows a schema that is only a local $ref to its target.
func (s *schemaSet) deref(m map[string]any) map[string]any {
	for range 8 {
		ref, ok := m["$ref"].(string)
		if !ok || !strings.HasPrefix(ref, "#") {
			return m
		}
		t := s.lookup(s.url + ref)
		if t == nil {
			return m
		}
		m = t
	}
	return m
}
