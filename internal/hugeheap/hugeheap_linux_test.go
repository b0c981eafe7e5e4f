package hugeheap

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
)

// hugeAdvised returns the total size in bytes of this process's mappings
// marked MADV_HUGEPAGE ("hg" in VmFlags) and its AnonHugePages, from
// /proc/self/smaps.
func hugeAdvised(t *testing.T) (advised, anonHuge int64) {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var size int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "Size:":
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			size = kb << 10
		case "AnonHugePages:":
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			anonHuge += kb << 10
		case "VmFlags:":
			for _, fl := range fields[1:] {
				if fl == "hg" {
					advised += size
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return advised, anonHuge
}

func TestPrepare(t *testing.T) {
	mode, err := os.ReadFile(modeFile)
	if err != nil {
		t.Logf("no %s: %v", modeFile, err)
	}
	before, _ := hugeAdvised(t)
	if Prepare(MinBytes - 1) {
		t.Fatal("Prepare acted below MinBytes")
	}
	overcommit, _ := os.ReadFile(overcommitFile)
	got := Prepare(256 << 20)
	after, _ := hugeAdvised(t)
	want := useful(mode, overcommit)
	if got != want {
		t.Fatalf("Prepare = %v with mode %q, want %v", got, bytes.TrimSpace(mode), want)
	}
	if !want {
		if after != before {
			t.Fatalf("mappings marked for huge pages changed from %d to %d bytes without the madvise mode", before, after)
		}
		return
	}
	// The mark stays on the heap mapping after the reservation is freed.
	if after-before < 200<<20 {
		t.Fatalf("mappings marked for huge pages grew by %d bytes, want at least 200 MiB", after-before)
	}
	// The load that follows allocates small objects from the marked range;
	// whether the kernel finds free 2 MiB pages for them depends on the
	// machine, so it is logged, not asserted.
	var keep []*[64]byte
	for range 2 << 20 {
		keep = append(keep, new([64]byte))
	}
	_, huge := hugeAdvised(t)
	t.Logf("after 2 Mi small objects: %d MiB in huge pages", huge>>20)
	_ = keep
}

func TestAdviseAligns(t *testing.T) {
	// Too small to hold two aligned huge pages: nothing is advised.
	if advise(hugePage) {
		t.Fatal("advise marked a range smaller than two huge pages")
	}
}

func TestUseful(t *testing.T) {
	for _, tc := range []struct {
		mode, overcommit string
		want             bool
	}{
		{"always [madvise] never\n", "0\n", true},
		{"always [madvise] never\n", "1\n", true},
		{"always [madvise] never\n", "", true}, // no overcommit file: the default policy
		{"always [madvise] never\n", "2\n", false},
		{"[always] madvise never\n", "0\n", false},
		{"always madvise [never]\n", "0\n", false},
		{"", "0\n", false},
	} {
		if got := useful([]byte(tc.mode), []byte(tc.overcommit)); got != tc.want {
			t.Errorf("useful(%q, %q) = %v, want %v", tc.mode, tc.overcommit, got, tc.want)
		}
	}
}

func TestCapToMemory(t *testing.T) {
	for _, tc := range []struct{ n, total, want int64 }{
		{512 << 20, 24 << 30, 512 << 20},
		{MaxBytes, 4 << 30, 2 << 30},   // a 4 GiB machine: at most 2 GiB
		{1 << 30, 100 << 20, 50 << 20}, // below MinBytes then: Prepare does nothing
	} {
		if got := capToMemory(tc.n, tc.total); got != tc.want {
			t.Errorf("capToMemory(%d, %d) = %d, want %d", tc.n, tc.total, got, tc.want)
		}
	}
}
