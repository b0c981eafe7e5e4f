package cputime

import (
	"runtime"
	"testing"
	"time"
)

func TestNowAdvancesWithWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no process CPU time on this platform")
	}
	start := Now()
	x := 0
	for deadline := time.Now().Add(50 * time.Millisecond); time.Now().Before(deadline); {
		for i := 0; i < 1000; i++ {
			x += i
		}
	}
	if d := Now() - start; d <= 0 {
		t.Errorf("CPU time did not advance after a busy loop (%v, x=%d)", d, x)
	}
}
