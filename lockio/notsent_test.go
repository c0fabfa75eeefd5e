package lockio

import (
	"context"
	"errors"
	"sync/atomic"
	"syscall"
	"testing"
)

// flakyPort fails writes on demand, before any byte leaves.
type flakyPort struct {
	Port
	failWrite *atomic.Bool
}

func (f flakyPort) Write(b []byte) (int, error) {
	if f.failWrite.Load() {
		return 0, syscall.EIO
	}
	return f.Port.Write(b)
}

// A write that fails before any byte left is ErrNotSent: safe to retry,
// and the retry, after the port is reopened, opens the door once.
func TestWriteFailureIsNotSent(t *testing.T) {
	emu := newEmu(t, "8a80", 1)
	cfg := faultConfig()
	cfg.Port, cfg.Boards = servePTY(t, emu, "").Path(), cfg.Boards[:1]
	var fail atomic.Bool
	c, err := open(context.Background(), cfg, discard(), func(path string, baud int) (Port, error) {
		p, err := openSerial(path, baud)
		if err != nil {
			return nil, err
		}
		return flakyPort{p, &fail}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	d := Door{1, 9}
	waitFor(t, "first poll", func() bool { return c.Sensor(d) == SensorClosed })
	fail.Store(true)
	err = c.Unlock(ctxT(t), d)
	if !errors.Is(err, ErrNotSent) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("unlock with a dead write: %v", err)
	}
	if emu.Unlocks(1, 9) != 0 {
		t.Fatal("the board saw an unlock that was reported not sent")
	}
	fail.Store(false)
	waitFor(t, "reopened", func() bool { return c.Health().State == BusUp && c.Health().Reconnects >= 1 })
	if err := c.Unlock(ctxT(t), d); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if n := emu.Unlocks(1, 9); n != 1 {
		t.Fatalf("board saw %d unlocks", n)
	}
}

// An unlock whose caller gives up while it is still queued is not sent.
func TestUnlockCanceledWhileQueued(t *testing.T) {
	c := openSim(t, fastConfig())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Unlock(ctx, Door{1, 1}); !errors.Is(err, ErrNotSent) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	c.Close()
	if err := c.Unlock(context.Background(), Door{1, 1}); !errors.Is(err, ErrNotSent) || !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
	if _, ok := <-c.Events(); ok {
		// drain: events raised before Close may still be buffered
		for range c.Events() {
		}
	}
	if c.Health().State != BusClosed {
		t.Fatalf("state %v", c.Health().State)
	}
}
