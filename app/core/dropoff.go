package core

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// DropOff is one parcel going into one door: a courier's delivery or a
// shopper's return. Its rent stays reserved until the engine saw the door
// open and then close: then it is stored, whatever the person tapped, so
// a parcel is never in a door without a stored rent. It is the contract's
// app.DropOff; its methods are safe for concurrent use, each step taken in
// turn.
type DropOff struct {
	l         *Locker
	actor     string
	courier   string // "" for a shopper's return
	code      string // walk-in pickup code, handed out once
	sealed    bool   // code sealed for the carrier's back office
	preferLow bool

	mu      sync.Mutex // serialises the steps; protects following
	rent    storage.Rent
	retried bool         // the one retry (another door) was used
	door    storage.Door // the door opened last
	opened  app.Opening  // its opening, as it stood when its call returned
}

var _ app.DropOff = (*DropOff)(nil)

// Opening is the door's opening as the engine knows it now.
func (d *DropOff) Opening() app.Opening {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.l.current(d.opened)
}

// Code is the pickup code of a walk-in drop-off, canonical (show it with
// FormatCode), for the carrier to pass to the recipient; "" for a booked
// parcel, whose code the back office already has. The store keeps only its
// MAC, so it cannot be shown again once this DropOff is gone. The rent
// that holds it is never cancelled once its door was seen open.
func (d *DropOff) Code() string { return d.code }

// CodeSealed reports whether a walk-in's code goes to the carrier's back
// office, sealed for it, with the event that stores the rent. False for a
// carrier without a seal key here: then the courier's note of the code
// from the screen is the only one.
func (d *DropOff) CodeSealed() bool { return d.sealed }

// Rent is the rent being dropped, as last seen.
func (d *DropOff) Rent() app.Rent {
	d.mu.Lock()
	defer d.mu.Unlock()
	return appRent(d.rent)
}

// first starts the opening of the rent's door and hands d out once the
// opening started, even when it did not open, so that the person's report
// can be weighed. When no opening started at all (out of order, the door
// being opened already) no DropOff is handed out: a walk-in, which has no
// deadline and whose code only d holds, is cancelled; a booking stays
// reserved for a later attempt.
func (d *DropOff) first(ctx context.Context) (*DropOff, error) {
	err := d.openDoor(ctx)
	if d.opened.ID != 0 {
		return d, err
	}
	if !d.rent.Booked && d.rent.Kind == storage.KindDelivery {
		cerr := d.l.cancel(context.WithoutCancel(ctx), d.rent.ID, d.actor, "drop-off did not start", false)
		if cerr != nil && !errors.Is(cerr, app.ErrDropStarted) {
			d.l.log.Warn("walk-in not cancelled after a failed start", "rent", d.rent.ID, "err", cerr)
		}
	}
	return nil, err
}

func (d *DropOff) openDoor(ctx context.Context) error {
	r := d.rent
	res, err := d.l.open(ctx, opening{
		door: storage.Door{ID: r.DoorID}, rentID: r.ID, actor: d.actor, reason: string(app.PurposeDropOff),
		move: app.MoveDropOff, courier: d.courier,
		guard: func(tx *storage.Tx) error {
			cur, err := tx.Rent(r.ID)
			if err != nil {
				return err
			}
			if err := need(cur, storage.RentReserved); err != nil {
				return err
			}
			if cur.DoorID != r.DoorID {
				return fmt.Errorf("rent %d moved to door %d: %w", r.ID, cur.DoorID, storage.ErrConflict)
			}
			return nil
		},
	})
	if res.opening.ID != 0 {
		d.door, d.opened = res.door, res.opening
	}
	return err
}

// Larger moves the parcel to the smallest free door one size up or more
// ("door too small") and opens it. The first door is left to its own
// opening: seen open, it is free again once closed (the courier took the
// parcel back out); not settled, it stays out of assignment until it is.
// Errors: app.ErrNoFreeDoor and the opening's.
func (d *DropOff) Larger(ctx context.Context) (app.Opening, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.unhold()
	err := d.l.db.Update(ctx, func(tx *storage.Tx) error {
		cur, err := tx.Door(d.rent.DoorID)
		if err != nil {
			return err
		}
		if err := guardState(tx, d.rent.ID, storage.RentReserved); err != nil {
			return err
		}
		rank := storage.SizeRank(cur.Size) + 1
		if rank >= len(storage.Sizes) {
			return fmt.Errorf("%w: nothing larger than %s", app.ErrNoFreeDoor, cur.Size)
		}
		return moveDoor(tx, &d.rent, cur, storage.Sizes[rank], d.preferLow, d.actor, "larger door", d.l.downDoors())
	})
	if err != nil {
		return d.opened, fmt.Errorf("core: larger door: %w", err)
	}
	d.retried = false
	err = d.openDoor(ctx)
	return d.opened, err
}

// Another moves the parcel to another free door of the same size and opens
// it: "door too small" where no larger door is free (the largest size, or
// every larger door taken). The first door is left as with Larger.
// Errors: app.ErrNoFreeDoor and the opening's.
func (d *DropOff) Another(ctx context.Context) (app.Opening, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.unhold()
	if err := d.sameSize(ctx, "door too small, no larger one free"); err != nil {
		return d.opened, fmt.Errorf("core: another door: %w", err)
	}
	d.retried = false
	err := d.openDoor(ctx)
	return d.opened, err
}

// sameSize moves the still reserved parcel to another free door of its
// door's size, for why.
func (d *DropOff) sameSize(ctx context.Context, why string) error {
	return d.l.db.Update(ctx, func(tx *storage.Tx) error {
		cur, err := tx.Door(d.rent.DoorID)
		if err != nil {
			return err
		}
		if err := guardState(tx, d.rent.ID, storage.RentReserved); err != nil {
			return err
		}
		return moveDoor(tx, &d.rent, cur, cur.Size, d.preferLow, d.actor, why, d.l.downDoors())
	})
}

// Withdraw is the courier's word that the parcel fits no door and goes back
// with them. Like Larger, it moves the parcel off the door it was seen
// open at, so that closing the door stores nothing: a walk-in is
// cancelled, a booking or a return stays reserved for another attempt.
// An opening not settled yet cannot be withdrawn from (*BeingOpenedError):
// the door may still open.
func (d *DropOff) Withdraw(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.opened.ID != 0 {
		o, err := d.l.openingNow(ctx, d.opened.ID)
		if err != nil {
			return err
		}
		if o.Pending() {
			return &app.BeingOpenedError{Door: o.DoorID, Opening: o.ID}
		}
	}
	// First, so that the door closing meanwhile stores nothing.
	if lv := d.l.reg.closingRent(d.rent.ID); lv != nil {
		d.l.reg.drop(lv)
	}
	const why = "fits no door: the courier took the parcel back"
	if !d.rent.Booked && d.rent.Kind == storage.KindDelivery {
		return d.l.cancel(ctx, d.rent.ID, d.actor, why, true)
	}
	return d.abandoned(ctx, why)
}

// DidNotOpen weighs the person's "the door did not open" (see weigh): the
// parcel's one retry goes to another free door of its size, since the
// door that did not open is kept for staff; after it, support.
func (d *DropOff) DidNotOpen(ctx context.Context) (app.Verdict, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	o, err := d.l.openingNow(ctx, d.opened.ID)
	if err != nil {
		return app.Verdict{}, err
	}
	var retry retryFunc
	if !d.retried {
		retry = func(ctx context.Context) (app.VerdictKind, app.Opening, error) {
			d.retried = true
			if err := d.sameSize(ctx, "door did not open"); err != nil {
				return 0, app.Opening{}, fmt.Errorf("core: other door: %w", err)
			}
			err := d.openDoor(ctx)
			return app.VerdictOtherDoor, d.opened, err
		}
	}
	return d.l.weigh(ctx, d.actor, o, retry)
}

// Done is the person saying the parcel is in. The rent is stored once its
// door was seen open and is closed, which the engine does by itself when
// the door closes; Done does it at once if the close is not yet told.
// Errors: ErrDoorStillOpen (the sensor reads open, or cannot read),
// *BeingOpenedError (the opening is unsettled), *DidNotOpenError. It
// returns the rent as it is then.
func (d *DropOff) Done(ctx context.Context) (app.Rent, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.unhold()
	err := d.done(ctx)
	return appRent(d.rent), err
}

func (d *DropOff) done(ctx context.Context) error {
	r, err := d.l.rent(ctx, d.rent.ID)
	if err != nil {
		return err
	}
	if r.State == storage.RentStored {
		d.rent = r
		return nil
	}
	o, err := d.l.openingNow(ctx, d.opened.ID)
	if err != nil {
		return fmt.Errorf("core: drop-off done: %w", err)
	}
	switch {
	case o.Pending():
		return &app.BeingOpenedError{Door: o.DoorID, Opening: o.ID}
	case o.Outcome == app.OutcomeNotOpened:
		return &app.DidNotOpenError{Opening: o}
	case o.Outcome == app.OutcomeUnknown:
		return fmt.Errorf("%w: is the parcel in door %d?", app.ErrAskFirst, o.DoorID)
	}
	switch d.l.locks.Sensor(address(d.door)) {
	case lockio.SensorOpen:
		return app.ErrDoorStillOpen
	case lockio.SensorUnknown:
		return fmt.Errorf("%w: the locker cannot read the door", app.ErrDoorStillOpen)
	}
	if lv := d.l.reg.closingRent(d.rent.ID); lv != nil {
		d.l.storeOnClose(ctx, lv)
	}
	if d.rent, err = d.l.rent(ctx, d.rent.ID); err != nil {
		return err
	}
	if d.rent.State != storage.RentStored {
		return fmt.Errorf("core: drop-off done: rent %d: %w", d.rent.ID, stateError(d.rent.State))
	}
	return nil
}

// Abandon gives up a drop-off. A door never seen open: a walk-in's rent
// is cancelled, a booking or a return stays reserved for a later attempt.
// A door seen open keeps its rent, stored when the door closes, since the
// parcel may be inside. An opening not settled yet is left to settle: a
// walk-in is cancelled then only if its door did not open.
func (d *DropOff) Abandon(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, err := d.l.rent(ctx, d.rent.ID); err != nil || r.State == storage.RentStored {
		if err == nil {
			err = app.ErrAlreadyStored
		}
		return fmt.Errorf("core: abandon drop-off: %w", err)
	}
	o := app.Opening{}
	if d.opened.ID != 0 {
		var err error
		if o, err = d.l.openingNow(ctx, d.opened.ID); err != nil {
			return err
		}
	}
	switch {
	case o.ID != 0 && o.Pending():
		if lv := d.l.reg.liveByID(o.ID); lv != nil {
			d.l.reg.update(lv, func(lv *live) { lv.abandoned, lv.left = true, true })
		}
		return d.abandoned(ctx, "left while the door's opening was unsettled")
	case o.Outcome == app.OutcomeUnknown:
		// The door may hold the parcel: never cancelled; staff check it.
		d.l.leftUnanswered(ctx, o.ID)
		return d.abandoned(ctx, "left without saying whether the parcel is in: to check")
	case o.Outcome == app.OutcomeNotOpened && o.Cause == app.CausePersonNo:
		// The courier's word, after nobody could tell: not proof enough to
		// cancel; the door is kept for staff.
		return d.abandoned(ctx, "the courier says the parcel is not in: the door is kept for staff")
	case o.Outcome == app.OutcomeOpened && d.l.holdingRent(d.rent.ID):
		d.l.leftHolding(ctx, d.rent.ID)
		return d.abandoned(ctx, "left while choosing, the door seen open: to check")
	case o.Outcome == app.OutcomeOpened:
		return d.abandoned(ctx, "left after the door was seen open: the rent is stored when it closes")
	}
	if d.rent.Booked || d.rent.Kind == storage.KindReturn {
		return d.abandoned(ctx, "")
	}
	return d.l.cancel(ctx, d.rent.ID, d.actor, "drop-off abandoned", true)
}

func (d *DropOff) abandoned(ctx context.Context, why string) error {
	return d.l.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.Append(storage.Event{Actor: d.actor, Kind: string(app.EvDropAbandoned), DoorID: d.rent.DoorID,
			RentID: d.rent.ID, Detail: why})
		return err
	})
}
