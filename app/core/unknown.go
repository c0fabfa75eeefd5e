package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// Unknown is not no (app/RULES.md, "The door decides"). An opening whose
// door may have opened and closed while nobody could see it settles as
// unknown: the rent stays where it was, the door is kept, and the person
// at the screen is asked. Their answer settles it (answer); nobody
// answering leaves the rent to check, for staff, whose check of the door
// settles it (checkDoor).

// counter is what a driver that counts its readings tells
// (*lockio.Controller): how often it read a door's sensor, and how often
// its readings of the door broke off (a poll or the unlock's reply
// unanswered, the port lost).
type counter interface {
	Reads(d lockio.Door) uint64
	Gaps(d lockio.Door) uint64
}

// minReads is how many readings of a closed door, without a gap, make
// "it did not open" evidence: the driver debounces over two polls, so
// fewer could miss a door opened and closed between them.
const minReads = 3

// answerWait is how long an unknown opening waits for the person's answer
// before its rent is to check and staff are told, when the person neither
// answers nor leaves.
const answerWait = 2 * time.Minute

// unknownCause reports whether an opening in state "unknown" was settled
// so by these rules (its question still open), not an older version's
// lost reply or resolved flag.
func unknownCause(c string) bool {
	return c == app.CauseUnseen.String() || c == app.CauseClosedAtStart.String() || c == app.CauseAcknowledged.String()
}

// readCounts are the driver's counts for door d; counted is false for a
// driver that keeps none (then the sensor's state is all there is).
func (l *Locker) readCounts(d storage.Door) (reads, gaps uint64, counted bool) {
	c, ok := l.locks.(counter)
	if !ok {
		return 0, 0, false
	}
	a := address(d)
	return c.Reads(a), c.Gaps(a), true
}

// keepToCheck keeps the door of an opening settled as unknown, in the
// settling transaction: it may or may not hold the parcel, so it leaves
// assignment and its rents' clocks pause. Staff hear of it when the
// person does not answer (alertToCheck); nobody is at a restart's.
func (l *Locker) keepToCheck(tx *storage.Tx, lv *live, d storage.Door, changed *bool) error {
	if d.Fault == "" || openingFault(d.Fault) {
		*changed = true
		if err := tx.SetFault(d.ID, faultToCheck); err != nil {
			return err
		}
	}
	if err := tx.PauseFrom(d.ID, lv.o.Started); err != nil {
		return err
	}
	if lv.interrupted || lv.left {
		lv.alerted = true
		return appendToCheck(tx, lv.o, lv.op.reason)
	}
	return nil
}

func appendToCheck(tx *storage.Tx, o app.Opening, reason string) error {
	_, err := tx.Append(storage.Event{Actor: "system", Kind: string(app.EvAlertToCheck), DoorID: o.DoorID, RentID: o.RentID,
		Detail: fmt.Sprintf("%s: nobody could tell whether door %d opened (opening %d), nobody answered; "+
			"the rent stays, the door is kept until staff look inside", reason, o.DoorID, o.ID)})
	return err
}

// alertUnanswered tells staff of the rents whose question went
// unanswered for answerWait, or whose person left.
func (l *Locker) alertUnanswered(ctx context.Context) {
	now := l.db.Now()
	for _, lv := range l.reg.asked() {
		var due bool
		var o app.Opening
		l.reg.update(lv, func(lv *live) {
			o = lv.o
			due = !lv.alerted && (lv.left || now.Sub(lv.o.Settled) >= answerWait)
			if due {
				lv.alerted = true
			}
		})
		if !due {
			continue
		}
		if err := l.db.Update(ctx, func(tx *storage.Tx) error { return appendToCheck(tx, o, lv.op.reason) }); err != nil {
			l.reg.update(lv, func(lv *live) { lv.alerted = false })
			l.log.Warn("to-check alert not recorded", "opening", o.ID, "err", err)
			continue
		}
		l.log.Warn("rent left to check", "door", o.DoorID, "rent", o.RentID, "opening", o.ID)
	}
}

// leftUnanswered: the person of opening id went away without answering.
func (l *Locker) leftUnanswered(ctx context.Context, id int64) {
	lv := l.reg.liveByID(id)
	if lv == nil {
		return
	}
	l.reg.update(lv, func(lv *live) { lv.left = true })
	l.alertUnanswered(ctx)
}

// lateReply takes a late unlock reply for door d, for the opening pending
// there: a refusal settles it as not opened; an acknowledgement is noted,
// a claim for the sensor (or the person) to confirm.
func (l *Locker) lateReply(ctx context.Context, d storage.Door, acked bool) {
	lv := l.reg.pendingAt(d.ID)
	if lv != nil && acked {
		// A claim the sensor may still confirm: while it cannot, the
		// opening settles unknown and the person is asked. Noted before
		// the event that tells of it, so whoever reads the event finds
		// the opening knowing it.
		l.reg.update(lv, func(lv *live) { lv.acked = true })
	}
	l.record(ctx, storage.Event{Actor: "system", Kind: string(app.EvOpenUnknown), DoorID: d.ID,
		Detail: fmt.Sprintf("late reply from the board: acknowledged %v", acked)})
	if lv != nil && !acked {
		l.settle(ctx, lv, app.OutcomeNotOpened, app.CauseRefused, "the board's late reply said the lock failed")
	}
}

func (l *Locker) record(ctx context.Context, ev storage.Event) {
	if err := l.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.Append(ev)
		return err
	}); err != nil {
		l.log.Warn("event not recorded", "kind", ev.Kind, "err", err)
	}
}

// resolve settles an unknown opening still held in memory on later
// evidence: its door seen open.
func (l *Locker) resolve(ctx context.Context, lv *live, opened bool, cause app.Cause, why string) {
	if _, _, err := l.answer(ctx, lv.op.actor, l.reg.snapshot(lv).ID, opened, cause, why); err != nil &&
		!errors.Is(err, app.ErrNoQuestion) {
		l.log.Warn("unknown opening not resolved", "opening", l.reg.snapshot(lv).ID, "err", err)
	}
}

// answer settles unknown opening id as opened or not, on cause (the
// person's word, a late reply, staff): in one transaction, the opening's
// outcome, the rent's move the opening was for, and the door's keeping.
// app.ErrNoQuestion when the opening is no longer unknown.
func (l *Locker) answer(ctx context.Context, actor string, id int64, opened bool, cause app.Cause, why string) (app.Opening, *storage.Rent, error) {
	var o storage.DoorOpen
	var moved *storage.Rent
	var door storage.Door
	err := l.db.Update(ctx, func(tx *storage.Tx) (err error) {
		if o, err = tx.Open(id); err != nil {
			return err
		}
		if o.State != "unknown" {
			return app.ErrNoQuestion
		}
		gap := o.Cause
		state := "failed"
		if opened {
			state = "opened"
		}
		if err := tx.AnswerOpen(id, state, cause.String()); err != nil {
			return err
		}
		if _, err := tx.Append(storage.Event{Actor: actor, Kind: string(app.EvOpenAnswered), DoorID: o.DoorID, RentID: o.RentID,
			Detail: fmt.Sprintf("opening %d (%s, unknown after %s): %s: %s", id, o.Reason, gap, cause, why)}); err != nil {
			return err
		}
		if door, err = tx.Door(o.DoorID); err != nil {
			return err
		}
		if opened {
			if door.Fault == faultToCheck {
				if err := tx.SetFault(door.ID, ""); err != nil {
					return err
				}
			}
			step, _ := app.StepFor(moveOf(o.Reason))
			if o.RentID != 0 && step.Move != "" {
				r, err := tx.Rent(o.RentID)
				if err != nil {
					return err
				}
				op := opening{door: door, rentID: o.RentID, actor: actor, reason: o.Reason, move: step.Move, courier: r.Courier}
				if moved, err = l.moveRent(tx, op, step); err != nil {
					return err
				}
			}
		} else if door.Fault == faultToCheck {
			// It did not open: the rent stays, and the door stays kept,
			// now as one that did not open.
			if err := tx.SetFault(door.ID, faultDidNotOpen+" ("+cause.String()+")"); err != nil {
				return err
			}
		}
		door, err = tx.Door(o.DoorID)
		return err
	})
	if err != nil {
		return app.Opening{}, nil, fmt.Errorf("core: answer opening %d: %w", id, err)
	}
	if lv := l.reg.liveByID(id); lv != nil {
		l.reg.drop(lv)
	}
	o, _ = l.openByID(ctx, id)
	ao := appOpening(o)
	l.log.Info("unknown opening answered", "opening", id, "door", o.DoorID, "opened", opened, "cause", cause.String())
	l.told(ctx, app.NoticeSettled, door, &ao, moved)
	l.told(ctx, app.NoticeDoor, door, nil, nil)
	return ao, moved, nil
}

func (l *Locker) openByID(ctx context.Context, id int64) (o storage.DoorOpen, err error) {
	err = l.db.View(ctx, func(tx *storage.Tx) (err error) {
		o, err = tx.Open(id)
		return err
	})
	return o, err
}

// unanswered is rent's opening for move whose outcome nobody could tell
// and nobody answered (its rent is to check), if there is one.
func (l *Locker) unanswered(ctx context.Context, rentID int64, move app.Move) (app.Opening, bool) {
	var found storage.DoorOpen
	err := l.db.View(ctx, func(tx *storage.Tx) error {
		os, err := tx.OpensOfRent(rentID)
		if err != nil {
			return err
		}
		for _, o := range os {
			if o.State == "unknown" && !o.Checked && unknownCause(o.Cause) && moveOf(o.Reason) == move {
				found = o
			}
		}
		return nil
	})
	if err != nil || found.ID == 0 {
		return app.Opening{}, false
	}
	return appOpening(found), true
}

// retryLeft refuses, in the intent's transaction, an unlock of op's rent
// for its move when the rent used its one retry: two unlocks that did not
// open (or that nobody could tell, or that the person said did not) since
// staff last checked its door. An unanswered unknown opening is refused
// too: its question comes first (the kiosk asks it; the API and the fleet
// link cannot).
func retryLeft(tx *storage.Tx, op opening) error {
	if op.rentID == 0 || op.move == "" {
		return nil
	}
	os, err := tx.OpensOfRent(op.rentID)
	if err != nil {
		return err
	}
	failed := 0
	for _, o := range os {
		if o.Checked || moveOf(o.Reason) != op.move || o.Cause == app.CauseNotSent.String() {
			continue
		}
		switch {
		case o.State == "unknown" && unknownCause(o.Cause):
			return &app.ForStaffError{Door: o.DoorID, Why: fmt.Sprintf("nobody answered whether it opened (opening %d)", o.ID)}
		case o.State == "failed":
			failed++
		}
	}
	if failed >= 2 {
		return &app.ForStaffError{Door: op.door.ID, Why: fmt.Sprintf("rent %d's door did not open twice", op.rentID)}
	}
	return nil
}

// Answer is the shopper's answer to "Did door N open, and do you have
// your parcel?" (app.Pickup).
func (p *Pickup) Answer(ctx context.Context, yes bool) (app.Verdict, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	o := p.l.current(p.opened)
	if o.ID == 0 || o.Outcome != app.OutcomeUnknown {
		return app.Verdict{}, app.ErrNoQuestion
	}
	cause := app.CausePersonNo
	if yes {
		cause = app.CausePersonYes
	}
	ao, _, err := p.l.answer(ctx, p.actor, o.ID, yes, cause, "the shopper's answer")
	if err != nil {
		return app.Verdict{}, err
	}
	p.opened = ao
	if !yes {
		// It did not open, on their word: the one retry, then support.
		return p.didNotOpen(ctx)
	}
	return app.Verdict{Kind: app.VerdictTaken, Opening: ao, Door: p.l.doorNow(ctx, ao.DoorID)}, nil
}

// Leave: the shopper has gone (app.Pickup). An unknown opening left
// unanswered leaves its rent to check, and staff are told now; one still
// pending is told as soon as it settles unknown.
func (p *Pickup) Leave(ctx context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.opened.ID != 0 {
		p.l.leftUnanswered(ctx, p.opened.ID)
	}
}

// doorNow is door id as the screens show it now.
func (l *Locker) doorNow(ctx context.Context, id int64) app.Door {
	d, err := l.freshDoor(ctx, id)
	if err != nil {
		return app.Door{ID: id}
	}
	occupied := false
	_ = l.db.View(ctx, func(tx *storage.Tx) error {
		_, err := tx.ActiveRent(id)
		occupied = err == nil
		return nil
	})
	return l.appDoor(d, occupied, l.Availability())
}

// Answer is the courier's answer to "Is the parcel in door N?"
// (app.DropOff): asked when the door's opening is unknown, or the door
// closed while the courier was still choosing.
func (d *DropOff) Answer(ctx context.Context, in bool) (app.Rent, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	o := d.l.current(d.opened)
	switch {
	case o.ID != 0 && o.Outcome == app.OutcomeUnknown:
		cause := app.CausePersonNo
		if in {
			cause = app.CausePersonYes
		}
		ao, _, err := d.l.answer(ctx, d.actor, o.ID, in, cause, "the courier's answer")
		if err != nil {
			return appRent(d.rent), err
		}
		d.opened = ao
	case d.l.holdingRent(d.rent.ID):
		lv := d.l.reg.closingRent(d.rent.ID)
		d.l.reg.update(lv, func(lv *live) { lv.hold = false })
		if in {
			d.l.storeOnClose(ctx, lv) // the door's close, which stored nothing while choosing
		} else {
			d.l.reg.drop(lv) // the parcel is in the courier's hands: the door shuts empty
			d.l.record(ctx, storage.Event{Actor: d.actor, Kind: string(app.EvOpenAnswered), DoorID: o.DoorID, RentID: d.rent.ID,
				Detail: "the courier says the parcel is not in the door"})
		}
	default:
		return appRent(d.rent), app.ErrNoQuestion
	}
	r, err := d.l.rent(ctx, d.rent.ID)
	if err == nil {
		d.rent = r
	}
	return appRent(d.rent), err
}

// Hold: the courier is choosing what to do with the parcel (app.DropOff):
// the door closing meanwhile stores nothing; the courier is asked.
func (d *DropOff) Hold(context.Context) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if lv := d.l.reg.closingRent(d.rent.ID); lv != nil {
		d.l.reg.update(lv, func(lv *live) { lv.hold = true })
	}
}

// unhold ends a hold: the courier chose (Done, Larger, Another, Withdraw).
func (d *DropOff) unhold() {
	if lv := d.l.reg.closingRent(d.rent.ID); lv != nil {
		d.l.reg.update(lv, func(lv *live) { lv.hold = false })
	}
}

func (l *Locker) holding(lv *live) bool {
	var h bool
	l.reg.update(lv, func(lv *live) { h = lv.hold })
	return h
}

func (l *Locker) holdingRent(rentID int64) bool {
	lv := l.reg.closingRent(rentID)
	return lv != nil && l.holding(lv)
}

// leftHolding: the courier left while choosing, the door seen open: the
// parcel may be inside, so the rent stays reserved, its door is kept to
// check and staff are told.
func (l *Locker) leftHolding(ctx context.Context, rentID int64) {
	lv := l.reg.closingRent(rentID)
	if lv == nil {
		return
	}
	o := l.reg.snapshot(lv)
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.SetFault(o.DoorID, faultToCheck); err != nil {
			return err
		}
		if err := tx.PauseFrom(o.DoorID, o.Started); err != nil {
			return err
		}
		return appendToCheck(tx, o, lv.op.reason)
	})
	if err != nil {
		l.log.Warn("drop-off left while choosing: door not kept", "rent", rentID, "err", err)
		return
	}
	l.reg.drop(lv)
	if d, ok := l.doorByID(ctx, o.DoorID); ok {
		l.told(ctx, app.NoticeDoor, d, nil, nil)
	}
}
