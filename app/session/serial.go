package session

import (
	"context"
	"sync"
)

// serial runs jobs one after the other on one goroutine, in the order they
// came: the Front's calls block on the locker, and a notice must not
// overtake the tap before it.
type serial struct {
	mu   sync.Mutex // protects jobs
	jobs []func(context.Context)
	wake chan struct{}
}

func newSerial() *serial { return &serial{wake: make(chan struct{}, 1)} }

// do queues f; it never blocks.
func (s *serial) do(f func(context.Context)) {
	s.mu.Lock()
	s.jobs = append(s.jobs, f)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// run runs the queued jobs until ctx ends; jobs queued after that are
// dropped.
func (s *serial) run(ctx context.Context) {
	for {
		s.mu.Lock()
		jobs := s.jobs
		s.jobs = nil
		s.mu.Unlock()
		for _, f := range jobs {
			if ctx.Err() != nil {
				return
			}
			f(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		}
	}
}
