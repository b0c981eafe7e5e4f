package probe

import (
	"context"
	"sync"
	"time"
)

// tokenBucket limits how often requests start: it holds up to burst tokens,
// refilled at rate per second, and each request takes one. With burst 1 no
// two requests start closer than 1/rate apart, so the rate holds over any
// window. A nil *tokenBucket never waits.
type tokenBucket struct {
	mu       sync.Mutex
	interval time.Duration // time to refill one token
	burst    float64
	tokens   float64
	last     time.Time
	now      func() time.Time
}

// newTokenBucket returns a limiter for rate requests per second; rate <= 0
// means no limit (nil).
func newTokenBucket(rate float64, burst int) *tokenBucket {
	if rate <= 0 {
		return nil
	}
	if burst < 1 {
		burst = 1
	}
	return &tokenBucket{
		interval: time.Duration(float64(time.Second) / rate),
		burst:    float64(burst),
		tokens:   float64(burst),
		now:      time.Now,
	}
}

// Wait takes a token, sleeping until one is available or ctx is done.
func (b *tokenBucket) Wait(ctx context.Context) error {
	if b == nil {
		return ctx.Err()
	}
	b.mu.Lock()
	now := b.now()
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+float64(now.Sub(b.last))/float64(b.interval))
	}
	b.last = now
	// Take the token now, even if it is not there yet: the balance goes
	// negative and the caller waits until it has been refilled, so callers
	// are served in arrival order.
	b.tokens--
	var wait time.Duration
	if b.tokens < 0 {
		wait = time.Duration(-b.tokens * float64(b.interval))
	}
	b.mu.Unlock()
	if wait <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		// Give the token back: nothing was sent.
		b.mu.Lock()
		b.tokens++
		b.mu.Unlock()
		return ctx.Err()
	}
}
