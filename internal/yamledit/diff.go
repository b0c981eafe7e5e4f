package yamledit

import (
	"bytes"
	"fmt"
	"strings"
)

// Op is one line of a line diff.
type Op struct {
	Kind byte // ' ' kept, '-' deleted, '+' inserted
	Line string
}

// splitLines splits b into lines, each keeping its line ending, so that a
// CRLF or a missing final newline shows up as a change.
func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, string(b))
			break
		}
		out = append(out, string(b[:i+1]))
		b = b[i+1:]
	}
	return out
}

// LineDiff returns the shortest edit script turning a into b, line by line
// (Myers' O(ND) algorithm, after trimming the common prefix and suffix, so
// small edits to large files cost little).
func LineDiff(a, b []byte) []Op {
	x, y := splitLines(a), splitLines(b)
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var ops []Op
	for _, l := range x[:pre] {
		ops = append(ops, Op{' ', l})
	}
	ops = append(ops, myers(x[pre:len(x)-suf], y[pre:len(y)-suf])...)
	for _, l := range x[len(x)-suf:] {
		ops = append(ops, Op{' ', l})
	}
	return ops
}

func myers(a, b []string) []Op {
	n, m := len(a), len(b)
	if n == 0 && m == 0 {
		return nil
	}
	max := n + m
	off := max
	v := make([]int, 2*max+2)
	var trace [][]int
	var dEnd int
outer:
	for d := 0; d <= max; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var xx int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				xx = v[off+k+1]
			} else {
				xx = v[off+k-1] + 1
			}
			yy := xx - k
			for xx < n && yy < m && a[xx] == b[yy] {
				xx++
				yy++
			}
			v[off+k] = xx
			if xx >= n && yy >= m {
				dEnd = d
				break outer
			}
		}
	}
	// Backtrack.
	var rev []Op
	xx, yy := n, m
	for d := dEnd; d > 0; d-- {
		vp := trace[d]
		k := xx - yy
		var pk int
		if k == -d || (k != d && vp[off+k-1] < vp[off+k+1]) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := vp[off+pk]
		py := px - pk
		for xx > px && yy > py {
			xx--
			yy--
			rev = append(rev, Op{' ', a[xx]})
		}
		if xx == px {
			yy--
			rev = append(rev, Op{'+', b[yy]})
		} else {
			xx--
			rev = append(rev, Op{'-', a[xx]})
		}
	}
	for xx > 0 && yy > 0 {
		xx--
		yy--
		rev = append(rev, Op{' ', a[xx]})
	}
	ops := make([]Op, len(rev))
	for i, o := range rev {
		ops[len(rev)-1-i] = o
	}
	return ops
}

// Unified renders a unified diff (3 lines of context) between a and b, with
// the given file names in the header; empty when they are equal. A line
// without a final newline is marked as diff(1) does.
func Unified(nameA, nameB string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	ops := LineDiff(a, b)
	const ctx = 3
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", nameA, nameB)
	// Group changes into hunks.
	i := 0
	for i < len(ops) {
		for i < len(ops) && ops[i].Kind == ' ' {
			i++
		}
		if i == len(ops) {
			break
		}
		start := max(0, i-ctx)
		end := i
		for end < len(ops) {
			if ops[end].Kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].Kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(len(ops), end+ctx)
				break
			}
			end = run
		}
		// Line numbers of the hunk.
		aLine, bLine := 1, 1
		for _, o := range ops[:start] {
			if o.Kind != '+' {
				aLine++
			}
			if o.Kind != '-' {
				bLine++
			}
		}
		aN, bN := 0, 0
		for _, o := range ops[start:end] {
			if o.Kind != '+' {
				aN++
			}
			if o.Kind != '-' {
				bN++
			}
		}
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(aLine, aN), hunkRange(bLine, bN))
		for _, o := range ops[start:end] {
			sb.WriteByte(o.Kind)
			sb.WriteString(o.Line)
			if !strings.HasSuffix(o.Line, "\n") {
				sb.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return sb.String()
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start-1)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
