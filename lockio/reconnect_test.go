package lockio

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"pudo/lockio/emulator"
	"pudo/lockio/proto"
)

func TestFaultUnplugReplugAsAnotherNode(t *testing.T) {
	c := openSim(t, faultConfig())
	d := Door{1, 1}
	waitFor(t, "first poll", func() bool { return c.Sensor(d) == SensorClosed })
	p := c.SimPTY()
	before, _ := os.Readlink(p.Path())

	p.Unplug()
	t0 := time.Now()
	expectEvent(t, c, d, EventSensorUnknown)
	detect := time.Since(t0)
	waitFor(t, "bus down", func() bool { return c.Health().State == BusDown })
	if err := c.Unlock(ctxT(t), Door{1, 2}); !errors.Is(err, ErrNotSent) || !errors.Is(err, ErrBusDown) {
		t.Fatalf("unlock while unplugged: %v", err)
	}
	// Hold the freed pts number so the adapter comes back as another node,
	// as ttyUSB0 comes back as ttyUSB1.
	m, s, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	defer s.Close()
	time.Sleep(300 * time.Millisecond) // unplugged for a while: several reopen attempts fail
	if err := p.Replug(); err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	after, _ := os.Readlink(p.Path())
	if after == before {
		t.Fatalf("replugged under the same node %s", after)
	}
	rec := recovered(t, c.Controller, 1, t1)
	waitFor(t, "door known again", func() bool { return c.Sensor(d) == SensorClosed })
	if h := c.Health(); h.Reconnects != 1 || h.State != BusUp {
		t.Fatalf("health after replug: %+v", h)
	}
	if err := c.Unlock(ctxT(t), Door{1, 2}); err != nil {
		t.Fatalf("unlock after replug: %v", err)
	}
	t.Logf("recovery: fault=\"unplug, replug as %s (was %s)\" unknown-after=%v answering-after-replug=%v",
		after, before, detect.Round(time.Millisecond), rec.Round(time.Millisecond))
}

func TestFaultUnplugDuringUnlock(t *testing.T) {
	c := openSim(t, faultConfig())
	d := Door{1, 4}
	waitFor(t, "first poll", func() bool { return c.Sensor(d) == SensorClosed })
	c.Sim().Inject(emulator.Fault{Kind: emulator.FaultUnplug, Board: 1, Op: proto.OpUnlock, Delay: 200 * time.Millisecond})
	err := c.Unlock(ctxT(t), d)
	t0 := time.Now()
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("unlock: %v, want outcome unknown", err)
	}
	expectEvent(t, c, d, EventSensorUnknown)
	// After the automatic replug the door is seen open: the board acted.
	expectEvent(t, c, d, EventOpened)
	rec := recovered(t, c.Controller, 1, t0)
	if n := c.Sim().Unlocks(1, 4); n != 1 {
		t.Fatalf("board saw %d unlock frames, want 1", n)
	}
	t.Logf("recovery: fault=\"unplug during unlock (200ms)\" answering-after=%v", rec.Round(time.Millisecond))
}

// countingOpener counts open attempts and can be switched between a
// scripted error and the real serial port.
type countingOpener struct {
	n   atomic.Int32
	mu  sync.Mutex
	err error
}

func (o *countingOpener) open(path string, baud int) (Port, error) {
	o.n.Add(1)
	o.mu.Lock()
	err := o.err
	o.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return openSerial(path, baud)
}

func (o *countingOpener) set(err error) {
	o.mu.Lock()
	o.err = err
	o.mu.Unlock()
}

func TestFaultPermissionDenied(t *testing.T) {
	emu := newEmu(t, "8a80", 1)
	p := servePTY(t, emu, "")
	cfg := faultConfig()
	cfg.Port = p.Path()
	cfg.Boards = cfg.Boards[:1]
	op := &countingOpener{err: &os.PathError{Op: "open", Path: cfg.Port, Err: syscall.EACCES}}
	c, err := open(context.Background(), cfg, discard(), op.open)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitFor(t, "permission state", func() bool { return c.Health().State == BusPermission })
	// Ten backoff periods pass; a loop would have tried again by now.
	time.Sleep(10 * 100 * time.Millisecond / 2)
	if n := op.n.Load(); n != 1 {
		t.Fatalf("%d open attempts after a permission error, want 1", n)
	}
	if h := c.Health(); h.Err == "" {
		t.Fatal("health does not say why")
	}
	if err := c.Unlock(ctxT(t), Door{1, 1}); !errors.Is(err, ErrNotSent) {
		t.Fatalf("unlock: %v", err)
	}
	op.set(nil) // staff fixed the udev rule
	c.Reconnect()
	waitFor(t, "bus up", func() bool { return c.Health().State == BusUp })
	if err := c.Unlock(ctxT(t), Door{1, 1}); err != nil {
		t.Fatal(err)
	}
}

// The adapter is absent at start: the driver keeps trying the by-id path
// with backoff and connects when it appears.
func TestReconnectByPathAtStartup(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "usb-FTDI_FT232R_USB_UART_A10K1234-if00-port0")
	cfg := faultConfig()
	cfg.Port, cfg.Boards = link, cfg.Boards[:1]
	op := &countingOpener{}
	c, err := open(context.Background(), cfg, discard(), op.open)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitFor(t, "several failed attempts", func() bool { return op.n.Load() >= 3 })
	waitFor(t, "bus called down", func() bool { return c.Health().State == BusDown })
	if h := c.Health(); h.State != BusDown || h.Err == "" {
		t.Fatalf("health while absent: %+v", h)
	}
	servePTY(t, newEmu(t, "8a80", 1), link)
	t0 := time.Now()
	waitFor(t, "connected", func() bool { return c.Sensor(Door{1, 1}) == SensorClosed })
	t.Logf("recovery: fault=\"adapter absent at start\" connected-after-plug=%v attempts=%d", time.Since(t0).Round(time.Millisecond), op.n.Load())
}

func newEmu(t *testing.T, protocol string, boards ...uint8) *emulator.Emulator {
	t.Helper()
	var bs []emulator.Board
	for _, a := range boards {
		bs = append(bs, emulator.Board{Address: a, Channels: 24})
	}
	e, err := emulator.New(emulator.Config{Protocol: protocol, Boards: bs, Pace: true})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func servePTY(t *testing.T, e *emulator.Emulator, link string) *emulator.PTY {
	t.Helper()
	p, err := e.ServePTY(link)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// When no board answers for staleAfter the port is reopened: a stale
// adapter that keeps its fd but hears nothing gets a fresh open.
func TestStalePortReopened(t *testing.T) {
	old := staleAfter
	staleAfter = 300 * time.Millisecond
	t.Cleanup(func() { staleAfter = old })
	c := openSim(t, faultConfig())
	waitFor(t, "first poll", func() bool { return c.Sensor(Door{2, 1}) == SensorClosed })
	c.Sim().Silence(1, true)
	c.Sim().Silence(2, true)
	waitFor(t, "a reopen", func() bool { return c.Health().Reconnects >= 1 })
	c.Sim().Silence(1, false)
	c.Sim().Silence(2, false)
	waitFor(t, "doors known", func() bool { return c.Sensor(Door{2, 1}) == SensorClosed })
}
