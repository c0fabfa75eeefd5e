package fleet

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"pudo/app/testenv"
	"pudo/storage"
)

const bigCommand = 30 << 20

// A 30 MB command to a running kiosk, sent by another process (so the
// test's own memory is not counted) over the real broker: the kiosk's
// CONNECT asked for a Maximum Packet Size, so mosquitto drops it for the
// kiosk instead of sending it. The kiosk's peak resident memory does not
// grow by it, no result ever answers it, and the next command is taken.
func TestThirtyMegabyteCommandCostsNothing(t *testing.T) {
	pub := testenv.Tool(t, "mosquitto_pub", "mosquitto-clients")
	b := startBroker(t)
	k := newKiosk(t, b, "L-BIG")
	op := newOperator(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	must(t, op.Subscribe(ctx, k.link.topics.Res()))
	var mu sync.Mutex
	var answered []string
	op.OnMessage(func(p *paho.Publish) {
		if p.Properties != nil {
			mu.Lock()
			answered = append(answered, string(p.Properties.CorrelationData))
			mu.Unlock()
		}
	})
	if r := command(t, op, nil, k.id, CmdState, Command{}); r.Status != StatusOK {
		t.Fatalf("state before = %+v", r)
	}
	big := filepath.Join(t.TempDir(), "big.json")
	body := append([]byte(`{"command_id":"big","parcel_ref":"`), bytes.Repeat([]byte("x"), bigCommand)...)
	must(t, os.WriteFile(big, append(body, `"}`...), 0o600))
	body = nil

	before, peak0 := resetPeakRSS(t)
	out, err := exec.CommandContext(ctx, pub, "-V", "mqttv5", "-h", "127.0.0.1", "-p", strconv.Itoa(b.TLSPort),
		"--cafile", b.pki.path("ca.pem"), "--cert", b.pki.path(operatorID+".pem"), "--key", b.pki.path(operatorID+".key"),
		"-i", "pudo-test-big", "-q", "1", "-t", k.link.topics.Cmd(CmdBook), "-D", "publish", "correlation-data", "big",
		"-f", big).CombinedOutput()
	if err != nil {
		t.Fatalf("mosquitto_pub: %v\n%s", err, out)
	}
	// The broker keeps one client's messages in order: once the command
	// sent after it is answered, the big one was dropped or taken.
	if r := command(t, op, nil, k.id, CmdState, Command{}); r.Status != StatusOK {
		t.Fatalf("state after = %+v", r)
	}
	after, peak := resetPeakRSS(t)
	t.Logf("kiosk process resident memory: %.1f MB before, %.1f MB after, peak %.1f MB while the 30 MB command was sent (peak before it %.1f MB)",
		before, after, peak, peak0)
	if peak-before > 10 {
		t.Fatalf("the 30 MB command raised the kiosk's peak resident memory from %.1f to %.1f MB", before, peak)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, c := range answered {
		if c == "big" {
			t.Fatal("the kiosk answered the 30 MB command: it was delivered")
		}
	}
}

// resetPeakRSS returns the resident memory now and the peak since the
// last reset, in MB, and resets the peak (clear_refs 5).
func resetPeakRSS(t *testing.T) (now, peak float64) {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	must(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			now = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("the kernel does not reset the peak resident memory: %v", err)
	}
	return now, peak
}

// A broker that ignores the Maximum Packet Size and sends a 30 MB packet
// anyway: the kiosk's connection refuses it at its header, before paho
// allocates for it, drops the connection and says why; the broker gets
// far less than the 30 MB out.
func TestOversizedPacketRefusedAtItsHeader(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	sent := make(chan int64, 1)
	go fakeBroker(ln, sent)

	var logs bytes.Buffer
	var lmu sync.Mutex
	cfg := DefaultConfig()
	cfg.Enabled, cfg.Broker, cfg.Fleet = true, "mqtt://"+ln.Addr().String(), testFleet
	cfg.ReconnectWindow = time.Hour // one connection is enough
	before, _ := resetPeakRSS(t)
	k := &kiosk{tb: t, id: "L-RUDE", dir: t.TempDir(), cfg: cfg,
		log: slog.New(slog.NewTextHandler(lockedWriter{&lmu, &logs}, nil))}
	k.start()
	t.Cleanup(k.stop)
	n := testenv.Receive(t, "the kiosk to cut the fake broker off", sent)
	_, peak := resetPeakRSS(t)
	t.Logf("the fake broker got %d bytes of the 30 MB packet out; peak resident memory %.1f MB, %.1f MB before", n, peak, before)
	if n >= bigCommand/2 {
		t.Fatalf("the kiosk read %d bytes of a 30 MB packet", n)
	}
	if peak-before > 10 {
		t.Fatalf("the oversized packet raised the peak resident memory from %.1f to %.1f MB", before, peak)
	}
	testenv.Await(t, "the log says why the link dropped", func() bool {
		lmu.Lock()
		defer lmu.Unlock()
		return strings.Contains(logs.String(), "Maximum Packet Size")
	})
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// fakeBroker answers one client's CONNECT, then sends the header of a
// 30 MB PUBLISH and its body from a small buffer until the client hangs
// up, and says how much went out.
func fakeBroker(ln net.Listener, sent chan<- int64) {
	c, err := ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if _, err := r.ReadByte(); err != nil { // CONNECT
		return
	}
	n, mult := 0, 1
	for {
		b, err := r.ReadByte()
		if err != nil {
			return
		}
		n += int(b&0x7f) * mult
		mult *= 128
		if b&0x80 == 0 {
			break
		}
	}
	if _, err := io.CopyN(io.Discard, r, int64(n)); err != nil {
		return
	}
	c.Write([]byte{0x20, 0x03, 0x00, 0x00, 0x00}) // CONNACK, success, no properties
	hdr := []byte{0x30}                           // PUBLISH, QoS 0
	for rem := bigCommand; ; {
		b := byte(rem % 128)
		if rem /= 128; rem > 0 {
			b |= 0x80
		}
		hdr = append(hdr, b)
		if rem == 0 {
			break
		}
	}
	var total int64
	w, _ := c.Write(hdr)
	total += int64(w)
	chunk := make([]byte, 64<<10)
	for total < bigCommand {
		c.SetWriteDeadline(time.Now().Add(30 * time.Second))
		w, err := c.Write(chunk)
		total += int64(w)
		if err != nil {
			break
		}
	}
	sent <- total
}

// The guard follows the framing across reads of any size and stops at the
// first header above the limit.
func TestPacketGuard(t *testing.T) {
	small := append([]byte{0x30, 0x05}, []byte("hello")...)
	ping := []byte{0xd0, 0x00}
	long := []byte{0x30, 0x80, 0x80, 0x80, 0x0f} // 30 MB and more
	bad := []byte{0x30, 0xff, 0xff, 0xff, 0xff, 0x01}
	for _, tt := range []struct {
		name   string
		stream []byte
		ok     bool
	}{
		{"small packets", bytes.Repeat(append(small, ping...), 3), true},
		{"at the limit", append([]byte{0x30, 0x7e}, make([]byte, 126)...), true},
		{"one past the limit", append([]byte{0x30, 0x7f}, make([]byte, 127)...), false},
		{"a huge length after good packets", append(append(small, ping...), long...), false},
		{"a five-byte length", bad, false},
	} {
		for _, step := range []int{1, 2, 7, 1 << 10} {
			g := packetGuard{max: 128}
			var err error
			for i := 0; i < len(tt.stream) && err == nil; i += step {
				err = g.scan(tt.stream[i:min(i+step, len(tt.stream))])
			}
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrPacketTooLarge)) {
				t.Errorf("%s, read %d at a time: %v, want ok %v", tt.name, step, err, tt.ok)
			}
		}
	}
}

// state/doors stays within its documented bound for any locker: the
// longest door is no longer than doorBytes, the fields around the doors no
// longer than doorsHeadBytes, and a locker with more doors than the cap
// holds lists the first and counts the rest.
func TestDoorsStayCompact(t *testing.T) {
	worst := Door{ID: 65536, Size: "M", Column: 256, Row: 256, Low: true, State: "out_of_service", Sensor: "unknown", Fault: true, RentID: 1<<63 - 1}
	head := Doors{Locker: strings.Repeat("L", 64), At: time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC), Doors: []Door{}, Omitted: 65535}
	hb, _ := json.Marshal(head)
	db, _ := json.Marshal(worst)
	if len(hb) > doorsHeadBytes || len(db)+1 > doorBytes {
		t.Fatalf("head %d bytes (bound %d), a door %d with its comma (bound %d)", len(hb), doorsHeadBytes, len(db)+1, doorBytes)
	}
	typical, _ := json.Marshal(Door{ID: 12, Size: "M", Column: 2, Row: 5, State: "free", Sensor: "closed"})
	t.Logf("a free door: %d bytes (%s); the longest: %d", len(typical), typical, len(db))
	for _, n := range []int{24, 100, 500, 2000, 65536} {
		d := head
		d.Omitted = 0
		d.Doors = make([]Door, n)
		for i := range d.Doors {
			d.Doors[i] = worst
		}
		b := fitDoors(d)
		var back Doors
		must(t, json.Unmarshal(b, &back))
		bound := doorsHeadBytes + n*doorBytes
		t.Logf("%5d doors: %6d bytes, %d listed, %d omitted", n, len(b), len(back.Doors), back.Omitted)
		switch {
		case len(b) > payloadCap[sufDoors]:
			t.Errorf("%d doors: %d bytes, above the cap %d", n, len(b), payloadCap[sufDoors])
		case len(b) > bound:
			t.Errorf("%d doors: %d bytes, above the bound %d", n, len(b), bound)
		case len(back.Doors)+back.Omitted != n || (back.Omitted > 0) != (bound > payloadCap[sufDoors]):
			t.Errorf("%d doors: %d listed and %d omitted", n, len(back.Doors), back.Omitted)
		}
	}
}

// An event goes out within its topic's cap, whatever its free text holds:
// the text is cut, the event is not held back.
func TestEventWithinItsCap(t *testing.T) {
	l := &Link{cfg: Config{Fleet: "f"}, id: "L1"}
	for _, detail := range []string{"short", strings.Repeat("é", 20000), strings.Repeat("\x01", 9000)} {
		b := l.eventJSON(storage.Event{Seq: 1, Kind: "door.open", Actor: strings.Repeat("a", 100), Detail: detail}, nil)
		var e Event
		if err := json.Unmarshal(b, &e); err != nil || len(b) > payloadCap[sufEvt] {
			t.Fatalf("event of %d bytes (cap %d): %v", len(b), payloadCap[sufEvt], err)
		}
		if len(detail) < 100 && e.Detail != detail {
			t.Fatalf("a short detail was cut: %q", e.Detail)
		}
	}
}

// A sync answer larger than its topic's cap goes in several messages, in
// order, each within the cap.
func TestSyncAnswerInPages(t *testing.T) {
	var cmds []SyncCommand
	for i := range 100 {
		raw, _ := json.Marshal(Command{CommandID: fmt.Sprint(i), ParcelRef: strings.Repeat("p", 8000)})
		cmds = append(cmds, SyncCommand{Name: CmdBook, Command: raw})
	}
	pages := SyncPages("r", cmds)
	var got []SyncCommand
	for _, p := range pages {
		if len(p) > payloadCap[sufSyncRes] {
			t.Fatalf("a page of %d bytes", len(p))
		}
		var r SyncResponse
		must(t, json.Unmarshal(p, &r))
		if r.RequestID != "r" {
			t.Fatalf("page for %q", r.RequestID)
		}
		got = append(got, r.Commands...)
	}
	if len(pages) < 3 || len(got) != len(cmds) || !bytes.Equal(got[99].Command, cmds[99].Command) {
		t.Fatalf("%d pages with %d commands", len(pages), len(got))
	}
	if p := SyncPages("r", nil); len(p) != 1 {
		t.Fatalf("nothing missing: %d pages", len(p))
	}
}

// A command above its topic's cap but within the packet size is refused
// by its size, before it is read, signed or not; the next is taken.
func TestCommandAboveItsCap(t *testing.T) {
	b := startBroker(t)
	k := newKiosk(t, b, "L-CAP")
	op := newOperator(t, b)
	c := Command{BookingID: "C1", Version: 1, Size: "S", ParcelRef: "P", RecipientRef: strings.Repeat("r", payloadCap[sufCmd])}
	if r := command(t, op, nil, k.id, CmdBook, c); r.Status != StatusRefused || r.Error != "too_large" {
		t.Fatalf("a %d-byte command = %+v", payloadCap[sufCmd], r)
	}
	if r := command(t, op, nil, k.id, CmdBook, Command{BookingID: "C1", Version: 2, Size: "S", ParcelRef: "P"}); r.Status != StatusOK {
		t.Fatalf("the next command = %+v", r)
	}
}
