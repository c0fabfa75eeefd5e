package fleet

import (
	"context"
	"sync"
	"time"
)

// bucket is a token bucket: n tokens per period, at most n at once.
type bucket struct {
	now    func() time.Time
	n      float64
	period time.Duration

	mu     sync.Mutex // protects following
	tokens float64
	last   time.Time
}

func newBucket(n int, period time.Duration, now func() time.Time) *bucket {
	return &bucket{now: now, n: float64(n), period: period, tokens: float64(n), last: now()}
}

// take spends a token, or says how long until one is back.
func (b *bucket) take() (ok bool, wait time.Duration) {
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

// wait takes a token, sleeping until there is one; false: ctx ended.
func (b *bucket) wait(ctx context.Context) bool {
	for {
		ok, d := b.take()
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
