package ui

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"pudo/app"
	"pudo/app/apptest"
	"pudo/app/testenv"
)

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
	// The notice is on its way through Run's loop; the screen is read on
	// the kiosk's own goroutine, as it is drawn.
	testenv.AwaitOK(t, "the kiosk showing Out of order", func() error {
		shown := make(chan string)
		k.async(func(context.Context) {
			_, ooo := k.front.View().(*app.OutOfOrderView)
			shown <- fmt.Sprintf("%s (Out of order in the Front: %v)", screenName(k.shown), ooo)
		})
		if s := <-shown; s != "outOfOrder (Out of order in the Front: true)" {
			return fmt.Errorf("showing %s", s)
		}
		return nil
	})
	cancel()
	stopped := make(chan struct{})
	go func() { wg.Wait(); close(stopped) }()
	testenv.Receive(t, "Run to return once its context ended", stopped)
}
