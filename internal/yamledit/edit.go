// Package yamledit computes byte-splice edits on YAML and JSON documents from
// the positions of their yaml.v3 nodes, and applies them to the original
// bytes. A document is never re-marshalled: everything outside the edited
// spans (comments, blank lines, key order, quoting, indentation, flow or block
// style, anchors, CRLF line endings, a UTF-8 BOM, a missing final newline)
// stays byte for byte as it was.
//
// Inserted text follows the file's own conventions, which File detects once:
// line ending, indentation of siblings, sequence indentation under a parent
// key, quote style for strings, and for JSON the indentation unit (spaces or
// tabs) and separators of a pretty-printed or minified file.
package yamledit

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Edit replaces the bytes Src[Start:End] with Text. Start == End inserts.
type Edit struct {
	Start, End int
	Text       string
}

// ErrOverlap is returned by Apply when two edits touch the same bytes.
var ErrOverlap = errors.New("overlapping edits")

// Apply returns a copy of src with the edits spliced in. Edits may come in any
// order; they are sorted by position. Two edits that overlap, or two
// insertions at the same offset, are rejected (their order would be
// ambiguous). An edit outside src is an error. src is never modified.
func Apply(src []byte, edits []Edit) ([]byte, error) {
	if len(edits) == 0 {
		return bytes.Clone(src), nil
	}
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b Edit) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
	size := len(src)
	prevEnd := -1
	for i, e := range sorted {
		if e.Start < 0 || e.End < e.Start || e.End > len(src) {
			return nil, fmt.Errorf("edit [%d,%d) is outside the %d-byte document", e.Start, e.End, len(src))
		}
		if i > 0 {
			p := sorted[i-1]
			if e.Start < prevEnd || (e.Start == p.Start && e.Start == p.End && e.Start == e.End) {
				return nil, fmt.Errorf("%w: [%d,%d) and [%d,%d)", ErrOverlap, p.Start, p.End, e.Start, e.End)
			}
		}
		prevEnd = e.End
		size += len(e.Text) - (e.End - e.Start)
	}
	out := make([]byte, 0, size)
	last := 0
	for _, e := range sorted {
		out = append(out, src[last:e.Start]...)
		out = append(out, e.Text...)
		last = e.End
	}
	out = append(out, src[last:]...)
	return out, nil
}
