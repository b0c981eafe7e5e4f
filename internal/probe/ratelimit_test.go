package probe

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestTokenBucketSpacing(t *testing.T) {
	b := newTokenBucket(100) // 10 ms apart
	const n = 20
	var mu sync.Mutex
	var first, last time.Time
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			for range n / 5 {
				if err := b.Wait(context.Background()); err != nil {
					t.Error(err)
					return
				}
				now := time.Now()
				mu.Lock()
				if first.IsZero() || now.Before(first) {
					first = now
				}
				if now.After(last) {
					last = now
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	// Each slot is taken at least 10 ms after the previous one.
	if took := last.Sub(first); took < (n-1)*10*time.Millisecond*95/100 {
		t.Errorf("%d waits within %s, want at least %s", n, took, (n-1)*10*time.Millisecond)
	}
}

func TestTokenBucketCancel(t *testing.T) {
	b := newTokenBucket(0.5) // one start every 2 s
	if err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := b.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want the context's error", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("a cancelled wait took %s", took)
	}
	var none *tokenBucket
	if newTokenBucket(0) != nil || none.Wait(context.Background()) != nil {
		t.Error("no limit should never wait")
	}
}
