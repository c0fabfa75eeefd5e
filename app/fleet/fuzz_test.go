package fleet

import (
	"strings"
	"testing"
	"time"
)

// A command off the network is decoded and checked without panicking,
// whatever it holds, and a decoded one re-checks the same way.
func FuzzDecodeCommand(f *testing.F) {
	for _, s := range []string{
		`{"command_id":"a","issued_at":"2025-01-01T00:00:00Z","expires_at":"2025-01-02T00:00:00Z","booking_id":"B","version":1,"size":"S","parcel_ref":"P"}`,
		`{"command_id":"a","issued_at":"2025-01-01T00:00:00Z","expires_at":"2025-01-02T00:00:00Z","value":""}`,
		`{"out_of_service":true,"door_id":-1}`, `[]`, `{}{}`, `{"nope":1}`, "", `{"until":"x"}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Command
		if err := decodeCommand(b, &c); err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
			return
		}
		if checkHeader(c) != nil {
			return
		}
		for _, name := range commandNames {
			checkFields(name, c, now)
		}
	})
}

// Whatever the broker sends, the packet guard does not panic, and it
// reads the stream the same however the reads cut it.
func FuzzPacketGuard(f *testing.F) {
	f.Add([]byte{0x30, 0x05, 'h', 'e', 'l', 'l', 'o', 0xd0, 0x00}, uint8(1))
	f.Add([]byte{0x30, 0x80, 0x80, 0x80, 0x0f}, uint8(3))
	f.Add([]byte{0x30, 0xff, 0xff, 0xff, 0xff, 0x01}, uint8(2))
	f.Fuzz(func(t *testing.T, stream []byte, step uint8) {
		whole := packetGuard{max: 64}
		want := whole.scan(stream) == nil
		cut := packetGuard{max: 64}
		var err error
		n := int(step%16) + 1
		for i := 0; i < len(stream) && err == nil; i += n {
			err = cut.scan(stream[i:min(i+n, len(stream))])
		}
		if (err == nil) != want {
			t.Fatalf("in one piece ok=%v, %d bytes at a time: %v", want, n, err)
		}
	})
}
