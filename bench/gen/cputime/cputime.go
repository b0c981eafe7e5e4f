// Package cputime reads the CPU time this process has used (user + system,
// all threads, garbage collector included). Benchmarks report it next to
// wall time because the machines they run on are shared: wall time then
// measures the neighbours as much as the code.
package cputime

import "time"

// Now returns the process's CPU time so far, or 0 where the platform does
// not expose it.
func Now() time.Duration { return now() }
