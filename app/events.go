package app

import "time"

// EventKind names an entry of the audit log. The log is the outbox of the
// API's webhooks and feeds /metrics, so these names are public: each is in
// app/api/openapi.json's Event.kind enumeration (a test holds the two
// together). Kinds starting "alert." are for staff to act on.
type EventKind string

// Door openings, from intent to settled outcome.
const (
	EvOpenIntent    EventKind = "door.open.intent"   // written before the board is told
	EvOpenOpened    EventKind = "door.open"          // settled: the sensor saw the door open
	EvOpenFailed    EventKind = "door.open.failed"   // settled: not opened (detail: the cause)
	EvOpenUnknown   EventKind = "door.open.unknown"  // the board's reply was lost: waiting for the sensor
	EvOpenRefused   EventKind = "door.open.refused"  // not started: being opened, out of order
	EvOpenResolved  EventKind = "door.open.resolved" // staff settled an opening after looking
	EvOpenReported  EventKind = "door.open.reported" // a person said "it did not open" (detail: the verdict)
	EvOpenRetry     EventKind = "door.open.retry"    // the one retry after a settled failure
	EvAlertDidNot   EventKind = "alert.door.did-not-open"
	EvAlertUnfinish EventKind = "alert.open.unfinished" // the kiosk stopped between intent and outcome
	// EvOpenUnseen: settled as unknown: the sensor's readings had a gap
	// while the door could have been open (detail: the gap); the person
	// is asked.
	EvOpenUnseen EventKind = "door.open.unseen"
	// EvOpenAnswered: the person's answer settled an unknown opening
	// (detail: yes or no, and the gap that made it unknown).
	EvOpenAnswered EventKind = "door.open.answered"
	// EvAlertToCheck: a rent is left to check: nobody answered whether its
	// door opened; the door is kept until staff check it (door and rent).
	EvAlertToCheck EventKind = "alert.rent.to-check"
	// EvAlertForStaff: a parcel's door did not open and its one retry was
	// used, or a person reported a problem: the door is kept for staff.
	EvAlertForStaff EventKind = "alert.door.for-staff"
	// EvDoorChecked: staff looked inside a door kept for them (detail:
	// parcel inside or door empty, and what it settled).
	EvDoorChecked EventKind = "door.checked"
)

// Door sensors and service.
const (
	EvDoorOpened        EventKind = "door.opened"
	EvDoorClosed        EventKind = "door.closed"
	EvDoorLeftOpen      EventKind = "door.left-open"
	EvDoorSensorUnknown EventKind = "door.sensor-unknown"
	EvAlertForcedOpen   EventKind = "alert.door.forced-open"
	EvAlertFlapping     EventKind = "alert.door.flapping"
	// EvAlertWrongParcel: a shopper found someone else's parcel and put
	// it back; the door is kept for staff until they look inside.
	EvAlertWrongParcel EventKind = "alert.door.wrong-parcel"
	EvDoorOutOfService EventKind = "door.out-of-service"
	EvDoorInService    EventKind = "door.in-service"
	EvDoorCleared      EventKind = "door.cleared" // staff cleared a door's fault after looking inside
	EvAlertOutOfOrder  EventKind = "alert.out-of-order"
	EvBackInOrder      EventKind = "locker.in-order"
)

// Rents.
const (
	EvRentBooked     EventKind = "rent.booked"
	EvRentReserved   EventKind = "rent.reserved"
	EvRentStored     EventKind = "rent.stored"
	EvRentCollected  EventKind = "rent.collected"
	EvRentExpired    EventKind = "rent.expired"
	EvRentReclaimed  EventKind = "rent.reclaimed"
	EvRentCancelled  EventKind = "rent.cancelled"
	EvRentLapsed     EventKind = "rent.lapsed"
	EvRentMoved      EventKind = "rent.moved"
	EvRentProblem    EventKind = "rent.problem"
	EvRentReissued   EventKind = "rent.code.reissued"
	EvDropAbandoned  EventKind = "dropoff.abandoned"
	EvCourierLogin   EventKind = "courier.login"
	EvCourierRefused EventKind = "courier.login.refused"
	// EvCourierRevoked: a courier's round ended at a step refused because
	// their token was revoked meanwhile.
	EvCourierRevoked EventKind = "courier.revoked"
)

// Codes, staff, settings, housekeeping.
const (
	EvCodeWrong      EventKind = "code.wrong"
	EvCodeExpired    EventKind = "code.expired"
	EvCodeEarly      EventKind = "code.early"
	EvCodeCollected  EventKind = "code.collected" // a code collected a short while ago, typed again
	EvTokenBad       EventKind = "token.bad"
	EvAlertLockout   EventKind = "alert.lockout"
	EvStaffAdded     EventKind = "staff.added"
	EvStaffLogin     EventKind = "staff.login"
	EvStaffWrong     EventKind = "staff.login.wrong"
	EvStaffLoginLock EventKind = "staff.login.locked"
	// EvStaffPINAlone: a PIN typed alone where staff need their badge.
	EvStaffPINAlone   EventKind = "staff.login.refused"
	EvStaffPINWrong   EventKind = "staff.pin.wrong"
	EvAlertStaffLock  EventKind = "alert.staff.locked"
	EvStaffUnlocked   EventKind = "staff.unlocked"
	EvSettingChanged  EventKind = "setting.changed"
	EvPruned          EventKind = "pruned"
	EvSelfTestPassed  EventKind = "selftest.passed"
	EvSelfTestFailed  EventKind = "alert.selftest.failed" // detail: what failed
	EvDoorTestGood    EventKind = "selftest.door.good"
	EvDoorTestFaulty  EventKind = "alert.selftest.door.faulty"
	EvSelfTestSkipped EventKind = "selftest.skipped" // someone was at the screen

	// Guessing limits and the operator's credentials.
	EvAlertStaffLockout EventKind = "alert.staff.lockout" // the PIN pad's guessing limit was reached
	EvLockoutCleared    EventKind = "lockout.cleared"     // staff cleared a guessing banner and its pause
	EvAlertsAcked       EventKind = "alerts.acknowledged" // staff saw the open alerts at the kiosk
	EvBadgeRefused      EventKind = "staff.badge.refused"
	EvTokenIssued       EventKind = "token.issued" // POST /v1/tokens signed a credential
	EvRevocations       EventKind = "revocations.applied"
	EvRentExtended      EventKind = "rent.extended" // the operator moved a rent's deadline
	// EvAlertEventsDropped: retention had to drop events a reader of the
	// log (the fleet link, a webhook) had not delivered yet.
	EvAlertEventsDropped EventKind = "alert.events.dropped"
	// EvAlertClockBehind: the locker's clock read earlier than a time it
	// had already seen; tokens are refused until it is right.
	EvAlertClockBehind EventKind = "alert.clock.behind"
	// EvTokenRevoked: the operator's API key or staff at the kiosk revoked
	// a token at this locker.
	EvTokenRevoked EventKind = "token.revoked"
)

// EventKinds lists every kind above, for the API's enumeration and tests.
var EventKinds = []EventKind{
	EvOpenIntent, EvOpenOpened, EvOpenFailed, EvOpenUnknown, EvOpenRefused, EvOpenResolved, EvOpenReported,
	EvOpenRetry, EvAlertDidNot, EvAlertUnfinish,
	EvDoorOpened, EvDoorClosed, EvDoorLeftOpen, EvDoorSensorUnknown, EvAlertForcedOpen,
	EvAlertFlapping, EvDoorOutOfService, EvDoorInService, EvDoorCleared, EvAlertOutOfOrder, EvBackInOrder,
	EvRentBooked, EvRentReserved, EvRentStored, EvRentCollected, EvRentExpired, EvRentReclaimed,
	EvRentCancelled, EvRentLapsed, EvRentMoved, EvRentProblem, EvRentReissued, EvDropAbandoned,
	EvCourierLogin, EvCourierRefused, EvCourierRevoked,
	EvCodeWrong, EvCodeExpired, EvCodeEarly, EvCodeCollected, EvTokenBad, EvAlertLockout, EvStaffAdded, EvStaffLogin,
	EvStaffWrong, EvStaffLoginLock, EvStaffPINAlone, EvStaffPINWrong, EvAlertStaffLock, EvStaffUnlocked, EvSettingChanged,
	EvPruned, EvSelfTestPassed, EvSelfTestFailed, EvDoorTestGood, EvDoorTestFaulty, EvSelfTestSkipped,
	EvAlertStaffLockout, EvLockoutCleared, EvAlertsAcked, EvBadgeRefused, EvTokenIssued, EvRevocations, EvRentExtended,
	EvAlertEventsDropped, EvAlertWrongParcel, EvAlertClockBehind, EvTokenRevoked,
	EvOpenUnseen, EvOpenAnswered, EvAlertToCheck, EvAlertForStaff, EvDoorChecked,
}

// RentEvent is the event of a rent reaching state s: "rent." + s.
func RentEvent(s RentState) EventKind { return EventKind("rent." + string(s)) }

// IsAlert reports whether staff must act on an event of this kind.
func (k EventKind) IsAlert() bool { return len(k) > 6 && k[:6] == "alert." }

// Event is one entry of the audit log as staff read it. Detail never holds
// a code or a PIN.
type Event struct {
	Seq    int64
	At     time.Time
	Actor  string // "shopper", "courier:17", "staff:anna", "system"
	Kind   EventKind
	DoorID int64 // 0: none
	RentID int64 // 0: none
	Detail string
}
