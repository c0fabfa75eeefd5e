package core

import (
	"errors"
	"fmt"
	"time"

	"pudo/storage"
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

	// States a transition can find a rent in instead of the one it needs.
	ErrNotStored     = errors.New("app: parcel not dropped off yet")
	ErrAlreadyStored = errors.New("app: parcel already dropped off")
	ErrReclaimed     = errors.New("app: parcel already taken back")
	ErrCancelled     = errors.New("app: booking cancelled")
	ErrNotExpired    = errors.New("app: parcel not expired")
	ErrNotFound      = errors.New("app: not found")

	ErrBadSize       = errors.New("app: unknown door size")
	ErrUnknownParcel = errors.New("app: no booking for this parcel label")
	ErrNotReturn     = errors.New("app: not a return")
	ErrIsReturn      = errors.New("app: a return, not a delivery")
	ErrDoorStillOpen = errors.New("app: door still open")
	ErrRemoteOff     = errors.New("app: remote opening is off")

	ErrBadToken     = errors.New("app: not a valid token")
	ErrTokenExpired = errors.New("app: token expired")

	ErrBadPIN      = errors.New("app: wrong PIN")
	ErrPINFormat   = errors.New("app: a PIN is at least 8 digits")
	ErrStaffLocked = errors.New("app: staff account locked")
	ErrNameTaken   = errors.New("app: name already in use")
	ErrBadSetting  = errors.New("app: bad setting")
)

// LockedOutError says code (or PIN) entry is paused after wrong entries,
// and until when, so the screen can count down. No pause is longer than a
// minute for codes and three for PINs.
type LockedOutError struct {
	Until time.Time
}

func (e *LockedOutError) Error() string {
	return "app: entry paused after wrong entries until " + e.Until.Format(time.RFC3339)
}

// stateError names what a rent's actual state means to someone who needed
// it in another state.
func stateError(s storage.RentState) error {
	switch s {
	case storage.RentReserved:
		return ErrNotStored
	case storage.RentStored:
		return ErrAlreadyStored
	case storage.RentCollected:
		return ErrAlreadyCollected
	case storage.RentExpired:
		return ErrExpired
	case storage.RentReclaimed:
		return ErrReclaimed
	case storage.RentCancelled:
		return ErrCancelled
	}
	return fmt.Errorf("app: rent in unknown state %q", s)
}

// need checks that r is in state want, naming the state it is in otherwise.
func need(r storage.Rent, want storage.RentState) error {
	if r.State == want {
		return nil
	}
	return fmt.Errorf("rent %d: %w", r.ID, stateError(r.State))
}

// notFound maps the store's ErrNotFound to the app's, keeping the detail.
func notFound(err error) error {
	if errors.Is(err, storage.ErrNotFound) && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}
