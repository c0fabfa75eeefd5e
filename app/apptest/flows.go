package apptest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"pudo/app"
)

var _ app.Engine = (*Engine)(nil)

// TokenPrefix makes a scanned text a pickup QR token of the fake: the
// token "QR:" + code opens what code opens. CourierPrefix starts every
// courier token; only those AddCourier made known sign a courier in.
const (
	TokenPrefix   = "QR:"
	CourierPrefix = "PUDO-C1:"
)

// DoorMap lists every door.
func (e *Engine) DoorMap(context.Context) ([]app.Door, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]app.Door(nil), e.doors...), nil
}

// Availability is whether doors can open now.
func (e *Engine) Availability() app.Availability {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.avail
}

// Subscribe delivers the notices sent from now on until ctx ends.
func (e *Engine) Subscribe(ctx context.Context) <-chan app.Notice {
	c := make(chan app.Notice, 256)
	e.mu.Lock()
	e.subs = append(e.subs, c)
	e.mu.Unlock()
	context.AfterFunc(ctx, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		for i, s := range e.subs {
			if s == c {
				e.subs = append(e.subs[:i], e.subs[i+1:]...)
				close(c)
				return
			}
		}
	})
	return c
}

// Recognize tells the fake's payloads apart: courier tokens, return codes
// it knows, pickup tokens (TokenPrefix), anything shaped like a
// pickup code; all digits is a product barcode.
func (e *Engine) Recognize(text string) app.ScanKind {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := strings.TrimSpace(text)
	switch {
	case strings.HasPrefix(t, CourierPrefix):
		return app.ScanCourierToken
	case strings.HasPrefix(t, BadgePrefix):
		return app.ScanStaffBadge
	case strings.HasPrefix(t, TokenPrefix):
		return app.ScanPickupToken
	case e.returns[canonical(t)] != 0:
		return app.ScanReturnCode
	case strings.Trim(t, "0123456789") == "":
		return app.ScanForeign
	case len(canonical(t)) == 8:
		return app.ScanPickupCode
	}
	return app.ScanForeign
}

// CodeEntryPaused says whether typed codes are paused.
func (e *Engine) CodeEntryPaused(context.Context) (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.paused, e.now().Before(e.paused)
}

// PickupByCode starts the pickup of every parcel stored under code.
func (e *Engine) PickupByCode(_ context.Context, code string) (app.Pickup, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.call("pickup %s", canonical(code))
	if e.PickupErr != nil {
		return nil, e.PickupErr
	}
	c, err := app.NormalizeCode(code)
	if err != nil {
		return nil, err // a malformed entry can open nothing: not counted
	}
	return e.pickup(c)
}

// PickupByScan is PickupByCode for a scanned code or pickup token.
func (e *Engine) PickupByScan(_ context.Context, text string) (app.Pickup, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := strings.TrimPrefix(strings.TrimSpace(text), TokenPrefix)
	e.call("pickup scan %s", canonical(t))
	return e.pickup(canonical(t))
}

func (e *Engine) pickup(code string) (app.Pickup, error) {
	if e.now().Before(e.paused) {
		return nil, &app.LockedOutError{Until: e.paused}
	}
	var stored []*app.Rent
	var expired, collected bool
	for _, id := range e.codes[code] {
		switch r := e.rents[id]; r.State {
		case app.RentStored:
			stored = append(stored, r)
		case app.RentExpired:
			expired = true
		case app.RentCollected:
			collected = true
		}
	}
	switch {
	case len(stored) > 0:
	case expired:
		return nil, app.ErrExpired
	case collected:
		return nil, app.ErrAlreadyCollected
	default:
		e.wrong++
		if e.LockAt > 0 && e.wrong >= e.LockAt {
			e.paused, e.wrong = e.now().Add(e.PauseFor), 0
		}
		return nil, app.ErrWrongCode
	}
	e.wrong = 0
	p := &pickup{e: e, pending: stored}
	return p.start()
}

// pickup is one shopper's collection under one code.
type pickup struct {
	e       *Engine
	pending []*app.Rent
	cur     *opening
	last    *app.Rent // collected last
	reopens int
}

var _ app.Pickup = (*pickup)(nil)

// start opens the first door; on an error that is not "did not open" no
// pickup is handed out.
func (p *pickup) start() (app.Pickup, error) {
	err := p.next()
	if err != nil && p.cur == nil {
		return nil, err
	}
	return p, err
}

func (p *pickup) next() error {
	if len(p.pending) == 0 {
		return app.ErrAlreadyCollected
	}
	r := p.pending[0]
	if o := p.e.unanswered(r.ID, app.PurposePickup); o != nil {
		// Left to check: the same question comes before any new unlock.
		p.pending, p.cur, p.reopens = p.pending[1:], o, 0
		return nil
	}
	o, err := p.e.open(r.DoorID, r.ID, app.PurposePickup, func() {
		p.e.move(r, app.RentCollected)
		p.last = r
	})
	if o == nil {
		return err
	}
	p.pending, p.cur, p.reopens = p.pending[1:], o, 0
	return err
}

func (p *pickup) Opening() app.Opening {
	p.e.mu.Lock()
	defer p.e.mu.Unlock()
	return p.cur.Opening
}

func (p *pickup) Remaining() int {
	p.e.mu.Lock()
	defer p.e.mu.Unlock()
	return len(p.pending)
}

func (p *pickup) Next(context.Context) (app.Opening, error) {
	p.e.mu.Lock()
	defer p.e.mu.Unlock()
	p.e.call("next")
	if err := p.next(); err != nil && p.cur == nil {
		return app.Opening{}, err
	} else if err != nil {
		return p.cur.Opening, err
	}
	return p.cur.Opening, nil
}

func (p *pickup) DidNotOpen(context.Context) (app.Verdict, error) {
	p.e.mu.Lock()
	defer p.e.mu.Unlock()
	p.e.call("did-not-open door %d", p.cur.DoorID)
	cur := p.cur
	return p.e.verdict(cur, func() (*opening, error) {
		r := p.e.rents[cur.RentID]
		o, err := p.e.open(cur.DoorID, cur.RentID, app.PurposePickup, func() {
			p.e.move(r, app.RentCollected)
			p.last = r
		})
		if o != nil {
			p.cur = o
		}
		return o, err
	}, app.VerdictRetried), nil
}

func (p *pickup) ReopenUntil() time.Time {
	p.e.mu.Lock()
	defer p.e.mu.Unlock()
	if p.last == nil || p.reopens >= 2 {
		return time.Time{}
	}
	return p.last.EndedAt.Add(p.e.grace)
}

func (p *pickup) Reopen(context.Context) (app.Opening, error) {
	p.e.mu.Lock()
	defer p.e.mu.Unlock()
	p.e.call("reopen")
	if p.last == nil || p.reopens >= 2 || p.e.now().Sub(p.last.EndedAt) > p.e.grace {
		return app.Opening{}, app.ErrReopenClosed
	}
	o, err := p.e.open(p.last.DoorID, p.last.ID, app.PurposeReopen, nil)
	if o == nil {
		return app.Opening{}, err
	}
	p.reopens++
	p.cur = o
	return o.Opening, err
}

func (p *pickup) Report(_ context.Context, what app.Problem) error {
	p.e.mu.Lock()
	defer p.e.mu.Unlock()
	p.e.call("report %s", what)
	return nil
}

// LoginCourier signs a courier in by a token AddCourier made known.
func (e *Engine) LoginCourier(_ context.Context, token string) (app.CourierRound, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := e.couriers[strings.TrimSpace(token)]
	if id == "" {
		return nil, app.ErrBadToken
	}
	e.call("courier %s", id)
	return &round{e: e, id: id}, nil
}

type round struct {
	e  *Engine
	id string
}

var _ app.CourierRound = (*round)(nil)

func (c *round) Courier() string { return c.id }

func (c *round) DropBooked(_ context.Context, ref string) (app.DropOff, error) {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	id, ok := c.e.labels[ref]
	if !ok {
		return nil, app.ErrUnknownParcel
	}
	r := c.e.rents[id]
	if r.State != app.RentReserved {
		return nil, app.ErrAlreadyStored
	}
	c.e.call("drop booked %s", ref)
	d := &dropOff{e: c.e, rent: r, low: false}
	return d.start()
}

func (c *round) DropNew(_ context.Context, size app.Size, ref string, low bool) (app.DropOff, error) {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	c.e.call("drop new %s %q low=%v", size, ref, low)
	door, err := c.e.freeDoor(size, low, 0)
	if err != nil {
		return nil, err
	}
	r := c.e.newRent(door.ID, app.RentReserved, app.KindDelivery)
	r.ParcelRef, r.Courier = ref, c.id
	c.e.walkIns++
	d := &dropOff{e: c.e, rent: r, code: fmt.Sprintf("WALK%04d", c.e.walkIns), low: low}
	// The code opens the parcel once it is stored, as the engine's does.
	c.e.codes[canonical(d.code)] = append(c.e.codes[canonical(d.code)], r.ID)
	return d.start()
}

func (c *round) list(state app.RentState, kind app.RentKind) []app.Rent {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	var out []app.Rent
	for id := int64(1); id <= c.e.nextRent; id++ {
		if r := c.e.rents[id]; r.State == state && r.Kind == kind {
			out = append(out, *r)
		}
	}
	return out
}

func (c *round) Expired(context.Context) ([]app.Rent, error) {
	return c.list(app.RentExpired, app.KindDelivery), nil
}

func (c *round) Returns(context.Context) ([]app.Rent, error) {
	return c.list(app.RentStored, app.KindReturn), nil
}

func (c *round) take(id int64, from, to app.RentState, p app.Purpose) (app.Opening, error) {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	c.e.call("take %d", id)
	r, ok := c.e.rents[id]
	if !ok || r.State != from {
		return app.Opening{}, app.ErrNotFound
	}
	o, err := c.e.open(r.DoorID, r.ID, p, func() { c.e.move(r, to) })
	if o == nil {
		return app.Opening{}, err
	}
	return o.Opening, err
}

func (c *round) TakeBack(_ context.Context, id int64) (app.Opening, error) {
	return c.take(id, app.RentExpired, app.RentReclaimed, app.PurposeReclaim)
}

func (c *round) CollectReturn(_ context.Context, id int64) (app.Opening, error) {
	return c.take(id, app.RentStored, app.RentCollected, app.PurposeReturnCollect)
}

func (c *round) DidNotOpen(_ context.Context, openingID int64) (app.Verdict, error) {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	o := c.e.openingByID(openingID)
	if o == nil {
		return app.Verdict{}, app.ErrNotFound
	}
	c.e.call("did-not-open door %d", o.DoorID)
	return c.e.verdict(o, func() (*opening, error) {
		return c.e.open(o.DoorID, o.RentID, o.Purpose, o.onOpened)
	}, app.VerdictRetried), nil
}

// BeginReturn starts a shopper's return by its code.
func (e *Engine) BeginReturn(_ context.Context, text string) (app.DropOff, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.now().Before(e.paused) {
		return nil, &app.LockedOutError{Until: e.paused}
	}
	id, ok := e.returns[canonical(text)]
	if !ok {
		return nil, app.ErrWrongCode
	}
	r := e.rents[id]
	if r.State != app.RentReserved {
		return nil, app.ErrAlreadyStored
	}
	e.call("return %d", id)
	d := &dropOff{e: e, rent: r}
	return d.start()
}

// dropOff is one parcel going into one door.
type dropOff struct {
	e      *Engine
	rent   *app.Rent
	code   string
	low    bool
	cur    *opening
	opened bool // a door of this drop-off was seen open
	held   bool // the courier is choosing (Hold)
}

var _ app.DropOff = (*dropOff)(nil)

func (d *dropOff) start() (app.DropOff, error) {
	err := d.openDoor()
	if d.cur == nil {
		if d.rent.Kind == app.KindDelivery && !d.rent.Booked {
			d.e.move(d.rent, app.RentCancelled)
		}
		return nil, err
	}
	return d, err
}

func (d *dropOff) openDoor() error {
	o, err := d.e.open(d.rent.DoorID, d.rent.ID, app.PurposeDropOff, func() { d.opened = true })
	if o != nil {
		d.cur = o
	}
	return err
}

func (d *dropOff) Opening() app.Opening {
	d.e.mu.Lock()
	defer d.e.mu.Unlock()
	return d.cur.Opening
}

func (d *dropOff) Rent() app.Rent {
	d.e.mu.Lock()
	defer d.e.mu.Unlock()
	return *d.rent
}

func (d *dropOff) Code() string { return d.code }

// moveTo gives the rent another free door of at least size.
func (d *dropOff) moveTo(size app.Size) error {
	to, err := d.e.freeDoor(size, d.low, d.rent.DoorID)
	if err != nil {
		return err
	}
	from := d.e.door(d.rent.DoorID)
	d.rent.DoorID = to.ID
	from.Occupied = d.e.active(from.ID) != nil
	to.Occupied = true
	return nil
}

func (d *dropOff) Larger(context.Context) (app.Opening, error) {
	d.e.mu.Lock()
	defer d.e.mu.Unlock()
	d.e.call("larger")
	cur := d.e.door(d.rent.DoorID)
	rank := cur.Size.Rank() + 1
	if rank >= len(app.Sizes) {
		return app.Opening{}, fmt.Errorf("%w: nothing larger than %s", app.ErrNoFreeDoor, cur.Size)
	}
	if err := d.moveTo(app.Sizes[rank]); err != nil {
		return app.Opening{}, err
	}
	err := d.openDoor()
	return d.cur.Opening, err
}

// Another moves the parcel to another free door of its size, which opens.
func (d *dropOff) Another(context.Context) (app.Opening, error) {
	d.e.mu.Lock()
	defer d.e.mu.Unlock()
	d.e.call("another")
	if err := d.moveTo(d.e.door(d.rent.DoorID).Size); err != nil {
		return app.Opening{}, err
	}
	err := d.openDoor()
	return d.cur.Opening, err
}

// Withdraw takes the parcel back: a walk-in is cancelled, a booking stays
// reserved; never while the opening is pending.
func (d *dropOff) Withdraw(context.Context) error {
	d.e.mu.Lock()
	defer d.e.mu.Unlock()
	d.e.call("withdraw door %d", d.rent.DoorID)
	if d.cur.Pending() {
		return &app.BeingOpenedError{Door: d.cur.DoorID, Opening: d.cur.ID}
	}
	if d.rent.Kind == app.KindDelivery && !d.rent.Booked && d.rent.State == app.RentReserved {
		d.e.move(d.rent, app.RentCancelled)
	}
	return nil
}

func (d *dropOff) DidNotOpen(context.Context) (app.Verdict, error) {
	d.e.mu.Lock()
	defer d.e.mu.Unlock()
	d.e.call("did-not-open door %d", d.cur.DoorID)
	other := func() (*opening, error) {
		if err := d.moveTo(d.e.door(d.rent.DoorID).Size); err != nil {
			return nil, err
		}
		err := d.openDoor()
		return d.cur, err
	}
	return d.e.verdict(d.cur, other, app.VerdictOtherDoor), nil
}

func (d *dropOff) Done(context.Context) (app.Rent, error) {
	d.e.mu.Lock()
	defer d.e.mu.Unlock()
	d.e.call("done door %d", d.rent.DoorID)
	switch {
	case d.e.DoneErr != nil:
		return *d.rent, d.e.DoneErr
	case d.cur.Pending():
		return *d.rent, &app.BeingOpenedError{Door: d.cur.DoorID, Opening: d.cur.ID}
	case d.cur.Outcome == app.OutcomeNotOpened:
		return *d.rent, &app.DidNotOpenError{Opening: d.cur.Opening}
	case d.cur.Outcome == app.OutcomeUnknown:
		return *d.rent, fmt.Errorf("%w: is the parcel in door %d?", app.ErrAskFirst, d.cur.DoorID)
	case d.e.door(d.rent.DoorID).Sensor == app.SensorOpen:
		return *d.rent, app.ErrDoorStillOpen
	}
	d.rent.StoredAt = d.e.now()
	d.e.move(d.rent, app.RentStored)
	return *d.rent, nil
}

// Abandon cancels a walk-in whose door surely never opened; a booking or
// return stays reserved, and a door seen open, or whose opening is not
// settled or nobody could tell, keeps its rent: the parcel may be inside.
func (d *dropOff) Abandon(context.Context) error {
	d.e.mu.Lock()
	defer d.e.mu.Unlock()
	d.e.call("abandon door %d", d.rent.DoorID)
	if !d.opened && d.cur.Outcome == app.OutcomeNotOpened && d.rent.Kind == app.KindDelivery && !d.rent.Booked && d.rent.State == app.RentReserved {
		d.e.move(d.rent, app.RentCancelled)
	}
	return nil
}

// Answer is the shopper's answer to "did the door open?": yes collects on
// their word, no is weighed like "it did not open".
func (p *pickup) Answer(_ context.Context, yes bool) (app.Verdict, error) {
	p.e.mu.Lock()
	defer p.e.mu.Unlock()
	p.e.call("answer %v door %d", yes, p.cur.DoorID)
	if p.cur.Outcome != app.OutcomeUnknown {
		return app.Verdict{}, app.ErrNoQuestion
	}
	if yes {
		p.e.settle(p.cur, app.OutcomeOpened, app.CausePersonYes)
		return app.Verdict{Kind: app.VerdictTaken, Opening: p.cur.Opening, Door: *p.e.door(p.cur.DoorID)}, nil
	}
	p.e.settle(p.cur, app.OutcomeNotOpened, app.CausePersonNo)
	cur := p.cur
	return p.e.verdict(cur, func() (*opening, error) {
		r := p.e.rents[cur.RentID]
		o, err := p.e.open(cur.DoorID, cur.RentID, app.PurposePickup, func() {
			p.e.move(r, app.RentCollected)
			p.last = r
		})
		if o != nil {
			p.cur = o
		}
		return o, err
	}, app.VerdictRetried), nil
}

// Leave records that the shopper left.
func (p *pickup) Leave(context.Context) {
	p.e.mu.Lock()
	defer p.e.mu.Unlock()
	if p.cur != nil && p.cur.Outcome == app.OutcomeUnknown {
		p.e.call("left unanswered door %d", p.cur.DoorID)
	}
}

// Answer is the courier's answer to "is the parcel in the door?": yes
// stores the rent, no keeps it reserved.
func (d *dropOff) Answer(_ context.Context, in bool) (app.Rent, error) {
	d.e.mu.Lock()
	defer d.e.mu.Unlock()
	d.e.call("answer %v door %d", in, d.rent.DoorID)
	switch {
	case d.cur.Outcome == app.OutcomeUnknown && in:
		d.e.settle(d.cur, app.OutcomeOpened, app.CausePersonYes)
		d.e.move(d.rent, app.RentStored)
	case d.cur.Outcome == app.OutcomeUnknown:
		d.e.settle(d.cur, app.OutcomeNotOpened, app.CausePersonNo)
	case d.held && in:
		d.e.move(d.rent, app.RentStored)
	case !d.held:
		return *d.rent, app.ErrNoQuestion
	}
	d.held = false
	return *d.rent, nil
}

// Hold records that the courier is choosing: the door's close stores
// nothing meanwhile.
func (d *dropOff) Hold(context.Context) {
	d.e.mu.Lock()
	defer d.e.mu.Unlock()
	d.e.call("hold door %d", d.rent.DoorID)
	d.held = true
}
