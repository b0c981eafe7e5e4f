package probe

import (
	"context"
	"sync"
	"time"
)

// tokenBucket limits how often requests start: a bucket of one token,
// refilled 1/rate after the last start. The slot is taken at the moment the
// caller goes ahead, not reserved ahead of time, so no two requests start
// closer than 1/rate apart even when the process was paused (timers that
// fire late do not release a burst of overdue starts). A nil *tokenBucket
// never waits.
type tokenBucket struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time // the earliest start of the next request
}

// newTokenBucket returns a limiter for rate requests per second; rate <= 0
// means no limit (nil).
func newTokenBucket(rate float64) *tokenBucket {
	if rate <= 0 {
		return nil
	}
	return &tokenBucket{interval: time.Duration(float64(time.Second) / rate)}
}

// Wait returns when the caller may start a request, or with ctx's error.
func (b *tokenBucket) Wait(ctx context.Context) error {
	if b == nil {
		return ctx.Err()
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b.mu.Lock()
		now := time.Now()
		if !now.Before(b.next) {
			b.next = now.Add(b.interval)
			b.mu.Unlock()
			return nil
		}
		wait := b.next.Sub(now)
		b.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}
