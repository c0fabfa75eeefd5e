package lockio

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pudo/app/testenv"
	"pudo/lockio/emulator"
)

// patience bounds every wait: generous, so a loaded 2-core machine under
// -race does not flake, and only ever reached when something is broken.
const patience = testenv.Patience

func discard() *slog.Logger {
	if os.Getenv("LOCKIO_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// fastConfig is the demo layout polled quickly so tests finish fast.
func fastConfig() Config {
	c := DefaultConfig()
	c.PollInterval = Duration(40 * time.Millisecond)
	c.PollTimeout = Duration(120 * time.Millisecond)
	c.ReplyTimeout = Duration(400 * time.Millisecond)
	c.QuietTime = Duration(15 * time.Millisecond)
	c.DidNotOpenAfter = Duration(600 * time.Millisecond)
	c.LeftOpenAfter = Duration(time.Hour)
	c.MinUnlockGap = Duration(300 * time.Millisecond)
	c.ReconnectMax = Duration(200 * time.Millisecond)
	c.SimAutoClose = 0
	return c
}

// simCtl is a controller on an emulated bus: the driver opens the pty the
// test made, as main does for the demo locker.
type simCtl struct {
	*Controller
	emu *emulator.Emulator
	pty *emulator.PTY
}

func (s *simCtl) Sim() *emulator.Emulator { return s.emu }
func (s *simCtl) SimPTY() *emulator.PTY   { return s.pty }

// openSim starts cfg's boards on a pty behind a symlink, then the driver.
func openSim(t *testing.T, cfg Config) *simCtl {
	t.Helper()
	cfg = cfg.withDefaults()
	var boards []emulator.Board
	for _, b := range cfg.Boards {
		boards = append(boards, emulator.Board{Address: b.Address, Channels: b.Channels, Feedback: b.Feedback, NoFlash: cfg.onOff()})
	}
	emu, err := emulator.New(emulator.Config{Protocol: cfg.Protocol, Boards: boards, AutoClose: cfg.SimAutoClose.Std(),
		Baud: cfg.Baud, Pace: true})
	if err != nil {
		t.Fatal(err)
	}
	p := servePTY(t, emu, filepath.Join(t.TempDir(), "lockboard"))
	cfg.Port = p.Path()
	c, err := Open(context.Background(), cfg, discard())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &simCtl{Controller: c, emu: emu, pty: p}
}

// waitFor polls cond until it holds or patience runs out.
func waitFor(t *testing.T, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > patience {
			t.Fatalf("still waiting after %v for %s", patience, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// nextEvent returns the next event for door d, skipping others and the
// sensor-known that every door sends after its first poll.
func nextEvent(t *testing.T, c interface{ Events() <-chan Event }, d Door) Event {
	t.Helper()
	timeout := time.After(patience)
	for {
		select {
		case e := <-c.Events():
			if e.Door == d && e.Kind != EventSensorKnown {
				return e
			}
		case <-timeout:
			t.Fatalf("still waiting after %v for an event of door %v", patience, d)
		}
	}
}

func expectEvent(t *testing.T, c interface{ Events() <-chan Event }, d Door, want EventKind) {
	t.Helper()
	if e := nextEvent(t, c, d); e.Kind != want {
		t.Fatalf("event for %v: got %v, want %v", d, e.Kind, want)
	}
}

// expectEvents waits for every kind in want for door d, in any order,
// failing on any other event of d's.
func expectEvents(t *testing.T, c interface{ Events() <-chan Event }, d Door, want ...EventKind) {
	t.Helper()
	left := map[EventKind]int{}
	for _, k := range want {
		left[k]++
	}
	for n := len(want); n > 0; n-- {
		e := nextEvent(t, c, d)
		if left[e.Kind] == 0 {
			t.Fatalf("event for %v: got %v, want one of %v", d, e.Kind, left)
		}
		left[e.Kind]--
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	t.Cleanup(cancel)
	return ctx
}
