package emulator

import (
	"bytes"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"pudo/app/testenv"
	"pudo/lockio/proto"
)

// exchange writes req and returns the reply's n bytes, waiting for them as
// long as testenv.Patience. With n 0 it checks that nothing comes back
// for a while: silence can only be watched for so long.
func exchange(t *testing.T, conn net.Conn, req []byte, n int) []byte {
	t.Helper()
	if _, err := conn.Write(req); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		got, _ := io.ReadAll(conn)
		return got
	}
	conn.SetReadDeadline(time.Now().Add(testenv.Patience))
	got := make([]byte, n)
	if k, err := io.ReadFull(conn, got); err != nil {
		t.Fatalf("still waiting after %v for a reply of %d bytes to % X: % X, %v", testenv.Patience, n, req, got[:k], err)
	}
	return got
}

func serve(t *testing.T, cfg Config) (*Emulator, net.Conn) {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, b := net.Pipe()
	go e.Serve(a)
	t.Cleanup(func() { a.Close(); b.Close() })
	return e, b
}

func hexb(b ...byte) []byte { return b }

func TestDoorPhysics(t *testing.T) {
	e, conn := serve(t, Config{Protocol: "8a80", AutoClose: 400 * time.Millisecond,
		Boards: []Board{{Address: 1, Channels: 8, StatusBytes: 3}}})
	status := hexb(0x80, 0x01, 0x00, 0x33, 0xB2)
	if got := exchange(t, conn, status, 7); !bytes.Equal(got, hexb(0x80, 0x01, 0x00, 0x00, 0xFF, 0x33, 0x4D)) {
		t.Fatalf("all closed: % X", got)
	}
	if got := exchange(t, conn, hexb(0x8A, 0x01, 0x01, 0x11, 0x9B), 5); !bytes.Equal(got, hexb(0x8A, 0x01, 0x01, 0x00, 0x8A)) {
		t.Fatalf("unlock reply % X", got)
	}
	if !e.IsOpen(1, 1) {
		t.Fatal("door did not pop open")
	}
	// It stays open until a status read saw it, then closes by itself.
	time.Sleep(600 * time.Millisecond)
	if !e.IsOpen(1, 1) {
		t.Fatal("the door closed before any read saw it open")
	}
	if got := exchange(t, conn, status, 7); bytes.Equal(got, hexb(0x80, 0x01, 0x00, 0x00, 0xFF, 0x33, 0x4D)) {
		t.Fatalf("door 1 open reads all closed: % X", got)
	}
	testenv.Await(t, "door 1 closed by itself", func() bool { return !e.IsOpen(1, 1) })
	e.Jam(1, 2, true)
	if got := exchange(t, conn, hexb(0x8A, 0x01, 0x02, 0x11, 0x98), 5); !bytes.Equal(got, hexb(0x8A, 0x01, 0x02, 0x11, 0x98)) {
		t.Fatalf("jammed unlock reply % X", got)
	}
	if e.Unlocks(1, 2) != 1 || e.IsOpen(1, 2) {
		t.Fatal("jammed door")
	}
}

func TestFaultsAreCounted(t *testing.T) {
	e, conn := serve(t, Config{Protocol: "kerong", Boards: []Board{{Address: 0, Channels: 16}}})
	req, _ := proto.Kerong{}.AppendRequest(nil, proto.Request{Op: proto.OpStatus, Board: 0})
	e.Inject(Fault{Kind: FaultSilence, Board: AnyBoard, Count: 2})
	e.Inject(Fault{Kind: FaultDropFirst, Board: 0})
	for i, want := range []int{0, 0, 8, 9} {
		if got := exchange(t, conn, req, want); len(got) != want {
			t.Fatalf("reply %d: % X, want %d bytes", i, got, want)
		}
	}
	if e.PendingFaults() != 0 {
		t.Fatal("faults left")
	}
}

func TestCollisionRepliesTwice(t *testing.T) {
	_, conn := serve(t, Config{Protocol: "modbus", Boards: []Board{{Address: 3, Channels: 8}, {Address: 3, Channels: 8}}})
	req, _ := proto.Modbus{}.AppendRequest(nil, proto.Request{Op: proto.OpStatus, Board: 3, Channels: 8})
	if got := exchange(t, conn, req, 12); len(got) != 12 {
		t.Fatalf("collision reply % X", got)
	}
}

func TestServeEndsWhenLineCloses(t *testing.T) {
	e, _ := New(Config{Protocol: "8a80"})
	a, b := net.Pipe()
	done := make(chan error)
	go func() { done <- e.Serve(a) }()
	b.Close()
	if err := testenv.Receive(t, "Serve to return", done); err != io.EOF && err != io.ErrClosedPipe {
		t.Logf("Serve ended with %v", err)
	}
}

func TestNoFlashBoardRelays(t *testing.T) {
	e, conn := serve(t, Config{Protocol: "modbus", Boards: []Board{{Address: 1, Channels: 8, NoFlash: true}}})
	m := proto.Modbus{}
	do := func(r proto.Request) []byte {
		req, err := m.AppendRequest(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		got := exchange(t, conn, req, len(req))
		if !bytes.Equal(got, req) {
			t.Fatalf("%v: reply % X, want the echo % X", r.Op, got, req)
		}
		return got
	}
	do(proto.Request{Op: proto.OpUnlock, Board: 1, Channel: 2, Pulse: 500 * time.Millisecond})
	if e.IsOpen(1, 2) || e.RelayOn(1, 2) {
		t.Fatal("flash acted on a no-flash board")
	}
	do(proto.Request{Op: proto.OpUnlock, Board: 1, Channel: 2, Pulse: proto.PlainOn})
	if !e.IsOpen(1, 2) || !e.RelayOn(1, 2) {
		t.Fatal("relay ON did not open the door")
	}
	want := proto.AppendCRC(nil, 1, 1, 1, 0x02)
	if relays := exchange(t, conn, proto.AppendCRC(nil, 1, 1, 0, 0, 0, 8), len(want)); !bytes.Equal(relays, want) {
		t.Fatalf("relay states % X, want % X", relays, want)
	}
	do(proto.Request{Op: proto.OpRelayOff, Board: 1, Channel: 2})
	if e.RelayOn(1, 2) || !e.IsOpen(1, 2) || e.RelayOffs(1, 2) != 1 {
		t.Fatal("relay OFF")
	}
	e.SetRelay(1, 5, true)
	do(proto.Request{Op: proto.OpRelayOff, Board: 1}) // Waveshare all off
	if e.RelayOn(1, 5) || e.RelayOffs(1, 2) != 2 {
		t.Fatal("all relays off")
	}
}

// A driver that still holds the port open (a kiosk shutting down, a
// reconnect loop) must not keep Close waiting: the serving goroutine
// blocked in a read of the master that closing did not wake.
func TestPTYClosesWhileTheDriverHoldsThePort(t *testing.T) {
	e, _ := New(Config{Protocol: "8a80"})
	p, err := e.ServePTY("")
	if err != nil {
		t.Fatal(err)
	}
	port, err := os.OpenFile(p.Path(), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	// Let the serving goroutine reach its read of the master: a close
	// before that was never the problem.
	time.Sleep(200 * time.Millisecond)
	done := make(chan error)
	go func() { done <- p.Close() }()
	testenv.Receive(t, "Close to return while the driver holds the port", done)
}
