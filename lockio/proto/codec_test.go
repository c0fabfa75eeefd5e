package proto

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// requestCases are frames printed in ../PROTOCOLS.md and its sources; "src" marks those that
// match a source verbatim, the rest were recomputed there.
var requestCases = []struct {
	name  string
	codec Codec
	req   Request
	wire  string
}{
	{"8a80 unlock 1/1 (src)", XOR8A{}, Request{Op: OpUnlock, Board: 1, Channel: 1}, "8A 01 01 11 9B"},
	{"8a80 unlock 1/2 (src)", XOR8A{}, Request{Op: OpUnlock, Board: 1, Channel: 2}, "8A 01 02 11 98"},
	{"8a80 unlock 2/10 (src)", XOR8A{}, Request{Op: OpUnlock, Board: 2, Channel: 10}, "8A 02 0A 11 93"},
	{"8a80 unlock all 1 (src)", XOR8A{}, Request{Op: OpUnlockAll, Board: 1}, "8A 01 00 11 9A"},
	{"8a80 unlock all 2 (src)", XOR8A{}, Request{Op: OpUnlockAll, Board: 2}, "8A 02 00 11 99"},
	{"8a80 read one 1/1 (src)", XOR8A{}, Request{Op: OpReadOne, Board: 1, Channel: 1}, "80 01 01 33 B3"},
	{"8a80 status 1 (src)", XOR8A{}, Request{Op: OpStatus, Board: 1, Channels: 24}, "80 01 00 33 B2"},
	{"8a80 status 2 (src)", XOR8A{}, Request{Op: OpStatus, Board: 2, Channels: 24}, "80 02 00 33 B1"},
	{"modbus flash 1/1 700ms (src)", Modbus{}, Request{Op: OpUnlock, Board: 1, Channel: 1, Pulse: 700 * time.Millisecond}, "01 05 02 00 00 07 8D B0"},
	{"modbus coil on 1/1 (src)", Modbus{}, Request{Op: OpUnlock, Board: 1, Channel: 1, Pulse: PlainOn}, "01 05 00 00 FF 00 8C 3A"},
	{"modbus coil off 1/1 (src)", Modbus{}, Request{Op: OpRelayOff, Board: 1, Channel: 1}, "01 05 00 00 00 00 CD CA"},
	{"modbus all relays off 1 (src)", Modbus{}, Request{Op: OpRelayOff, Board: 1}, "01 05 00 FF 00 00 FD FA"},
	{"modbus coil on LCTech 0xFF/1 (src)", Modbus{}, Request{Op: OpUnlock, Board: 0xFF, Channel: 1, Pulse: PlainOn}, "FF 05 00 00 FF 00 99 E4"},
	{"modbus read 8 coils (src)", Modbus{}, Request{Op: OpRelays, Board: 1, Channels: 8}, "01 01 00 00 00 08 3D CC"},
	{"modbus read 8 inputs (src)", Modbus{}, Request{Op: OpStatus, Board: 1, Channels: 8}, "01 02 00 00 00 08 79 CC"},
	{"kerong status CU0 (src)", Kerong{}, Request{Op: OpStatus, Board: 0}, "02 00 30 03 35"},
	{"kerong unlock 0/1 (src)", Kerong{}, Request{Op: OpUnlock, Board: 0, Channel: 1}, "02 00 31 03 36"},
	{"kerong unlock 0/16 (src)", Kerong{}, Request{Op: OpUnlock, Board: 0, Channel: 16}, "02 0F 31 03 45"},
	{"kerong unlock 1/1 (src)", Kerong{}, Request{Op: OpUnlock, Board: 1, Channel: 1}, "02 10 31 03 46"},
	{"kerong unlock all CU0", Kerong{}, Request{Op: OpUnlockAll, Board: 0}, "02 00 33 03 38"},
}

func TestAppendRequest(t *testing.T) {
	for _, tc := range requestCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.codec.AppendRequest(nil, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if want := h(tc.wire); string(got) != string(want) {
				t.Fatalf("got % X, want % X", got, want)
			}
		})
	}
}

// TestParseRequest checks the board side decodes what the driver sends, so
// the emulator and the driver cannot drift apart.
func TestParseRequest(t *testing.T) {
	for _, tc := range requestCases {
		t.Run(tc.name, func(t *testing.T) {
			wire := h(tc.wire)
			r, n, err := tc.codec.ParseRequest(append(h("FF 13"), wire...))
			if err != nil || n != len(wire)+2 {
				t.Fatalf("ParseRequest = %+v, %d, %v", r, n, err)
			}
			want := tc.req
			if want.Op == OpStatus && tc.codec.Name() == "8a80" {
				want.Channels = 0 // not on the wire
			}
			if tc.codec.Name() == "kerong" && want.Op == OpStatus {
				want.Channels = 16
			}
			if r != want {
				t.Fatalf("got %+v, want %+v", r, want)
			}
		})
	}
}

func TestCRC16(t *testing.T) {
	for _, s := range []string{
		"01 05 00 00 FF 00 8C 3A", "01 05 00 00 00 00 CD CA", "01 05 02 00 00 07 8D B0",
		"01 05 00 FF 00 00 FD FA", "01 01 00 00 00 08 3D CC", "01 02 00 00 00 08 79 CC",
		"01 02 01 01 60 48", "00 06 40 00 00 01 5C 1B", "00 06 40 00 00 02 1C 1A",
		"FF 05 00 00 FF 00 99 E4", "01 05 00 01 01 00 9D 9A", "01 85 02 C3 51",
	} {
		if !crcOK(h(s)) {
			t.Errorf("CRC of % s: got %04X", s, CRC16(h(s)[:len(h(s))-2]))
		}
	}
}

var replyCases = []struct {
	name    string
	codec   Codec
	req     Request
	wire    string
	want    Reply
	n       int
	wantErr error
}{
	{"8a80 unlock ok (src)", XOR8A{}, Request{Op: OpUnlock, Board: 1, Channel: 1}, "8A 01 01 00 8A",
		Reply{Op: OpUnlock, Board: 1, Channel: 1, Status: 0x00, Exact: true}, 5, nil},
	{"8a80 unlock failed (src)", XOR8A{}, Request{Op: OpUnlock, Board: 1, Channel: 1}, "8A 01 01 11 9B",
		Reply{Op: OpUnlock, Board: 1, Channel: 1, Status: 0x11, Exact: true}, 5, nil},
	{"8a80 unlock after garbage", XOR8A{}, Request{Op: OpUnlock, Board: 1, Channel: 1}, "FB F2 8A 01 01 00 8A",
		Reply{Op: OpUnlock, Board: 1, Channel: 1, Exact: true, Skipped: 2}, 7, nil},
	{"8a80 unlock missing first byte", XOR8A{}, Request{Op: OpUnlock, Board: 1, Channel: 1}, "01 01 00 8A",
		Reply{}, 0, ErrIncomplete}, // the trailing 8A could start a frame
	{"8a80 unlock missing first byte, line quiet", XOR8A{}, Request{Op: OpUnlock, Board: 1, Channel: 1}, "01 01 11 9B",
		Reply{}, 0, ErrNoFrame},
	{"8a80 unlock bad checksum", XOR8A{}, Request{Op: OpUnlock, Board: 1, Channel: 1}, "8A 01 01 00 8B",
		Reply{}, 0, ErrChecksum},
	{"8a80 unlock split", XOR8A{}, Request{Op: OpUnlock, Board: 1, Channel: 1}, "8A 01",
		Reply{}, 0, ErrIncomplete},
	{"8a80 unlock wrong channel", XOR8A{}, Request{Op: OpUnlock, Board: 1, Channel: 2}, "8A 01 01 11 9B",
		Reply{}, 0, ErrNoFrame},
	{"8a80 read one locked (src)", XOR8A{}, Request{Op: OpReadOne, Board: 1, Channel: 1}, "80 01 01 11 91",
		Reply{Op: OpReadOne, Board: 1, Channel: 1, Status: 0x11, Exact: true}, 5, nil},
	{"8a80 status 3 bytes, 8ch board (src)", XOR8A{}, Request{Op: OpStatus, Board: 1, Channels: 8}, "80 01 00 00 00 33 B2",
		Reply{Op: OpStatus, Board: 1, NInputs: 24}, 7, nil},
	{"8a80 status ch1+ch3", XOR8A{}, Request{Op: OpStatus, Board: 1, Channels: 24}, "80 01 00 00 05 33 B7",
		Reply{Op: OpStatus, Board: 1, Inputs: 0x05, NInputs: 24}, 7, nil},
	{"8a80 status 4 bytes all set (src)", XOR8A{}, Request{Op: OpStatus, Board: 1, Channels: 32}, "80 01 FF FF FF FF 33 B2",
		Reply{Op: OpStatus, Board: 1, Inputs: 0xFFFFFFFF, NInputs: 32}, 8, nil},
	{"8a80 status byte order", XOR8A{}, Request{Op: OpStatus, Board: 2, Channels: 24}, "80 02 04 02 01 33 B6",
		Reply{Op: OpStatus, Board: 2, Inputs: 0x040201, NInputs: 24}, 7, nil},
	{"8a80 status too short for 24ch", XOR8A{}, Request{Op: OpStatus, Board: 1, Channels: 24}, "80 01 00 33 B2",
		Reply{}, 0, ErrIncomplete},
	{"8a80 status two replies back to back", XOR8A{}, Request{Op: OpStatus, Board: 1, Channels: 24}, "80 01 00 00 00 33 B2 80 01 00 00 00 33 B2",
		Reply{Op: OpStatus, Board: 1, NInputs: 24}, 7, nil},
	{"8a80 status other board", XOR8A{}, Request{Op: OpStatus, Board: 1, Channels: 24}, "80 02 00 00 00 33 B1",
		Reply{}, 0, ErrNoFrame},
	{"modbus flash echo", Modbus{}, Request{Op: OpUnlock, Board: 1, Channel: 1, Pulse: 700 * time.Millisecond}, "01 05 02 00 00 07 8D B0",
		Reply{Op: OpUnlock, Board: 1, Channel: 1, Exact: true}, 8, nil},
	{"modbus coil on echo", Modbus{}, Request{Op: OpUnlock, Board: 1, Channel: 1, Pulse: PlainOn}, "01 05 00 00 FF 00 8C 3A",
		Reply{Op: OpUnlock, Board: 1, Channel: 1, Exact: true}, 8, nil},
	{"modbus coil off echo", Modbus{}, Request{Op: OpRelayOff, Board: 1, Channel: 1}, "01 05 00 00 00 00 CD CA",
		Reply{Op: OpRelayOff, Board: 1, Channel: 1, Exact: true}, 8, nil},
	{"modbus all off echo", Modbus{}, Request{Op: OpRelayOff, Board: 1}, "01 05 00 FF 00 00 FD FA",
		Reply{Op: OpRelayOff, Board: 1, Exact: true}, 8, nil},
	{"modbus coil off answered by coil on", Modbus{}, Request{Op: OpRelayOff, Board: 1, Channel: 1}, "01 05 00 00 FF 00 8C 3A",
		Reply{}, 0, ErrNoFrame},
	{"modbus coil on answered by flash echo", Modbus{}, Request{Op: OpUnlock, Board: 1, Channel: 1, Pulse: PlainOn}, "01 05 02 00 00 07 8D B0",
		Reply{}, 0, ErrNoFrame},
	{"modbus coil off split", Modbus{}, Request{Op: OpRelayOff, Board: 1, Channel: 1}, "01 05 00 00",
		Reply{}, 0, ErrIncomplete},
	{"modbus coil off bad crc", Modbus{}, Request{Op: OpRelayOff, Board: 1, Channel: 1}, "01 05 00 00 00 00 CD CB",
		Reply{}, 0, ErrChecksum},
	{"modbus inputs DI1 (src)", Modbus{}, Request{Op: OpStatus, Board: 1, Channels: 8}, "01 02 01 01 60 48",
		Reply{Op: OpStatus, Board: 1, Inputs: 1, NInputs: 8, Exact: true}, 6, nil},
	{"modbus bad crc", Modbus{}, Request{Op: OpStatus, Board: 1, Channels: 8}, "01 02 01 01 60 49",
		Reply{}, 0, ErrChecksum},
	{"kerong status lock1 locked", Kerong{}, Request{Op: OpStatus, Board: 0}, "02 00 35 01 00 00 00 03 3B",
		Reply{Op: OpStatus, Board: 0, Inputs: 1, NInputs: 16, Exact: true}, 9, nil},
	{"kerong status bad sum", Kerong{}, Request{Op: OpStatus, Board: 0}, "02 00 35 01 00 00 00 03 3C",
		Reply{}, 0, ErrChecksum},
	{"kerong garbage FB F2 (CartWise)", Kerong{}, Request{Op: OpStatus, Board: 0}, "FB F2",
		Reply{}, 0, ErrNoFrame},
}

func TestParseReply(t *testing.T) {
	for _, tc := range replyCases {
		t.Run(tc.name, func(t *testing.T) {
			got, n, err := tc.codec.ParseReply(h(tc.wire), tc.req)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil || n != tc.n || got != tc.want {
				t.Fatalf("got %+v, %d, %v; want %+v, %d", got, n, err, tc.want, tc.n)
			}
		})
	}
}

func TestModbusException(t *testing.T) {
	for _, req := range []Request{
		{Op: OpUnlock, Board: 1, Channel: 99},
		{Op: OpUnlock, Board: 1, Channel: 99, Pulse: PlainOn},
		{Op: OpRelayOff, Board: 1, Channel: 99},
	} {
		_, n, err := Modbus{}.ParseReply(h("01 85 02 C3 51"), req)
		var ex *ExceptionError
		if !errors.As(err, &ex) || ex.Code != 2 || n != 5 {
			t.Fatalf("%+v: got n=%d err=%v", req, n, err)
		}
	}
}

// The board side answers relay reads with the relays, not the inputs, and
// takes "all relays off" on any board size.
func TestModbusRelayReplies(t *testing.T) {
	s := State{Inputs: 0xFF, Relays: 0x04, Channels: 8}
	got, ok := Modbus{}.AppendReply(nil, Request{Op: OpRelays, Board: 1, Channels: 8}, s)
	if want := AppendCRC(nil, 0x01, 0x01, 0x01, 0x04); !ok || string(got) != string(want) {
		t.Fatalf("relays reply % X, want % X", got, want)
	}
	got, ok = Modbus{}.AppendReply(nil, Request{Op: OpRelayOff, Board: 1}, s)
	if !ok || string(got) != string(h("01 05 00 FF 00 00 FD FA")) {
		t.Fatalf("all-off reply % X", got)
	}
	got, ok = Modbus{}.AppendReply(nil, Request{Op: OpRelayOff, Board: 1, Channel: 9}, s)
	if !ok || string(got) != string(h("01 85 02 C3 51")) {
		t.Fatalf("off beyond the board: % X", got)
	}
}

// TestReplyRoundTrip checks that what the emulator sends is what the
// driver accepts, for every family and op.
func TestReplyRoundTrip(t *testing.T) {
	s := State{Inputs: 0x00A501, Channels: 16, StatusBytes: 3, Status: 0x11}
	for _, c := range []Codec{XOR8A{}, Modbus{}, Kerong{}} {
		for _, op := range []Op{OpUnlock, OpUnlockAll, OpStatus, OpReadOne, OpRelays, OpRelayOff} {
			if !c.Supports(op) {
				continue
			}
			req := Request{Op: op, Board: 3, Channel: 5, Channels: 16}
			if op == OpUnlockAll {
				req.Channel = 0
			}
			wire, err := c.AppendRequest(nil, req)
			if err != nil {
				t.Fatalf("%s %v: %v", c.Name(), op, err)
			}
			got, _, err := c.ParseRequest(wire)
			if err != nil {
				t.Fatalf("%s %v: ParseRequest: %v", c.Name(), op, err)
			}
			reply, ok := c.AppendReply(nil, got, s)
			if !ok {
				t.Fatalf("%s %v: no reply", c.Name(), op)
			}
			rep, n, err := c.ParseReply(reply, req)
			if err != nil || n != len(reply) {
				t.Fatalf("%s %v: ParseReply(% X) = %+v, %d, %v", c.Name(), op, reply, rep, n, err)
			}
			if op == OpStatus && rep.Inputs&0xFFFF != s.Inputs&0xFFFF {
				t.Fatalf("%s: inputs %x, want %x", c.Name(), rep.Inputs, s.Inputs)
			}
		}
	}
}

func TestWireTime(t *testing.T) {
	if got := WireTime(12, 9600); got != 12500*time.Microsecond {
		t.Fatalf("WireTime(12, 9600) = %v", got)
	}
	if got := FrameGap(9600); got < 4*time.Millisecond || got > 5*time.Millisecond {
		t.Fatalf("FrameGap(9600) = %v", got)
	}
}

// Frames the board side must not take for a request: each looks right at a
// glance but is not what any driver sends.
func TestParseRequestRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		codec Codec
		wire  string
	}{
		{"kerong status naming a lock (fuzz)", Kerong{}, "02 03 30 03 38"},
		{"kerong open-all naming a lock", Kerong{}, "02 15 33 03 4D"},
		{"kerong bad sum", Kerong{}, "02 00 30 03 36"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r, _, err := tc.codec.ParseRequest(h(tc.wire)); err == nil {
				t.Fatalf("ParseRequest(% s) = %+v, want an error", tc.wire, r)
			}
		})
	}
}
