package emulator

import (
	"time"

	"pudo/lockio/proto"
)

// FaultKind is one way a bus goes wrong (../PROTOCOLS.md, faults).
type FaultKind uint8

const (
	FaultSilence     FaultKind = iota + 1 // the board acts but sends nothing
	FaultGarbage                          // noise before the reply (wrong baud, stale bytes)
	FaultNoise                            // noise instead of the reply
	FaultSplit                            // the reply arrives in two bursts, Delay apart
	FaultBadChecksum                      // last byte of the reply corrupted
	FaultDropFirst                        // the reply's first byte is lost
	FaultLate                             // the reply comes Delay late
	FaultUnplug                           // the adapter vanishes for Delay after the request
	FaultDeaf                             // the request is lost on the wire: no action, no reply
	// FaultBusy: the board acts and answers Delay late (default 2 s),
	// hearing no request meanwhile: the polls in between go unanswered, as
	// on a board whose firmware is busy with the unlock.
	FaultBusy
	// FaultPowerLoss: the board acts, then the bus loses power for Delay
	// (default 3 s): the adapter vanishes, and when power is back every
	// door reads closed (people shut what opened meanwhile).
	FaultPowerLoss
	// FaultCrash: the board acts and its reply goes nowhere: the kiosk
	// died right after sending the frame (Config.OnCrash is told). The
	// door that opened is shut again Delay later (default 1 s), before
	// the kiosk is back.
	FaultCrash
)

var faultNames = map[FaultKind]string{
	FaultSilence: "silence", FaultGarbage: "garbage", FaultNoise: "noise", FaultSplit: "split",
	FaultBadChecksum: "bad-checksum", FaultDropFirst: "drop-first", FaultLate: "late",
	FaultUnplug: "unplug", FaultDeaf: "deaf", FaultBusy: "busy", FaultPowerLoss: "power-loss", FaultCrash: "crash",
}

// LastFault is the highest FaultKind, for listing them.
const LastFault = FaultCrash

func (k FaultKind) String() string { return faultNames[k] }

// ParseFaultKind maps a name from String back to its kind.
func ParseFaultKind(s string) (FaultKind, bool) {
	for k, n := range faultNames {
		if n == s {
			return k, true
		}
	}
	return 0, false
}

// AnyBoard in Fault.Board matches every board.
const AnyBoard = -1

// Fault is injected into the next matching replies.
type Fault struct {
	Kind  FaultKind
	Board int      // board address, or AnyBoard
	Op    proto.Op // 0 = any request
	Count int      // replies to spoil; 0 = 1, negative = until cleared
	Delay time.Duration
}

// Inject queues a fault. Faults apply in the order injected.
func (e *Emulator) Inject(f Fault) {
	if f.Count == 0 {
		f.Count = 1
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, f)
}

// ClearFaults drops every queued fault.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// takeFault consumes one use of the first fault matching r.
func (e *Emulator) takeFault(r proto.Request) (Fault, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range e.faults {
		f := &e.faults[i]
		if (f.Board != AnyBoard && f.Board != int(r.Board)) || (f.Op != 0 && f.Op != r.Op) {
			continue
		}
		got := *f
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				e.faults = append(e.faults[:i], e.faults[i+1:]...)
			}
		}
		return got, true
	}
	return Fault{}, false
}

// garbage is what CartWise logged from a stale buffer / wrong baud.
var garbage = []byte{0xFB, 0xF2, 0xFF, 0x00, 0xFB}

// PendingFaults counts injected faults not yet used up.
func (e *Emulator) PendingFaults() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.faults)
}
