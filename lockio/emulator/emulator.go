// Package emulator answers lock-board requests the way real boards do, with
// door physics and fault injection. Tests and the demo put it behind a
// pseudo-terminal so the real driver, termios and all, talks to it.
package emulator

import (
	"fmt"
	"sync"
	"time"

	"pudo/lockio/proto"
)

// Config describes the emulated bus.
type Config struct {
	Protocol string  // "8a80", "modbus" or "kerong"
	Boards   []Board // two entries with one address model an address collision
	// AutoClose shuts a popped door this long after a status read first
	// reported it open, as a person takes the parcel and closes the door
	// once it stood open; 0 = never. Counting from the read, not from the
	// pulse, means a sensor always sees the door open at least once, on a
	// bus or a machine however slow.
	AutoClose time.Duration
	// Baud paces replies when Pace is set; 0 = the protocol's default.
	Baud int
	// Pace holds every reply for the time its request and reply need on
	// the wire, so timings through a pty resemble a real bus.
	Pace bool
	// UnlockDelay is how long a board takes to answer an unlock (it pulses
	// first; real 8A/80 boards take ~500 ms).
	UnlockDelay time.Duration
	// OnRequest, if set, sees every request when it has been read.
	OnRequest func(r proto.Request, at time.Time)
	// OnCrash, if set, is called (on its own goroutine) when a FaultCrash
	// fires: the harness kills the kiosk there, right after the unlock
	// frame left it.
	OnCrash func(r proto.Request)
}

// Board is one emulated lock board.
type Board struct {
	Address  uint8
	Channels int
	// Feedback is "closed-high" (line high = door closed, the default) or
	// "open-high".
	Feedback string
	// StatusBytes is the 8A/80 query-all status length; firmware decides
	// it, not the channel count. 0 = enough for Channels.
	StatusBytes int
	// NoFlash is a Modbus relay board without the Waveshare flash
	// registers: it echoes a flash write and does nothing, the "relay not
	// clicking" of eFormLockerRoom. Its relays move only by plain ON/OFF;
	// a relay that is ON holds its lock open.
	NoFlash bool
}

type doorKey struct{ board, ch uint8 }

type door struct {
	open    bool
	closeAt time.Time // zero: stays open until closed
	// closeWhenSeen: AutoClose starts at the next status read that
	// reports the door open.
	closeWhenSeen bool
	jammed        bool // unlock pulses but the door stays shut; the board says so
	stuck         bool // unlock pulses, the board reports success, the door stays shut
	broken        bool // sensor cable cut: reads open
	relay         bool // Modbus relay energised (plain ON until OFF)
	// contents are the parcels inside, by the caller's names.
	contents []string
}

// Emulator is a bus of boards. Safe for concurrent use.
type Emulator struct {
	cfg   Config
	codec proto.Codec

	mu      sync.Mutex // protects following
	doors   map[doorKey]*door
	silent  map[uint8]bool
	faults  []Fault
	unlocks map[doorKey]int
	offs    map[doorKey]int
	counts  map[proto.Op]int
	rawIn   int // bytes read, garbage included
	// busyUntil: a board still working on an unlock whose reply comes
	// late hears nothing until it has answered.
	busyUntil map[uint8]time.Time
}

// New builds an emulator; it serves nothing until Serve or ServePTY.
func New(cfg Config) (*Emulator, error) {
	c, err := proto.ByName(cfg.Protocol)
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	if cfg.Baud == 0 {
		cfg.Baud = c.Baud()
	}
	e := &Emulator{cfg: cfg, codec: c, doors: map[doorKey]*door{}, silent: map[uint8]bool{},
		unlocks: map[doorKey]int{}, offs: map[doorKey]int{}, counts: map[proto.Op]int{}, busyUntil: map[uint8]time.Time{}}
	for _, b := range cfg.Boards {
		for ch := 1; ch <= b.Channels; ch++ {
			e.doors[doorKey{b.Address, uint8(ch)}] = &door{}
		}
	}
	return e, nil
}

// Codec is the protocol the emulator speaks.
func (e *Emulator) Codec() proto.Codec { return e.codec }

// Baud is the rate the emulator paces at.
func (e *Emulator) Baud() int { return e.cfg.Baud }

func (e *Emulator) doorLocked(board, ch uint8) *door {
	d := e.doors[doorKey{board, ch}]
	if d == nil {
		return &door{} // unknown channel: reads closed, never changes
	}
	if d.open && !d.closeAt.IsZero() && !time.Now().Before(d.closeAt) {
		d.open, d.closeAt, d.closeWhenSeen = false, time.Time{}, false
	}
	return d
}

func (e *Emulator) with(board, ch uint8, f func(*door)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f(e.doorLocked(board, ch))
}

// CloseDoor is the shopper shutting the door.
func (e *Emulator) CloseDoor(board, ch uint8) {
	e.with(board, ch, func(d *door) { d.open, d.closeAt, d.closeWhenSeen = false, time.Time{}, false })
}

// ForceOpen opens a door without any command: a break-in or a door that
// was never latched.
func (e *Emulator) ForceOpen(board, ch uint8) {
	e.with(board, ch, func(d *door) { d.open, d.closeAt, d.closeWhenSeen = true, time.Time{}, false })
}

// Jam makes unlocks of a door pulse without the door opening; the board
// notices and answers "failed" (8A/80 status 11).
func (e *Emulator) Jam(board, ch uint8, jammed bool) {
	e.with(board, ch, func(d *door) { d.jammed = jammed })
}

// StickLatch makes a door's latch stick: the board pulses and reports
// success, but the door stays shut. Only the sensor tells.
func (e *Emulator) StickLatch(board, ch uint8, stuck bool) {
	e.with(board, ch, func(d *door) { d.stuck = stuck })
}

// BreakSensor makes a door's sensor read open whatever the door does.
func (e *Emulator) BreakSensor(board, ch uint8, broken bool) {
	e.with(board, ch, func(d *door) { d.broken = broken })
}

// IsOpen reports the door's physical state.
func (e *Emulator) IsOpen(board, ch uint8) bool {
	var open bool
	e.with(board, ch, func(d *door) { open = d.open })
	return open
}

// ShutAll closes every door, as a person does while nobody can see:
// after a power cut every door reads closed.
func (e *Emulator) ShutAll() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, d := range e.doors {
		d.open, d.closeAt = false, time.Time{}
	}
}

// Silence makes a board stop answering (power cut, broken wire) or resume.
func (e *Emulator) Silence(board uint8, silent bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.silent[board] = silent
}

// Unlocks counts the unlock frames a door received, "unlock all" included.
func (e *Emulator) Unlocks(board, ch uint8) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.unlocks[doorKey{board, ch}]
}

// RelayOn reports whether a Modbus relay is energised (plain ON, no OFF yet).
func (e *Emulator) RelayOn(board, ch uint8) bool {
	var on bool
	e.with(board, ch, func(d *door) { on = d.relay })
	return on
}

// SetRelay sets a relay as if a driver had switched it and died before
// switching it back: an energised relay holds its lock open.
func (e *Emulator) SetRelay(board, ch uint8, on bool) {
	e.with(board, ch, func(d *door) {
		d.relay = on
		if on && !d.jammed {
			d.open, d.closeAt, d.closeWhenSeen = true, time.Time{}, false
		}
	})
}

// RelayOffs counts the relay-off frames a relay received, "all relays off"
// included.
func (e *Emulator) RelayOffs(board, ch uint8) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.offs[doorKey{board, ch}]
}

// Requests counts the well-formed requests of one kind received.
func (e *Emulator) Requests(op proto.Op) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.counts[op]
}

// actuate applies a request's physics and returns each answering board's
// state. More than one state means an address collision.
func (e *Emulator) actuate(r proto.Request) []proto.State {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counts[r.Op]++
	if e.silent[r.Board] {
		return nil
	}
	var out []proto.State
	for _, b := range e.cfg.Boards {
		if b.Address != r.Board {
			continue
		}
		out = append(out, e.boardReplyLocked(b, r))
	}
	return out
}

func (e *Emulator) boardReplyLocked(b Board, r proto.Request) proto.State {
	okStatus, failStatus := byte(0x00), byte(0x11) // closed-high: 00 = opened
	if b.Feedback == "open-high" {
		okStatus, failStatus = failStatus, okStatus
	}
	st := proto.State{Channels: b.Channels, StatusBytes: b.StatusBytes, Status: okStatus}
	switch r.Op {
	case proto.OpUnlock:
		if !e.unlockLocked(b, r) {
			st.Status, st.Failed = failStatus, true
		}
	case proto.OpRelayOff:
		e.relayOffLocked(b, r.Channel)
	case proto.OpUnlockAll:
		for ch := 1; ch <= b.Channels; ch++ {
			e.pulseLocked(b, uint8(ch))
		}
	case proto.OpReadOne:
		if e.levelLocked(b, r.Channel) {
			st.Status = 0x11
		} else {
			st.Status = 0x00
		}
		e.seenLocked(b, r.Channel)
	case proto.OpStatus:
		for ch := 1; ch <= b.Channels && ch <= 64; ch++ {
			e.seenLocked(b, uint8(ch))
		}
	}
	for ch := 1; ch <= b.Channels && ch <= 64; ch++ {
		if e.levelLocked(b, uint8(ch)) {
			st.Inputs |= 1 << (ch - 1)
		}
		if e.doorLocked(b.Address, uint8(ch)).relay {
			st.Relays |= 1 << (ch - 1)
		}
	}
	return st
}

// unlockLocked is one unlock frame: a pulse, a Modbus plain relay-on, or a
// flash write a NoFlash board ignores.
func (e *Emulator) unlockLocked(b Board, r proto.Request) bool {
	if e.codec.Name() != "modbus" {
		return e.pulseLocked(b, r.Channel)
	}
	if r.Pulse < 0 { // plain ON: the relay holds until OFF
		ok := e.pulseLocked(b, r.Channel)
		if int(r.Channel) <= b.Channels {
			e.doorLocked(b.Address, r.Channel).relay = true
		}
		return ok
	}
	if b.NoFlash {
		e.unlocks[doorKey{b.Address, r.Channel}]++
		return false
	}
	return e.pulseLocked(b, r.Channel)
}

// relayOffLocked releases one relay, or all with ch 0. The door stays as
// it is: the latch let go, the shopper decides.
func (e *Emulator) relayOffLocked(b Board, ch uint8) {
	for c := 1; c <= b.Channels; c++ {
		if ch == 0 || int(ch) == c {
			e.offs[doorKey{b.Address, uint8(c)}]++
			e.doorLocked(b.Address, uint8(c)).relay = false
		}
	}
}

func (e *Emulator) pulseLocked(b Board, ch uint8) bool {
	k := doorKey{b.Address, ch}
	e.unlocks[k]++
	d := e.doorLocked(b.Address, ch)
	if d.jammed || int(ch) > b.Channels || ch == 0 {
		return false
	}
	if d.stuck {
		return true
	}
	d.open = true
	d.closeAt, d.closeWhenSeen = time.Time{}, e.cfg.AutoClose > 0
	return true
}

// seenLocked is a status read reporting channel ch of b: an auto-closing
// door seen open starts its AutoClose.
func (e *Emulator) seenLocked(b Board, ch uint8) {
	d := e.doorLocked(b.Address, ch)
	if d.open && d.closeWhenSeen {
		d.closeAt, d.closeWhenSeen = time.Now().Add(e.cfg.AutoClose), false
	}
}

// levelLocked is the raw input line of one channel.
func (e *Emulator) levelLocked(b Board, ch uint8) bool {
	d := e.doorLocked(b.Address, ch)
	open := d.open || d.broken
	if b.Feedback == "open-high" {
		return open
	}
	return !open
}
