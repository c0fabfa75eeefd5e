package ui

import (
	"context"
	"image"
	"time"

	"pudo/app/core"
	"pudo/lockio"
	"pudo/scanner"
)

// Locker is what every kiosk needs from the locker's flows; *core.Locker
// satisfies it.
type Locker interface {
	StartPickup(ctx context.Context, input string) (*core.Pickup, error)
	Doors(ctx context.Context) ([]core.Door, error)
	OnDoor(fn func(core.DoorNotice))
}

// Flows are the locker's other flows. Each is optional: a kiosk without
// couriers or staff leaves them nil and their screens are not offered. The
// interfaces are the screens' view of package core; AppFlows adapts the real
// locker, tests pass fakes.
type Flows struct {
	Scans    Scans
	Couriers Couriers
	Returns  Returns
	Staff    StaffAuth
	// Aftercare is what a shopper may do after closing the door: open it
	// again within the grace period, or say something was wrong.
	Aftercare Aftercare
}

// Aftercare acts on a finished pickup.
type Aftercare interface {
	Reopen(ctx context.Context, p *core.Pickup) error
	Report(ctx context.Context, p *core.Pickup, problem string) error
}

// Payload is what a scanned or typed text turned out to be.
type Payload int

const (
	PayloadForeign      Payload = iota // a product barcode or noise: ignored, not counted
	PayloadPickupCode                  // a typed or printed pickup code
	PayloadPickupToken                 // a QR from the shopper's phone
	PayloadCourierToken                // a courier's signed QR
	PayloadReturnCode                  // a shopper's code to send or return a parcel
)

// Scans tells payloads apart and runs the scanned pickup; it also says
// whether code entry is paused after wrong codes.
type Scans interface {
	Classify(text string) Payload
	StartPickupScan(ctx context.Context, text string) (*core.Pickup, error)
	CodeEntryPaused(ctx context.Context) (until time.Time, paused bool)
}

// Couriers logs a courier in from their QR.
type Couriers interface {
	CourierLogin(ctx context.Context, token string) (Courier, error)
}

// Courier is one courier's session at the locker.
type Courier interface {
	Name() string
	DropBooked(ctx context.Context, parcelRef string) (DropOff, error)
	DropNew(ctx context.Context, size, parcelRef string, preferLow bool) (DropOff, error)
	Expired(ctx context.Context) ([]Parcel, error)
	TakeBack(ctx context.Context, rentID int64) (core.Door, error)
	Returns(ctx context.Context) ([]Parcel, error)
	CollectReturn(ctx context.Context, rentID int64) (core.Door, error)
}

// DropOff is one parcel going into one door, by a courier or a shopper.
type DropOff interface {
	Door() core.Door
	Larger(ctx context.Context) error // move to the next size up, and open it
	Retry(ctx context.Context) error  // the door did not open: try again, then another door
	Done(ctx context.Context) error   // the parcel is in and the door closed
	Code() string                     // the recipient's pickup code, "" when none is shown
	// Abandon gives up a drop-off left before its parcel went in: a
	// walk-in's rent is cancelled and its door freed, a booking or a return
	// stays reserved for a later attempt.
	Abandon(ctx context.Context) error
}

// Parcel is a parcel in a list a courier or staff member works through.
type Parcel struct {
	RentID int64
	Door   core.Door
	Ref    string
	Since  time.Time
	State  string // storage.RentState's text, for staff lists
}

// Returns starts a shopper's send or return.
type Returns interface {
	StartReturn(ctx context.Context, code string) (DropOff, error)
}

// StaffAuth logs staff in with their PIN.
type StaffAuth interface {
	StaffLogin(ctx context.Context, pin string) (Staff, error)
}

// Staff is what a logged-in staff member can do.
type Staff interface {
	Name() string
	OpenDoor(ctx context.Context, doorID int64, pin, reason string) error
	OpenAll(ctx context.Context, pin string) error
	SetOutOfService(ctx context.Context, doorID int64, on bool, reason string) error
	Rents(ctx context.Context, q RentQuery) ([]Parcel, error)
	Events(ctx context.Context, before int64, limit int) ([]LogEntry, error) // newest first; before 0: the latest
	DoorStates(ctx context.Context) ([]DoorState, error)
}

// RentQuery selects rents for the staff list; zero fields match all.
type RentQuery struct {
	State  string
	DoorID int64
	Limit  int
}

// LogEntry is one line of the audit log as staff read it.
type LogEntry struct {
	Seq    int64
	At     time.Time
	Actor  string
	Kind   string
	DoorID int64
	Detail string
}

// DoorState is one door for the staff grid.
type DoorState struct {
	Door   core.Door
	State  string // "free", "occupied", "open", "fault" or "out-of-service"
	Sensor lockio.Sensor
}

// LockBoard is the lock controller as the staff and failure screens see it;
// *lockio.Controller satisfies it.
type LockBoard interface {
	Health() lockio.Health
	Sensors() map[lockio.Door]lockio.Sensor
	Scan(ctx context.Context) ([]lockio.BoardFound, error)
	// Reconnect reopens the port now, e.g. after staff fixed a permission
	// problem the driver does not retry by itself.
	Reconnect()
}

// Scanners are the code readers; *scanner.Hub satisfies it.
type Scanners interface {
	Status() []scanner.Status
	LastFrame() image.Image
	Push(ctx context.Context, r scanner.Read) bool
}

// Sounds plays the kiosk's short sounds; Play must not block.
type Sounds interface {
	Play(name string, volume float64)
}

// The sounds the kiosk plays (names of assets.Sounds).
const (
	SoundScan     = "scan"      // a code was accepted
	SoundWrong    = "wrong"     // wrong code
	SoundOpen     = "open"      // a door opened
	SoundLeftOpen = "left-open" // a door was left open: the reminder
)
