// Package limit is the token bucket the locker's adapters share: remote
// openings are capped for the whole kiosk, whichever adapter (the HTTP API
// or the fleet link) asks, and the link paces its backlog with the same
// kind of bucket.
package limit

import (
	"context"
	"sync"
	"time"
)

// Bucket is a token bucket: n tokens per period, at most n at once. It is
// safe for concurrent use.
type Bucket struct {
	now    func() time.Time
	n      float64
	period time.Duration

	mu     sync.Mutex // protects following
	tokens float64
	last   time.Time
}

// New returns a full bucket; now is the clock (time.Now, or a test's).
func New(n int, period time.Duration, now func() time.Time) *Bucket {
	return &Bucket{now: now, n: float64(n), period: period, tokens: float64(n), last: now()}
}

// Take spends a token, or says how long until one is back.
func (b *Bucket) Take() (ok bool, wait time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if el := now.Sub(b.last); el > 0 {
		b.tokens = min(b.n, b.tokens+b.n*float64(el)/float64(b.period))
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(b.period) / b.n)
}

// Wait takes a token, sleeping until there is one; false: ctx ended.
func (b *Bucket) Wait(ctx context.Context) bool {
	for {
		ok, d := b.Take()
		if ok {
			return true
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
	}
}
