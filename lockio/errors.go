package lockio

import (
	"errors"
	"fmt"
	"time"
)

// Causes carried in Error.Err. Callers branch on ErrNotSent and
// ErrOutcomeUnknown; these say why.
var (
	ErrRateLimited = errors.New("door unlocked too recently")
	ErrBusDown     = errors.New("serial port not connected")
	ErrClosed      = errors.New("controller closed")
	ErrNoReply     = errors.New("no reply")
	ErrBadReply    = errors.New("bad reply")
	ErrUnknownDoor = errors.New("no such door in the board layout")
	ErrUnsupported = errors.New("not supported by this protocol")
	ErrBusy        = errors.New("too many requests queued")
	// ErrRefused means the board answered and declined (a Modbus
	// exception): nothing moved, and resending the same request is futile.
	ErrRefused = errors.New("board refused the request")
)

// RateLimitedError says a lock's coil was driven too recently (see
// Config.MinUnlockGap): nothing was sent, and the same unlock may go out
// after Wait. It is ErrRateLimited to errors.Is.
type RateLimitedError struct {
	Wait time.Duration
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("%v: wait %v", ErrRateLimited, e.Wait.Round(time.Millisecond))
}

func (e *RateLimitedError) Is(target error) bool { return target == ErrRateLimited }

// Error is a failed operation on a door or board. errors.Is sees both
// Kind (ErrNotSent, ErrOutcomeUnknown, ErrRefused, or nil) and Err.
type Error struct {
	Op    string // "unlock", "unlock-all", "scan", "refresh"
	Door  Door   // for unlock; Board alone for board-wide ops
	Board bool   // true when only Door.Board is meaningful
	Kind  error
	Err   error
}

func (e *Error) Error() string {
	where := e.Door.String()
	if e.Board {
		where = fmt.Sprintf("board %d", e.Door.Board)
	}
	kind := ""
	switch e.Kind {
	case ErrNotSent:
		kind = "not sent: "
	case ErrOutcomeUnknown:
		kind = "outcome unknown: "
	case ErrRefused:
		kind = "refused: "
	}
	return fmt.Sprintf("lockio: %s %s: %s%v", e.Op, where, kind, e.Err)
}

func (e *Error) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.Err}
	}
	return []error{e.Kind, e.Err}
}
