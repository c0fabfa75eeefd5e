// Package proto holds the byte codecs of the lock-board families: pure
// functions that build requests and find replies in a receive buffer. Both
// the driver (package lockio) and the emulator use them, so they must be
// pinned by fixtures from the vendor documents, not by round trips alone.
package proto

import (
	"errors"
	"fmt"
	"time"
)

// Op is what a request asks a board to do.
type Op uint8

const (
	OpUnlock    Op = iota + 1 // pulse one lock
	OpUnlockAll               // pulse every lock of one board
	OpStatus                  // read every door input of one board
	OpReadOne                 // read one door input (8A/80 only)
	OpRelays                  // read relay (coil) states (Modbus only)
	OpRelayOff                // switch a relay off; Channel 0 = every relay (Modbus only)
)

var opNames = [...]string{"", "unlock", "unlock-all", "status", "read-one", "relays", "relay-off"}

func (o Op) String() string {
	if int(o) < len(opNames) && o != 0 {
		return opNames[o]
	}
	return fmt.Sprintf("op(%d)", uint8(o))
}

// Request is one frame to a board.
type Request struct {
	Op       Op
	Board    uint8
	Channel  uint8 // 1-based; OpUnlock, OpReadOne, OpRelayOff (0 = all)
	Channels int   // OpStatus and OpRelays: inputs to read
	// Pulse is the board-timed pulse of an OpUnlock on boards that time it
	// themselves (Modbus flash); PlainOn asks for a plain relay-on instead.
	Pulse time.Duration
}

// PlainOn (any negative Request.Pulse) asks a Modbus board for a plain
// FC05 relay-on (FF00 to coil ch-1) instead of the board-timed flash.
// Whoever sends it owns the matching OpRelayOff.
const PlainOn time.Duration = -1

// Reply is what a board answered.
type Reply struct {
	Op      Op
	Board   uint8
	Channel uint8
	// Status is the raw status byte of an unlock or read-one reply (8A/80).
	Status byte
	// Inputs holds one raw line level per channel, bit 0 = channel 1. Polarity
	// is the installation's business, not the codec's.
	Inputs uint64
	// NInputs is how many channels Inputs covers.
	NInputs int
	// Exact is true when the frame's length followed from its header, so a
	// reader may stop at its last byte without waiting for the line to go
	// quiet. Variable-length frames whose end is only guessed set it false.
	Exact bool
	// Skipped counts bytes ahead of the frame that were not part of it.
	Skipped int
}

// State is what an emulated board puts into a reply.
type State struct {
	Inputs      uint64 // raw line levels, bit 0 = channel 1
	Channels    int
	StatusBytes int    // 8A/80 query-all: firmware-specific count of status bytes
	Failed      bool   // the unlock did not take (8A/80 status byte)
	Status      byte   // raw status byte for OpUnlock/OpReadOne (8A/80)
	Relays      uint64 // relay (coil) states for OpRelays, bit 0 = relay 1 (Modbus)
}

// Codec is one protocol family.
type Codec interface {
	Name() string
	// Baud is the family's factory default.
	Baud() int
	// Supports reports whether the family has op at all.
	Supports(op Op) bool
	// AppendRequest appends the wire form of r to dst.
	AppendRequest(dst []byte, r Request) ([]byte, error)
	// ParseReply finds the first reply to r in b. n is the index just past
	// the frame. It returns ErrIncomplete when more bytes could still make a
	// frame. It never panics.
	ParseReply(b []byte, r Request) (rep Reply, n int, err error)
	// ParseRequest is the board side: it finds the first request in b and
	// reports how many bytes it used, garbage included. With ErrIncomplete,
	// n bytes are garbage the caller may drop.
	ParseRequest(b []byte) (r Request, n int, err error)
	// AppendReply is the board side: the reply to r given the board state.
	// ok is false when a real board would stay silent.
	AppendReply(dst []byte, r Request, s State) (out []byte, ok bool)
}

var (
	// ErrIncomplete means the buffer holds the start of a frame at most.
	ErrIncomplete = errors.New("incomplete frame")
	// ErrChecksum means a frame with the right header failed its checksum.
	ErrChecksum = errors.New("bad checksum")
	// ErrNoFrame means nothing in the buffer looks like the expected reply.
	ErrNoFrame = errors.New("no frame")
	// ErrUnsupported means the family has no such request.
	ErrUnsupported = errors.New("not supported by this protocol")
)

// ExceptionError is a Modbus exception reply: the board understood the
// request and refused it.
type ExceptionError struct {
	Function byte
	Code     byte
}

func (e *ExceptionError) Error() string {
	return fmt.Sprintf("modbus exception %02x on function %02x", e.Code, e.Function)
}

// ByName returns the codec for a config name: "8a80", "modbus", "kerong".
func ByName(name string) (Codec, error) {
	switch name {
	case "8a80":
		return XOR8A{}, nil
	case "modbus":
		return Modbus{}, nil
	case "kerong":
		return Kerong{}, nil
	}
	return nil, fmt.Errorf("unknown protocol %q (want 8a80, modbus or kerong)", name)
}

// Names lists the protocols ByName knows.
func Names() []string { return []string{"8a80", "modbus", "kerong"} }

// WireTime is how long n bytes need on an 8N1 line at baud: ten bit times
// each. It is the physical floor for any exchange.
func WireTime(n, baud int) time.Duration {
	if baud <= 0 {
		return 0
	}
	return time.Duration(n) * 10 * time.Second / time.Duration(baud)
}

// FrameGap is the silence to leave between frames: 3.5 characters, the
// Modbus inter-frame rule, plus 1 ms of slack for USB adapters
// (Open-Locker ADR-0035 measured 5 ms as enough at 9600).
func FrameGap(baud int) time.Duration {
	return WireTime(35, baud)/10 + time.Millisecond
}

// errMismatch wraps a well-formed frame that answers another request.
func errMismatch(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrNoFrame}, a...)...)
}

// better keeps the more telling of two parse failures: a checksum error
// says more than "nothing found", and incomplete beats both because the
// reader should wait.
func better(old, cur error) error {
	switch {
	case old == nil:
		return cur
	case errors.Is(cur, ErrIncomplete):
		return cur
	case errors.Is(old, ErrIncomplete):
		return old
	case errors.Is(cur, ErrChecksum) && !errors.Is(old, ErrChecksum):
		return cur
	}
	return old
}
