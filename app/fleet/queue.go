package fleet

import (
	"context"
	"sync"
)

// inbound is a command as it came: over cmd/{name}, or resent in sync/res.
type inbound struct {
	name      string
	payload   []byte
	size      int // of the payload as it came, kept when the payload is not
	respTopic string
	corr      []byte
	fleetWide bool
	fromSync  bool
	// ack acknowledges the MQTT message once the result is recorded and
	// published (for a resent command: its part of the sync answer).
	ack func()
}

// queue hands commands from paho's router to the command goroutine. It
// never blocks the router: a blocked router would hold up the PUBACKs
// the command goroutine itself waits for.
type queue struct {
	mu    sync.Mutex
	items []inbound
	ready chan struct{}
}

func newQueue() *queue { return &queue{ready: make(chan struct{}, 1)} }

func (q *queue) push(in inbound) {
	q.mu.Lock()
	q.items = append(q.items, in)
	q.mu.Unlock()
	signal(q.ready)
}

// pop waits for the oldest command; false: ctx ended.
func (q *queue) pop(ctx context.Context) (inbound, bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			in := q.items[0]
			q.items[0] = inbound{}
			q.items = q.items[1:]
			q.mu.Unlock()
			return in, true
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return inbound{}, false
		case <-q.ready:
		}
	}
}

// len is how many commands wait.
func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}
