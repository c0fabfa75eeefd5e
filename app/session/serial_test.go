package session

import (
	"context"
	"slices"
	"sync"
	"testing"
)

// TestSerialRunsInOrder: jobs queued from several goroutines run one at a
// time, each goroutine's in the order it queued them, and run returns
// when its context ends.
func TestSerialRunsInOrder(t *testing.T) {
	s := newSerial()
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { s.run(ctx) })
	var mu sync.Mutex
	got := map[int][]int{}
	var queued sync.WaitGroup
	done := make(chan struct{})
	for g := range 4 {
		queued.Go(func() {
			for i := range 50 {
				s.do(func(context.Context) {
					mu.Lock()
					got[g] = append(got[g], i)
					mu.Unlock()
				})
			}
		})
	}
	queued.Wait()
	s.do(func(context.Context) { close(done) })
	<-done
	cancel()
	wg.Wait()
	for g, seq := range got {
		if !slices.IsSorted(seq) || len(seq) != 50 {
			t.Errorf("goroutine %d's jobs ran as %v", g, seq)
		}
	}
}
