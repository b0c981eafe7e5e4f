package spec

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Parsing a large spec with yaml.v3 is single-threaded and is most of what a
// lint of a big file costs. parseValidYAMLNode cuts a block-style document at line
// starts into a few chunks, parses them concurrently and stitches the trees
// together, so that the result is the tree yaml.Unmarshal would have built
// for the whole input: same kinds, styles, tags, values, anchors, alias
// targets, lines, columns and order. Only comments may differ at the cuts
// (yaml.v3 attaches a comment between two entries to one of them; a cut
// changes which), and nothing reads comments.
//
// Whenever the splitter cannot show that the chunked parse is equivalent, and
// whenever any chunk fails, the whole input is parsed sequentially, so errors
// are always exactly yaml.Unmarshal's.
//
// Where the cuts go. A chunk starts at the start of a line that begins a
// mapping key at one of two indentations:
//
//   - column 0: a top-level key. The chunk parses as a mapping at column 0
//     whose pairs are appended to the top-level mapping.
//   - the indentation c of the first child of a top-level key whose line ends
//     in ':' (paths:, definitions:). The chunk is parsed as the value of a
//     made-up top-level key put on the line before it (blockPrefix), and its
//     pairs are appended to that key's mapping value.
//
// A chunk never holds lines of two such places: a chunk that starts inside a
// block ends at the next top-level line at the latest. Every chunk but the
// last is followed by a made-up entry at the indentation and line of the
// next chunk's first key (sentinelEntry), which is checked and dropped.
//
// Why the pieces give the same tree. At a cut line L, yaml.v3 parsing the
// whole input is between two entries of the mapping at indentation c (or 0),
// with no token open, unless L lies inside a multi-line token, and each kind
// of multi-line token is excluded:
//
//   - a quoted scalar or a flow collection that starts before L and ends at or
//     after L leaves the chunk before L with an unterminated quote or bracket,
//     which yaml.v3 reports as an error, so we fall back;
//   - a block scalar's content is indented at least one column deeper than
//     the innermost block collection around it, which inside the block is at
//     column c or deeper, so a non-blank line at column c ends it;
//   - a plain scalar continues only on lines indented deeper than that same
//     innermost collection, so it ends before L as well;
//   - comments end at the end of their line.
//
// So the whole parse and the chunk's parse read the same characters from L
// to the chunk's end, with the same flow level (0) and, thanks to the
// prefix, the same stack of block indentations (0, then c) once the first
// key is read; and after the chunk both read a key at the same column on the
// next line, the real one or the sentinel. yaml.v3 then produces the same
// tokens and nodes, including what it derives from the token after the
// chunk: the position of an empty value after an explicit "? key" with no
// ": value", and where open collections end. (The first key of a chunk is
// scanned inside the top level only, not yet inside the block; that changes
// nothing for a one-line key followed by ':', and anything else at L fails
// the checks below.)
//
// Lines and columns come out as in the whole input: columns because chunks
// start at line starts, lines because the chunk is preceded by as many blank
// lines as there are line breaks before it (the prefix taking the last of
// them). Input with line breaks other than LF and CRLF (a lone CR, NEL, LS,
// PS) is parsed sequentially, so that count is simply the number of LFs.
//
// What the chunk parse checks, because it is cheaper than proving more:
//
//   - yaml.Unmarshal stops quietly after the first document: an indented
//     mapping followed by a less indented line ends the document and the rest
//     is ignored. Each chunk is therefore decoded with a Decoder whose second
//     Decode must report io.EOF, i.e. the chunk was consumed whole.
//   - each chunk's entries are a block mapping whose first key sits at the
//     cut's line and column; the block a chunk continues is the last value of
//     the top-level mapping, a block mapping at the expected column, whose key
//     is on the expected line; the sentinel is the last entry of the mapping
//     it was meant for, at its line and column.
//   - an alias whose anchor is in an earlier chunk is an "unknown anchor"
//     error in its own chunk, so such documents fall back.

// Tuning. Variables so tests can make the splitter cut small inputs.
var (
	// parallelMinSize is the smallest input parsed in chunks; below it the
	// goroutines and the extra scan do not pay off.
	parallelMinSize = 1 << 20
	// parallelMinChunk is the smallest chunk worth a goroutine.
	parallelMinChunk = 256 << 10
	// parallelChunkSize, when positive, replaces the computed chunk size and
	// lifts the one-CPU and chunk-count limits (tests use 1 to cut at every
	// possible line).
	parallelChunkSize = 0
)

// maxParallelChunks bounds the chunk count on machines with many CPUs.
const maxParallelChunks = 32

// parseStats says how parseYAMLNodeStats got its tree, for tests.
type parseStats struct {
	Chunks   int    // chunks parsed concurrently; 0 when only the sequential parse ran
	Fallback string // why the tree came from the sequential parse; "" if it did not, or the input was small
}

// parseValidYAMLNode returns what yaml.Unmarshal(data, &node) gives, using
// more than one CPU on large block-style YAML documents. data is known to be
// UTF-8 without NUL bytes (Parse checks both first), so the splitter does not
// check again.
func parseValidYAMLNode(data []byte) (*yaml.Node, error) {
	n, _, err := parseYAMLNodeStatsValid(data, true)
	return n, err
}

func parseYAMLNodeStats(data []byte) (*yaml.Node, parseStats, error) {
	return parseYAMLNodeStatsValid(data, false)
}

func parseYAMLNodeStatsValid(data []byte, valid bool) (*yaml.Node, parseStats, error) {
	var st parseStats
	if len(data) < parallelMinSize || (parallelChunkSize <= 0 && (runtime.GOMAXPROCS(0) < 2 || parserChoice == "sequential")) {
		n, err := parseSequential(data)
		return n, st, err
	}
	chunks, why := planChunks(data, chunkTarget(len(data)), valid)
	if why == "" && len(chunks) < 2 {
		why = "no place to cut"
	}
	if why == "" {
		var n *yaml.Node
		n, why = parseChunks(data, chunks)
		if why == "" {
			st.Chunks = len(chunks)
			return n, st, nil
		}
		st.Chunks = len(chunks)
	}
	st.Fallback = why
	n, err := parseSequential(data)
	return n, st, err
}

func parseSequential(data []byte) (*yaml.Node, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, err
	}
	return &n, nil
}

// chunkTarget is the size in bytes after which the planner cuts at the next
// possible line: about two chunks per CPU, so that chunks of unequal size (a
// block's end forces a cut) still keep every CPU busy.
func chunkTarget(size int) int {
	if parallelChunkSize > 0 {
		return parallelChunkSize
	}
	n := min(2*runtime.GOMAXPROCS(0), maxParallelChunks)
	return max(size/n, parallelMinChunk)
}

// chunk is a byte range of the input, starting at a line start.
type chunk struct {
	start, end int
	// lines is the number of line breaks before start.
	lines int
	// indent is -1 for a chunk of top-level entries, else the indentation of
	// the block whose entries it holds.
	indent int
	// keyLine is the 1-based line of that block's top-level key.
	keyLine int
}

// planChunks finds the cut lines and groups them into chunks of about target
// bytes. It returns a non-empty reason when the input must be parsed
// sequentially.
func planChunks(data []byte, target int, valid bool) ([]chunk, string) {
	if why := unsplittable(data, valid); why != "" {
		return nil, why
	}
	chunks := []chunk{{start: 0, indent: -1}}
	cut := func(pos, line, indent, keyLine int) {
		chunks[len(chunks)-1].end = pos
		chunks = append(chunks, chunk{start: pos, lines: line, indent: indent, keyLine: keyLine})
	}
	var (
		seenContent  bool // a significant line was seen
		seenNode     bool // a significant line other than a leading "---" was seen
		pendingBlock bool // the last top-level line was "key:"; its first child decides
		blockIndent  = -1 // indentation of the current top-level key's block, -1 if not splittable
		blockKeyLine int
	)
	line := 0
	for pos := 0; pos < len(data); line++ {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end < 0 {
			end = len(data)
		} else {
			end += pos
			next = end + 1
		}
		text := data[pos:end]
		if pos == 0 {
			text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
		}
		indent := 0
		for indent < len(text) && text[indent] == ' ' {
			indent++
		}
		rest := text[indent:]
		if len(rest) == 0 || (len(rest) == 1 && rest[0] == '\r') || rest[0] == '#' {
			pos = next // blank or comment line: never a cut, never ends a block
			continue
		}
		cur := chunks[len(chunks)-1]
		first, canCut := !seenContent, seenNode
		seenContent = true
		// The first chunk must hold the document's first node: cutting
		// before it would leave that chunk without one.
		seenNode = true
		switch {
		case indent == 0:
			if bytes.HasPrefix(rest, []byte("---")) || bytes.HasPrefix(rest, []byte("...")) {
				// A leading "---" only starts the one document and sits in the
				// first chunk; any other marker could start or end a document.
				if !first || rest[0] == '.' || (len(rest) > 3 && !isBlankByte(rest[3])) {
					return nil, "document marker"
				}
				pendingBlock, blockIndent = false, -1
				seenNode = false
				break
			}
			if rest[0] == '%' {
				return nil, "directive"
			}
			if !startsKey(rest) {
				// "- item", "? key", a flow collection, a tab...: fine inside a
				// chunk of top-level entries, but it must not be cut at, and a
				// chunk of a block's entries cannot reach it: that one's parse
				// would stop at this line.
				if cur.indent >= 0 {
					return nil, "unsplittable line at column 0"
				}
				pendingBlock, blockIndent = false, -1
				break
			}
			if canCut && (cur.indent >= 0 || pos-cur.start >= target) {
				cut(pos, line, -1, 0)
			}
			blockIndent = -1
			pendingBlock = endsWithColon(rest)
			blockKeyLine = line + 1
		case pendingBlock:
			// First child of a "key:" line: its indentation is where the
			// block's entries can be cut. The first child is never a cut, so
			// the chunk holding the key also holds the block's mapping node.
			pendingBlock = false
			if startsKey(rest) {
				blockIndent = indent
			}
		case indent == blockIndent && startsKey(rest):
			if pos-cur.start >= target {
				cut(pos, line, blockIndent, blockKeyLine)
			}
		}
		pos = next
	}
	chunks[len(chunks)-1].end = len(data)
	return chunks, ""
}

// unsplittable reports input that the line-based planner cannot handle.
//
// valid says the caller has already checked that data is UTF-8 without NUL
// bytes.
func unsplittable(data []byte, valid bool) string {
	if data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")); len(data) == 0 {
		return "empty"
	}
	if !valid && !utf8.Valid(data) {
		// yaml.v3 also reads UTF-16, and reports invalid UTF-8 itself.
		return "not UTF-8"
	}
	if !valid && bytes.IndexByte(data, 0) >= 0 {
		return "NUL byte"
	}
	if c := firstSignificant(data); c == '{' || c == '[' {
		return "flow-style document"
	}
	// yaml.v3 counts a lone CR, NEL, LS and PS as line breaks too.
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\r')
		if j < 0 {
			break
		}
		i += j + 1
		if i >= len(data) || data[i] != '\n' {
			return "CR line break"
		}
	}
	if bytes.Contains(data, []byte("\u0085")) || bytes.Contains(data, []byte("\u2028")) || bytes.Contains(data, []byte("\u2029")) {
		return "Unicode line break"
	}
	return ""
}

// startsKey reports whether a line's first non-space bytes can start an
// implicit mapping key we are willing to cut at: a plain scalar or a quoted
// one. Indicators (-?:,[]{}#&*!|>%@`), tabs and a mid-stream byte order mark
// are left inside chunks.
func startsKey(b []byte) bool {
	c := b[0]
	switch {
	case c == '"' || c == '\'':
		return true
	case c >= utf8.RuneSelf:
		return !bytes.HasPrefix(b, []byte("\ufeff"))
	case c <= ' ' || c == 0x7f:
		return false
	}
	switch c {
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`':
		return false
	}
	return true
}

// endsWithColon reports a key line with no value after its ':', such as
// "paths:" (trailing spaces and CR allowed, not a comment).
func endsWithColon(b []byte) bool {
	b = bytes.TrimRight(b, " \r")
	return len(b) > 0 && b[len(b)-1] == ':'
}

func isBlankByte(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

type chunkResult struct {
	doc     *yaml.Node
	err     error
	aborted bool // err came from stopping early, not from the chunk itself
}

var errAborted = errors.New("aborted: another chunk failed")

// abortReader feeds a chunk to yaml.v3: first blank lines, so that yaml.v3
// counts the chunk's lines from where they are in the whole input (cheaper
// than renumbering the millions of nodes afterwards), then the chunk's
// prefix, the chunk and its sentinel. It fails its next read once another
// chunk has failed, so that the doomed parses stop early.
type abortReader struct {
	blank   int // blank lines still to emit
	parts   [][]byte
	stop    *atomic.Bool
	aborted bool
}

var newlines = bytes.Repeat([]byte{'\n'}, 4096)

func (r *abortReader) Read(p []byte) (int, error) {
	if r.stop.Load() {
		r.aborted = true
		return 0, errAborted
	}
	if r.blank > 0 {
		n := copy(p, newlines[:min(r.blank, len(newlines))])
		r.blank -= n
		return n, nil
	}
	for len(r.parts) > 0 && len(r.parts[0]) == 0 {
		r.parts = r.parts[1:]
	}
	if len(r.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.parts[0])
	r.parts[0] = r.parts[0][n:]
	return n, nil
}

// The text around a chunk. A chunk of a block's entries is parsed after
// blockPrefix, a top-level key whose value the entries become, so that
// yaml.v3's indentation stack inside the chunk is the one it has in the whole
// document (the top level's 0, then the block's). Every chunk but the last is
// followed by a sentinel entry at the indentation of the next chunk's first
// key: the parse then sees after the chunk what the whole parse sees, a key
// at that column on the next line, so whatever yaml.v3 derives from the next
// token comes out the same. That is the position of an empty value after an
// explicit "? key" with no ": value", and where open collections end.
const (
	blockPrefix   = "_:\n"
	sentinelKey   = "_"
	sentinelEntry = sentinelKey + ": " + sentinelKey + "\n"
)

// parseChunks parses the chunks concurrently and assembles the tree. It
// returns a non-empty reason when the result cannot be used.
func parseChunks(data []byte, chunks []chunk) (*yaml.Node, string) {
	results := make([]chunkResult, len(chunks))
	// One goroutine per CPU takes the chunks largest first: more goroutines
	// than CPUs would only take turns (and be preempted) on them, and the
	// small chunks left for the end even out the finishing times.
	order := make([]int, len(chunks))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(chunks[b].end-chunks[b].start, chunks[a].end-chunks[a].start)
	})
	var (
		stop atomic.Bool
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range min(runtime.GOMAXPROCS(0), len(chunks)) {
		wg.Go(func() {
			for {
				j := int(next.Add(1)) - 1
				if j >= len(order) {
					return
				}
				i := order[j]
				c := chunks[i]
				var prefix, sentinel []byte
				blank := c.lines
				if c.indent >= 0 {
					prefix = []byte(blockPrefix)
					blank-- // the prefix takes the line before the chunk's first
				}
				if i+1 < len(chunks) {
					sentinel = append(bytes.Repeat([]byte{' '}, max(chunks[i+1].indent, 0)), sentinelEntry...)
				}
				r := &results[i]
				r.doc, r.aborted, r.err = parseChunk(&stop, blank, prefix, data[c.start:c.end], sentinel)
				if r.err != nil {
					stop.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for i, r := range results {
		if r.err != nil && !r.aborted {
			return nil, fmt.Sprintf("chunk %d: %v", i, r.err)
		}
	}
	if stop.Load() {
		return nil, "aborted"
	}

	var doc, top *yaml.Node
	for i, c := range chunks {
		d := results[i].doc
		if d.Kind != yaml.DocumentNode || len(d.Content) != 1 {
			return nil, fmt.Sprintf("chunk %d: not one document", i)
		}
		root := d.Content[0]
		if root.Kind != yaml.MappingNode || root.Style&yaml.FlowStyle != 0 || root.Column != 1 {
			return nil, fmt.Sprintf("chunk %d: top level is not a block mapping at column 1", i)
		}
		if i+1 < len(chunks) && !dropSentinel(root, chunks[i+1]) {
			return nil, fmt.Sprintf("chunk %d: sentinel not parsed as the next entry", i)
		}
		switch {
		case i == 0:
			doc, top = d, root
		case c.indent < 0:
			// Top-level entries, the first at the cut.
			if !isEntries(root, c.lines+1, 1) {
				return nil, fmt.Sprintf("chunk %d: does not start with a key at the cut", i)
			}
			top.Content = append(top.Content, root.Content...)
		default:
			// A block's entries: the value of the prefix key, the first at
			// the cut. They continue the last value of the top level, whose
			// key must be the block's.
			if len(root.Content) != 2 || root.Content[0].Value != sentinelKey || !isEntries(root.Content[1], c.lines+1, c.indent+1) {
				return nil, fmt.Sprintf("chunk %d: does not start with a key at the cut", i)
			}
			k := len(top.Content)
			if k < 2 {
				return nil, fmt.Sprintf("chunk %d: no block to continue", i)
			}
			key, val := top.Content[k-2], top.Content[k-1]
			if key.Line != c.keyLine || key.Column != 1 ||
				val.Kind != yaml.MappingNode || val.Style&yaml.FlowStyle != 0 || val.Column != c.indent+1 {
				return nil, fmt.Sprintf("chunk %d: continued block is not the expected mapping", i)
			}
			val.Content = append(val.Content, root.Content[1].Content...)
		}
	}
	return doc, ""
}

// dropSentinel removes the sentinel entry that followed a chunk, after
// checking that yaml.v3 parsed it as the entry it stands for: the last key
// of the top level (next is a chunk of top-level entries) or of the block
// that is the top level's last value (next continues that block), at the
// next chunk's first line and column.
func dropSentinel(root *yaml.Node, next chunk) bool {
	m, col := root, 1
	if next.indent >= 0 {
		if len(root.Content) < 2 {
			return false
		}
		m, col = root.Content[len(root.Content)-1], next.indent+1
		if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 {
			return false
		}
	}
	k := len(m.Content)
	if k < 2 {
		return false
	}
	key, val := m.Content[k-2], m.Content[k-1]
	if key.Kind != yaml.ScalarNode || key.Value != sentinelKey || key.Line != next.lines+1 || key.Column != col ||
		val.Kind != yaml.ScalarNode || val.Value != sentinelKey {
		return false
	}
	m.Content = m.Content[:k-2]
	return true
}

// isEntries checks that a chunk's entries are a plain block mapping whose
// first key is at the chunk's first line and the cut's column (1-based).
func isEntries(n *yaml.Node, line, col int) bool {
	return n.Kind == yaml.MappingNode && n.Style == 0 && n.Tag == "!!map" && n.Anchor == "" &&
		n.Line == line && n.Column == col && len(n.Content) >= 2 &&
		n.Content[0].Line == line && n.Content[0].Column == col
}

// parseChunk parses blank lines, prefix, chunk and sentinel as one document
// and makes sure yaml.v3 consumed all of it. aborted is true when it failed
// because another chunk had failed.
func parseChunk(stop *atomic.Bool, blank int, prefix, chunk, sentinel []byte) (doc *yaml.Node, aborted bool, err error) {
	r := &abortReader{blank: blank, parts: [][]byte{prefix, chunk, sentinel}, stop: stop}
	defer func() {
		// yaml.v3 panics on some internal errors; the sequential parse then
		// decides what happens.
		if p := recover(); p != nil {
			doc, err = nil, fmt.Errorf("panic: %v", p)
		}
		if err != nil {
			aborted = r.aborted
		}
	}()
	dec := yaml.NewDecoder(r)
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		return nil, false, err
	}
	var rest yaml.Node
	if err := dec.Decode(&rest); err != io.EOF {
		return nil, false, fmt.Errorf("chunk not consumed whole: %v", err)
	}
	return &n, false, nil
}
