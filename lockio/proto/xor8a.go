package proto

import "fmt"

// XOR8A is the generic RS485 lock board protocol: 8A frames unlock, 80
// frames read, the last byte is the XOR of all before it. See doc.go of
// package lockio for the frame table.
type XOR8A struct{}

const (
	hdrUnlock = 0x8A
	hdrRead   = 0x80
	cmdUnlock = 0x11
	cmdRead   = 0x33
	// maxStatusBytes bounds a query-all reply so two replies back to back
	// (an address collision) are not taken for one 128-channel board.
	maxStatusBytes = 8
)

func (XOR8A) Name() string { return "8a80" }
func (XOR8A) Baud() int    { return 9600 }

func (XOR8A) Supports(op Op) bool {
	switch op {
	case OpUnlock, OpUnlockAll, OpStatus, OpReadOne:
		return true
	}
	return false
}

func xorSum(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

// AppendXOR appends b and its XOR check byte to dst.
func AppendXOR(dst []byte, b ...byte) []byte {
	return append(append(dst, b...), xorSum(b))
}

func (XOR8A) AppendRequest(dst []byte, r Request) ([]byte, error) {
	switch r.Op {
	case OpUnlock:
		if r.Channel == 0 {
			return dst, fmt.Errorf("8a80: channel 0 means all locks; use OpUnlockAll")
		}
		return AppendXOR(dst, hdrUnlock, r.Board, r.Channel, cmdUnlock), nil
	case OpUnlockAll:
		return AppendXOR(dst, hdrUnlock, r.Board, 0, cmdUnlock), nil
	case OpStatus:
		return AppendXOR(dst, hdrRead, r.Board, 0, cmdRead), nil
	case OpReadOne:
		if r.Channel == 0 {
			return dst, fmt.Errorf("8a80: read-one needs a channel")
		}
		return AppendXOR(dst, hdrRead, r.Board, r.Channel, cmdRead), nil
	}
	return dst, fmt.Errorf("8a80: %v: %w", r.Op, ErrUnsupported)
}

func (c XOR8A) ParseReply(b []byte, r Request) (Reply, int, error) {
	if r.Op == OpStatus {
		return parseQueryAll(b, r)
	}
	hdr, ch := byte(hdrUnlock), r.Channel
	switch r.Op {
	case OpUnlockAll:
		ch = 0
	case OpReadOne:
		hdr = hdrRead
	case OpUnlock:
	default:
		return Reply{}, 0, fmt.Errorf("8a80: %v: %w", r.Op, ErrUnsupported)
	}
	var fail error
	for i := 0; i < len(b); i++ {
		if b[i] != hdr {
			continue
		}
		f := b[i:]
		if len(f) < 5 {
			if prefixMatches(f, r.Board, ch) {
				fail = better(fail, ErrIncomplete)
			}
			continue
		}
		if xorSum(f[:4]) != f[4] {
			fail = better(fail, fmt.Errorf("8a80: %w at byte %d", ErrChecksum, i))
			continue
		}
		if f[1] != r.Board || f[2] != ch {
			fail = better(fail, errMismatch("8a80: reply for %d/%02d, want %d/%02d", f[1], f[2], r.Board, ch))
			continue
		}
		return Reply{Op: r.Op, Board: f[1], Channel: f[2], Status: f[3], Exact: true, Skipped: i}, i + 5, nil
	}
	return Reply{}, 0, orNoFrame(fail)
}

func prefixMatches(f []byte, board, ch byte) bool {
	return (len(f) < 2 || f[1] == board) && (len(f) < 3 || f[2] == ch)
}

func orNoFrame(err error) error {
	if err == nil {
		return ErrNoFrame
	}
	return err
}

// parseQueryAll finds "80 AA S_n … S_1 33 BCC". Its length depends on the
// firmware, not on the channel count, so the end is the shortest prefix that
// ends in 33 and a matching XOR, with at least enough status bytes for the
// board's channels.
func parseQueryAll(b []byte, r Request) (Reply, int, error) {
	minBytes := max(1, (r.Channels+7)/8)
	var fail error
	for i := 0; i < len(b); i++ {
		if b[i] != hdrRead {
			continue
		}
		if i+1 >= len(b) {
			fail = better(fail, ErrIncomplete)
			break
		}
		if b[i+1] != r.Board {
			fail = better(fail, errMismatch("8a80: status reply from board %d, want %d", b[i+1], r.Board))
			continue
		}
		rep, n, err := queryAllAt(b[i:], minBytes)
		if err == nil {
			rep.Board, rep.Skipped = r.Board, i
			return rep, i + n, nil
		}
		fail = better(fail, err)
	}
	return Reply{}, 0, orNoFrame(fail)
}

func queryAllAt(f []byte, minBytes int) (Reply, int, error) {
	x := f[0] ^ f[1]
	for j := 2; j < len(f); j++ {
		nStatus := j - 3 // bytes between the board byte and the 33
		if j >= 4 && f[j-1] == cmdRead && nStatus >= minBytes && x == f[j] {
			return Reply{Op: OpStatus, Inputs: statusBits(f[2 : j-1]), NInputs: 8 * nStatus}, j + 1, nil
		}
		if nStatus >= maxStatusBytes {
			return Reply{}, 0, fmt.Errorf("8a80: status reply: %w (no 33 and check byte)", ErrChecksum)
		}
		x ^= f[j]
	}
	return Reply{}, 0, ErrIncomplete
}

// statusBits decodes S_n … S_1: the byte nearest the 33 holds channels 1–8.
func statusBits(s []byte) uint64 {
	var v uint64
	for k := range s {
		v |= uint64(s[len(s)-1-k]) << (8 * k)
	}
	return v
}

func (XOR8A) ParseRequest(b []byte) (Request, int, error) {
	for i := 0; i < len(b); i++ {
		if b[i] != hdrUnlock && b[i] != hdrRead {
			continue
		}
		f := b[i:]
		if len(f) < 5 {
			return Request{}, i, ErrIncomplete
		}
		if xorSum(f[:4]) != f[4] {
			continue
		}
		r := Request{Board: f[1], Channel: f[2]}
		switch {
		case f[0] == hdrUnlock && f[3] == cmdUnlock && f[2] == 0:
			r.Op = OpUnlockAll
		case f[0] == hdrUnlock && f[3] == cmdUnlock:
			r.Op = OpUnlock
		case f[0] == hdrRead && f[3] == cmdRead && f[2] == 0:
			r.Op = OpStatus
		case f[0] == hdrRead && f[3] == cmdRead:
			r.Op = OpReadOne
		default:
			continue
		}
		return r, i + 5, nil
	}
	return Request{}, len(b), ErrIncomplete
}

func (XOR8A) AppendReply(dst []byte, r Request, s State) ([]byte, bool) {
	switch r.Op {
	case OpUnlock, OpUnlockAll:
		return AppendXOR(dst, hdrUnlock, r.Board, r.Channel, s.Status), true
	case OpReadOne:
		return AppendXOR(dst, hdrRead, r.Board, r.Channel, s.Status), true
	case OpStatus:
		n := s.StatusBytes
		if n <= 0 {
			n = max(1, (s.Channels+7)/8)
		}
		f := append(dst, hdrRead, r.Board)
		for k := n - 1; k >= 0; k-- {
			f = append(f, byte(s.Inputs>>(8*k)))
		}
		f = append(f, cmdRead)
		return append(f, xorSum(f[len(dst):])), true
	}
	return dst, false
}
