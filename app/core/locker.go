package core

import (
	"context"
	"image"
	"log/slog"
	"sync"
	"time"

	"pudo/app"
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
	// owner (the app flow). Off by default (product.md).
	RemoteOpen bool
	// ReopenGrace is how long after collecting a parcel the shopper may
	// open the same door again ("I left something inside"); default 1m,
	// never more than maxReopenGrace.
	ReopenGrace time.Duration
	// PINCost is the argon2id cost of staff PIN hashes; zero: DefaultPINCost.
	// Tests lower it; a hash keeps its own cost, so changing it later is safe.
	PINCost PINCost
}

// Locker applies the locker's rules to its store and its lock boards. It is
// safe for concurrent use by the screen, the API and the device pumps.
type Locker struct {
	db       *storage.DB
	locks    Locks
	secret   []byte
	tokenKey []byte
	opts     Options
	log      *slog.Logger

	notes notifier

	mu        sync.Mutex // protects following
	listeners []func(DoorNotice)
	// opening holds one token per door while the door is being opened
	// (see lockDoor).
	opening map[int64]chan struct{}
	// inflight maps a door to the opening of it in flight.
	inflight map[int64]int64
	readers  Readers
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
	return &Locker{db: db, locks: locks, secret: secret, tokenKey: tokenKey(secret), opts: opts, log: log}
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
	if k, ok := noticeOf[ev.Kind]; ok {
		occupied := false
		if err := l.db.View(ctx, func(tx *storage.Tx) error {
			_, err := tx.ActiveRent(door.ID)
			occupied = err == nil
			return nil
		}); err != nil {
			l.log.Warn("door state not read for a notice", "door", door.ID, "err", err)
		}
		l.publish(app.Notice{Kind: k, At: ev.At, Door: l.appDoor(door, occupied, l.Availability())})
	}
}

// noticeOf is the notice each lock-board event gives the sessions.
var noticeOf = map[lockio.EventKind]app.NoticeKind{
	lockio.EventOpened: app.NoticeOpened, lockio.EventClosed: app.NoticeClosed, lockio.EventLeftOpen: app.NoticeLeftOpen,
	lockio.EventForcedOpen: app.NoticeForcedOpen, lockio.EventSensorUnknown: app.NoticeSensorUnknown,
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
