package lockio

import (
	"flag"
	"testing"
	"time"
)

// The hardware smoke test runs only against a real board:
//
//	go test ./lockio -run Hardware -lockio.port=/dev/serial/by-id/usb-… \
//	    -lockio.protocol=8a80 -lockio.board=1 -lockio.channels=24 -lockio.unlock=3 -v
//
// It scans the bus, reads the board's doors, and with -lockio.unlock pulses
// that one lock once and waits for the door to be seen open.
var (
	hwPort     = flag.String("lockio.port", "", "serial device of a real lock board bus")
	hwProtocol = flag.String("lockio.protocol", "8a80", "protocol of the real board")
	hwBoard    = flag.Uint("lockio.board", 1, "board address")
	hwChannels = flag.Int("lockio.channels", 24, "board channels")
	hwFeedback = flag.String("lockio.feedback", FeedbackClosedHigh, "input polarity")
	hwUnlock   = flag.Uint("lockio.unlock", 0, "channel to unlock once; 0 = none")
)

func TestHardware(t *testing.T) {
	if *hwPort == "" {
		t.Skip("no -lockio.port: needs a real board")
	}
	cfg := DefaultConfig()
	cfg.Protocol, cfg.Port, cfg.Baud = *hwProtocol, *hwPort, 0
	cfg.Boards = []BoardConfig{{Address: uint8(*hwBoard), Channels: *hwChannels, Feedback: *hwFeedback}}
	c, err := Open(ctxT(t), cfg, discard())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitFor(t, "port open", func() bool { return c.Health().State == BusUp })
	found, err := c.Scan(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Logf("scan: %+v", f)
	}
	if err := c.Refresh(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	h := c.Health()
	t.Logf("health: %+v", h)
	for _, d := range c.Doors() {
		t.Logf("%v %v", d, c.Sensor(d))
	}
	if *hwUnlock == 0 {
		return
	}
	d := Door{uint8(*hwBoard), uint8(*hwUnlock)}
	start := time.Now()
	err = c.Unlock(ctxT(t), d)
	t.Logf("unlock %v: %v after %v", d, err, time.Since(start))
	if err != nil {
		t.Fatal(err)
	}
	for {
		e := nextEvent(t, c, d)
		t.Logf("event %v after %v", e.Kind, e.At.Sub(start))
		if e.Kind == EventOpened || e.Kind == EventDidNotOpen {
			return
		}
	}
}
