package app

// Intent is what a person asked for on the screen: a tap, or a key that
// means the same. The screens send intents to the Front and draw the View
// that comes back; which intents a view takes is said at each below, and
// any other is ignored (the view stays).
type Intent interface{ isIntent() }

// Intents between sessions (HomeView, CodeView, ProblemView, PINView).
type (
	Collect      struct{}              // HomeView: "Collect a parcel"
	SendReturn   struct{}              // HomeView: "Send or return"
	EnterCode    struct{ Code string } // CodeView: the keypad's OK
	StaffGesture struct{}              // the hidden gesture on the logo
	EnterPIN     struct{ PIN string }  // PINView and PINAgainView
	ShowHelp     struct{}              // HomeView: how it works, where the scanner is
)

// Intents any view takes.
type (
	// Back is the screen's way back: home for a shopper, the menu for a
	// courier, the door grid for staff.
	Back struct{}
	// Escape is the keyboard's Escape: a shopper leaves for home;
	// couriers and staff leave by their own buttons.
	Escape struct{}
)

// Intents at a door (DoorView, NotOpenedView, BatchView).
type (
	// DidNotOpen is the person's report "the door did not open". The
	// session passes it to the engine, which weighs it against the sensor,
	// and shows the verdict.
	DidNotOpen struct{}
	// Larger is a courier's or shopper's "door too small" on a drop-off.
	Larger struct{}
	// AnotherDoor (TooSmallView): the parcel goes to another free door of
	// the same size, which opens.
	AnotherDoor struct{}
	// Withdraw (TooSmallView): the parcel fits no door; the courier takes
	// it back, and it is not stored.
	Withdraw struct{}
	// CodeNoted (RecipientCodeView): the courier noted the recipient's code.
	CodeNoted struct{}
)

// Intents after a pickup (GotItView, ThanksView).
type (
	GotIt  struct{}               // "Yes, thank you"
	Reopen struct{}               // open the door again, within the grace
	Report struct{ What Problem } // the door was empty, or held a wrong parcel
)

// Answer is a person's yes or no to a question the locker asks because
// no sensor could tell (AskOpenedView, AskInDoorView).
type Answer struct{ Yes bool }

// A courier's intents (CourierMenuView, DropView, BatchView).
type (
	StartDrop       struct{}                 // CourierMenuView: drop off parcels
	StartBatch      struct{ Kind BatchKind } // CourierMenuView: take back expired, collect returns
	ChooseSize      struct{ Size Size }      // DropView: a parcel without a booking
	TogglePreferLow struct{}                 // DropView: low doors first
	OpenNext        struct{}                 // BatchView: open the next door
	Logout          struct{}                 // CourierMenuView and the staff screens
)

// Staff intents (the staff views).
type (
	ShowSection     struct{ Section Section }
	OpenDoor        struct{ Door int64 } // asks the PIN again first
	OpenAll         struct{}             // asks the PIN again first
	SetOutOfService struct {
		Door int64
		On   bool
	}
	// ClearDoor: staff looked inside a door kept for them and clear it.
	ClearDoor   struct{ Door int64 }
	FilterRents struct{ Query RentQuery }
	LogPage     struct{ Before int64 }
	ScanBus     struct{}
	Reconnect   struct{}
	RunSelfTest struct{}
	// TestEmptyDoors asks the PIN again, then opens every empty door in
	// turn (DoorTestView).
	TestEmptyDoors struct{}
	StopDoorTest   struct{}
	// ExitKiosk asks the PIN again, then leaves the kiosk for the desktop.
	ExitKiosk struct{}
	// AckAlerts (StaffAlertsView): staff saw the open alerts; they leave
	// the list, and the guessing limits' pauses are lifted.
	AckAlerts struct{}
	// RevokeToken (StaffTokensView) asks the PIN again, then refuses the
	// token at this locker from that moment.
	RevokeToken struct{ Ref string }
)

// StartAudio is the screen's report of a long press anywhere on it: the
// person asks for audio mode. The tactile keypad's repeat key does the same
// (Front.Press).
type StartAudio struct{}

func (Collect) isIntent()         {}
func (StartAudio) isIntent()      {}
func (SendReturn) isIntent()      {}
func (EnterCode) isIntent()       {}
func (StaffGesture) isIntent()    {}
func (EnterPIN) isIntent()        {}
func (Back) isIntent()            {}
func (Escape) isIntent()          {}
func (DidNotOpen) isIntent()      {}
func (Larger) isIntent()          {}
func (GotIt) isIntent()           {}
func (Reopen) isIntent()          {}
func (Report) isIntent()          {}
func (Answer) isIntent()          {}
func (StartDrop) isIntent()       {}
func (StartBatch) isIntent()      {}
func (ChooseSize) isIntent()      {}
func (TogglePreferLow) isIntent() {}
func (OpenNext) isIntent()        {}
func (Logout) isIntent()          {}
func (ShowSection) isIntent()     {}
func (OpenDoor) isIntent()        {}
func (OpenAll) isIntent()         {}
func (SetOutOfService) isIntent() {}
func (ClearDoor) isIntent()       {}
func (FilterRents) isIntent()     {}
func (LogPage) isIntent()         {}
func (ScanBus) isIntent()         {}
func (Reconnect) isIntent()       {}
func (RunSelfTest) isIntent()     {}
func (TestEmptyDoors) isIntent()  {}
func (StopDoorTest) isIntent()    {}
func (ShowHelp) isIntent()        {}
func (AnotherDoor) isIntent()     {}
func (Withdraw) isIntent()        {}
func (CodeNoted) isIntent()       {}
func (ExitKiosk) isIntent()       {}
func (AckAlerts) isIntent()       {}
func (RevokeToken) isIntent()     {}
