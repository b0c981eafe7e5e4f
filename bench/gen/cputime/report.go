package cputime

import (
	"testing"
	"time"
)

// Report adds to benchmark b the process CPU time per iteration since start
// (all threads, GC included): on a shared machine it is steadier than wall
// time. With paths > 0 it also reports CPU time per path, which should stay
// flat as specs grow.
func Report(b *testing.B, start time.Duration, paths int) {
	d := Now() - start
	if d <= 0 {
		return
	}
	b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	if paths > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N)/float64(paths), "cpu-ns/path")
	}
}
