package hugeheap

import (
	"bytes"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// modeFile holds the kernel's transparent huge page mode, e.g.
// "always [madvise] never".
const modeFile = "/sys/kernel/mm/transparent_hugepage/enabled"

const (
	hugePage      = 2 << 20
	madvHugePage  = 14 // MADV_HUGEPAGE, the same value on every Linux architecture
	modeMadvise   = "[madvise]"
	minAlignBytes = 2 * hugePage
)

// overcommitFile holds the kernel's overcommit policy; "2" is strict
// accounting, where even an untouched reservation counts against the limit.
const overcommitFile = "/proc/sys/vm/overcommit_memory"

func prepare(n int64) bool {
	mode, err := os.ReadFile(modeFile)
	if err != nil {
		return false
	}
	overcommit, _ := os.ReadFile(overcommitFile)
	if !useful(mode, overcommit) {
		return false
	}
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil {
		return false
	}
	n = capToMemory(n, int64(si.Totalram)*int64(si.Unit))
	if n < MinBytes {
		return false
	}
	return advise(int(n))
}

// capToMemory bounds a reservation to half the machine's memory: the
// kernel's default overcommit heuristic refuses a single mapping larger than
// the memory there is, and the runtime treats a refused heap mapping as fatal.
// Half leaves room for what else the process holds; a load that really needs
// more gets 4 KiB pages for the rest, as it would without the hint.
func capToMemory(n, total int64) int64 {
	return min(n, total/2)
}

// useful reports whether the hint changes anything and costs nothing: the
// huge page mode must be "madvise" (with "always" the heap gets huge pages
// anyway, with "never" not at all), and the kernel must not account address
// space strictly (there the reservation, an estimate, could fail a load that
// would have fitted).
func useful(mode, overcommit []byte) bool {
	return bytes.Contains(mode, []byte(modeMadvise)) && string(bytes.TrimSpace(overcommit)) != "2"
}

// advise allocates n bytes (address space only: fresh heap memory is not
// touched), marks the whole 2 MiB-aligned part of it MADV_HUGEPAGE and frees
// it again. The mark belongs to the mapping, so it outlives the allocation.
func advise(n int) bool {
	b := make([]byte, n)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	beg := (p + hugePage - 1) &^ (hugePage - 1)
	end := (p + uintptr(n)) &^ (hugePage - 1)
	ok := false
	if end > beg && end-beg >= minAlignBytes {
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, beg, end-beg, madvHugePage)
		ok = errno == 0
	}
	runtime.KeepAlive(b)
	// Return the range to the allocator now, while the heap is small and
	// the collection is cheap, so the load allocates from it.
	runtime.GC()
	return ok
}
