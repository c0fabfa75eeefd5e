// Package apptest is a scriptable fake of the locker's engine (app.Engine)
// for the sessions' scenario tests and the screens' tests. It keeps doors,
// rents and openings in memory, counts every unlock it sends, and follows
// the contract's rules in their simplest form: an opening stays pending
// until the test says what the door did (unless the door's Board says
// otherwise), no second opening of a door starts while one is pending, a
// rent moves only when its door was seen open, and a did-not-open report
// is weighed against the sensor. It is not the engine: app/core is, and
// has its own tests against the real store and lock boards; the contract
// suite of app/enginetest runs against both, so the two cannot drift.
package apptest

import (
	"fmt"
	"image"
	"slices"
	"strings"
	"sync"
	"time"

	"pudo/app"
)

// Board is how a door's lock board and sensor answer an unlock.
type Board uint8

const (
	// Settles: the board acknowledges; the opening stays pending until
	// the test calls Open (the sensor saw it) or NotOpened.
	Settles Board = iota
	// Opens: the sensor sees the door open at once; the opening comes back
	// opened.
	Opens
	// Refuses: the board answers "lock failed"; the opening comes back
	// not opened, with a *DidNotOpenError.
	Refuses
	// Silent: no reply and the sensor cannot be read; the opening stays
	// pending and not confirmable.
	Silent
)

// Engine is the fake engine. Its methods are safe for concurrent use.
type Engine struct {
	mu  sync.Mutex
	now func() time.Time

	doors    []app.Door
	board    map[int64]Board
	Default  Board // for doors without their own
	avail    app.Availability
	paused   time.Time
	wrong    int // wrong codes in a row
	LockAt   int // wrong codes that pause code entry; 0: never
	PauseFor time.Duration
	grace    time.Duration

	rents    map[int64]*app.Rent
	nextRent int64
	codes    map[string][]int64 // canonical pickup code: rents
	labels   map[string]int64   // booked parcel label: rent
	returns  map[string]int64   // return code: rent
	couriers map[string]string  // token: courier id
	pins     map[string]string  // PIN: staff name
	walkIns  int
	// padPaused pauses the shared PIN pad until then; badges (see
	// badge.go) are never held up by it.
	padPaused time.Time
	tokens    []app.Token

	openings []*opening
	unlocks  map[int64]int
	calls    []string
	queue    []app.Notice
	subs     []chan app.Notice
	events   []app.Event
	acked    int64 // the newest event staff acknowledged

	// Guess are the guessing limits reached, listed first among the open
	// alerts until staff acknowledge them.
	Guess []app.GuessLimit

	// PickupErr, when set, is what every pickup by code fails with;
	// DoneErr what every drop-off's Done fails with.
	PickupErr, DoneErr error

	// What the staff hardware screen reads.
	Hw        app.Hardware
	Frame     image.Image
	Found     []app.BoardFound
	Report    app.SelfTestReport
	Reconnect int
	test      *doorTest
}

// opening is an opening with what it does when its door is seen open.
type opening struct {
	app.Opening
	retried  bool // the one retry after a settled failure was made
	checked  bool // staff checked its door since: it no longer counts
	onOpened func()
}

// New returns an engine over the demo locker's 24 doors (see DemoDoors),
// every door closed, with its clock from now.
func New(now func() time.Time) *Engine {
	return &Engine{now: now, doors: DemoDoors(), board: map[int64]Board{}, grace: time.Minute,
		PauseFor: 90 * time.Second, rents: map[int64]*app.Rent{}, codes: map[string][]int64{},
		labels: map[string]int64{}, returns: map[string]int64{}, couriers: map[string]string{},
		pins: map[string]string{}, unlocks: map[int64]int{}}
}

// DemoDoors is the demo locker's layout (app.DemoColumns), every door
// closed.
func DemoDoors() []app.Door {
	doors, err := app.Layout(app.DemoColumns(), 2)
	if err != nil {
		panic(err) // the demo's layout is valid; app's tests hold it
	}
	for i := range doors {
		doors[i].Sensor = app.SensorClosed
	}
	return doors
}

// --- scripting ---

// SetBoard says how door id answers its next unlocks.
func (e *Engine) SetBoard(id int64, b Board) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.board[id] = b
}

// Stock stores one parcel per door under one pickup code and returns the
// rents' ids.
func (e *Engine) Stock(code string, doors ...int64) []int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ids []int64
	for _, d := range doors {
		r := e.newRent(d, app.RentStored, app.KindDelivery)
		e.codes[canonical(code)] = append(e.codes[canonical(code)], r.ID)
		ids = append(ids, r.ID)
	}
	return ids
}

// Book reserves door for a parcel with label, as the back office does.
func (e *Engine) Book(label string, door int64) int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.newRent(door, app.RentReserved, app.KindDelivery)
	r.Booked, r.ParcelRef = true, label
	e.labels[label] = r.ID
	return r.ID
}

// BookReturn reserves door for a shopper's return under code.
func (e *Engine) BookReturn(code string, door int64) int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.newRent(door, app.RentReserved, app.KindReturn)
	r.Booked = true
	e.returns[canonical(code)] = r.ID
	return r.ID
}

// Expire moves a stored parcel to expired, as the pickup window passing does.
func (e *Engine) Expire(rent int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rents[rent].State = app.RentExpired
}

// SetRef gives rent id a parcel label.
func (e *Engine) SetRef(id int64, ref string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rents[id].ParcelRef = ref
}

// StoreReturn stores the return booked under code, as if the shopper had
// dropped it off.
func (e *Engine) StoreReturn(code string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rents[e.returns[canonical(code)]].State = app.RentStored
}

// AddCourier lets token sign courier id in.
func (e *Engine) AddCourier(token, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.couriers[token] = id
}

// AddStaff lets pin sign staff member name in.
func (e *Engine) AddStaff(pin, name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pins[pin] = name
}

// PauseCodes pauses code entry until t.
func (e *Engine) PauseCodes(t time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.paused = t
}

// SetGrace is the reopen grace.
func (e *Engine) SetGrace(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.grace = d
}

// SetDoor changes door id as the test needs it (a fault, a sensor state).
func (e *Engine) SetDoor(id int64, f func(*app.Door)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f(e.door(id))
}

// Open is the sensor seeing door id open: its pending opening settles as
// opened (the rent moves), or, with none pending, the door was forced.
func (e *Engine) Open(id int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.door(id)
	d.Sensor = app.SensorOpen
	if o := e.pending(id); o != nil {
		e.notify(app.Notice{Kind: app.NoticeOpened, Door: *d})
		e.settle(o, app.OutcomeOpened, app.CauseSeenOpen)
		return
	}
	e.notify(app.Notice{Kind: app.NoticeForcedOpen, Door: *d})
}

// NotOpened is the did-not-open time passing with door id read closed:
// its pending opening settles as not opened and the door is kept for staff.
func (e *Engine) NotOpened(id int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if o := e.pending(id); o != nil {
		e.settle(o, app.OutcomeNotOpened, app.CauseNotSeenOpen)
	}
}

// Unseen is the did-not-open time passing with door id read closed after
// a gap in its readings: its pending opening settles as unknown (nobody
// can tell whether it opened) and the door is kept to check.
func (e *Engine) Unseen(id int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if o := e.pending(id); o != nil {
		e.settle(o, app.OutcomeUnknown, app.CauseUnseen)
	}
}

// Close is the sensor seeing door id closed.
func (e *Engine) Close(id int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.door(id)
	d.Sensor = app.SensorClosed
	e.notify(app.Notice{Kind: app.NoticeClosed, Door: *d})
	if t := e.test; t != nil {
		t.closed(id)
	}
}

// LeftOpen is door id open longer than the limit.
func (e *Engine) LeftOpen(id int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.notify(app.Notice{Kind: app.NoticeLeftOpen, Door: *e.door(id)})
}

// SensorLost is door id's sensor no longer read (its board fell silent).
func (e *Engine) SensorLost(id int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.door(id)
	d.Sensor = app.SensorUnknown
	e.notify(app.Notice{Kind: app.NoticeSensorUnknown, Door: *d})
}

// SensorBack is door id's sensor read again, as s.
func (e *Engine) SensorBack(id int64, s app.Sensor) {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.door(id)
	d.Sensor = s
	e.notify(app.Notice{Kind: app.NoticeSensorKnown, Door: *d})
}

// SetOutOfOrder puts the whole locker out of order (the bus is down) or
// back, with the notice the engine sends.
func (e *Engine) SetOutOfOrder(out bool, reason string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.avail = app.Availability{OutOfOrder: out, Reason: reason, Since: e.now()}
	for i := range e.doors {
		e.doors[i].OutOfOrder = out
	}
	a := e.avail
	e.notify(app.Notice{Kind: app.NoticeAvailability, Availability: &a})
}

// Drain returns the notices sent since the last Drain.
func (e *Engine) Drain() []app.Notice {
	e.mu.Lock()
	defer e.mu.Unlock()
	q := e.queue
	e.queue = nil
	return q
}

// Unlocks is how many unlock commands went to door id.
func (e *Engine) Unlocks(id int64) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.unlocks[id]
}

// Rent is rent id as it stands.
func (e *Engine) Rent(id int64) app.Rent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return *e.rents[id]
}

// RentIn is the active rent of door id, if any.
func (e *Engine) RentIn(id int64) (app.Rent, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.active(id)
	if r == nil {
		return app.Rent{}, false
	}
	return *r, true
}

// Door is door id as it stands.
func (e *Engine) Door(id int64) app.Door {
	e.mu.Lock()
	defer e.mu.Unlock()
	return *e.door(id)
}

// Calls lists the sessions' calls that change something, in order.
func (e *Engine) Calls() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.calls)
}

// --- internals; e.mu held ---

func (e *Engine) call(format string, args ...any) {
	e.calls = append(e.calls, fmt.Sprintf(format, args...))
}

func (e *Engine) door(id int64) *app.Door {
	for i := range e.doors {
		if e.doors[i].ID == id {
			return &e.doors[i]
		}
	}
	panic(fmt.Sprintf("apptest: no door %d", id))
}

func (e *Engine) newRent(door int64, s app.RentState, k app.RentKind) *app.Rent {
	e.nextRent++
	r := &app.Rent{ID: e.nextRent, DoorID: door, State: s, Kind: k, CreatedAt: e.now()}
	if s == app.RentStored {
		r.StoredAt = r.CreatedAt
	}
	e.rents[r.ID] = r
	e.door(door).Occupied = true
	return r
}

func (e *Engine) active(door int64) *app.Rent {
	for _, r := range e.rents {
		if r.DoorID == door && r.State.Active() {
			return r
		}
	}
	return nil
}

func (e *Engine) move(r *app.Rent, to app.RentState) {
	r.State = to
	if !to.Active() {
		r.EndedAt = e.now()
		e.door(r.DoorID).Occupied = e.active(r.DoorID) != nil
	}
	rc := *r
	e.notify(app.Notice{Kind: app.NoticeRent, Rent: &rc, Door: *e.door(r.DoorID)})
}

func (e *Engine) notify(n app.Notice) {
	n.At = e.now()
	e.queue = append(e.queue, n)
	for _, c := range e.subs {
		select {
		case c <- n:
		default: // a subscriber far behind loses notices, as with the engine
		}
	}
}

func (e *Engine) pending(door int64) *opening {
	for _, o := range e.openings {
		if o.DoorID == door && o.Pending() {
			return o
		}
	}
	return nil
}

func (e *Engine) openingByID(id int64) *opening {
	for _, o := range e.openings {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// open is the one mechanism every opening goes through.
func (e *Engine) open(door, rent int64, p app.Purpose, onOpened func()) (*opening, error) {
	d := e.door(door)
	switch {
	case e.avail.DoorDown(door) || d.OutOfOrder:
		return nil, &app.OutOfOrderError{Door: 0, Reason: e.avail.Reason}
	case e.pending(door) != nil:
		return nil, &app.BeingOpenedError{Door: door, Opening: e.pending(door).ID}
	case d.OutOfService && p != app.PurposeStaff:
		return nil, &app.OutOfServiceError{Door: door}
	}
	if err := e.retryLeft(door, rent, p); err != nil {
		return nil, err
	}
	e.unlocks[door]++
	o := &opening{Opening: app.Opening{ID: int64(len(e.openings) + 1), DoorID: door, RentID: rent, Purpose: p,
		Confirmable: true, Started: e.now(), Cause: app.CauseAwaitingSensor}, onOpened: onOpened}
	e.openings = append(e.openings, o)
	d.Unsettled = o.ID
	switch e.boardOf(door) {
	case Opens:
		d.Sensor = app.SensorOpen
		e.settle(o, app.OutcomeOpened, app.CauseSeenOpen)
	case Refuses:
		e.settle(o, app.OutcomeNotOpened, app.CauseRefused)
		return o, &app.DidNotOpenError{Opening: o.Opening}
	case Silent:
		o.Confirmable, o.Cause = false, app.CauseNoReply
	}
	return o, nil
}

// retryLeft refuses an unlock of rent for purpose p once the rent used its
// one retry (two openings that did not open since staff last checked), or
// while one of its openings nobody could tell waits for an answer.
func (e *Engine) retryLeft(door, rent int64, p app.Purpose) error {
	if rent == 0 || p == app.PurposeReopen || p == app.PurposeStaff || p == app.PurposeDoorTest {
		return nil
	}
	failed := 0
	for _, o := range e.openings {
		if o.RentID != rent || o.Purpose != p || o.checked {
			continue
		}
		switch o.Outcome {
		case app.OutcomeUnknown:
			return &app.ForStaffError{Door: o.DoorID, Why: "nobody answered whether it opened"}
		case app.OutcomeNotOpened:
			failed++
		}
	}
	if failed >= 2 {
		return &app.ForStaffError{Door: door, Why: "its door did not open twice"}
	}
	return nil
}

// unanswered is rent's opening for p that nobody could tell and nobody
// answered, if any.
func (e *Engine) unanswered(rent int64, p app.Purpose) *opening {
	for _, o := range e.openings {
		if o.RentID == rent && o.Purpose == p && !o.checked && o.Outcome == app.OutcomeUnknown {
			return o
		}
	}
	return nil
}

func (e *Engine) boardOf(door int64) Board {
	if b, ok := e.board[door]; ok {
		return b
	}
	return e.Default
}

func (e *Engine) settle(o *opening, out app.Outcome, c app.Cause) {
	o.Outcome, o.Cause, o.Settled, o.Confirmable = out, c, e.now(), true
	d := e.door(o.DoorID)
	d.Unsettled = 0
	if out == app.OutcomeOpened {
		d.Fault = ""
		if o.onOpened != nil {
			o.onOpened()
		}
	} else if out == app.OutcomeUnknown {
		d.Fault = "to check"
	} else {
		d.Fault = "did not open"
	}
	if t := e.test; t != nil {
		t.settled(o)
	}
	op := o.Opening
	e.notify(app.Notice{Kind: app.NoticeSettled, Opening: &op, Door: *d})
}

// verdict weighs a did-not-open report on o against the sensor. retry
// is the parcel's one retry, through the same mechanism as every opening:
// a pickup's at the same door, a drop-off's at another free door of its
// size (VerdictOtherDoor), as the engine's.
func (e *Engine) verdict(o *opening, retry func() (*opening, error), kind app.VerdictKind) app.Verdict {
	d := e.door(o.DoorID)
	e.events = append(e.events, app.Event{Kind: app.EvOpenReported, DoorID: d.ID, At: e.now()})
	switch {
	case d.Sensor == app.SensorOpen:
		if o.Pending() {
			e.settle(o, app.OutcomeOpened, app.CauseSeenOpen)
		}
		return app.Verdict{Kind: app.VerdictLookAgain, Door: *d, Opening: o.Opening}
	case o.Pending():
		return app.Verdict{Kind: app.VerdictWait, Door: *d, Opening: o.Opening}
	case o.Outcome == app.OutcomeNotOpened && !o.retried:
		o.retried = true
		n, _ := retry()
		if n == nil {
			return app.Verdict{Kind: app.VerdictSupport, Door: *d, Opening: o.Opening}
		}
		n.retried = true
		return app.Verdict{Kind: kind, Door: *e.door(n.DoorID), Opening: n.Opening}
	}
	return app.Verdict{Kind: app.VerdictSupport, Door: *d, Opening: o.Opening}
}

// freeDoor is the smallest assignable door of at least size, not except.
func (e *Engine) freeDoor(size app.Size, low bool, except int64) (*app.Door, error) {
	var best *app.Door
	for i := range e.doors {
		d := &e.doors[i]
		if d.ID == except || d.Size.Rank() < size.Rank() || !d.Assignable() || e.active(d.ID) != nil {
			continue
		}
		better := best == nil || d.Size.Rank() < best.Size.Rank() ||
			(d.Size.Rank() == best.Size.Rank() && low && d.Low && !best.Low)
		if better {
			best = d
		}
	}
	if best == nil {
		return nil, fmt.Errorf("%w: %s", app.ErrNoFreeDoor, size)
	}
	return best, nil
}

// canonical is a code as typed or scanned, the way the locker reads it.
func canonical(s string) string {
	s = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(s)))
	return strings.NewReplacer("I", "1", "L", "1", "O", "0").Replace(s)
}
