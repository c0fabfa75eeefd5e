package link

import (
	"context"
	"sync"
	"time"
)

// queue hands messages from paho's goroutine to the worker. It never
// blocks the router (that would hold up the connection's keep-alive); the
// broker's receive maximum bounds what it holds, as nothing is
// acknowledged before it is stored.
type queue struct {
	mu    sync.Mutex
	items []msg
	ready chan struct{}
}

func newQueue() queue { return queue{ready: make(chan struct{}, 1)} }

func (q *queue) push(m msg) {
	q.mu.Lock()
	q.items = append(q.items, m)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// take waits for a first message, then up to wait for more, and returns
// at most max of them in the order they came; false: ctx ended.
func (q *queue) take(ctx context.Context, max int, wait time.Duration) ([]msg, bool) {
	for {
		q.mu.Lock()
		n := len(q.items)
		q.mu.Unlock()
		if n > 0 {
			break
		}
		select {
		case <-ctx.Done():
			return nil, false
		case <-q.ready:
		}
	}
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
	fill:
		for {
			q.mu.Lock()
			n := len(q.items)
			q.mu.Unlock()
			if n >= max {
				break
			}
			select {
			case <-ctx.Done():
				return nil, false
			case <-t.C:
				break fill
			case <-q.ready:
			}
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(max, len(q.items))
	out := make([]msg, n)
	copy(out, q.items)
	clear(q.items[:n])
	q.items = q.items[n:]
	return out, true
}
