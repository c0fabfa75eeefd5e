package app

import (
	"errors"
	"time"
)

// Errors the screens and the API tell apart with errors.Is and name to the
// person in front of the locker.
var (
	ErrWrongCode        = errors.New("app: no parcel for this code")
	ErrExpired          = errors.New("app: the pickup window has passed")
	ErrAlreadyCollected = errors.New("app: already collected")
	ErrOutOfService     = errors.New("app: door out of service")
	// ErrDoorDidNotOpen means the board refused or did not confirm the
	// unlock; the rent is untouched and staff are told.
	ErrDoorDidNotOpen = errors.New("app: door did not open")
	ErrNoFreeDoor     = errors.New("app: no free door of that size")
)

// LockedOutError says code entry is paused and for how long, so the screen
// can count down.
type LockedOutError struct {
	Until time.Time
}

func (e *LockedOutError) Error() string { return "app: code entry paused until " + e.Until.Format(time.RFC3339) }
