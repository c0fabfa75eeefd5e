package proto

import "fmt"

// Kerong is the Kerong KR-CU12/CU16 protocol: "02 ADDR CMD 03 SUM" at
// 19200, SUM the 8-bit sum of every byte before it. ADDR's high nibble is
// the CU board, its low nibble the lock (0-based). Every reply seen in code
// is the 9-byte 0x35 status frame, unlocks included.
type Kerong struct{}

const (
	stx          = 0x02
	etx          = 0x03
	kCmdStatus   = 0x30
	kCmdUnlock   = 0x31
	kCmdAll      = 0x33
	kReplyStatus = 0x35
	kReplyLen    = 9
)

func (Kerong) Name() string { return "kerong" }
func (Kerong) Baud() int    { return 19200 }

func (Kerong) Supports(op Op) bool {
	return op == OpUnlock || op == OpUnlockAll || op == OpStatus
}

func sum8(b []byte) byte {
	var s byte
	for _, c := range b {
		s += c
	}
	return s
}

// AppendSum appends b and its 8-bit sum to dst.
func AppendSum(dst []byte, b ...byte) []byte {
	return append(append(dst, b...), sum8(b))
}

func (Kerong) AppendRequest(dst []byte, r Request) ([]byte, error) {
	if r.Board > 15 {
		return dst, fmt.Errorf("kerong: board %d: must be 0..15", r.Board)
	}
	switch r.Op {
	case OpUnlock:
		if r.Channel < 1 || r.Channel > 16 {
			return dst, fmt.Errorf("kerong: lock %d: must be 1..16", r.Channel)
		}
		return AppendSum(dst, stx, r.Board<<4|(r.Channel-1), kCmdUnlock, etx), nil
	case OpUnlockAll:
		return AppendSum(dst, stx, r.Board<<4, kCmdAll, etx), nil
	case OpStatus:
		return AppendSum(dst, stx, r.Board<<4, kCmdStatus, etx), nil
	}
	return dst, fmt.Errorf("kerong: %v: %w", r.Op, ErrUnsupported)
}

func (k Kerong) ParseReply(b []byte, r Request) (Reply, int, error) {
	if !k.Supports(r.Op) {
		return Reply{}, 0, fmt.Errorf("kerong: %v: %w", r.Op, ErrUnsupported)
	}
	var fail error
	for i := 0; i < len(b); i++ {
		if b[i] != stx {
			continue
		}
		f := b[i:]
		if len(f) < kReplyLen {
			if len(f) < 2 || f[1]>>4 == r.Board {
				fail = better(fail, ErrIncomplete)
			}
			continue
		}
		f = f[:kReplyLen]
		if f[2] != kReplyStatus || f[7] != etx {
			continue
		}
		if sum8(f[:8]) != f[8] {
			fail = better(fail, fmt.Errorf("kerong: %w at byte %d", ErrChecksum, i))
			continue
		}
		if f[1]>>4 != r.Board {
			fail = better(fail, errMismatch("kerong: reply from CU %d, want %d", f[1]>>4, r.Board))
			continue
		}
		return Reply{Op: r.Op, Board: r.Board, Channel: r.Channel, Inputs: uint64(f[3]) | uint64(f[4])<<8,
			NInputs: 16, Exact: true, Skipped: i}, i + kReplyLen, nil
	}
	return Reply{}, 0, orNoFrame(fail)
}

func (Kerong) ParseRequest(b []byte) (Request, int, error) {
	for i := 0; i < len(b); i++ {
		if b[i] != stx {
			continue
		}
		f := b[i:]
		if len(f) < 5 {
			return Request{}, i, ErrIncomplete
		}
		if f[3] != etx || sum8(f[:4]) != f[4] {
			continue
		}
		r := Request{Board: f[1] >> 4}
		switch f[2] {
		case kCmdUnlock:
			r.Op, r.Channel = OpUnlock, f[1]&0x0F+1
		case kCmdAll:
			r.Op = OpUnlockAll
		case kCmdStatus:
			r.Op, r.Channels = OpStatus, 16
		default:
			continue
		}
		// A board-wide command names no lock: a lock nibble there is not a
		// frame we send (fuzzing found 02 03 30 03 38 taken for CU 0).
		if r.Op != OpUnlock && f[1]&0x0F != 0 {
			continue
		}
		return r, i + 5, nil
	}
	return Request{}, len(b), ErrIncomplete
}

func (Kerong) AppendReply(dst []byte, r Request, s State) ([]byte, bool) {
	addr := r.Board << 4
	if r.Op == OpUnlock {
		addr |= r.Channel - 1
	}
	return AppendSum(dst, stx, addr, kReplyStatus, byte(s.Inputs), byte(s.Inputs>>8), 0, 0, etx), true
}
