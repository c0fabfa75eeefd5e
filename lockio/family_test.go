package lockio

import (
	"errors"
	"testing"

	"pudo/lockio/emulator"
)

// TestFamilies runs unlock, open, close on each protocol family through
// the pty, with both input polarities.
func TestFamilies(t *testing.T) {
	for _, tc := range []struct {
		protocol string
		addr     uint8
		channels int
		feedback string
	}{
		{"8a80", 3, 24, FeedbackClosedHigh},
		{"8a80", 3, 8, FeedbackOpenHigh},
		{"modbus", 1, 16, FeedbackClosedHigh},
		{"modbus", 7, 8, FeedbackOpenHigh},
		{"kerong", 0, 16, FeedbackClosedHigh},
		{"kerong", 15, 12, FeedbackOpenHigh},
	} {
		t.Run(tc.protocol+"/"+tc.feedback, func(t *testing.T) {
			cfg := fastConfig()
			cfg.Protocol, cfg.Baud = tc.protocol, 0
			cfg.Boards = []BoardConfig{{Address: tc.addr, Channels: tc.channels, Feedback: tc.feedback}}
			c := openSim(t, cfg)
			d := Door{tc.addr, uint8(tc.channels)}
			waitFor(t, "first poll", func() bool { return c.Sensor(d) == SensorClosed })
			for _, s := range c.Sensors() {
				if s != SensorClosed {
					t.Fatalf("sensors %v", c.Sensors())
				}
			}
			if err := c.Unlock(ctxT(t), d); err != nil {
				t.Fatal(err)
			}
			expectEvent(t, c, d, EventOpened)
			c.Sim().CloseDoor(d.Board, d.Channel)
			expectEvent(t, c, d, EventClosed)
		})
	}
}

// Wrong polarity shows as every door open at once: the commissioning
// symptom PROTOCOLS.md describes.
func TestWrongPolarityReadsInverted(t *testing.T) {
	cfg := fastConfig()
	cfg.Port = servePTY(t, newEmu(t, "8a80", 1), "").Path() // closed-high board
	cfg.Boards[0].Feedback = FeedbackOpenHigh
	c, err := Open(ctxT(t), cfg, discard())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	waitFor(t, "first poll", func() bool { return c.Sensor(Door{1, 24}) != SensorUnknown })
	for d, s := range c.Sensors() {
		if s != SensorOpen {
			t.Fatalf("%v reads %v; want all inverted to open", d, s)
		}
	}
	if raw := c.Health().Boards[0].Raw; raw != 1<<24-1 {
		t.Fatalf("raw lines %x", raw)
	}
}

func TestOpenAll(t *testing.T) {
	c := openSim(t, fastConfig())
	waitFor(t, "first poll", func() bool { return c.Sensor(Door{1, 24}) == SensorClosed })
	if err := c.OpenAll(ctxT(t), 1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "all open", func() bool { return c.Sensor(Door{1, 24}) == SensorOpen && c.Sensor(Door{1, 1}) == SensorOpen })
	if err := c.OpenAll(ctxT(t), 1); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("second open-all: %v", err)
	}
	if c.Sim().Unlocks(1, 12) != 1 {
		t.Fatal("not exactly one pulse")
	}
}

func TestOpenAllUnsupported(t *testing.T) {
	cfg := fastConfig()
	cfg.Protocol, cfg.Baud = "modbus", 0
	c := openSim(t, cfg)
	if err := c.OpenAll(ctxT(t), 1); !errors.Is(err, ErrUnsupported) || !errors.Is(err, ErrNotSent) {
		t.Fatalf("got %v", err)
	}
}

// TestScanCollision puts two boards on address 2 of an 8A/80 bus.
func TestScanCollision(t *testing.T) {
	for _, protocol := range []string{"8a80", "kerong", "modbus"} {
		t.Run(protocol, func(t *testing.T) {
			cfg := fastConfig()
			cfg.Protocol, cfg.Baud = protocol, 0
			ch := 16
			cfg.Boards = []BoardConfig{{Address: 1, Channels: ch}, {Address: 2, Channels: ch}}
			// A twin at address 2 and a board nobody configured at 5.
			twin, err := emulator.New(emulator.Config{Protocol: protocol, Pace: true, Boards: []emulator.Board{
				{Address: 1, Channels: ch}, {Address: 2, Channels: ch}, {Address: 2, Channels: ch}, {Address: 5, Channels: 8}}})
			if err != nil {
				t.Fatal(err)
			}
			p := servePTY(t, twin, "")
			cfg.Port = p.Path()
			c2, err := Open(ctxT(t), cfg, discard())
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			found, err := c2.ScanRange(ctxT(t), 0, 6)
			if err != nil {
				t.Fatal(err)
			}
			got := map[uint8]BoardFound{}
			for _, f := range found {
				got[f.Address] = f
			}
			if len(got) != 3 || got[1].Collision || !got[2].Collision || got[5].Collision || got[1].Answers != scanProbes {
				t.Fatalf("scan found %+v", found)
			}
			t.Logf("%s address 2: %s", protocol, got[2].Detail)
		})
	}
}
