package core

import (
	"context"
	"image"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"pudo/app"
	"pudo/app/carrier"
	"pudo/app/cred"
	"pudo/lockio"
	"pudo/storage"
)

// Locks is what the flows need from the lock boards; *lockio.Controller
// satisfies it.
type Locks interface {
	Unlock(ctx context.Context, d lockio.Door) error
	Sensor(d lockio.Door) lockio.Sensor
}

// Bus is the rest of the lock controller, for availability and the staff
// hardware screen. When Locks has these methods too (*lockio.Controller
// does), the engine uses them; without them the bus counts as up.
type Bus interface {
	Health() lockio.Health
	Scan(ctx context.Context) ([]lockio.BoardFound, error)
	Reconnect()
}

// Readers is what the engine needs from the code readers: their health,
// for the hardware screen and the self-test, and the camera's newest
// picture for the staff preview. main adapts the scanner hub.
type Readers interface {
	Status() []app.ReaderStatus
	LastFrame() image.Image
}

// SetReaders tells the engine about the code readers; nil: none.
func (l *Locker) SetReaders(r Readers) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.readers = r
}

// Options are the rules a locker operator sets. Zero fields take the
// defaults; staff settings (see SetSetting) win over them.
type Options struct {
	KioskID      string        // printed on support references
	PickupWindow time.Duration // a stored parcel expires after this; default 72h
	// Retention is how long ended rents and events are kept; default 90 days.
	Retention time.Duration
	// BookingHold is how long a booked door waits for its parcel when the
	// booking names no deadline; default 7 days.
	BookingHold time.Duration
	// RemoteOpen lets the back office open a stored parcel's door for its
	// owner (the app flow). Off by default (app/RULES.md).
	RemoteOpen bool
	// ReopenGrace is how long after collecting a parcel the shopper may
	// open the same door again ("I left something inside"); default
	// app.DefaultReopenGrace, never more than app.MaxReopenGrace. The
	// screen offers Reopen until Pickup.ReopenUntil, which is this.
	ReopenGrace time.Duration
	// DidNotOpen is how long a door whose opening the board acknowledged
	// (or whose reply was lost) may read closed before the opening is
	// settled as not opened; default 5s (lock.did_not_open_after).
	DidNotOpen time.Duration
	// FlapLimit is how many sensor changes a minute flag a door as
	// flapping; default 10.
	FlapLimit int
	// PINCost is the argon2id cost of staff PIN hashes; zero: DefaultPINCost.
	// Tests lower it; a hash keeps its own cost, so changing it later is safe.
	PINCost PINCost
	// CodeCost is the argon2id cost of the typed codes' check; zero:
	// DefaultCodeCost. Tests lower it. Unlike a PIN's, a code's hash
	// carries no cost of its own (the store finds rents by it): a locker
	// keeps one cost for the life of its database.
	CodeCost CodeCost
	// TokenSkew is how far ahead of the locker's clock a token may have
	// been issued, and how far the clock may step back before tokens are
	// refused; default DefaultTokenSkew.
	TokenSkew time.Duration
	// BadgeRequired refuses a staff PIN typed alone (LoginStaff): only a
	// badge with its holder's PIN signs staff in ([staff] pin_alone =
	// false).
	BadgeRequired bool
	// OperatorKeys are the operator's public keys: courier tokens, staff
	// badges and app pickup tokens signed by any of them (and naming
	// KioskID) are let in. Several, so a key can be rotated. None: no
	// courier or badge can sign in.
	OperatorKeys []cred.PublicKey
	// SiteKey is the public half of operator.signing_key, this locker's
	// own key for POST /v1/tokens (zero: none). A token it signed counts
	// only if this locker issued it (siteKeyRule): the private half lies on
	// the same SD card as the store.
	SiteKey cred.PublicKey
	// Holds are the readers that deliver the event log elsewhere (the
	// fleet link, the webhooks): Prune keeps what they have not delivered,
	// past Retention, up to MaxUndelivered events.
	Holds []EventHold
	// MaxUndelivered bounds the undelivered events kept past Retention;
	// default DefaultMaxUndelivered.
	MaxUndelivered int64
	// CarrierKeys are the carriers' seal keys, by the carrier id their
	// couriers' tokens name: a walk-in's pickup code goes to the carrier's
	// back office sealed with its key, in the event that stores the rent.
	// A carrier without one gets no code (the event says so); its courier
	// has it from the screen only.
	CarrierKeys map[string]carrier.PublicKey
}

// Locker applies the locker's rules to its store and its lock boards. It is
// safe for concurrent use by the screen, the API and the device pumps.
type Locker struct {
	db       *storage.DB
	locks    Locks
	secret   []byte
	tokenKey []byte
	verifier cred.Verifier
	opts     Options
	log      *slog.Logger

	notes notifier
	reg   registry
	flaps flapWatch
	clock clockWatch

	mu sync.Mutex // protects following
	// starting holds one token per door while an opening of it is being
	// started (see lockDoor).
	starting map[int64]chan struct{}
	readers  Readers
	avail    app.Availability // as last told
	doors    []storage.Door   // the layout, read once
	presence Presence
	lastTest *app.SelfTestReport
}

// New returns a Locker over an opened store and lock controller.
func New(db *storage.DB, locks Locks, secret []byte, opts Options, log *slog.Logger) *Locker {
	if opts.PickupWindow <= 0 {
		opts.PickupWindow = app.DefaultPickupWindow
	}
	if opts.Retention <= 0 {
		opts.Retention = app.DefaultRetention
	}
	if opts.BookingHold <= 0 {
		opts.BookingHold = app.DefaultBookingHold
	}
	if opts.ReopenGrace <= 0 {
		opts.ReopenGrace = app.DefaultReopenGrace
	}
	// app/config refuses more; a caller that did not validate gets the cap.
	opts.ReopenGrace = min(opts.ReopenGrace, app.MaxReopenGrace)
	if opts.DidNotOpen <= 0 {
		opts.DidNotOpen = app.DefaultDidNotOpen
	}
	if opts.FlapLimit <= 0 {
		opts.FlapLimit = app.DefaultFlapLimit
	}
	if opts.PINCost == (PINCost{}) {
		opts.PINCost = DefaultPINCost
	}
	if opts.TokenSkew <= 0 {
		opts.TokenSkew = DefaultTokenSkew
	}
	if opts.CodeCost == (CodeCost{}) {
		opts.CodeCost = DefaultCodeCost
	}
	opts.OperatorKeys = slices.Clone(opts.OperatorKeys)
	opts.Holds = slices.Clone(opts.Holds)
	opts.CarrierKeys = maps.Clone(opts.CarrierKeys)
	if opts.MaxUndelivered <= 0 {
		opts.MaxUndelivered = DefaultMaxUndelivered
	}
	return &Locker{db: db, locks: locks, secret: secret, tokenKey: tokenKey(secret), opts: opts, log: log,
		verifier: cred.Verifier{Keys: opts.OperatorKeys, Locker: opts.KioskID}}
}

// allDoors lists every door of the locker as the store keeps it.
func (l *Locker) allDoors(ctx context.Context) ([]storage.Door, error) {
	var out []storage.Door
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		out, err = tx.Doors()
		return err
	})
	return out, err
}

func address(d storage.Door) lockio.Door { return lockio.Door{Board: d.Board, Channel: d.Channel} }
