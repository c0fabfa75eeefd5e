package app

import (
	"errors"
	"fmt"
	"time"
)

// Errors the sessions and the API tell apart with errors.Is (or errors.As
// for the typed ones below) and name to the person in front of the locker.
// None of them says more about a guessed code than "no parcel".
var (
	// Codes and tokens.
	ErrCodeFormat       = errors.New("app: not a pickup code") // cannot be a code at all: not counted
	ErrWrongCode        = errors.New("app: no parcel for this code")
	ErrExpired          = errors.New("app: the pickup window has passed")
	ErrAlreadyCollected = errors.New("app: already collected")
	ErrNotStored        = errors.New("app: parcel not dropped off yet")
	ErrForeign          = errors.New("app: not one of our codes")        // a product barcode: ignored, not counted
	ErrNotPickup        = errors.New("app: not for collecting a parcel") // ours, but a courier or return QR
	ErrBadToken         = errors.New("app: not a valid token")
	ErrTokenExpired     = errors.New("app: token expired")
	// ErrTokenRevoked: the operator (or staff here) revoked the token; it
	// comes wrapped with ErrBadToken.
	ErrTokenRevoked = errors.New("app: revoked by the operator")

	// Doors and openings.
	ErrOutOfService = errors.New("app: door out of service")
	// ErrOutOfOrder: the door's board is silent or the lock bus is down;
	// see *OutOfOrderError.
	ErrOutOfOrder = errors.New("app: out of order")
	// ErrBeingOpened: an opening of this door is not settled yet; see
	// *BeingOpenedError. Never a second unlock.
	ErrBeingOpened = errors.New("app: your door is being opened")
	// ErrDoorDidNotOpen: the opening settled as not opened; see
	// *DidNotOpenError. The rent stays where it was.
	ErrDoorDidNotOpen = errors.New("app: door did not open")
	ErrDoorStillOpen  = errors.New("app: door still open")
	ErrNoFreeDoor     = errors.New("app: no free door of that size")
	ErrBadSize        = errors.New("app: unknown door size")
	// ErrReopenClosed: the grace passed, the door was reopened too often,
	// or it was given to another parcel meanwhile.
	ErrReopenClosed = errors.New("app: the door can no longer be opened again")
	ErrBadProblem   = errors.New("app: unknown problem report")
	ErrRemoteOff    = errors.New("app: remote opening is off")
	// ErrTestDone: "test empty doors" has no door left to open.
	ErrTestDone = errors.New("app: every door tested")
	// ErrForStaff: the parcel's door did not open (or nobody could tell)
	// and its one retry is used: no more unlocks until staff check the
	// door. The support screen, no frame.
	ErrForStaff = errors.New("app: the door is kept for staff: its retry was used")
	// ErrParcelWithoutRent: staff found a parcel in a door no rent holds:
	// they take it out, and check the door again as empty.
	ErrParcelWithoutRent = errors.New("app: a parcel no rent of this door holds")
	// ErrNoQuestion: an answer came while the locker asked nothing.
	ErrNoQuestion = errors.New("app: nothing was asked")
	// ErrAskFirst: nobody could tell whether the door opened (Opening's
	// Outcome is OutcomeUnknown): the person's answer comes first.
	ErrAskFirst = errors.New("app: the locker asks first: nobody could tell whether the door opened")

	// States a rent can be in instead of the one needed.
	ErrAlreadyStored = errors.New("app: parcel already dropped off")
	ErrReclaimed     = errors.New("app: parcel already taken back")
	ErrCancelled     = errors.New("app: booking cancelled")
	ErrNotExpired    = errors.New("app: parcel not expired")
	ErrNotFound      = errors.New("app: not found")
	ErrUnknownParcel = errors.New("app: no booking for this parcel label")
	ErrNotReturn     = errors.New("app: not a return")
	ErrIsReturn      = errors.New("app: a return, not a delivery")
	ErrDropStarted   = errors.New("app: drop-off already started")
	ErrBadBooking    = errors.New("app: bad booking")

	// Staff.
	ErrBadPIN      = errors.New("app: wrong PIN")
	ErrPINFormat   = errors.New("app: a PIN is at least 8 digits")
	ErrStaffLocked = errors.New("app: staff account locked")
	// ErrBadgeRequired: this locker takes no staff PIN alone ([staff]
	// pin_alone = false); a staff badge comes first.
	ErrBadgeRequired = errors.New("app: a staff badge is required here: a PIN alone does not sign in")
	ErrNameTaken     = errors.New("app: name already in use")
	ErrBadSetting    = errors.New("app: bad setting")
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

// BeingOpenedError: an opening of Door is still unsettled, so no new one
// starts ("your door is being opened: door N").
type BeingOpenedError struct {
	Door    int64
	Opening int64
}

func (e *BeingOpenedError) Error() string {
	return fmt.Sprintf("app: your door is being opened: door %d", e.Door)
}

func (e *BeingOpenedError) Is(target error) bool { return target == ErrBeingOpened }

// OutOfOrderError: the door cannot be opened now, its board being silent
// or the lock bus down. Door is 0 when the whole locker is out of order.
type OutOfOrderError struct {
	Door   int64
	Reason string
}

func (e *OutOfOrderError) Error() string {
	if e.Door == 0 {
		return "app: out of order: " + e.Reason
	}
	return fmt.Sprintf("app: door %d out of order: %s", e.Door, e.Reason)
}

func (e *OutOfOrderError) Is(target error) bool { return target == ErrOutOfOrder }

// OutOfServiceError: Door is out of service (staff took it out, or its
// sensor flaps), so no opening of it starts; the screen names the door on
// the support reference.
type OutOfServiceError struct {
	Door int64
}

func (e *OutOfServiceError) Error() string {
	return fmt.Sprintf("app: door %d out of service", e.Door)
}

func (e *OutOfServiceError) Is(target error) bool { return target == ErrOutOfService }

// DidNotOpenError carries the opening that settled as not opened.
type DidNotOpenError struct {
	Opening Opening
}

func (e *DidNotOpenError) Error() string {
	return fmt.Sprintf("app: door %d did not open (%s)", e.Opening.DoorID, e.Opening.Cause)
}

func (e *DidNotOpenError) Is(target error) bool { return target == ErrDoorDidNotOpen }

// ForStaffError: Door's parcel used its one retry, or nobody answered
// whether Door opened: no unlock until staff check it (ErrForStaff).
type ForStaffError struct {
	Door int64
	Why  string
}

func (e *ForStaffError) Error() string {
	return fmt.Sprintf("app: door %d is kept for staff: %s", e.Door, e.Why)
}

func (e *ForStaffError) Is(target error) bool { return target == ErrForStaff }

// ConfigError names the config key a value of the locker's layout or
// keypad is wrong in, so the config loader can say which line to fix
// without reading the key back out of the text.
type ConfigError struct {
	Key, Msg string
}

func (e *ConfigError) Error() string { return e.Key + ": " + e.Msg }

// ConfigErrorf is a *ConfigError for key, its message formatted.
func ConfigErrorf(key, format string, args ...any) error {
	return &ConfigError{Key: key, Msg: fmt.Sprintf(format, args...)}
}
