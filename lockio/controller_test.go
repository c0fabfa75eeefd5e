package lockio

import (
	"errors"
	"testing"
)

func TestSimUnlockOpenClose(t *testing.T) {
	c := openSim(t, fastConfig())
	d := Door{1, 7}
	waitFor(t, "door polled", func() bool { return c.Sensor(d) == SensorClosed })
	if err := c.Unlock(ctxT(t), d); err != nil {
		t.Fatal(err)
	}
	expectEvent(t, c, d, EventOpened)
	if got := c.Sensor(d); got != SensorOpen {
		t.Fatalf("sensor %v after opened", got)
	}
	c.Sim().CloseDoor(1, 7)
	expectEvent(t, c, d, EventClosed)
	if n := c.Sim().Unlocks(1, 7); n != 1 {
		t.Fatalf("board saw %d unlocks, want 1", n)
	}
	if h := c.Health(); !h.Up() || h.State != BusUp {
		t.Fatalf("health %+v", h)
	}
}

func TestUnlockRateLimited(t *testing.T) {
	c := openSim(t, fastConfig())
	d := Door{1, 3}
	if err := c.Unlock(ctxT(t), d); err != nil {
		t.Fatal(err)
	}
	err := c.Unlock(ctxT(t), d)
	if !errors.Is(err, ErrNotSent) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("second unlock: %v", err)
	}
	if n := c.Sim().Unlocks(1, 3); n != 1 {
		t.Fatalf("board saw %d unlocks, want 1", n)
	}
}

func TestUnlockUnknownDoor(t *testing.T) {
	c := openSim(t, fastConfig())
	for _, d := range []Door{{1, 0}, {1, 25}, {2, 1}} {
		if err := c.Unlock(ctxT(t), d); !errors.Is(err, ErrNotSent) || !errors.Is(err, ErrUnknownDoor) {
			t.Errorf("%v: %v", d, err)
		}
	}
}

func TestForcedOpenAndDidNotOpen(t *testing.T) {
	c := openSim(t, fastConfig())
	forced, jammed := Door{1, 1}, Door{1, 2}
	waitFor(t, "doors polled", func() bool { return c.Sensor(forced) == SensorClosed })
	c.Sim().ForceOpen(1, 1)
	expectEvent(t, c, forced, EventForcedOpen)
	c.Sim().StickLatch(1, 2, true)
	if err := c.Unlock(ctxT(t), jammed); err != nil {
		t.Fatal(err)
	}
	expectEvent(t, c, jammed, EventDidNotOpen)
}

// The 8A/80 board's own "lock failed" (status 11) is a refusal, not an
// opening: the driver says so, and the door stays shut.
func TestBoardReportsLockFailed(t *testing.T) {
	c := openSim(t, fastConfig())
	d := Door{1, 3}
	waitFor(t, "doors polled", func() bool { return c.Sensor(d) == SensorClosed })
	c.Sim().Jam(1, 3, true)
	err := c.Unlock(ctxT(t), d)
	if !errors.Is(err, ErrRefused) || !errors.Is(err, ErrLockFailed) || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("unlock of a jammed door: %v, want refused: lock failed", err)
	}
	if c.Sim().IsOpen(1, 3) || c.Sim().Unlocks(1, 3) != 1 {
		t.Fatalf("open %v after %d unlock frames, want shut after 1", c.Sim().IsOpen(1, 3), c.Sim().Unlocks(1, 3))
	}
}

func TestErrorStrings(t *testing.T) {
	err := &Error{Op: "unlock", Door: Door{1, 7}, Kind: ErrOutcomeUnknown, Err: ErrNoReply}
	if got, want := err.Error(), "lockio: unlock 1/07: outcome unknown: no reply"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrNoReply) || errors.Is(err, ErrNotSent) {
		t.Fatal("errors.Is does not see both kind and cause")
	}
}

// A consumer that never reads must not stall the port goroutine: the
// oldest events go and Health counts them.
func TestEventsDropOldest(t *testing.T) {
	c := openSim(t, fastConfig())
	for i := 0; i < eventBuffer+10; i++ {
		c.emit(Event{Door: Door{1, 1}, Kind: EventClosed})
	}
	if got := c.Health().DroppedEvents; got != 10 {
		t.Fatalf("dropped %d, want 10", got)
	}
	if err := c.Refresh(ctxT(t)); err != nil {
		t.Fatal(err)
	}
}
