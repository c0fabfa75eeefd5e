package lockio

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"pudo/lockio/emulator"
	"pudo/lockio/proto"
)

// The onoff tests drive Modbus boards without flash registers through
// go.bug.st/serial and the pty emulator, as the fault tests do.

func onOffConfig() Config {
	c := faultConfig()
	c.Protocol, c.Baud, c.ModbusPulse = "modbus", 0, PulseOnOff
	c.Pulse = Duration(50 * time.Millisecond)
	c.Boards = []BoardConfig{{Address: 1, Channels: 16}, {Address: 2, Channels: 16}}
	return c
}

// reqLog records every request an emulator reads, in order.
type reqLog struct {
	mu   sync.Mutex
	reqs []proto.Request
}

func (l *reqLog) add(r proto.Request, _ time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, r)
}

func (l *reqLog) all() []proto.Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.reqs)
}

// count counts the requests of op to door d (channel 0: any channel).
func (l *reqLog) count(op proto.Op, d Door) int {
	n := 0
	for _, r := range l.all() {
		if r.Op == op && r.Board == d.Board && (d.Channel == 0 || r.Channel == d.Channel) {
			n++
		}
	}
	return n
}

// onOffBus is a bus of no-flash Modbus boards behind a pty, logging every
// request; prepare runs before the driver connects.
func onOffBus(t *testing.T, cfg Config, prepare func(*emulator.Emulator)) (*Controller, *emulator.Emulator, *reqLog) {
	t.Helper()
	log := &reqLog{}
	var bs []emulator.Board
	for _, b := range cfg.Boards {
		bs = append(bs, emulator.Board{Address: b.Address, Channels: b.Channels, NoFlash: true})
	}
	emu, err := emulator.New(emulator.Config{Protocol: "modbus", Boards: bs, Pace: true, OnRequest: log.add})
	if err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare(emu)
	}
	// Behind a link, as by-id: a replug may come back under another pts.
	cfg.Port = servePTY(t, emu, filepath.Join(t.TempDir(), "lockboard")).Path()
	c, err := Open(context.Background(), cfg, discard())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, emu, log
}

// offsBeforePoll checks that from request index from on, every relay of
// board b is switched off before b's next status poll.
func offsBeforePoll(t *testing.T, reqs []proto.Request, from int, b BoardConfig) {
	t.Helper()
	var off uint64
	for _, r := range reqs[from:] {
		if r.Board != b.Address {
			continue
		}
		if r.Op == proto.OpRelayOff {
			off |= chBit(r.Channel)
		}
		if r.Op == proto.OpStatus {
			if off != mask64(b.Channels) {
				t.Fatalf("board %d polled with relays %016b not yet switched off", b.Address, mask64(b.Channels)&^off)
			}
			return
		}
	}
	t.Fatalf("board %d never polled", b.Address)
}

// Flash on a board without flash registers echoes and does nothing: the
// door stays shut though the unlock "succeeded". That is why onoff exists.
func TestFlashOnNoFlashBoardDoesNotOpen(t *testing.T) {
	cfg := onOffConfig()
	cfg.ModbusPulse = PulseFlash
	c, emu, _ := onOffBus(t, cfg, nil)
	d := Door{1, 5}
	waitFor(t, "first poll", func() bool { return c.Sensor(d) == SensorClosed })
	if err := c.Unlock(ctxT(t), d); err != nil {
		t.Fatal(err)
	}
	expectEvent(t, c, d, EventDidNotOpen)
	if emu.IsOpen(1, 5) || emu.RelayOn(1, 5) {
		t.Fatal("a no-flash board acted on a flash write")
	}
}

func TestOnOffOpensDoor(t *testing.T) {
	c := openSim(t, onOffConfig()) // the sim board has no flash in onoff mode
	d := Door{2, 16}
	waitFor(t, "first poll", func() bool { return c.Sensor(d) == SensorClosed })
	offs := c.Sim().RelayOffs(2, 16)
	if offs != 1 {
		t.Fatalf("startup sent %d OFFs to %v, want 1", offs, d)
	}
	if err := c.Unlock(ctxT(t), d); err != nil {
		t.Fatal(err)
	}
	// Unlock returns once the OFF is confirmed.
	if c.Sim().RelayOn(2, 16) || c.Sim().Unlocks(2, 16) != 1 || c.Sim().RelayOffs(2, 16) != offs+1 {
		t.Fatalf("after unlock: relay on %v, %d ON frames, %d OFF frames",
			c.Sim().RelayOn(2, 16), c.Sim().Unlocks(2, 16), c.Sim().RelayOffs(2, 16)-offs)
	}
	expectEvent(t, c, d, EventOpened)
	c.Sim().CloseDoor(2, 16)
	expectEvent(t, c, d, EventClosed)
	if got := c.Health().RelaysOn(); len(got) != 0 {
		t.Fatalf("health reports relays on: %v", got)
	}
}

// Whatever happens to the ON's reply, ON is never resent and OFF is
// always sent.
func TestOnOffOnReplyLost(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault emulator.FaultKind
		opens bool
	}{
		{"ON reply lost", emulator.FaultSilence, true},
		{"ON reply garbled", emulator.FaultBadChecksum, true},
		{"ON lost on the wire", emulator.FaultDeaf, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, emu, log := onOffBus(t, onOffConfig(), nil)
			d := Door{1, 5}
			waitFor(t, "first poll", func() bool { return c.Sensor(d) == SensorClosed })
			offs := log.count(proto.OpRelayOff, d)
			emu.Inject(emulator.Fault{Kind: tc.fault, Board: 1, Op: proto.OpUnlock})
			if err := c.Unlock(ctxT(t), d); !errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("unlock: %v, want outcome unknown", err)
			}
			if n := log.count(proto.OpRelayOff, d) - offs; n != 1 {
				t.Fatalf("%d OFF frames after the ON, want 1", n)
			}
			if emu.RelayOn(1, 5) {
				t.Fatal("relay left on")
			}
			if tc.opens {
				expectEvent(t, c, d, EventOpened)
			} else {
				expectEvent(t, c, d, EventDidNotOpen)
			}
			if err := c.Unlock(ctxT(t), Door{1, 6}); err != nil {
				t.Fatalf("next unlock: %v", err)
			}
			if n := log.count(proto.OpUnlock, d); n != 1 {
				t.Fatalf("%d ON frames for %v, want exactly 1", n, d)
			}
		})
	}
}

// An OFF that gets no answer is repeated, then reported in Health, and
// tried again at every poll until the board takes it.
func TestOnOffOffLost(t *testing.T) {
	c, emu, log := onOffBus(t, onOffConfig(), nil)
	d := Door{1, 7}
	waitFor(t, "first poll", func() bool { return c.Sensor(d) == SensorClosed })
	offs := log.count(proto.OpRelayOff, d)
	emu.Inject(emulator.Fault{Kind: emulator.FaultDeaf, Board: 1, Op: proto.OpRelayOff, Count: -1})
	if err := c.Unlock(ctxT(t), d); err != nil {
		t.Fatalf("unlock: %v (the ON was answered: the door opened)", err)
	}
	if n := log.count(proto.OpRelayOff, d) - offs; n < offAttempts {
		t.Fatalf("%d OFF frames, want at least %d", n, offAttempts)
	}
	if got := c.Health().RelaysOn(); !slices.Contains(got, d) {
		t.Fatalf("health does not report the relay left on: %v", got)
	}
	if !emu.RelayOn(1, 7) || log.count(proto.OpUnlock, d) != 1 {
		t.Fatalf("emulator: relay on %v, %d ON frames", emu.RelayOn(1, 7), log.count(proto.OpUnlock, d))
	}
	// Other doors still work meanwhile.
	if err := c.Unlock(ctxT(t), Door{2, 1}); err != nil {
		t.Fatal(err)
	}
	emu.ClearFaults()
	waitFor(t, "relay off", func() bool { return !emu.RelayOn(1, 7) && len(c.Health().RelaysOn()) == 0 })
	if n := log.count(proto.OpUnlock, d); n != 1 {
		t.Fatalf("%d ON frames, want 1", n)
	}
}

// A relay left on by an earlier run is switched off before the first
// poll; a silent board does not hold up the others and is switched off
// when it answers again.
func TestOnOffRelayLeftOnAtStartup(t *testing.T) {
	cfg := onOffConfig()
	// Board 1 answers everything: its OFF timed out would only be this
	// process starved, and would end its OFFs before the poll by design.
	// Board 2 is silent, so the timeout is not a ceiling of minutes, but
	// seconds: far above a starved reply's delay, and what the silent
	// board costs per try.
	cfg.PollTimeout, cfg.ReplyTimeout = Duration(2*time.Second), Duration(2*time.Second)
	c, emu, log := onOffBus(t, cfg, func(e *emulator.Emulator) {
		e.SetRelay(1, 3, true)
		e.SetRelay(2, 9, true)
		e.Silence(2, true)
	})
	waitFor(t, "board 1 polled", func() bool { return c.Sensor(Door{1, 1}) == SensorClosed })
	offsBeforePoll(t, log.all(), 0, cfg.Boards[0])
	if emu.RelayOn(1, 3) {
		t.Fatal("relay 1/03 still on")
	}
	waitFor(t, "board 2 reported", func() bool { return c.Health().Boards[1].RelaysOn != 0 })
	if !emu.RelayOn(2, 9) {
		t.Fatal("a silent board's relay went off")
	}
	emu.Silence(2, false)
	waitFor(t, "board 2 relays off", func() bool { return !emu.RelayOn(2, 9) && len(c.Health().RelaysOn()) == 0 })
	waitFor(t, "board 2 polled", func() bool { return c.Sensor(Door{2, 1}) == SensorClosed })
}

// The adapter vanishes after the ON reached the board, so the OFF cannot
// be sent: the relay stays on until the port is back, and is then
// switched off before the board is polled again.
func TestOnOffRelayOffAfterReconnect(t *testing.T) {
	cfg := onOffConfig()
	// The board answers every request here: a timeout would only be this
	// process starved on a loaded machine, and an OFF timed out ends the
	// OFFs before the poll by design (a dead board costs one timeout).
	// The timeouts are ceilings.
	cfg.PollTimeout, cfg.ReplyTimeout = Duration(patience), Duration(patience)
	c, emu, log := onOffBus(t, cfg, nil)
	d := Door{1, 4}
	waitFor(t, "first poll", func() bool { return c.Sensor(d) == SensorClosed })
	emu.Inject(emulator.Fault{Kind: emulator.FaultUnplug, Board: 1, Op: proto.OpUnlock, Delay: 200 * time.Millisecond})
	if err := c.Unlock(ctxT(t), d); !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("unlock: %v, want outcome unknown", err)
	}
	waitFor(t, "reconnected, relay off", func() bool {
		return c.Health().Reconnects >= 1 && !emu.RelayOn(1, 4) && len(c.Health().RelaysOn()) == 0
	})
	waitFor(t, "door known again", func() bool { return c.Sensor(d) != SensorUnknown })
	reqs := log.all()
	on := slices.IndexFunc(reqs, func(r proto.Request) bool { return r.Op == proto.OpUnlock })
	offsBeforePoll(t, reqs, on+1, cfg.Boards[0])
	if n := log.count(proto.OpUnlock, d); n != 1 {
		t.Fatalf("%d ON frames, want 1", n)
	}
}
