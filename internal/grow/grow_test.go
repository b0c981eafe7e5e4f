package grow

import (
	"testing"
)

// TestAppendAllocatesAboutTwiceTheFinalSize: the arrays Append allocates on
// the way to a million elements add up to about twice the final one (the
// 1.25× steps of append would add up to about five times).
func TestAppendAllocatesAboutTwiceTheFinalSize(t *testing.T) {
	const n = 1 << 20
	var s []int64
	total, last := 0, -1
	for i := range n {
		s = Append(s, int64(i))
		if c := cap(s); c != last {
			total += c
			last = c
		}
	}
	if len(s) != n || s[n-1] != n-1 || s[12345] != 12345 {
		t.Fatalf("contents lost: len %d", len(s))
	}
	final := cap(s)
	if total > 2*final+64 {
		t.Errorf("allocated %d elements on the way to %d (cap %d), want at most about twice", total, n, final)
	}
}

func BenchmarkAppend(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var s []int64
		for i := range 1 << 16 {
			s = Append(s, int64(i))
		}
	}
}
