package lockio

import (
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"pudo/lockio/emulator"
	"pudo/lockio/proto"
)

// The fault tests go through go.bug.st/serial to the emulator on a pty
// (Port "sim"), one per fault mode of PROTOCOLS.md. Each checks
// the door was never unlocked twice and that polling recovers, and logs
// the recovery time (run with -v to see them).

// faultConfig is two boards so a fault on one can be seen not to spread.
// LOCKIO_DEFAULT_TIMINGS=1 runs with the production timings instead, to
// measure recovery as the kiosk will see it.
func faultConfig() Config {
	c := fastConfig()
	if os.Getenv("LOCKIO_DEFAULT_TIMINGS") != "" {
		d := DefaultConfig()
		d.LeftOpenAfter, d.SimAutoClose = Duration(time.Hour), 0
		c = d
	}
	c.Boards = []BoardConfig{{Address: 1, Channels: 24}, {Address: 2, Channels: 24}}
	return c
}

// recovered waits until board addr answers a poll started after t0 and
// returns how long that took from t0.
func recovered(t *testing.T, c *Controller, addr uint8, t0 time.Time) time.Duration {
	t.Helper()
	var at time.Time
	waitFor(t, "board to answer again", func() bool {
		for _, b := range c.Health().Boards {
			if b.Address == addr && b.Answering && b.LastReply.After(t0) {
				at = b.LastReply
				return true
			}
		}
		return false
	})
	return at.Sub(t0)
}

func TestFaultUnlockReply(t *testing.T) {
	cases := []struct {
		name    string
		fault   emulator.FaultKind
		delay   time.Duration
		wantErr error // nil: the unlock succeeds despite the fault
		opens   bool  // the board acted, so the door opens
	}{
		{"split reply", emulator.FaultSplit, 8 * time.Millisecond, nil, true},
		{"garbage before reply", emulator.FaultGarbage, 0, nil, true},
		{"noise instead of reply", emulator.FaultNoise, 0, ErrOutcomeUnknown, true},
		{"bad checksum", emulator.FaultBadChecksum, 0, ErrOutcomeUnknown, true},
		{"missing first byte", emulator.FaultDropFirst, 0, ErrOutcomeUnknown, true},
		{"lost reply", emulator.FaultSilence, 0, ErrOutcomeUnknown, true},
		{"late reply", emulator.FaultLate, 0, ErrOutcomeUnknown, true},
		{"request lost", emulator.FaultDeaf, 0, ErrOutcomeUnknown, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := faultConfig()
			c := openSim(t, cfg)
			d := Door{1, 5}
			waitFor(t, "first poll", func() bool { return c.Sensor(d) == SensorClosed })
			delay := tc.delay
			if tc.fault == emulator.FaultLate {
				delay = cfg.ReplyTimeout.Std() + 100*time.Millisecond
			}
			c.Sim().Inject(emulator.Fault{Kind: tc.fault, Board: 1, Op: proto.OpUnlock, Delay: delay})
			err := c.Unlock(ctxT(t), d)
			t0 := time.Now()
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("unlock: %v, want %v", err, tc.wantErr)
			}
			rec := recovered(t, c.Controller, 1, t0)
			switch {
			case tc.fault == emulator.FaultLate:
				// The late reply is evidence, not noise: it comes as its
				// own event, in whichever order with the sensor's.
				expectEvents(t, c, d, EventOpened, EventLateAck)
			case tc.opens:
				expectEvent(t, c, d, EventOpened)
			default:
				expectEvent(t, c, d, EventDidNotOpen)
			}
			want := 1
			if !tc.opens {
				want = 0 // the frame never reached the board, and was not resent
			}
			if n := c.Sim().Unlocks(1, 5); n != want {
				t.Fatalf("board saw %d unlock frames, want exactly %d", n, want)
			}
			// The bus still works: another door opens cleanly.
			if err := c.Unlock(ctxT(t), Door{1, 6}); err != nil {
				t.Fatalf("next unlock: %v", err)
			}
			if n := c.Sim().Unlocks(1, 5); n != want {
				t.Fatalf("board saw %d unlock frames for 1/05 after a later unlock", n)
			}
			t.Logf("recovery: fault=%q unlock-err=%v polling-again-after=%v", tc.name, err != nil, rec.Round(time.Millisecond))
		})
	}
}

func TestFaultPoll(t *testing.T) {
	cases := []struct {
		name  string
		fault emulator.FaultKind
	}{
		{"split status reply", emulator.FaultSplit},
		{"garbage before status", emulator.FaultGarbage},
		{"noise on status", emulator.FaultNoise},
		{"bad checksum on status", emulator.FaultBadChecksum},
		{"status missing first byte", emulator.FaultDropFirst},
		{"late status reply", emulator.FaultLate},
		{"status reply lost", emulator.FaultSilence},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := faultConfig()
			c := openSim(t, cfg)
			waitFor(t, "first poll", func() bool { return c.Sensor(Door{1, 1}) == SensorClosed })
			delay := time.Duration(0)
			if tc.fault == emulator.FaultLate {
				delay = cfg.PollTimeout.Std() + 50*time.Millisecond
			}
			if tc.fault == emulator.FaultSplit {
				delay = 8 * time.Millisecond
			}
			t0 := time.Now()
			c.Sim().Inject(emulator.Fault{Kind: tc.fault, Board: 1, Op: proto.OpStatus, Delay: delay})
			waitFor(t, "fault consumed", func() bool { return c.Sim().Requests(proto.OpStatus) > 0 && faultsLeft(c) == 0 })
			rec := recovered(t, c.Controller, 1, t0)
			// One bad poll must not make doors unknown (silentAfter), and
			// the other board is untouched.
			for _, d := range []Door{{1, 1}, {2, 1}} {
				if s := c.Sensor(d); s != SensorClosed {
					t.Fatalf("%v is %v after one bad poll", d, s)
				}
			}
			t.Logf("recovery: fault=%q polling-again-after=%v", tc.name, rec.Round(time.Millisecond))
		})
	}
}

// faultsLeft peeks whether the injected fault was used, by injecting
// nothing: the emulator exposes no queue length, so use a probe door.
func faultsLeft(c *simCtl) int { return c.Sim().PendingFaults() }

func TestFaultBoardSilent(t *testing.T) {
	c := openSim(t, faultConfig())
	waitFor(t, "first poll", func() bool { return c.Sensor(Door{2, 24}) == SensorClosed })
	c.Sim().Silence(2, true)
	t0 := time.Now()
	expectEvent(t, c, Door{2, 1}, EventSensorUnknown)
	detect := time.Since(t0)
	waitFor(t, "all of board 2 unknown", func() bool { return c.Sensor(Door{2, 24}) == SensorUnknown })
	if s := c.Sensor(Door{1, 1}); s != SensorClosed {
		t.Fatalf("board 1 door is %v while board 2 is silent", s)
	}
	waitFor(t, "board 2 called down", func() bool { h := c.Health(); return len(h.Silent()) == 1 })
	if h := c.Health(); len(h.Silent()) != 1 || h.Silent()[0] != 2 || !h.Up() {
		t.Fatalf("health: silent %v up %v", h.Silent(), h.Up())
	}
	// Board 1 still polled while 2 is silent.
	t1 := time.Now()
	recovered(t, c.Controller, 1, t1)
	// Unlocks on board 1 still work.
	if err := c.Unlock(ctxT(t), Door{1, 2}); err != nil {
		t.Fatal(err)
	}
	c.Sim().Silence(2, false)
	t2 := time.Now()
	rec := recovered(t, c.Controller, 2, t2)
	waitFor(t, "board 2 known again", func() bool { return c.Sensor(Door{2, 24}) == SensorClosed })
	t.Logf("recovery: fault=\"board silent\" unknown-after=%v answering-again-after=%v",
		detect.Round(time.Millisecond), rec.Round(time.Millisecond))
}

func TestFaultConcurrentUnlocks(t *testing.T) {
	cfg := faultConfig()
	c := openSim(t, cfg)
	var wg sync.WaitGroup
	errs := make(chan error, 48)
	for _, d := range cfg.Doors() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- c.Unlock(ctxT(t), d)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	for _, d := range cfg.Doors() {
		if n := c.Sim().Unlocks(d.Board, d.Channel); n != 1 {
			t.Errorf("%v: %d unlock frames", d, n)
		}
	}
}

// An unlock queued behind a poll cycle waits for one exchange at most,
// not for the cycle.
func TestUnlockAheadOfPolls(t *testing.T) {
	cfg := faultConfig()
	// No reply is lost here: a poll timeout would only be the test's
	// process starved on a loaded machine, the rest of a slowed reply then
	// read as the unlock's. The timeouts are ceilings.
	cfg.PollTimeout, cfg.ReplyTimeout = Duration(patience), Duration(patience)
	cfg.Boards = nil
	for a := uint8(1); a <= 8; a++ {
		cfg.Boards = append(cfg.Boards, BoardConfig{Address: a, Channels: 24})
	}
	c := openSim(t, cfg)
	waitFor(t, "first poll", func() bool { return c.Sensor(Door{8, 1}) == SensorClosed })
	// Slow every status reply so a cycle is long and an unlock lands in it.
	c.Sim().Inject(emulator.Fault{Kind: emulator.FaultSplit, Board: emulator.AnyBoard, Op: proto.OpStatus, Count: -1, Delay: 30 * time.Millisecond})
	// Count the status exchanges the board served while each unlock was
	// pending: with unlocks ahead of polls it is the one already on the
	// wire (plus one that may start after the unlock's reply); queued
	// behind the cycle it would be up to all eight. Counting exchanges
	// rather than timing them keeps the test true on a loaded machine.
	sim := c.Sim()
	worst := 0
	for i := range 5 {
		before := sim.Requests(proto.OpStatus)
		if err := c.Unlock(ctxT(t), Door{uint8(i + 1), 1}); err != nil {
			t.Fatal(err)
		}
		worst = max(worst, sim.Requests(proto.OpStatus)-before)
	}
	if worst > 2 {
		t.Errorf("an unlock waited behind %d status polls: polls went first", worst)
	}
	t.Logf("most status polls served while an unlock was pending: %d", worst)
}
