package core

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

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
	// owner (the app flow). Off by default (product.md).
	RemoteOpen bool
	// ReopenGrace is how long after collecting a parcel the shopper may
	// open the same door again ("I left something inside"); default 1m,
	// never more than maxReopenGrace.
	ReopenGrace time.Duration
	// PINCost is the argon2id cost of staff PIN hashes; zero: DefaultPINCost.
	// Tests lower it; a hash keeps its own cost, so changing it later is safe.
	PINCost PINCost
	// OperatorKeys are the operator's public keys: courier tokens, staff
	// badges and app pickup tokens signed by any of them (and naming
	// KioskID) are let in. Several, so a key can be rotated. None: no
	// courier or badge can sign in.
	OperatorKeys []cred.PublicKey
	// Holds are the readers that deliver the event log elsewhere (the
	// fleet link, the webhooks): Prune keeps what they have not delivered,
	// past Retention, up to MaxUndelivered events.
	Holds []EventHold
	// MaxUndelivered bounds the undelivered events kept past Retention;
	// default DefaultMaxUndelivered.
	MaxUndelivered int64
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

	mu        sync.Mutex // protects following
	listeners []func(DoorNotice)
	// opening holds one token per door while the door is being opened
	// (see lockDoor).
	opening map[int64]chan struct{}
}

// New returns a Locker over an opened store and lock controller.
func New(db *storage.DB, locks Locks, secret []byte, opts Options, log *slog.Logger) *Locker {
	if opts.PickupWindow <= 0 {
		opts.PickupWindow = 72 * time.Hour
	}
	if opts.Retention <= 0 {
		opts.Retention = 90 * 24 * time.Hour
	}
	if opts.BookingHold <= 0 {
		opts.BookingHold = 7 * 24 * time.Hour
	}
	if opts.ReopenGrace <= 0 {
		opts.ReopenGrace = time.Minute
	}
	opts.ReopenGrace = min(opts.ReopenGrace, maxReopenGrace)
	if opts.PINCost == (PINCost{}) {
		opts.PINCost = DefaultPINCost
	}
	opts.OperatorKeys = slices.Clone(opts.OperatorKeys)
	opts.Holds = slices.Clone(opts.Holds)
	if opts.MaxUndelivered <= 0 {
		opts.MaxUndelivered = DefaultMaxUndelivered
	}
	return &Locker{db: db, locks: locks, secret: secret, tokenKey: tokenKey(secret), opts: opts, log: log,
		verifier: cred.Verifier{Keys: opts.OperatorKeys, Locker: opts.KioskID}}
}

// Options returns the rules this locker runs with.
func (l *Locker) Options() Options { return l.opts }

// DoorNotice tells listeners what a door did, in the store's terms.
type DoorNotice struct {
	Door Door
	Kind lockio.EventKind
	At   time.Time
}

// OnDoor registers fn to hear every door event. fn runs on the goroutine
// that delivers lock-board events and must not block.
func (l *Locker) OnDoor(fn func(DoorNotice)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.listeners = append(l.listeners, fn)
}

// HandleDoorEvent records a lock-board event in the audit log and tells the
// listeners. main pumps the controller's events into it.
func (l *Locker) HandleDoorEvent(ctx context.Context, ev lockio.Event) {
	var door storage.Door
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		d, err := tx.DoorByAddress(ev.Door.Board, ev.Door.Channel)
		if err != nil {
			return err
		}
		door = d
		_, err = tx.Append(storage.Event{Actor: "system", Kind: doorEventKind(ev.Kind), DoorID: d.ID})
		return err
	})
	if err != nil {
		l.log.Warn("door event not recorded", "door", ev.Door.String(), "event", ev.Kind.String(), "err", err)
		return
	}
	if ev.Kind == lockio.EventForcedOpen {
		l.log.Error("door opened without a command", "door", door.ID)
	} else {
		l.log.Info("door event", "door", door.ID, "event", ev.Kind.String())
	}
	l.mu.Lock()
	ls := append([]func(DoorNotice){}, l.listeners...)
	l.mu.Unlock()
	for _, fn := range ls {
		fn(DoorNotice{Door: door, Kind: ev.Kind, At: ev.At})
	}
}

// doorEventKind names a lock-board event in the audit log. A door opened
// without a command is an alert (product.md: it raises an alarm), so the
// back office's alert.* subscription hears it like a lockout.
func doorEventKind(k lockio.EventKind) string {
	if k == lockio.EventForcedOpen {
		return "alert.door.forced-open"
	}
	return "door." + k.String()
}

// Doors lists every door of the locker.
func (l *Locker) Doors(ctx context.Context) ([]storage.Door, error) {
	var out []storage.Door
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		out, err = tx.Doors()
		return err
	})
	return out, err
}

func address(d storage.Door) lockio.Door { return lockio.Door{Board: d.Board, Channel: d.Channel} }

// Door is a door of the locker as the flows and screens see it.
type Door = storage.Door
