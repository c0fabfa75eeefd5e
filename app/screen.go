package app

import "time"

// View is what the screen shows next, as a session (or the Front between
// sessions) decided it. The screens draw a View and send Intents back;
// they hold no rule about rents or doors. Views are pointers: a session
// with nothing new to show returns the view it returned last, so the
// screen keeps what is on it (a half-typed code, a selected door).
type View interface {
	// Idle says what the screen does when nobody touches it.
	Idle() Idle
	isView()
}

// Idle is what a screen does when nobody touches it.
type Idle uint8

const (
	// IdleNever: nothing to ask. Home, and every screen that waits for a
	// door, which the person may be busy at.
	IdleNever Idle = iota
	// IdleAsk: ask "Need more time?", then the person has left (Front.Leave).
	IdleAsk
	// IdleStaff: the same on the staff session's clock (2 minutes).
	IdleStaff
)

// HomeView is the attract screen: collect, send or return, and scan.
type HomeView struct {
	// Fresh: the person before has gone (their session ended, a problem
	// screen was left, the screen went idle), so the screen goes back to
	// the locker's own language and text size for the next one. Back from
	// code entry or help is the same person, and keeps their choice.
	Fresh bool
	// Audio: audio mode is on (a person who cannot see the screen is at
	// it), so home asks "Need more time?" like any screen a person uses.
	Audio bool
}

// HelpView explains, on the locker's picture, how to collect, send and
// return, and where the scanner is. Back leads home.
type HelpView struct {
	_ byte // views are told apart by pointer, and pointers to zero-size values may be equal
}

// OutOfOrderView replaces home while no door can open (the lock bus is
// down or no board answers). It takes no code: every entry point is
// refused until the engine says the locker is back (NoticeAvailability).
type OutOfOrderView struct{ Reason string }

// Entry is what code entry is for.
type Entry uint8

const (
	EntryPickup Entry = iota // a shopper's pickup code
	EntryReturn              // a shopper's send or return code
)

// Refusal is why a typed or scanned code opened nothing. It never says
// more about a guess than "no parcel".
type Refusal uint8

const (
	RefusalNone       Refusal = iota
	RefusalWrongCode          // no parcel for this code
	RefusalExpired            // the pickup window has passed
	RefusalCollected          // already collected
	RefusalNotAReturn         // not a send or return code
	RefusalReturnDone         // this return is already in the locker
	// RefusalOutOfOrder: the locker cannot open doors right now; the code
	// is kept on the keypad, to try again once it can.
	RefusalOutOfOrder
)

// CodeView is code entry: an on-screen keypad for a pickup or return code.
type CodeView struct {
	For     Entry
	Refusal Refusal // what went wrong last time
	// PausedUntil: code entry is paused after wrong codes until then; the
	// screen counts down and takes no code meanwhile.
	PausedUntil time.Time
}

// Trouble is what went wrong, for a problem screen or a staff note. The
// screens name it to the person; raw error text never reaches them.
type Trouble uint8

const (
	TroubleOther           Trouble = iota // something went wrong
	TroubleDidNotOpen                     // the door did not open: staff know, support reference shown
	TroubleOutOfService                   // the door is out of service
	TroubleNoFreeDoor                     // no free door of this size
	TroubleStillOpen                      // the door is still open: close it first
	TroubleReopenClosed                   // the door can no longer be opened again
	TroubleReported                       // the shopper reported an empty door or a wrong parcel
	TroubleCourierCode                    // the courier code is not valid
	TroubleCourierExpired                 // the courier code has expired
	TroubleBeingOpened                    // your door is being opened already
	TroubleDoorOutOfOrder                 // this door cannot open now (its board is silent)
	TroubleCannotConfirm                  // the locker cannot confirm the door: support reference
	TroubleWrongParcel                    // a wrong parcel was put back in its door: staff will sort it out
	TroubleWrongParcelKept                // a wrong parcel could not go back (the door no longer opens for it)
	TroubleCourierRevoked                 // the courier code was revoked: the round ends
)

// ProblemView says what went wrong and what to do, with a support
// reference naming the door.
type ProblemView struct {
	Trouble Trouble
	Door    int64 // 0: none
	Courier bool  // a courier's: Back leads to the courier menu
}

// DoorTask is why a person was sent to a door; it picks the words and
// the controls of the door screen.
type DoorTask uint8

const (
	TaskPickup  DoorTask = iota // take a parcel
	TaskDrop                    // a courier puts a parcel in
	TaskReturn                  // a shopper puts a return in
	TaskPutBack                 // a shopper puts a wrong parcel back
)

// DoorView sends a person to a door and follows it. What it says follows
// the door's opening as the engine settles it, never the board's claim:
// "Opening door N" while pending, "Door N is open" once the sensor saw it
// open, "the locker cannot confirm door N" while its sensor cannot be read.
type DoorView struct {
	Task    DoorTask
	Door    Door
	Opening Opening
	// LookAgain: the person said the door did not open, but its sensor
	// sees it open: "Door N is open: look again", lit on the map.
	LookAgain bool
	// Unconfirmed: the door's sensor cannot be read, so the locker cannot
	// say whether it opened or closed.
	Unconfirmed bool
	More        int    // pickup: parcels still to come under the same code
	Code        string // walk-in drop-off: the recipient's pickup code (canonical), "" when none
	// CloseFirst are doors to close before this one is used: the doors a
	// parcel was too big for, which may still stand open.
	CloseFirst []Door
}

// Open reports whether the door was seen open.
func (v *DoorView) Open() bool { return v.Opening.Outcome == OutcomeOpened }

// NotOpenedView: the door's opening settled as not opened. The person may
// say so (Intent DidNotOpen: one retry through the same mechanism, then
// support) or leave.
type NotOpenedView struct {
	Task DoorTask
	Door Door
	// Retried: the parcel's one retry (a pickup's at the same door, a
	// drop-off's at another) failed too, so the next report goes to
	// staff, and the screen says so instead of "try again".
	Retried bool
}

// AskOpenedView asks the shopper what no sensor could tell: whether the
// door opened and the parcel is in their hands. The door's opening is
// unknown (a gap in the sensor's readings while it could have been open:
// a late or lost reply, a silent bus, a power cut, a restart), or the
// rent was left to check. Answer{Yes} moves the rent on the person's
// word; Answer{No} tries the parcel's one retry, or goes to support.
type AskOpenedView struct {
	Task DoorTask // TaskPickup or TaskPutBack
	Door Door
}

// AskInDoorView asks the courier whether the parcel is in the door: its
// opening is unknown, or the door closed while the courier was still
// choosing (too small, largest size, did not open). Answer{Yes} stores
// the rent and the recipient's code is shown; Answer{No} keeps the rent
// reserved.
type AskInDoorView struct {
	Task DoorTask // TaskDrop or TaskReturn
	Door Door
}

// LeftOpenView asks for a door to be closed; the screen sounds a reminder
// until it is.
type LeftOpenView struct{ Door Door }

// GotItView is the bystander guard: did you get your parcel? Reopen is
// offered until ReopenUntil, the engine's one reopen grace.
type GotItView struct{ ReopenUntil time.Time }

// Thanks is what a thank-you screen thanks for.
type Thanks uint8

const (
	ThanksPickup Thanks = iota
	ThanksReturn
)

// ThanksView thanks the person; the session then ends by itself.
type ThanksView struct{ For Thanks }

// CourierMenuView is a courier's menu: drop off, take back, returns.
type CourierMenuView struct{ Courier string }

// DropView asks a courier for a parcel label, or a size for a parcel
// without a booking.
type DropView struct {
	PreferLow bool
	Stored    int64  // the door the last parcel was stored in, 0: none yet
	Unbooked  string // a scanned label with no booking: it gets a size
	// Free counts the doors of each size a new parcel could have now.
	Free map[Size]int
	// TookBack is the door a parcel that fits no door was taken back
	// from, 0: none. CloseFirst are the doors it was tried in that may
	// still stand open.
	TookBack   int64
	CloseFirst []Door
}

// TooSmallView: the parcel does not fit Door and no larger door is free
// (Largest: Door is the locker's largest size). The courier chooses
// before closing the door: another door of its size (Free of them,
// Intent AnotherDoor), back to the door (Back), or take the parcel back
// (Intent Withdraw), with the support contact for staff.
type TooSmallView struct {
	Door    Door
	Largest bool
	Free    int
}

// RecipientCodeView shows a walk-in's pickup code for the recipient, large,
// until the courier says it was noted (Intent CodeNoted): the locker keeps
// only its MAC and cannot show it again.
type RecipientCodeView struct {
	Door int64
	Code string // canonical
}

// BatchKind is a courier's list of parcels to take out.
type BatchKind uint8

const (
	BatchExpired BatchKind = iota // parcels nobody collected in time
	BatchReturns                  // returns shoppers sent
)

// BatchStatus is where one parcel of a batch stands.
type BatchStatus uint8

const (
	BatchWaiting BatchStatus = iota
	BatchOpening             // its door's opening is pending
	BatchOpen                // its door was seen open
	BatchDone                // taken: the door closed after it opened
	BatchFailed              // its door did not open, or could not start
)

// BatchItem is one parcel of a batch.
type BatchItem struct {
	Rent   Rent
	Status BatchStatus
}

// BatchView is a courier's list, its doors opened one by one: the next
// opens when the one before closes.
type BatchView struct {
	Kind  BatchKind
	Items []BatchItem
	// At is the item whose door is opening or open, or the next to open;
	// len(Items) when all are through.
	At int
	// Door is the door opening or open for Items[At], with its opening.
	Door    Door
	Opening Opening
	// LookAgain: the courier said it did not open, but the sensor sees it open.
	LookAgain bool
}

// Active reports whether a door of the batch is opening or open.
func (v *BatchView) Active() bool {
	return v.At < len(v.Items) && (v.Items[v.At].Status == BatchOpening || v.Items[v.At].Status == BatchOpen)
}

// PINRefusal is why a staff PIN was not taken.
type PINRefusal uint8

const (
	PINNone   PINRefusal = iota
	PINWrong             // wrong PIN
	PINLocked            // the account is locked
	PINPaused            // PIN entry paused until PINView.Until
	PINFailed            // something went wrong
	// PINBadgeRefused: the badge scanned signs nobody in here (not valid
	// at this locker, revoked, expired, or a name with no account).
	PINBadgeRefused
	// PINBadgeNeeded: this locker takes no PIN alone; scan the badge.
	PINBadgeNeeded
)

// PINView asks for a staff PIN: after the hidden gesture on the shared
// pad, or for the person whose badge was scanned (Badge names them). A
// badge has a guessing budget of its own: the shared pad's pause never
// holds its holder up.
type PINView struct {
	Refusal PINRefusal
	Until   time.Time // PINPaused: until when
	Badge   string    // the badge holder's name; "": the shared pad
}

// Confirm is what a staff PIN is asked again for.
type Confirm uint8

const (
	ConfirmOpenDoor Confirm = iota // force-open one door
	ConfirmOpenAll                 // open every door (inventory)
	ConfirmDoorTest                // test the empty doors
	ConfirmExit                    // leave the kiosk for the desktop
	ConfirmRevoke                  // revoke a token at this locker
)

// PINAgainView asks the staff member's PIN again before a sweeping action:
// a walked-away session must not empty the locker.
type PINAgainView struct {
	For   Confirm
	Door  int64  // ConfirmOpenDoor: which
	Token *Token // ConfirmRevoke: which
}

// NoteKind is what a staff note says under the door grid.
type NoteKind uint8

const (
	NoteNone NoteKind = iota
	NoteOpened
	NoteOpenedAll
	NoteWrongPIN
	NoteOutOfService
	NoteInService
	NoteCleared
	NoteFailed // see StaffNote.Trouble
	// NoteBeingOpened: the door's last opening is not settled yet; staff
	// may look and clear it, but no second opening starts meanwhile.
	NoteBeingOpened
	NoteRevoked // a token was revoked
)

// StaffNote is how the last staff action went.
type StaffNote struct {
	Kind    NoteKind
	Door    int64
	Trouble Trouble // NoteFailed
}

// Section is a part of the staff screens.
type Section uint8

const (
	SectionDoors Section = iota
	SectionRents
	SectionLog
	SectionHardware
	SectionSettings
	// SectionTokens lists the tokens this locker knows (couriers' tokens,
	// staff badges), to revoke one; reached from the settings.
	SectionTokens
)

// StaffDoorsView is the door grid with live sensor states.
type StaffDoorsView struct {
	States []DoorState
	Note   StaffNote
}

// StaffRentsView lists rents by state and door.
type StaffRentsView struct {
	Query  RentQuery
	Rents  []Rent
	Failed bool
}

// StaffLogView is the audit log, newest first, one page.
type StaffLogView struct {
	Before int64 // the events before this sequence number; 0: the newest
	Events []Event
	Older  bool // a page of older events follows
	Failed bool
}

// StaffHardwareView tests the devices and shows the last self-test.
type StaffHardwareView struct {
	Hardware Hardware
	Failed   bool   // the hardware state could not be read
	LastRead string // the last code any reader read, to test the readers
	// BusScan is the last bus scan, when staff ran one.
	BusScan     []BoardFound
	BusScanned  bool
	BusScanFail bool
	// SelfTestFailed: a self-test staff started could not run.
	SelfTestFailed bool
	Note           StaffNote // how the last action went (a door test refused)
}

// StaffSettingsView is the screen's settings (the screens keep them).
type StaffSettingsView struct {
	Note StaffNote // how the last action went (exit refused: wrong PIN)
}

// StaffTokensView lists the operator's tokens this locker issued, let in
// or revoked, the latest seen first (Intent RevokeToken, PIN again).
type StaffTokensView struct {
	Tokens []Token
	Note   StaffNote
	Failed bool // the list could not be read
}

// StaffAlertsView lists the alerts nobody acknowledged yet, newest first,
// before anything else at login (Intent AckAlerts, or ShowSection to look
// first).
type StaffAlertsView struct {
	Alerts []Alert
	More   int  // open alerts beyond those listed
	Failed bool // the alerts could not be read
}

// ExitView: staff confirmed leaving the kiosk for the desktop with their
// PIN; the screen closes the kiosk.
type ExitView struct {
	_ byte // see HelpView
}

// DoorTestView is staff's "test empty doors": each empty door opens in
// turn through the same mechanism as every opening, the technician closes
// it, and it is recorded good or faulty.
type DoorTestView struct {
	Results []DoorTestResult
	Door    int64   // the door opening or open now, 0: none
	Opening Opening // its opening
	Done    bool    // every door tested
	Trouble Trouble // why the test could not go on, with Failed
	Failed  bool
}

func (v *HomeView) Idle() Idle {
	if v.Audio {
		return IdleAsk
	}
	return IdleNever
}
func (*HelpView) Idle() Idle          { return IdleAsk }
func (*TooSmallView) Idle() Idle      { return IdleNever }
func (*RecipientCodeView) Idle() Idle { return IdleAsk }
func (*StaffAlertsView) Idle() Idle   { return IdleStaff }
func (*ExitView) Idle() Idle          { return IdleNever }
func (*OutOfOrderView) Idle() Idle    { return IdleNever }
func (*CodeView) Idle() Idle          { return IdleAsk }
func (*ProblemView) Idle() Idle       { return IdleAsk }
func (*NotOpenedView) Idle() Idle     { return IdleAsk }
func (*LeftOpenView) Idle() Idle      { return IdleNever }
func (*AskOpenedView) Idle() Idle     { return IdleAsk }
func (*AskInDoorView) Idle() Idle     { return IdleAsk }
func (*GotItView) Idle() Idle         { return IdleAsk }
func (*ThanksView) Idle() Idle        { return IdleNever }
func (*CourierMenuView) Idle() Idle   { return IdleAsk }
func (*DropView) Idle() Idle          { return IdleAsk }
func (*PINView) Idle() Idle           { return IdleAsk }
func (*PINAgainView) Idle() Idle      { return IdleStaff }
func (*StaffDoorsView) Idle() Idle    { return IdleStaff }
func (*StaffRentsView) Idle() Idle    { return IdleStaff }
func (*StaffLogView) Idle() Idle      { return IdleStaff }
func (*StaffHardwareView) Idle() Idle { return IdleStaff }
func (*StaffSettingsView) Idle() Idle { return IdleStaff }
func (*StaffTokensView) Idle() Idle   { return IdleStaff }

// Idle: a person at an open door is never hurried; a door the locker
// cannot confirm asks, so the screen does not wait forever.
func (v *DoorView) Idle() Idle {
	if v.Unconfirmed {
		return IdleAsk
	}
	return IdleNever
}

// Idle: a technician at a door under test is never hurried.
func (v *DoorTestView) Idle() Idle {
	if v.Door != 0 && !v.Done && !v.Failed {
		return IdleNever
	}
	return IdleStaff
}

// Idle: a courier at an open door is never hurried.
func (v *BatchView) Idle() Idle {
	if v.Active() && !v.LookAgain {
		return IdleNever
	}
	return IdleAsk
}

func (*HomeView) isView()          {}
func (*HelpView) isView()          {}
func (*TooSmallView) isView()      {}
func (*RecipientCodeView) isView() {}
func (*StaffAlertsView) isView()   {}
func (*ExitView) isView()          {}
func (*OutOfOrderView) isView()    {}
func (*CodeView) isView()          {}
func (*ProblemView) isView()       {}
func (*DoorView) isView()          {}
func (*NotOpenedView) isView()     {}
func (*LeftOpenView) isView()      {}
func (*AskOpenedView) isView()     {}
func (*AskInDoorView) isView()     {}
func (*GotItView) isView()         {}
func (*ThanksView) isView()        {}
func (*CourierMenuView) isView()   {}
func (*DropView) isView()          {}
func (*BatchView) isView()         {}
func (*PINView) isView()           {}
func (*PINAgainView) isView()      {}
func (*StaffDoorsView) isView()    {}
func (*StaffRentsView) isView()    {}
func (*StaffLogView) isView()      {}
func (*StaffHardwareView) isView() {}
func (*StaffSettingsView) isView() {}
func (*StaffTokensView) isView()   {}
func (*DoorTestView) isView()      {}
