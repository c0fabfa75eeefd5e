package app

import (
	"context"
	"image"
	"time"
)

// The interfaces below are what the sessions ask of the locker's engine.
// app/core's *Locker satisfies Engine; tests pass fakes. Every method is
// safe for concurrent use and may block on the store or the lock bus (a
// door opening waits for the board's reply, up to its timeout), so the
// screens call them off the UI goroutine. None of them decides whether a
// door opened: an Opening comes back pending, opened or not opened as the
// engine knows it, and its settling arrives as a NoticeSettled.

// Engine is the whole locker as the sessions see it.
type Engine interface {
	Locker
	Pickups
	Couriers
	Returns
	StaffAuth
}

// Locker is the locker itself: its doors, whether they can open, and what
// happens at them.
type Locker interface {
	// DoorMap lists every door as people see it, in id order.
	DoorMap(ctx context.Context) ([]Door, error)
	// Availability says which doors cannot open now. Its changes arrive
	// as NoticeAvailability within 2 s.
	Availability() Availability
	// Subscribe delivers every Notice from now on until ctx ends; then the
	// channel is closed. A subscriber that falls far behind loses the
	// oldest notices (and a warning is logged): read it promptly.
	Subscribe(ctx context.Context) <-chan Notice
}

// Pickups starts a shopper's pickup.
type Pickups interface {
	// Recognize tells what a scanned or typed text is, without looking
	// anything up and without counting it.
	Recognize(text string) ScanKind
	// CodeEntryPaused says whether typed codes are paused after wrong
	// ones, and until when, so the screen can count down first.
	CodeEntryPaused(ctx context.Context) (until time.Time, paused bool)
	// PickupByCode checks a typed code and starts the opening of the first
	// door it owns. Errors: *LockedOutError, ErrCodeFormat, ErrWrongCode,
	// ErrExpired, ErrNotStored, ErrOutOfService, *OutOfOrderError,
	// *BeingOpenedError, *DidNotOpenError (with a Pickup for DidNotOpen).
	PickupByCode(ctx context.Context, code string) (Pickup, error)
	// PickupByScan is PickupByCode for a scanned text: a pickup token or a
	// printed code. ErrForeign and ErrNotPickup are not counted as wrong.
	PickupByScan(ctx context.Context, text string) (Pickup, error)
}

// Pickup is one shopper collecting every parcel under one code, one door
// at a time. The rent becomes collected when the sensor sees its door open
// (NoticeRent); the screen follows Opening and the notices.
type Pickup interface {
	// Opening is the current door's opening as the engine knows it now.
	Opening() Opening
	// Remaining is how many parcels under the code wait behind closed doors.
	Remaining() int
	// Next starts the opening of the next parcel's door. ErrAlreadyCollected
	// when none is left.
	Next(ctx context.Context) (Opening, error)
	// DidNotOpen is the shopper's "the door did not open", weighed against
	// the sensor: VerdictLookAgain, VerdictWait, VerdictRetried (once) or
	// VerdictSupport. Always an audit event.
	DidNotOpen(ctx context.Context) (Verdict, error)
	// ReopenUntil is until when Reopen is offered; zero: not at all. It is
	// the one source of the reopen grace: the screen shows Reopen until
	// then and no longer.
	ReopenUntil() time.Time
	// Reopen opens the last collected door once more ("I left something
	// inside"). ErrReopenClosed after the grace, after two reopens, or
	// once the door holds another rent.
	Reopen(ctx context.Context) (Opening, error)
	// Report records an empty door or a wrong parcel as an alert for staff.
	Report(ctx context.Context, p Problem) error
	// Answer is the shopper's answer to "Did door N open, and do you have
	// your parcel?", asked when the door's opening is unknown (Opening's
	// Outcome is OutcomeUnknown: no sensor could tell). Yes: the rent is
	// collected on the person's word (VerdictTaken). No: the parcel's one
	// retry opens the door again (VerdictRetried) if it is left, else
	// VerdictSupport, the door kept for staff.
	Answer(ctx context.Context, yes bool) (Verdict, error)
	// Leave: the shopper has gone. A question left unanswered leaves the
	// rent to check: its door is kept and staff are alerted with door and
	// rent; the code still works and asks the same question first.
	Leave(ctx context.Context)
}

// Couriers signs couriers in.
type Couriers interface {
	// LoginCourier signs a courier in by a scanned courier token. Errors:
	// ErrBadToken, ErrTokenExpired.
	LoginCourier(ctx context.Context, token string) (CourierRound, error)
}

// CourierRound is one courier's visit: drop-offs, take-backs, returns.
type CourierRound interface {
	Courier() string // the courier's id
	// DropBooked opens the booked door of a parcel whose label was
	// scanned (another free door of its size if that one cannot be used).
	// Errors: ErrUnknownParcel, ErrAlreadyStored, ErrNoFreeDoor, and the
	// opening's errors; on *DidNotOpenError the DropOff comes back too.
	DropBooked(ctx context.Context, parcelRef string) (DropOff, error)
	// DropNew is a walk-in: the smallest free door of at least size opens
	// (low doors first with preferLow) and a pickup code is made for the
	// recipient (DropOff.Code).
	DropNew(ctx context.Context, size Size, parcelRef string, preferLow bool) (DropOff, error)
	Expired(ctx context.Context) ([]Rent, error) // parcels to take back
	Returns(ctx context.Context) ([]Rent, error) // returns to collect
	// TakeBack opens an expired parcel's door; it is reclaimed when the
	// sensor sees the door open.
	TakeBack(ctx context.Context, rentID int64) (Opening, error)
	// CollectReturn opens a stored return's door; it is collected when the
	// sensor sees the door open.
	CollectReturn(ctx context.Context, rentID int64) (Opening, error)
	// DidNotOpen reports a take-back or return door that did not open.
	DidNotOpen(ctx context.Context, openingID int64) (Verdict, error)
}

// DropOff is one parcel going into one door: a courier's delivery or a
// shopper's return. The rent is stored when the sensor saw the door open
// and then closed (NoticeRent), so a parcel is never in a door without a
// stored rent; the recipient code shown always works.
type DropOff interface {
	Opening() Opening
	Rent() Rent // as last seen
	// Code is a walk-in's pickup code (canonical: show with FormatCode)
	// for the courier to pass on; "" for a booking or a return.
	Code() string
	// Larger is "door too small": the parcel moves to the smallest free
	// door one size up or more, which opens. The first door is left as
	// its own opening settles. ErrNoFreeDoor when none.
	Larger(ctx context.Context) (Opening, error)
	// Another is "door too small" where no larger door is free: the
	// parcel moves to another free door of the same size, which opens; the
	// first door is left as with Larger. ErrNoFreeDoor when none.
	Another(ctx context.Context) (Opening, error)
	// Withdraw is the courier's word that the parcel fits no door and is
	// taken back: a walk-in is cancelled, a booking or return stays
	// reserved for another attempt, and the door is free once closed.
	// *BeingOpenedError while the door's opening is unsettled.
	Withdraw(ctx context.Context) error
	// DidNotOpen is the courier's "the door did not open", weighed like a
	// shopper's: VerdictLookAgain, VerdictWait, VerdictOtherDoor (the
	// parcel's one retry, at another free door of its size: the door that
	// did not open is kept for staff), VerdictSupport.
	DidNotOpen(ctx context.Context) (Verdict, error)
	// Done says the parcel is in. It returns the rent: stored once the
	// door was seen open and is closed. ErrDoorStillOpen while the sensor
	// reads open; *DidNotOpenError if it never opened; *BeingOpenedError
	// while the opening is unsettled.
	Done(ctx context.Context) (Rent, error)
	// Abandon gives up before the parcel went in: a walk-in whose door
	// never opened is cancelled, a booking or return stays reserved. A
	// door that was seen open keeps its rent: it is stored when it
	// closes, since the parcel may be inside.
	Abandon(ctx context.Context) error
	// Answer is the courier's answer to "Is the parcel in door N?", asked
	// when the door's opening is unknown, or the door closed while the
	// courier was still choosing (Hold). Yes: the rent is stored now and
	// the code can be shown. No: it stays reserved; a door whose opening
	// was unknown is kept for staff.
	Answer(ctx context.Context, in bool) (Rent, error)
	// Hold: the courier is choosing what to do with the parcel (too small,
	// the largest size, did not open): a close of the door meanwhile does
	// not store the rent but waits for Answer. Done, Larger, Another,
	// Withdraw and Answer end it.
	Hold(ctx context.Context)
}

// Returns starts a shopper's return.
type Returns interface {
	// BeginReturn takes a return code (RT-XXXX-XXXX, typed or scanned) or
	// a return token and opens the booked door. Errors: *LockedOutError,
	// ErrCodeFormat, ErrWrongCode, ErrBadToken, ErrTokenExpired,
	// ErrForeign, ErrNoFreeDoor and the opening's errors (with the DropOff
	// on *DidNotOpenError).
	BeginReturn(ctx context.Context, text string) (DropOff, error)
}

// StaffAuth signs staff in.
type StaffAuth interface {
	// LoginStaff signs staff in by PIN alone. Errors: *LockedOutError,
	// ErrBadPIN, ErrStaffLocked, ErrBadgeRequired.
	LoginStaff(ctx context.Context, pin string) (StaffSession, error)
	// BadgeHolder tells whose a scanned staff badge is, so the screen asks
	// that person's PIN. Errors: ErrBadToken (not valid here, revoked, no
	// account of that name), ErrTokenExpired, *LockedOutError while wrong
	// PINs with this badge keep it paused (its own budget: never the
	// shared pad's).
	BadgeHolder(ctx context.Context, badge string) (name string, err error)
	// LoginStaffBadge signs the badge's holder in with their own PIN.
	// Errors: those of BadgeHolder, ErrBadPIN, ErrStaffLocked.
	LoginStaffBadge(ctx context.Context, badge, pin string) (StaffSession, error)
}

// StaffSession is what a signed-in staff member can do. The session
// ends (the screen drops it) after two minutes idle; sweeping actions ask
// the PIN again.
type StaffSession interface {
	Name() string
	// OpenDoor force-opens one door, out of service or not, after asking
	// the PIN again. Rents do not move. *BeingOpenedError while another
	// opening of the door is unsettled, *OutOfOrderError while it cannot
	// open.
	OpenDoor(ctx context.Context, doorID int64, pin, reason string) (Opening, error)
	// OpenAll opens every door one after another (inventory), after the
	// PIN again; the doors that could not open are in the error.
	OpenAll(ctx context.Context, pin string) ([]Opening, error)
	SetOutOfService(ctx context.Context, doorID int64, on bool, reason string) error
	// ClearDoor records that staff looked inside a door kept for them
	// (Door.Fault, an unsettled opening) and settles it: the door may be
	// assigned again.
	ClearDoor(ctx context.Context, doorID int64, note string) error
	// CheckDoor records what staff found in a door kept for them, and
	// settles it: parcel inside, a rent to check (or reserved) is stored
	// and its code goes to its carrier; door empty, a pickup's rent is
	// collected, a walk-in cancelled (a booking stays reserved). The door's
	// retries start afresh. app.ErrParcelWithoutRent when staff found a
	// parcel that no rent of the door holds: they take it out.
	CheckDoor(ctx context.Context, doorID int64, inside bool, note string) error
	CancelRent(ctx context.Context, rentID int64, reason string) error
	UnlockStaff(ctx context.Context, name string) error

	Rents(ctx context.Context, q RentQuery) ([]Rent, error)
	// Events pages the audit log newest first: up to limit events older
	// than seq before (0: from the newest).
	Events(ctx context.Context, before int64, limit int) ([]Event, error)
	// Alerts is Events for alert.* kinds only.
	Alerts(ctx context.Context, before int64, limit int) ([]Event, error)
	// OpenAlerts lists the alerts no staff member acknowledged yet, the
	// guessing limits first, then up to limit alert events newest first,
	// and how many open ones were left out.
	OpenAlerts(ctx context.Context, limit int) (alerts []Alert, more int, err error)
	// AckAlerts acknowledges every open alert under the staff member's
	// name, and lifts the guessing pauses. Audited.
	AckAlerts(ctx context.Context) error
	// ConfirmPIN checks the staff member's PIN again before an action that
	// asks it (leaving for the desktop), on the PIN pad's guessing limit.
	// ErrBadPIN, *LockedOutError.
	ConfirmPIN(ctx context.Context, pin string) error
	DoorStates(ctx context.Context) ([]DoorState, error)

	Hardware(ctx context.Context) (Hardware, error)
	// CameraFrame is the newest camera picture for the live preview; nil
	// without a camera.
	CameraFrame() image.Image
	// ScanBus asks every address of the bus for its status (commissioning).
	ScanBus(ctx context.Context) ([]BoardFound, error)
	// ReconnectBus reopens the lock bus now, after staff fixed a
	// permission problem. It does not wait.
	ReconnectBus()
	// SelfTest runs the self-test now, opening no door.
	SelfTest(ctx context.Context) (SelfTestReport, error)
	// TestEmptyDoors starts "test empty doors" after the PIN again.
	TestEmptyDoors(ctx context.Context, pin string) (DoorTest, error)
	// Tokens lists the operator's tokens this locker issued, let in or
	// revoked, that still matter, the latest seen first.
	Tokens(ctx context.Context) ([]Token, error)
	// RevokeToken refuses a token (by its Ref) at this locker from now on,
	// after the PIN again. Audited. ErrBadPIN, ErrStaffLocked.
	RevokeToken(ctx context.Context, ref, pin string) error
}

// DoorTest is staff's "test empty doors": the empty doors are opened one
// after another through the same mechanism as every opening; the
// technician closes each, and each is recorded good (seen open, then
// closed) or faulty (taken out of service with the reason).
type DoorTest interface {
	// Results lists every door under test, in order, as it stands.
	Results() []DoorTestResult
	// Next opens the next untested door. ErrDoorStillOpen while the door
	// tested last is still open or its opening unsettled; ErrTestDone
	// when every door was tested.
	Next(ctx context.Context) (Opening, error)
	// Stop ends the test early; the doors not tested stay untested.
	Stop(ctx context.Context) error
}
