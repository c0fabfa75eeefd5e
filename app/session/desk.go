package session

import (
	"context"
	"log/slog"
	"sync"

	"pudo/app"
)

// Desk runs the Front for a screen. The Front's calls block on the engine,
// so they run off the screen's goroutine, one after another on one worker
// in the order they came (a notice never overtakes the tap before it), and
// the engine's notices reach the Front between them. The screen queues
// its calls with Do and takes what they return on the worker; it draws on
// its own goroutine.
type Desk struct {
	eng   app.Engine
	front *Front
	jobs  *serial
}

// NewDesk returns the desk of a Front over eng. Call Front().Start before
// anything else, and Run for the calls to run.
func NewDesk(eng app.Engine, opts FrontOptions, log *slog.Logger) *Desk {
	return &Desk{eng: eng, front: NewFront(eng, opts, log), jobs: newSerial()}
}

// Front is the desk's Front, for its calls that read memory only (View,
// DoorMap, Wake, TakeAudio, CameraFrame) and for the calls queued with Do.
func (d *Desk) Front() *Front { return d.front }

// Do queues call for the worker; it never blocks. A call queued after Run
// returned is dropped.
func (d *Desk) Do(call func(ctx context.Context)) { d.jobs.do(call) }

// Busy reports whether someone is at the screen, so that the nightly
// self-test waits. Safe from any goroutine.
func (d *Desk) Busy() bool { return d.front.Busy() }

// Run runs the queued calls and hands the engine's notices to the Front
// until ctx ends, giving show each view a notice led to, on the worker.
// It returns when both have stopped.
func (d *Desk) Run(ctx context.Context, show func(ctx context.Context, v app.View)) {
	notices := d.eng.Subscribe(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { d.jobs.run(ctx) })
	wg.Go(func() {
		for n := range notices {
			d.Do(func(ctx context.Context) { show(ctx, d.front.Notice(ctx, n)) })
		}
	})
	wg.Wait()
}
