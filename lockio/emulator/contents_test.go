package emulator

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"pudo/app/testenv"
	"pudo/lockio/proto"
)

func TestDoorContents(t *testing.T) {
	e, err := New(Config{Protocol: "8a80", Boards: []Board{{Address: 1, Channels: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Put(1, 2, "P1"); !errors.Is(err, ErrDoorShut) {
		t.Fatalf("put into a shut door: %v", err)
	}
	e.ForceOpen(1, 2)
	for _, p := range []string{"P1", "P2"} {
		if err := e.Put(1, 2, p); err != nil {
			t.Fatal(err)
		}
	}
	e.CloseDoor(1, 2)
	if got := e.Contents(1, 2); !slices.Equal(got, []string{"P1", "P2"}) || e.Empty(1, 2) {
		t.Fatalf("contents %v", got)
	}
	if _, err := e.Take(1, 2); !errors.Is(err, ErrDoorShut) {
		t.Fatalf("take from a shut door: %v", err)
	}
	e.ForceOpen(1, 2)
	if took, err := e.TakeParcel(1, 2, "P1"); !took || err != nil {
		t.Fatalf("take P1: %v %v", took, err)
	}
	if got, err := e.Take(1, 2); err != nil || !slices.Equal(got, []string{"P2"}) || !e.Empty(1, 2) {
		t.Fatalf("take all: %v %v, left %v", got, err, e.Contents(1, 2))
	}
	e.Stock(1, 3, "P3")
	if w := e.Where(); len(w) != 1 || !slices.Equal(w[[2]uint8{1, 3}], []string{"P3"}) {
		t.Fatalf("where %v", w)
	}
}

// A board busy with a late unlock answers no poll until its reply is out,
// and the reply comes whole, late.
func TestFaultBusy(t *testing.T) {
	e, conn := serve(t, Config{Protocol: "8a80", Boards: []Board{{Address: 1, Channels: 8, StatusBytes: 3}}})
	e.Inject(Fault{Kind: FaultBusy, Board: 1, Op: proto.OpUnlock, Delay: 400 * time.Millisecond})
	if got := exchange(t, conn, hexb(0x8A, 0x01, 0x01, 0x11, 0x9B), 0); len(got) != 0 {
		t.Fatalf("reply on time: % X", got)
	}
	if !e.IsOpen(1, 1) {
		t.Fatal("the busy board did not open the door")
	}
	status := hexb(0x80, 0x01, 0x00, 0x33, 0xB2)
	got := exchange(t, conn, status, 0)
	if len(got) != 0 {
		t.Fatalf("a busy board answered a poll: % X", got)
	}
	got = exchange(t, conn, nil, 5)
	if !bytes.Equal(got, hexb(0x8A, 0x01, 0x01, 0x00, 0x8A)) {
		t.Fatalf("late reply % X", got)
	}
	if got := exchange(t, conn, status, 7); len(got) != 7 {
		t.Fatal("no answer once the late reply was out")
	}
}

// A power cut after an unlock: the door opened, the bus is gone for the
// delay, and when it is back every door reads closed.
func TestFaultPowerLoss(t *testing.T) {
	e, err := New(Config{Protocol: "8a80", Boards: []Board{{Address: 1, Channels: 8}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.ServePTY("")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	err = e.handle(&bytes.Buffer{}, proto.Request{Op: proto.OpStatus, Board: 1, Channels: 8})
	if err != nil {
		t.Fatal(err)
	}
	e.Inject(Fault{Kind: FaultPowerLoss, Board: 1, Op: proto.OpUnlock, Delay: 200 * time.Millisecond})
	var u unplugError
	if err := e.handle(&bytes.Buffer{}, proto.Request{Op: proto.OpUnlock, Board: 1, Channel: 2}); !errors.As(err, &u) || !u.shut {
		t.Fatalf("power loss: %v", err)
	}
	if !e.IsOpen(1, 2) {
		t.Fatal("the door did not pop before the power went")
	}
	p.PowerLoss(200 * time.Millisecond)
	if p.Plugged() {
		t.Fatal("still plugged during the power cut")
	}
	testenv.Await(t, "power back", p.Plugged)
	if e.IsOpen(1, 2) {
		t.Fatal("a door reads open after the power came back")
	}
}

// A kiosk crash right after the unlock frame: the harness is told, the
// door popped and shuts again before the kiosk is back.
func TestFaultCrash(t *testing.T) {
	crashed := make(chan proto.Request, 1)
	e, conn := serve(t, Config{Protocol: "8a80", Boards: []Board{{Address: 1, Channels: 8}},
		OnCrash: func(r proto.Request) { crashed <- r }})
	e.Inject(Fault{Kind: FaultCrash, Board: 1, Op: proto.OpUnlock, Delay: 200 * time.Millisecond})
	if got := exchange(t, conn, hexb(0x8A, 0x01, 0x01, 0x11, 0x9B), 0); len(got) != 0 {
		t.Fatalf("a reply reached the dead kiosk: % X", got)
	}
	if r := testenv.Receive(t, "OnCrash to be called", crashed); r.Channel != 1 {
		t.Fatalf("crash at %+v", r)
	}
	if !e.IsOpen(1, 1) {
		t.Fatal("the door did not pop")
	}
	testenv.Await(t, "the door shut again", func() bool { return !e.IsOpen(1, 1) })
}
