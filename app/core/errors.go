package core

import (
	"errors"
	"fmt"

	"pudo/app"
	"pudo/storage"
)

// The errors are app's (the sessions and the API tell them apart); they
// are repeated here so the engine's own code and its callers beneath app
// read naturally.
var (
	ErrWrongCode        = app.ErrWrongCode
	ErrExpired          = app.ErrExpired
	ErrAlreadyCollected = app.ErrAlreadyCollected
	ErrOutOfService     = app.ErrOutOfService
	ErrDoorDidNotOpen   = app.ErrDoorDidNotOpen
	ErrNoFreeDoor       = app.ErrNoFreeDoor

	ErrNotStored     = app.ErrNotStored
	ErrAlreadyStored = app.ErrAlreadyStored
	ErrReclaimed     = app.ErrReclaimed
	ErrCancelled     = app.ErrCancelled
	ErrNotExpired    = app.ErrNotExpired
	ErrNotFound      = app.ErrNotFound

	ErrBadSize       = app.ErrBadSize
	ErrUnknownParcel = app.ErrUnknownParcel
	ErrNotReturn     = app.ErrNotReturn
	ErrIsReturn      = app.ErrIsReturn
	ErrDoorStillOpen = app.ErrDoorStillOpen
	ErrRemoteOff     = app.ErrRemoteOff

	ErrBadToken     = app.ErrBadToken
	ErrTokenExpired = app.ErrTokenExpired

	ErrBadPIN      = app.ErrBadPIN
	ErrPINFormat   = app.ErrPINFormat
	ErrStaffLocked = app.ErrStaffLocked
	ErrNameTaken   = app.ErrNameTaken
	ErrBadSetting  = app.ErrBadSetting
)

// LockedOutError says code entry is paused and for how long.
type LockedOutError = app.LockedOutError

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
