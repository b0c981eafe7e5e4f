package rules

import (
	"runtime"
	"testing"
	"time"

	"github.com/corsgate/corsgate/internal/spec"
)

// TestSecDocCacheReleases checks that the per-document caches shared by the
// security, backend, quota and CORS rules return the same operations as
// Document.Operations and forget a document once it is garbage.
func TestSecDocCacheReleases(t *testing.T) {
	size := func() int {
		secExtCache.mu.Lock()
		defer secExtCache.mu.Unlock()
		return len(secExtCache.m)
	}
	before := size()
	func() {
		doc, err := spec.Parse("a.yaml", []byte("swagger: \"2.0\"\npaths:\n  /a:\n    get: {}\n    post: {}\n"), spec.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ops := secOperations(doc)
		if len(ops) != 2 || ops[0].Method != "get" || ops[1].Method != "post" {
			t.Fatalf("secOperations = %+v, want get and post", ops)
		}
		if again := secOperations(doc); &again[0] != &ops[0] {
			t.Errorf("second call rebuilt the operation list")
		}
		if ext := secExts(doc); len(ext) != 2 {
			t.Fatalf("secExts has %d entries, want 2", len(ext))
		}
		if size() != before+1 {
			t.Errorf("cache size %d, want %d", size(), before+1)
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for size() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if size() > before {
		t.Errorf("cache still holds a collected document (size %d, want %d)", size(), before)
	}
}
