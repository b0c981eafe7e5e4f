// Package hugeheap prepares the Go heap for a load that is about to allocate
// a lot of long-lived memory (the node tree of a large spec), so that Linux
// backs it with transparent huge pages.
//
// Why: a 20 MB spec becomes about 450 MB of heap, nearly all of it live until
// the run ends. Touching that memory 4 KiB page by 4 KiB page costs one page
// fault each (about 110 000 faults, roughly 0.8 s of CPU time on a 2-core
// virtual machine). Where the kernel runs transparent huge pages in "madvise"
// mode (the default of many distributions), the Go runtime never asks for
// them for its heap arenas. Prepare reserves the expected heap in one
// allocation, marks that range MADV_HUGEPAGE, and frees it again before the
// load starts: the allocator then hands out memory from a range the kernel
// fills 2 MiB at a time. bench/RESULTS.md has the measured effect.
package hugeheap

import (
	"os"
	"strings"
)

// MinBytes is the smallest expected heap Prepare acts on: below it the saved
// page faults do not pay for the forced collection.
const MinBytes = 64 << 20

// MaxBytes caps the reservation (it is address space, not memory, until
// touched; the cap keeps a wrong estimate harmless).
const MaxBytes = 4 << 30

// HeapPerInputByte is the measured ratio of lint's peak heap to the size of
// the YAML it loads (447 MB for the 19.5 MB spec of 5000 paths).
const HeapPerInputByte = 24

// Prepare readies the heap for about n more bytes of allocation. It reports
// whether the huge-page hint was given; false means nothing was done (n too
// small, another platform, the kernel's mode is "always" or "never", where
// the hint changes nothing, or strict overcommit accounting). The reservation
// is capped at MaxBytes and at half the machine's memory. It runs a garbage collection; call it before the
// load, while the heap is small. GODEBUG=disablethp=1, the Go runtime's own
// switch against huge pages for the heap, turns it off.
func Prepare(n int64) bool {
	if n < MinBytes || disabled(os.Getenv("GODEBUG")) {
		return false
	}
	return prepare(min(n, MaxBytes))
}

// disabled reports whether a GODEBUG value sets disablethp (the last setting
// wins, as in the runtime).
func disabled(godebug string) bool {
	off := false
	for kv := range strings.SplitSeq(godebug, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(kv), "disablethp="); ok {
			off = v != "0"
		}
	}
	return off
}
