package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits applied to every load. They are the defaults of Options.
const (
	// DefaultMaxSize is the largest file accepted unless Options.MaxSize says otherwise.
	DefaultMaxSize = 64 << 20
	// DefaultMaxAliases is the YAML alias limit API Gateway documents ("at most 200
	// YAML aliases").
	DefaultMaxAliases = 200
	// DefaultMaxDepth bounds nesting of mappings and sequences, also once
	// aliases are expanded.
	DefaultMaxDepth = 1000
	// DefaultMaxExpandedNodes bounds the nodes that expanding aliases (merge
	// keys included) adds to the tree: the defence against alias bombs. A
	// walk that follows aliases (the rules', the typed model's) visits an
	// aliased node once per alias path to it, so a few hundred bytes of
	// nested aliases (40 levels of two aliases each: 2^40 nodes) would keep
	// it busy for hours; neither the alias count limit nor the file size
	// stops that. Legitimate sharing stays far below the budget: 14 000
	// operations (the 5000-path benchmark spec) each aliasing one 23-node
	// parameter list add 322 000 nodes, under a third of it; and every rule
	// together walks the largest expansions the budget lets through in
	// milliseconds (TestAliasShapesLint), far from the 2 s a lint may take.
	DefaultMaxExpandedNodes = 1 << 20
)

// StdinName is the name diagnostics use for a document read from standard input.
const StdinName = "<stdin>"

// Format is the syntax a document was written in.
type Format int

// Formats a document can be written in.
const (
	YAML Format = iota
	JSON
)

func (f Format) String() string {
	if f == JSON {
		return "json"
	}
	return "yaml"
}

// Options bound a load. The zero value means the defaults above.
type Options struct {
	MaxSize    int64 // bytes; 0 means DefaultMaxSize
	MaxAliases int   // 0 means DefaultMaxAliases; negative means no limit
	MaxDepth   int   // 0 means DefaultMaxDepth
	// MaxExpandedNodes bounds the nodes alias expansion adds; 0 means
	// DefaultMaxExpandedNodes.
	MaxExpandedNodes int
}

func (o Options) maxSize() int64 {
	if o.MaxSize <= 0 {
		return DefaultMaxSize
	}
	return o.MaxSize
}

func (o Options) maxAliases() int {
	if o.MaxAliases == 0 {
		return DefaultMaxAliases
	}
	return o.MaxAliases
}

func (o Options) maxExpandedNodes() int {
	if o.MaxExpandedNodes <= 0 {
		return DefaultMaxExpandedNodes
	}
	return o.MaxExpandedNodes
}

func (o Options) maxDepth() int {
	if o.MaxDepth <= 0 {
		return DefaultMaxDepth
	}
	return o.MaxDepth
}

// ErrorKind classifies why a document could not be loaded.
type ErrorKind string

// Kinds of load failures. Each one is reported as a diagnostic by lint.
const (
	KindEmpty          ErrorKind = "empty"
	KindTooLarge       ErrorKind = "too-large"
	KindEncoding       ErrorKind = "encoding"
	KindSyntax         ErrorKind = "syntax"
	KindNotMapping     ErrorKind = "not-mapping"
	KindDuplicate      ErrorKind = "duplicate-key"
	KindComplexKey     ErrorKind = "complex-key"
	KindAliases        ErrorKind = "aliases"
	KindDepth          ErrorKind = "depth"
	KindNotSwagger     ErrorKind = "not-swagger"
	KindOpenAPIVersion ErrorKind = "openapi-version"
	KindUnreadable     ErrorKind = "unreadable"
	KindExpandLimit    ErrorKind = "alias-expansion"
)

// LoadError is a document that could not be loaded, with the position of the
// problem when one is known (Line or Column 0 means unknown).
type LoadError struct {
	File   string
	Line   int
	Column int
	Kind   ErrorKind
	Msg    string
	Err    error // underlying error, if any
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

func (e *LoadError) Unwrap() error { return e.Err }

// Document is one loaded Swagger 2.0 file.
type Document struct {
	// Name is the path as given on the command line, or StdinName.
	Name string
	// Src holds the original bytes, untouched (BOM and CRLF included).
	Src []byte
	// Format is the syntax detected from the content.
	Format Format
	// Root is the top-level mapping node.
	Root *yaml.Node
	// Aliases is the number of alias nodes in the tree.
	Aliases int
	// Version is the document's OpenAPI version, from its swagger or openapi
	// key.
	Version Version
	// Deployment names the deployment the document belongs to: documents
	// with the same non-empty name are deployed together (one service
	// config); "" means the document is deployed on its own. The caller that
	// loads documents decides (lint: files named together on the command
	// line, or grouped in .corsgate.yaml).
	Deployment string

	opsOnce sync.Once
	ops     []Operation

	googleOnce sync.Once
	google     *Google

	bom       int   // 3 when Src starts with a UTF-8 BOM
	lineStart []int // byte offset of the start of each line (index 0 = line 1)
	index     *index
}

// Parse loads a document from bytes. name is used in errors and diagnostics.
// A returned error is always a *LoadError.
func Parse(name string, data []byte, opts Options) (*Document, error) {
	if int64(len(data)) > opts.maxSize() {
		return nil, &LoadError{File: name, Kind: KindTooLarge,
			Msg: fmt.Sprintf("file is %d bytes, more than the limit of %d bytes (raise it with --max-size)", len(data), opts.maxSize())}
	}
	d := &Document{Name: name, Src: data}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		d.bom = 3
	}
	body := data[d.bom:]
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &LoadError{File: name, Kind: KindEmpty, Msg: "file is empty; expected a Swagger 2.0 document"}
	}
	d.lineStart = lineStarts(data)
	if i := bytes.IndexByte(body, 0); i >= 0 {
		l, c := d.position(d.bom + i)
		return nil, &LoadError{File: name, Line: l, Column: c, Kind: KindEncoding,
			Msg: "file contains a NUL byte: binary data, not a YAML or JSON document"}
	}
	if !utf8.Valid(body) {
		off := firstInvalidUTF8(body)
		l, c := d.position(d.bom + off)
		return nil, &LoadError{File: name, Line: l, Column: c, Kind: KindEncoding,
			Msg: fmt.Sprintf("invalid UTF-8 (byte 0x%02x); specs must be UTF-8 encoded", body[off])}
	}
	first := firstSignificant(body)
	if first == '{' || first == '[' {
		d.Format = JSON
	}

	top, err := parseNode(d.Format, data)
	if err != nil {
		return nil, d.syntaxError(err)
	}
	if top.Kind != yaml.DocumentNode || len(top.Content) == 0 {
		return nil, &LoadError{File: name, Kind: KindEmpty, Msg: "file holds no YAML or JSON document"}
	}
	root := top.Content[0]
	if root.Kind == yaml.AliasNode {
		root = root.Alias
	}
	if root.Kind != yaml.MappingNode {
		return nil, &LoadError{File: name, Line: root.Line, Column: root.Column, Kind: KindNotMapping,
			Msg: fmt.Sprintf("top-level value is %s; a Swagger 2.0 document is a mapping with a \"swagger\" key", kindName(root))}
	}
	d.Root = root
	if !d.checkParallel(opts) {
		if err := d.check(opts); err != nil {
			return nil, err
		}
	}
	if err := d.checkVersion(); err != nil {
		return nil, err
	}
	d.index = newIndex(root)
	return d, nil
}

// checkVersion sets the document's version from its top-level swagger or
// openapi key, as gcloud tells them apart (a swagger key wins over openapi),
// and refuses documents with neither, and OpenAPI versions Cloud Endpoints
// and API Gateway do not accept. A swagger value other than "2.0" and an
// unquoted openapi number are reported by rules (swagger-version,
// openapi-version) on a document that still loads.
func (d *Document) checkVersion() error {
	if k, _ := MapGet(d.Root, "swagger"); k != nil {
		d.Version = Swagger2
		return nil
	}
	k, v := MapGet(d.Root, "openapi")
	if k == nil {
		return &LoadError{File: d.Name, Line: d.Root.Line, Column: d.Root.Column, Kind: KindNotSwagger,
			Msg: "not an OpenAPI document: the top-level mapping has neither a \"swagger\" nor an \"openapi\" key (gcloud: \"Unable to parse Open API, or Google Service Configuration specification\")"}
	}
	v = Deref(v)
	if ver, ok := OpenAPIVersion(v); ok {
		d.Version = ver
		return nil
	}
	return &LoadError{File: d.Name, Line: v.Line, Column: v.Column, Kind: KindOpenAPIVersion,
		Msg: fmt.Sprintf("openapi %s is not a version Cloud Endpoints and API Gateway accept: they read Swagger 2.0 (swagger: \"2.0\"), OpenAPI 3.0.x and 3.1.x (openapi: \"3.0.3\", \"3.1.0\")", describeVersion(v))}
}

// OpenAPIVersion reads an openapi value: "3.0.N" and "3.1.N" strings, and
// the unquoted numbers 3.0 and 3.1 (YAML floats, which the OpenAPI schemas
// reject: openapi-version reports them).
func OpenAPIVersion(v *yaml.Node) (Version, bool) {
	if v == nil || v.Kind != yaml.ScalarNode {
		return 0, false
	}
	s := v.Value
	if IsNumber(v) {
		switch s {
		case "3.0":
			return OpenAPI30, true
		case "3.1":
			return OpenAPI31, true
		}
		return 0, false
	}
	if !IsString(v) {
		return 0, false
	}
	for prefix, ver := range map[string]Version{"3.0.": OpenAPI30, "3.1.": OpenAPI31} {
		patch, ok := strings.CutPrefix(s, prefix)
		if ok && patch != "" && strings.Trim(patch, "0123456789") == "" {
			return ver, true
		}
	}
	return 0, false
}

func describeVersion(v *yaml.Node) string {
	if v.Kind == yaml.ScalarNode {
		return strconv.Quote(v.Value)
	}
	return kindName(v)
}

// check walks the tree once: nesting depth, alias count, what the aliases
// expand to, and duplicate keys.
func (d *Document) check(opts Options) error {
	d.Aliases = 0
	return d.checkFrom(d.Root, 1, opts, opts.maxAliases(), &expansion{})
}

// checkFrom is check's walk from node n at the given depth, in document
// order (the first problem in the file is the one reported), counting
// aliases into d.Aliases and their expansion into e; maxAliases < 0 means no
// alias limit.
func (d *Document) checkFrom(n *yaml.Node, depth int, opts Options, maxAliases int, e *expansion) error {
	maxDepth := opts.maxDepth()
	stack := append(e.stack[:0], checkFrame{n, depth})
	defer func() { e.stack = stack[:0] }() // reused by the walker's next call
	push := func(ns []*yaml.Node, depth int) {
		for i := len(ns) - 1; i >= 0; i-- {
			stack = append(stack, checkFrame{ns[i], depth})
		}
	}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := f.n
		if f.depth > maxDepth {
			return &LoadError{File: d.Name, Line: n.Line, Column: n.Column, Kind: KindDepth,
				Msg: fmt.Sprintf("nesting is deeper than %d levels", maxDepth)}
		}
		switch n.Kind {
		case yaml.AliasNode:
			d.Aliases++
			if maxAliases >= 0 && d.Aliases > maxAliases {
				return &LoadError{File: d.Name, Line: n.Line, Column: n.Column, Kind: KindAliases,
					Msg: fmt.Sprintf("more than %d YAML aliases; API Gateway and Cloud Endpoints accept at most %d", maxAliases, maxAliases)}
			}
			if err := e.alias(d, n, f.depth, opts); err != nil {
				return err
			}
		case yaml.MappingNode:
			if err := d.checkDuplicates(n); err != nil {
				return err
			}
			push(n.Content, f.depth+1)
		case yaml.SequenceNode:
			push(n.Content, f.depth+1)
		}
	}
	return nil
}

// checkParallel runs check's walk over a large document on two goroutines
// and reports true when the document passes (d.Aliases is then set). Any
// problem, or a document too small to be worth it, returns false, and check
// runs alone: it reports the same problem at the same place as always (its
// walk order decides which of several problems is reported).
func (d *Document) checkParallel(opts Options) bool {
	if len(d.Src) < parallelMinSize || runtime.GOMAXPROCS(0) < 2 {
		return false
	}
	// The units of work: the values of the top-level mapping, and for a
	// large mapping value (paths, definitions) each of its values instead.
	type unit struct {
		n     *yaml.Node
		depth int
	}
	var units []unit
	if d.checkDuplicates(d.Root) != nil {
		return false
	}
	for i := 1; i < len(d.Root.Content); i += 2 {
		v := d.Root.Content[i]
		if v.Kind == yaml.MappingNode && len(v.Content) >= 64 {
			if d.checkDuplicates(v) != nil {
				return false
			}
			for j := 0; j < len(v.Content); j++ {
				units = append(units, unit{v.Content[j], 3})
			}
			continue
		}
		units = append(units, unit{v, 2})
	}
	for i := 0; i < len(d.Root.Content); i += 2 {
		units = append(units, unit{d.Root.Content[i], 2}) // keys (aliases or deep keys are possible)
	}
	var aliases, added [2]int
	var bad [2]bool
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Go(func() {
			sub := &Document{Name: d.Name}
			e := &expansion{}
			for i := w; i < len(units); i += 2 {
				u := units[i]
				if err := sub.checkFrom(u.n, u.depth, opts, -1, e); err != nil {
					bad[w] = true
					return
				}
			}
			aliases[w], added[w] = sub.Aliases, e.added
		})
	}
	wg.Wait()
	total := aliases[0] + aliases[1]
	if bad[0] || bad[1] || opts.maxAliases() >= 0 && total > opts.maxAliases() ||
		satAdd(added[0], added[1]) > opts.maxExpandedNodes() {
		return false
	}
	d.Aliases = total
	return true
}

// checkDuplicates refuses a key written twice in mapping n, and complex
// keys. Merge keys may repeat (<<: *a, then <<: *b): they are not members.
func (d *Document) checkDuplicates(n *yaml.Node) error {
	for i := 0; i < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind != yaml.ScalarNode && Deref(k).Kind != yaml.ScalarNode {
			return d.complexKey(k)
		}
	}
	pairs := len(n.Content) / 2
	if pairs < 2 {
		return nil
	}
	if pairs <= 8 {
		for i := 0; i < len(n.Content); i += 2 {
			ki := n.Content[i]
			if ki.Kind != yaml.ScalarNode || IsMergeKey(ki) {
				continue
			}
			for j := 0; j < i; j += 2 {
				kj := n.Content[j]
				if kj.Kind == yaml.ScalarNode && kj.Value == ki.Value && !IsMergeKey(kj) {
					return d.duplicate(kj, ki)
				}
			}
		}
		return nil
	}
	seen := make(map[string]*yaml.Node, pairs)
	for i := 0; i < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode || IsMergeKey(k) {
			continue
		}
		if prev, ok := seen[k.Value]; ok {
			return d.duplicate(prev, k)
		}
		seen[k.Value] = k
	}
	return nil
}

// complexKey refuses a mapping or sequence used as a mapping key: JSON has
// none, and gcloud's YAML loader (PyYAML) refuses it as an unhashable key.
func (d *Document) complexKey(k *yaml.Node) error {
	what := "a mapping"
	if Deref(k).Kind == yaml.SequenceNode {
		what = "a sequence"
	}
	return &LoadError{File: d.Name, Line: k.Line, Column: k.Column, Kind: KindComplexKey,
		Msg: fmt.Sprintf("this key is %s; keys must be strings (JSON has no other, and gcloud refuses the file)", what)}
}

func (d *Document) duplicate(first, second *yaml.Node) error {
	return &LoadError{File: d.Name, Line: second.Line, Column: second.Column, Kind: KindDuplicate,
		Msg: fmt.Sprintf("duplicate key %q at line %d (first defined at line %d); parsers keep only one of them", second.Value, second.Line, first.Line)}
}

// yamlParserProblems are the problems yaml.v3's parser (as opposed to its
// scanner) reports; see parserc.go.
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (d *Document) syntaxError(err error) error {
	le := &LoadError{File: d.Name, Kind: KindSyntax, Err: err}
	msg := err.Error()
	if d.Format == JSON {
		// encoding/json gives an exact byte offset; yaml.v3 only a line.
		var v any
		if jerr := json.Unmarshal(d.Src[d.bom:], &v); jerr != nil {
			var se *json.SyntaxError
			if errors.As(jerr, &se) {
				off := d.bom + int(se.Offset)
				if off > 0 {
					off-- // Offset is just past the offending byte
				}
				le.Line, le.Column = d.position(off)
				le.Msg = "invalid JSON: " + se.Error()
				return le
			}
		}
	}
	if m := yamlLineRE.FindStringSubmatch(strings.SplitN(msg, "\n", 2)[0]); m != nil {
		le.Line, _ = strconv.Atoi(m[1])
		if yamlParserProblems[m[2]] {
			// yaml.v3 prints parser (not scanner) error lines 0-based
			// (decode.go, parser.fail: only scanner errors get line++).
			le.Line++
		}
		le.Msg = "invalid " + d.Format.String() + ": " + m[2]
		return le
	}
	le.Msg = "invalid " + d.Format.String() + ": " + strings.TrimPrefix(msg, "yaml: ")
	return le
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("a scalar (%q)", truncate(n.Value, 40))
	}
	return "not a mapping"
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

func firstSignificant(b []byte) byte {
	for len(b) > 0 {
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			b = b[1:]
		case '#':
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				return 0
			}
			b = b[i+1:]
		default:
			return b[0]
		}
	}
	return 0
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return 0
}

func lineStarts(b []byte) []int {
	starts := make([]int, 1, bytes.Count(b, []byte{'\n'})+1)
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return starts
		}
		i += j + 1
		starts = append(starts, i)
	}
}

// position converts a byte offset into a 1-based line and character column.
func (d *Document) position(off int) (line, col int) {
	lo, hi := 0, len(d.lineStart)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.lineStart[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	start := d.lineStart[lo]
	if lo == 0 {
		start += d.bom
		if off < start {
			off = start
		}
	}
	return lo + 1, utf8.RuneCount(d.Src[start:off]) + 1
}

// Offset converts a 1-based line and character column (as found on yaml nodes)
// into a byte offset in Src. Out-of-range positions are clamped.
func (d *Document) Offset(line, col int) int {
	if line < 1 {
		return d.bom
	}
	if line > len(d.lineStart) {
		return len(d.Src)
	}
	off := d.lineStart[line-1]
	if line == 1 {
		off += d.bom
	}
	for c := 1; c < col && off < len(d.Src); c++ {
		if d.Src[off] == '\n' {
			break
		}
		_, size := utf8.DecodeRune(d.Src[off:])
		off += size
	}
	return off
}

// LineCount is the number of lines in Src.
func (d *Document) LineCount() int { return len(d.lineStart) }

// Line returns the text of a 1-based line without its line ending.
func (d *Document) Line(n int) string {
	if n < 1 || n > len(d.lineStart) {
		return ""
	}
	start := d.lineStart[n-1]
	end := len(d.Src)
	if n < len(d.lineStart) {
		end = d.lineStart[n] - 1
	}
	s := string(d.Src[start:end])
	return strings.TrimSuffix(s, "\r")
}
