package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pudo/app"
	"pudo/storage"
)

// Why a door is kept out of assignment (storage.Door.Fault). Openings that
// did not open, or never settled, may leave a parcel nobody has a record
// for; a seen-open of the door clears them. A flapping sensor proves
// nothing by opening: only staff clear it.
const (
	faultDidNotOpen  = "did not open"
	faultReported    = "reported as not opening"
	faultInterrupted = "opening interrupted by a restart"
	faultFlapping    = "sensor flapping"
	faultForced      = "opened without a command"
	// faultWrongParcel: a shopper put back a parcel that was not theirs;
	// only staff can say whose it is, so no opening clears it.
	faultWrongParcel = "holds a parcel put back as not the shopper's"
	// faultToCheck: nobody could tell whether an opening of the door
	// opened; its rent is to check until the person answers or staff look.
	faultToCheck = "to check: nobody could tell whether it opened"
	// faultReportedEmpty: a shopper found the door empty; staff look.
	faultReportedEmpty = "reported empty by the shopper"
)

// openingFault: a fault that a seen-open of the door clears.
func openingFault(f string) bool {
	return f != "" && f != faultFlapping && f != faultForced && f != faultWrongParcel && f != faultReportedEmpty
}

// moveOf is the rent's step an opening for reason may make.
func moveOf(reason string) app.Move {
	switch app.Purpose(reason) {
	case app.PurposePickup, app.PurposePickupQR, app.PurposePickupRemote:
		return app.MovePickup
	case app.PurposeDropOff:
		return app.MoveDropOff
	case app.PurposeReclaim:
		return app.MoveReclaim
	case app.PurposeReturnCollect:
		return app.MoveCollectReturn
	}
	return ""
}

// settle gives lv its outcome, once, in one transaction with what it
// means: an opened door moves its rent as the life cycle's step says
// (a drop-off waits for the close) and clears an opening fault; a door
// that did not open is marked faulty (it leaves assignment, its rents'
// clocks pause) and staff are alerted, unless nothing was sent at all.
func (l *Locker) settle(ctx context.Context, lv *live, outcome app.Outcome, cause app.Cause, detail string) {
	if !l.reg.claim(lv) {
		return
	}
	o := l.reg.snapshot(lv)
	o.Outcome, o.Cause, o.Settled, o.Confirmable = outcome, cause, l.db.Now(), true
	step, _ := app.StepFor(lv.op.move)
	var moved *storage.Rent
	var door storage.Door
	var doorChanged bool
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		o.Settled = tx.Now()
		kind, state := app.EvOpenOpened, "opened"
		switch outcome {
		case app.OutcomeNotOpened:
			kind, state = app.EvOpenFailed, "failed"
		case app.OutcomeUnknown:
			kind, state = app.EvOpenUnseen, "unknown"
		}
		if err := tx.EndOpen(o.ID, state, cause.String()); err != nil {
			return err
		}
		why := lv.op.reason + ": " + cause.String()
		if detail != "" {
			why += ": " + detail
		}
		if _, err := tx.Append(storage.Event{Actor: lv.op.actor, Kind: string(kind), DoorID: o.DoorID, RentID: o.RentID,
			Detail: why}); err != nil {
			return err
		}
		d, err := tx.Door(o.DoorID)
		if err != nil {
			return err
		}
		if outcome == app.OutcomeOpened {
			if openingFault(d.Fault) {
				doorChanged = true
				if err := tx.SetFault(d.ID, ""); err != nil {
					return err
				}
			}
			if step.Evidence == app.SeenOpen {
				if moved, err = l.moveRent(tx, lv.op, step); err != nil {
					return err
				}
			}
		} else if outcome == app.OutcomeUnknown {
			if err := l.keepToCheck(tx, lv, d, &doorChanged); err != nil {
				return err
			}
		} else if err := l.notOpened(tx, lv, d, cause, &doorChanged); err != nil {
			return err
		}
		door, err = tx.Door(o.DoorID)
		return err
	})
	if err != nil {
		l.reg.unclaim(lv)
		l.log.Error("opening not settled; trying again", "opening", o.ID, "door", o.DoorID, "err", err)
		return
	}
	l.reg.settled(lv, o, outcome == app.OutcomeOpened && step.Evidence == app.SeenOpenThenClosed,
		outcome == app.OutcomeNotOpened && cause == app.CauseRefused)
	l.log.Info("opening settled", "opening", o.ID, "door", o.DoorID, "outcome", outcome.String(), "cause", cause.String())
	l.told(ctx, app.NoticeSettled, door, &o, moved)
	if doorChanged {
		l.told(ctx, app.NoticeDoor, door, nil, nil)
	}
}

// notOpened marks the door of an opening that did not open, alerts staff
// and cancels an abandoned walk-in, whose parcel never went in.
func (l *Locker) notOpened(tx *storage.Tx, lv *live, d storage.Door, cause app.Cause, changed *bool) error {
	if cause != app.CauseNotSent {
		fault := faultDidNotOpen + " (" + cause.String() + ")"
		if cause == app.CauseClosedAtStart {
			fault = faultInterrupted
		}
		if d.Fault == "" || openingFault(d.Fault) {
			*changed = true
			if err := tx.SetFault(d.ID, fault); err != nil {
				return err
			}
		}
		// Its rents' clocks stopped when the opening began.
		if err := tx.PauseFrom(d.ID, lv.o.Started); err != nil {
			return err
		}
		if _, err := tx.Append(storage.Event{Actor: "system", Kind: string(app.EvAlertDidNot), DoorID: d.ID,
			RentID: lv.o.RentID, Detail: fmt.Sprintf("%s: %s; the rent stays, the door leaves assignment", lv.op.reason, cause)}); err != nil {
			return err
		}
	}
	if lv.abandoned && lv.op.move == app.MoveDropOff {
		return l.cancelWalkIn(tx, lv.o.RentID, lv.op.actor, "drop-off abandoned; its door did not open")
	}
	return nil
}

// moveRent makes the rent's step, if the rent can still make it: a rent
// that moved on meanwhile (staff cancelled it) keeps its state, and the
// opening stays on record all the same.
func (l *Locker) moveRent(tx *storage.Tx, op opening, step app.Step) (*storage.Rent, error) {
	r, err := tx.Rent(op.rentID)
	if err != nil {
		return nil, err
	}
	_, allowed := app.Allowed(step.Move, app.RentState(r.State), app.RentKind(r.Kind))
	switch {
	case allowed && r.DoorID != op.door.ID:
		// Too small: the parcel went on to a larger door, whose opening
		// moves the rent; this one only closes its door.
		l.log.Info("rent moved on to another door", "rent", r.ID, "door", op.door.ID, "now", r.DoorID)
		return nil, nil
	case !allowed:
		l.log.Warn("rent not moved: it is no longer where the opening found it", "rent", r.ID, "state", r.State,
			"move", step.Move, "door", r.DoorID)
		return nil, nil
	}
	from, to := storage.RentState(step.From), storage.RentState(step.To)
	ev := storage.Event{Actor: op.actor, Kind: string(app.RentEvent(step.To)), DoorID: r.DoorID, RentID: r.ID}
	if step.Move == app.MoveDropOff {
		var o Options
		if o, err = l.rules(tx); err != nil {
			return nil, err
		}
		var expires time.Time // a return waits for its courier without a deadline
		if r.Kind == storage.KindDelivery {
			expires = tx.Now().Add(o.PickupWindow)
		}
		courier := op.courier
		if courier == "" {
			courier = r.Courier
		}
		err = tx.Store(r.ID, from, to, courier, expires)
		if err == nil {
			err = handCode(tx, r.ID, &ev)
		}
	} else {
		err = tx.MoveRent(r.ID, from, to)
	}
	if err != nil {
		return nil, err
	}
	if _, err := tx.Append(ev); err != nil {
		return nil, err
	}
	r, err = tx.Rent(r.ID)
	return &r, err
}

// storeOnClose stores a drop-off's rent: its door was seen open and is
// now closed, so the parcel may be inside, and a parcel is never in a door
// without a stored rent.
func (l *Locker) storeOnClose(ctx context.Context, lv *live) {
	step, _ := app.StepFor(app.MoveDropOff)
	var moved *storage.Rent
	var door storage.Door
	err := l.db.Update(ctx, func(tx *storage.Tx) (err error) {
		if moved, err = l.moveRent(tx, lv.op, step); err != nil {
			return err
		}
		door, err = tx.Door(lv.o.DoorID)
		return err
	})
	if err != nil {
		l.log.Error("drop-off not stored on close; trying again", "rent", lv.o.RentID, "err", err)
		return
	}
	l.reg.drop(lv)
	if moved != nil {
		l.told(ctx, app.NoticeRent, door, nil, moved)
	}
}

// amend settles again as opened an opening the board said had failed:
// the sensor saw its door open moments later.
func (l *Locker) amend(ctx context.Context, lv *live) {
	o := l.reg.snapshot(lv)
	o.Outcome, o.Cause = app.OutcomeOpened, app.CauseSeenOpen
	step, _ := app.StepFor(lv.op.move)
	var moved *storage.Rent
	var door storage.Door
	err := l.db.Update(ctx, func(tx *storage.Tx) (err error) {
		if err := tx.AmendOpen(o.ID, "seen-open-after-refusal"); err != nil {
			return err
		}
		if _, err := tx.Append(storage.Event{Actor: lv.op.actor, Kind: string(app.EvOpenOpened), DoorID: o.DoorID,
			RentID: o.RentID, Detail: lv.op.reason + ": seen open after the board said it failed"}); err != nil {
			return err
		}
		if err := tx.SetFault(o.DoorID, ""); err != nil {
			return err
		}
		if step.Evidence == app.SeenOpen {
			if moved, err = l.moveRent(tx, lv.op, step); err != nil {
				return err
			}
		}
		door, err = tx.Door(o.DoorID)
		return err
	})
	if err != nil && !errors.Is(err, storage.ErrConflict) {
		l.log.Error("late opening not recorded", "opening", o.ID, "err", err)
		return
	}
	l.reg.drop(lv)
	if err != nil {
		return
	}
	l.reg.settled(lv, o, step.Evidence == app.SeenOpenThenClosed, false)
	l.told(ctx, app.NoticeSettled, door, &o, moved)
	l.told(ctx, app.NoticeDoor, door, nil, nil)
}

// cancelWalkIn cancels a walk-in drop-off whose parcel never went in; a
// booking stays reserved for a later attempt, a return for its shopper.
func (l *Locker) cancelWalkIn(tx *storage.Tx, rentID int64, actor, why string) error {
	r, err := tx.Rent(rentID)
	if err != nil || r.Booked || r.Kind != storage.KindDelivery || r.State != storage.RentReserved {
		return err
	}
	step, _ := app.StepFor(app.MoveCancel)
	if err := tx.MoveRent(r.ID, storage.RentState(step.From), storage.RentState(step.To)); err != nil {
		return err
	}
	_, err = tx.Append(storage.Event{Actor: actor, Kind: string(app.EvRentCancelled), DoorID: r.DoorID, RentID: r.ID, Detail: why})
	return err
}

// told publishes a notice about door, with its fresh state.
func (l *Locker) told(ctx context.Context, kind app.NoticeKind, d storage.Door, o *app.Opening, r *storage.Rent) {
	occupied := false
	if err := l.db.View(ctx, func(tx *storage.Tx) error {
		_, err := tx.ActiveRent(d.ID)
		occupied = err == nil
		return nil
	}); err != nil {
		l.log.Warn("door state not read for a notice", "door", d.ID, "err", err)
	}
	n := app.Notice{Kind: kind, At: l.db.Now(), Door: l.appDoor(d, occupied, l.Availability()), Opening: o}
	if r != nil {
		ar := appRent(*r)
		n.Rent = &ar
		if kind == app.NoticeSettled {
			l.publish(n)
			n.Kind, n.Opening = app.NoticeRent, nil
		}
	}
	l.publish(n)
}
