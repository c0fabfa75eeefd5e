package lockio

import (
	"errors"
	"testing"
	"time"

	"pudo/lockio/emulator"
	"pudo/lockio/proto"
)

// A board busy with an unlock answers it late and misses the polls in
// between. The late reply is evidence (EventLateAck), the doors' readings
// show the gap, and the board is never called down for a hiccup shorter
// than DownAfter.
func TestBusyBoardRidesThrough(t *testing.T) {
	cfg := faultConfig()
	c := openSim(t, cfg)
	d := Door{1, 5}
	waitFor(t, "first poll", func() bool { return c.Sensor(d) == SensorClosed })
	gaps := c.Gaps(d)
	c.Sim().Inject(emulator.Fault{Kind: emulator.FaultBusy, Board: 1, Op: proto.OpUnlock, Delay: time.Second})
	if err := c.Unlock(ctxT(t), d); !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("unlock: %v, want outcome unknown", err)
	}
	if c.Gaps(d) == gaps {
		t.Fatal("an unlock without its reply left no gap in the door's readings")
	}
	for e := nextEvent(t, c, d); e.Kind != EventLateAck; e = nextEvent(t, c, d) {
		if e.Kind == EventLateRefusal {
			t.Fatal("late reply read as a refusal")
		}
		if !c.Health().Boards[0].Answering {
			t.Fatal("board 1 called down during a one-second hiccup")
		}
	}
	for _, b := range c.Health().Boards {
		if !b.Answering {
			t.Fatalf("board %d called down during a one-second hiccup", b.Address)
		}
	}
	waitFor(t, "door read open", func() bool { return c.Sensor(d) == SensorOpen })
}

// The hysteresis itself, on a stepped clock: down only after DownAfter and
// DownPolls, up only after answering for UpAfter.
func TestPresence(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	p := newPresence(t0)
	const down, polls, up = 3 * time.Second, 3, time.Second
	if p.answered(at(100), up) || !p.up {
		t.Fatal("a board answering from the start changed")
	}
	// Two seconds of silence, many polls missed: a hiccup.
	for ms := 600; ms <= 2100; ms += 500 {
		if p.missed(at(ms), down, polls) {
			t.Fatalf("called down %d ms after the last answer", ms-100)
		}
	}
	p.answered(at(2600), up)
	// Silence for 3 s but only two polls (a slow poll cycle): not yet.
	p.missed(at(4000), down, polls)
	if p.missed(at(5700), down, polls) {
		t.Fatal("called down after two missed polls")
	}
	if !p.missed(at(5800), down, polls) || p.up {
		t.Fatal("not called down after 3 s and three missed polls")
	}
	// Back: it must answer for a second first; a miss starts that over.
	if p.answered(at(6000), up) || p.answered(at(6500), up) {
		t.Fatal("called up before answering for UpAfter")
	}
	p.missed(at(6600), down, polls)
	if p.answered(at(7100), up) {
		t.Fatal("a missed poll did not restart the count")
	}
	if !p.answered(at(8100), up) || !p.up {
		t.Fatal("not called up after answering for UpAfter")
	}
}

// The adapter vanishes for less than DownAfter: the bus is reconnecting,
// not down, and the screens need not flip.
func TestShortUnplugRidesThrough(t *testing.T) {
	c := openSim(t, faultConfig())
	d := Door{1, 1}
	waitFor(t, "first polls", func() bool { return c.Sensor(Door{2, 24}) == SensorClosed })
	gaps := c.Gaps(d)
	c.SimPTY().UnplugFor(500 * time.Millisecond)
	expectEvent(t, c, d, EventSensorUnknown)
	if s := c.Health().State; s != BusReconnecting && s != BusUp {
		t.Fatalf("bus %s half a second into an outage", s)
	}
	waitFor(t, "door read again", func() bool { return c.Sensor(d) == SensorClosed })
	if c.Gaps(d) == gaps {
		t.Fatal("the outage left no gap in the door's readings")
	}
	if h := c.Health(); h.State != BusUp || len(h.Silent()) != 0 {
		t.Fatalf("after a short outage: %s, silent %v", h.State, h.Silent())
	}
}

// Every reply of the board comes 2 s late (a board whose firmware answers
// slowly, a bus at the edge of its baud rate): the board answers, late,
// so it is never called down, and the screens never flip between home and
// "out of order". Watched over twenty poll requests at default timings.
func TestEveryReplyLateNeverFlips(t *testing.T) {
	cfg := DefaultConfig()
	cfg.LeftOpenAfter, cfg.SimAutoClose = Duration(time.Hour), 0
	cfg.Boards = []BoardConfig{{Address: 1, Channels: 8}}
	c := openSim(t, cfg)
	d := Door{1, 1}
	waitFor(t, "first poll", func() bool { return c.Sensor(d) == SensorClosed })
	c.Sim().Inject(emulator.Fault{Kind: emulator.FaultLate, Board: 1, Count: -1, Delay: 2 * time.Second})
	polls := c.Sim().Requests(proto.OpStatus)
	flips, up := 0, true
	waitFor(t, "twenty polls with every reply late", func() bool {
		if now := c.Health().Up(); now != up {
			flips, up = flips+1, now
			t.Logf("bus up=%v after %d polls", now, c.Sim().Requests(proto.OpStatus)-polls)
		}
		return c.Sim().Requests(proto.OpStatus)-polls >= 20
	})
	if flips > 0 {
		t.Errorf("the bus flipped %d times while every reply came 2 s late", flips)
	}
}
