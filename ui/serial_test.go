package ui

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"pudo/app"
	"pudo/app/apptest"
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

// TestRunFollowsTheLockerAndStops: Run hands the engine's notices to the
// Front, so home turns into Out of order by itself, and returns once its
// context ends.
func TestRunFollowsTheLockerAndStops(t *testing.T) {
	eng := apptest.New(time.Now)
	w := test.NewWindow(nil)
	defer w.Close()
	w.Resize(fyne.NewSize(1280, 800))
	k := NewKiosk(w, eng, Options{}, quiet)
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { k.Run(ctx) })
	ready := make(chan struct{})
	k.async(func(context.Context) { close(ready) }) // Run has subscribed once a job ran
	<-ready
	eng.SetOutOfOrder(true, "lock bus down")
	for {
		views := make(chan app.View)
		k.async(func(context.Context) { views <- k.front.View() })
		if _, ooo := (<-views).(*app.OutOfOrderView); ooo {
			break
		}
		time.Sleep(time.Millisecond) // the notice is on its way through Run's loop
	}
	cancel()
	wg.Wait()
}
