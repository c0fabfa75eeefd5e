package app

import "time"

// Purpose says why a door opens; it goes into the audit log with the
// opening.
type Purpose string

const (
	PurposePickup        Purpose = "pickup"         // typed code
	PurposePickupQR      Purpose = "pickup.qr"      // scanned pickup token
	PurposePickupRemote  Purpose = "pickup.remote"  // the back office through the API
	PurposeReopen        Purpose = "pickup-reopen"  // "I left something inside", within the grace
	PurposeDropOff       Purpose = "dropoff"        // a courier's parcel or a shopper's return goes in
	PurposeReclaim       Purpose = "reclaim"        // a courier takes an expired parcel back
	PurposeReturnCollect Purpose = "return.collect" // a courier takes a shopper's return
	PurposeStaff         Purpose = "staff"          // staff open one door
	PurposeInventory     Purpose = "staff.inventory"
	PurposeDoorTest      Purpose = "selftest.door" // staff's "test empty doors"
)

// Outcome is where an opening stands.
type Outcome uint8

const (
	// OutcomePending: the opening is not settled. The door may or may not
	// have opened; nothing is resent, and no other opening of the door
	// starts until the sensor (or staff) settles it.
	OutcomePending Outcome = iota
	// OutcomeOpened: the door sensor saw the door open.
	OutcomeOpened
	// OutcomeNotOpened: the board refused, nothing was sent, or the sensor
	// read the door closed for the whole did-not-open time.
	OutcomeNotOpened
	// OutcomeUnknown: nobody can tell whether the door opened: its
	// sensor's readings had a gap while it could have been open (a late or
	// lost reply, a silent bus, a power cut, a restart). The rent stays
	// where it was, the door is kept,
	// and the person is asked (Pickup.Answer, DropOff.Answer); nobody
	// answering leaves the rent to check, for staff.
	OutcomeUnknown
)

func (o Outcome) String() string {
	switch o {
	case OutcomeOpened:
		return "opened"
	case OutcomeNotOpened:
		return "not-opened"
	case OutcomeUnknown:
		return "unknown"
	}
	return "pending"
}

// Cause says what an opening's outcome rests on.
type Cause uint8

const (
	CauseNone Cause = iota
	// Opened.
	CauseSeenOpen    // the sensor saw the door open after the command
	CauseAlreadyOpen // the door read open before the command went out
	// Pending.
	CauseAwaitingSensor // the board acknowledged; the sensor has not seen the door open yet
	CauseNoReply        // the request left but no valid reply came (lost, garbled, late, unplugged)
	CauseSensorUnknown  // the door's sensor cannot be read: the locker cannot confirm the door
	CauseInterrupted    // the kiosk stopped between intent and outcome
	// Not opened.
	CauseRefused     // the board answered "lock failed" (8A/80 status 11) or refused the request
	CauseNotSent     // nothing left the port (bus down, coil rate limit): the door surely stayed shut
	CauseNotSeenOpen // the sensor read the door closed for the whole did-not-open time
	// CauseClosedAtStart: the kiosk stopped mid-opening and the door read
	// closed at restart. Whether it opened meanwhile is unknown (the
	// outcome says so): the rent stays, the door is kept to check.
	CauseClosedAtStart
	CauseStaffCleared // staff looked at the door and cleared it
	// CauseAcknowledged: unknown although the board acknowledged the
	// unlock (perhaps late): the sensor could not watch the whole time the
	// door could have been open, and a stuck latch acknowledges too.
	CauseAcknowledged
	// CauseUnseen: unknown: the sensor's readings had a gap while the door
	// could have been open, and no acknowledgement came.
	CauseUnseen
	// CausePersonYes and CausePersonNo: settled on the person's word after
	// the opening was unknown ("it opened and I have my parcel", "the
	// parcel is in"; or no).
	CausePersonYes
	CausePersonNo
	// CauseStaffChecked: staff looked inside the door and said what is in
	// it.
	CauseStaffChecked
)

var causeNames = [...]string{"", "seen-open", "already-open", "awaiting-sensor", "no-reply", "sensor-unknown",
	"interrupted", "refused", "not-sent", "not-seen-open", "closed-at-start", "staff-cleared", "acknowledged",
	"unseen", "person-yes", "person-no", "staff-checked"}

func (c Cause) String() string {
	if int(c) < len(causeNames) {
		return causeNames[c]
	}
	return "cause(?)"
}

// Opening is one door opening from intent to settled outcome. Whoever
// asks for it (keypad, scanner, courier, staff, API, self-test), it goes
// through one mechanism in the engine, which settles it from the evidence:
// the door sensor first, the board's reply second, time third.
type Opening struct {
	ID      int64
	DoorID  int64
	RentID  int64 // 0: none (staff, self-test)
	Purpose Purpose
	Outcome Outcome
	Cause   Cause
	// Confirmable is false while the door's sensor cannot be read: the
	// screen says the locker cannot confirm the door.
	Confirmable bool
	Started     time.Time
	Settled     time.Time // zero while pending
}

// Pending reports whether the opening still waits for its outcome.
func (o Opening) Pending() bool { return o.Outcome == OutcomePending }

// VerdictKind is what the engine made of a person's "the door did not open".
type VerdictKind uint8

const (
	// VerdictLookAgain: the sensor sees the door open ("Door 7 is open:
	// look again"); nothing else happens.
	VerdictLookAgain VerdictKind = iota + 1
	// VerdictWait: the opening is not settled yet; the screen waits for
	// the opening's Settled notice (or says the locker cannot confirm the
	// door when Opening.Confirmable is false).
	VerdictWait
	// VerdictRetried: the opening was settled as not opened; one retry went
	// through the same mechanism (Verdict.Opening is the retry).
	VerdictRetried
	// VerdictOtherDoor: a drop-off moved to another free door, which is
	// being opened (Verdict.Opening, Verdict.Door).
	VerdictOtherDoor
	// VerdictSupport: give up; the support screen. Staff are alerted and
	// the rent stays where it was.
	VerdictSupport
	// VerdictTaken: the person's yes settled an unknown opening as opened
	// (Pickup.Answer): the rent moved on their word.
	VerdictTaken
)

func (v VerdictKind) String() string {
	switch v {
	case VerdictLookAgain:
		return "look-again"
	case VerdictWait:
		return "wait"
	case VerdictRetried:
		return "retried"
	case VerdictOtherDoor:
		return "other-door"
	case VerdictSupport:
		return "support"
	case VerdictTaken:
		return "taken"
	}
	return "verdict(?)"
}

// Verdict answers a "did not open" report. Every report is an audit event.
type Verdict struct {
	Kind    VerdictKind
	Door    Door    // the door to show (lit on the map)
	Opening Opening // the opening reported on, or the retry / other door's opening
}

// Problem is what a shopper reports after closing the door.
type Problem string

const (
	ProblemEmpty       Problem = "empty"        // the door held no parcel
	ProblemWrongParcel Problem = "wrong-parcel" // it held someone else's
)
