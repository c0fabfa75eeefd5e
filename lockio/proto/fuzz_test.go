package proto

import "testing"

// The fuzz targets check that parsers never panic, never report a frame
// beyond the buffer, and that anything they accept re-encodes to itself.

func FuzzParseReply(f *testing.F) {
	// op: the low bits pick the Op, the high bit a plain relay-on (PlainOn).
	for _, tc := range replyCases {
		op := byte(tc.req.Op - 1)
		if tc.req.Pulse < 0 {
			op |= 0x80
		}
		f.Add(tc.codec.Name(), op, tc.req.Board, tc.req.Channel, uint8(tc.req.Channels), h(tc.wire))
	}
	f.Fuzz(func(t *testing.T, name string, op, board, ch, chans uint8, b []byte) {
		c, err := ByName(name)
		if err != nil {
			return
		}
		req := Request{Op: Op(op&0x7F%6 + 1), Board: board, Channel: ch, Channels: int(chans % 65)}
		if op&0x80 != 0 {
			req.Pulse = PlainOn
		}
		rep, n, err := c.ParseReply(b, req)
		if n < 0 || n > len(b) {
			t.Fatalf("n = %d for %d bytes", n, len(b))
		}
		if err == nil && (rep.Board != board || rep.Skipped >= n) {
			t.Fatalf("accepted %+v for %+v from % X", rep, req, b)
		}
	})
}

func FuzzParseRequest(f *testing.F) {
	for _, tc := range requestCases {
		f.Add(tc.codec.Name(), h(tc.wire))
	}
	f.Fuzz(func(t *testing.T, name string, b []byte) {
		c, err := ByName(name)
		if err != nil {
			return
		}
		r, n, err := c.ParseRequest(b)
		if n < 0 || n > len(b) {
			t.Fatalf("n = %d for %d bytes", n, len(b))
		}
		if err != nil {
			return
		}
		wire, err := c.AppendRequest(nil, r)
		if err != nil {
			t.Fatalf("parsed %+v from % X but cannot encode it: %v", r, b, err)
		}
		if string(wire) != string(b[n-len(wire):n]) {
			t.Fatalf("parsed %+v from % X, re-encodes as % X", r, b[:n], wire)
		}
	})
}
