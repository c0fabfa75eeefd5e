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

// opening is one door opening asked for, and what it means for the store.
type opening struct {
	door   storage.Door
	rentID int64 // 0: none
	actor  string
	reason string
	// move is the rent's step this opening may make once the door is
	// seen to do what the step's Evidence asks; "" for none (staff, reopen).
	move app.Move
	// courier is who drops the parcel, for the drop-off's stored rent.
	courier string
	// staff may open a door that is out of service; nobody else may.
	allowOOS bool
	// guard runs in the intent transaction: an error stops everything
	// before the board is told, so a rent in the wrong state never opens.
	guard func(*storage.Tx) error
}

// opened is what open hands back: the door as the store knew it when
// opening, and the opening as it stands when the board has answered.
type opened struct {
	door    storage.Door
	opening app.Opening
}

// open runs op the one way every opening goes, whoever asked for it: the
// door must be able to open (its board answering, no other opening of it
// unsettled), the intent is committed, the board is told once, and the
// outcome is settled from the evidence: the sensor first, then the board's
// reply with its status byte, then time (see settle and watch). It returns
// once the board has answered; an opening still pending is settled later
// and told as a NoticeSettled. A *DidNotOpenError carries an opening
// settled as not opened at once (board refused, nothing sent).
func (l *Locker) open(ctx context.Context, op opening) (opened, error) {
	res := opened{door: op.door}
	if err := l.refuseIfDown(ctx, op); err != nil {
		return res, err
	}
	release, err := l.lockDoor(ctx, op.door.ID)
	if err != nil {
		return res, fmt.Errorf("core: open door %d: %w", op.door.ID, err)
	}
	defer release()
	if lv := l.reg.pendingAt(op.door.ID); lv != nil {
		l.refused(ctx, op, fmt.Sprintf("opening %d of this door is not settled", lv.o.ID))
		return res, &app.BeingOpenedError{Door: op.door.ID, Opening: lv.o.ID}
	}
	lv, err := l.writeIntent(ctx, &op)
	res.door = op.door
	if err != nil {
		return res, err
	}
	wasOpen := l.locks.Sensor(address(op.door)) == lockio.SensorOpen
	reads, gaps, _ := l.readCounts(op.door)
	l.reg.update(lv, func(lv *live) { lv.reads0, lv.gaps0 = reads, gaps })
	unlockErr := l.unlock(ctx, op.door)
	// What follows is recorded even if the caller gave up meanwhile.
	l.afterUnlock(context.WithoutCancel(ctx), lv, unlockErr, wasOpen)
	res.opening = l.reg.snapshot(lv)
	if res.opening.Outcome == app.OutcomeNotOpened {
		l.log.Warn("door did not open", "door", op.door.ID, "reason", op.reason, "err", unlockErr)
		return res, fmt.Errorf("%w: %w", &app.DidNotOpenError{Opening: res.opening}, unlockErr)
	}
	l.log.Info("door opening", "door", op.door.ID, "reason", op.reason, "actor", op.actor,
		"outcome", res.opening.Outcome.String(), "cause", res.opening.Cause.String())
	return res, nil
}

// maxCoilWait bounds how long an opening waits for a lock's coil to be
// allowed again (a retry right after the board refused): longer than a
// person waits at a screen without word is not worth it.
const maxCoilWait = 3 * time.Second

// unlock tells the board once. An unlock the driver held back because the
// coil was driven moments ago left nothing on the wire, so it goes out
// after the coil's rest: the shopper's one retry is not spent on it.
func (l *Locker) unlock(ctx context.Context, d storage.Door) error {
	err := l.locks.Unlock(ctx, address(d))
	var rl *lockio.RateLimitedError
	if !errors.As(err, &rl) || rl.Wait > maxCoilWait {
		return err
	}
	t := time.NewTimer(rl.Wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return err
	case <-t.C:
	}
	return l.locks.Unlock(ctx, address(d))
}

// refuseIfDown refuses an opening of a door whose board is silent or
// whose bus is down: nothing could open it, and an unlock sent into the
// void would leave an outcome nobody can settle.
func (l *Locker) refuseIfDown(ctx context.Context, op opening) error {
	av := l.Availability()
	if !av.DoorDown(op.door.ID) {
		return nil
	}
	l.refused(ctx, op, "out of order: "+av.Reason)
	door := op.door.ID
	if av.OutOfOrder {
		door = 0
	}
	return &app.OutOfOrderError{Door: door, Reason: av.Reason}
}

// refused puts a refused opening into the audit log.
func (l *Locker) refused(ctx context.Context, op opening, why string) {
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.Append(storage.Event{Actor: op.actor, Kind: string(app.EvOpenRefused), DoorID: op.door.ID,
			RentID: op.rentID, Detail: op.reason + ": " + why})
		return err
	})
	if err != nil {
		l.log.Warn("refused opening not recorded", "door", op.door.ID, "err", err)
	}
}

// lockDoor waits until no other opening of door id is being started and
// holds the door until release is called, so that two callers (the API and
// the keypad, or a retried request) cannot both pass the guard: the second
// finds the first's opening registered and unsettled.
func (l *Locker) lockDoor(ctx context.Context, id int64) (release func(), err error) {
	l.mu.Lock()
	tok, ok := l.starting[id]
	if !ok {
		if l.starting == nil {
			l.starting = map[int64]chan struct{}{}
		}
		tok = make(chan struct{}, 1)
		l.starting[id] = tok
	}
	l.mu.Unlock()
	select {
	case tok <- struct{}{}:
		return func() { <-tok }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// writeIntent commits the intent, after checking under the same
// transaction that the door may open; op.door is refreshed from the store.
// The opening is registered pending before the board hears of it.
func (l *Locker) writeIntent(ctx context.Context, op *opening) (*live, error) {
	var lv *live
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		d, err := tx.Door(op.door.ID)
		if err != nil {
			return notFound(err)
		}
		if d.OutOfService && !op.allowOOS {
			return &app.OutOfServiceError{Door: d.ID}
		}
		// A flapping sensor can confirm nothing, so nothing behind it may
		// move on its word: only staff open that door.
		if d.Fault == faultFlapping && !op.allowOOS {
			return fmt.Errorf("%s: %w", d.Fault, &app.OutOfServiceError{Door: d.ID})
		}
		op.door = d
		if op.guard != nil {
			if err := op.guard(tx); err != nil {
				return err
			}
		}
		if err := retryLeft(tx, *op); err != nil {
			return err
		}
		id, err := tx.OpenIntent(op.door.ID, op.rentID, op.reason)
		if err != nil {
			return err
		}
		if _, err := tx.Append(storage.Event{Actor: op.actor, Kind: string(app.EvOpenIntent), DoorID: op.door.ID,
			RentID: op.rentID, Detail: op.reason}); err != nil {
			return err
		}
		lv = &live{op: *op, o: app.Opening{ID: id, DoorID: op.door.ID, RentID: op.rentID, Purpose: purposeOf(op.reason),
			Cause: app.CauseAwaitingSensor, Confirmable: true, Started: tx.Now()}}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("core: open door %d: %w", op.door.ID, err)
	}
	l.reg.add(lv)
	return lv, nil
}

// afterUnlock weighs the board's answer. Refused or not sent: not opened,
// now. Acknowledged or no valid reply: pending, for the sensor to settle,
// unless it reads the door open already (seen open since the command, or
// open before it).
func (l *Locker) afterUnlock(ctx context.Context, lv *live, unlockErr error, wasOpen bool) {
	now := l.db.Now()
	switch {
	case errors.Is(unlockErr, lockio.ErrNotSent):
		l.settle(ctx, lv, app.OutcomeNotOpened, app.CauseNotSent, unlockErr.Error())
		return
	case errors.Is(unlockErr, lockio.ErrRefused):
		l.settle(ctx, lv, app.OutcomeNotOpened, app.CauseRefused, unlockErr.Error())
		return
	case unlockErr != nil:
		// The board may have pulsed: never resend; the sensor decides,
		// and the time without a reply is a gap in what it saw.
		l.reg.update(lv, func(lv *live) { lv.o.Cause, lv.replyLost, lv.gapped = app.CauseNoReply, true, true })
		l.note(ctx, lv, app.EvOpenUnknown, unlockErr.Error())
	default:
		l.reg.update(lv, func(lv *live) { lv.acked = true })
	}
	switch l.locks.Sensor(address(lv.op.door)) {
	case lockio.SensorOpen:
		cause := app.CauseSeenOpen
		if wasOpen {
			cause = app.CauseAlreadyOpen
		}
		l.settle(ctx, lv, app.OutcomeOpened, cause, "")
	case lockio.SensorClosed:
		l.reg.update(lv, func(lv *live) { lv.closedSince = now })
	default:
		l.reg.update(lv, func(lv *live) { lv.o.Cause, lv.o.Confirmable = app.CauseSensorUnknown, false })
		l.note(ctx, lv, "", "")
	}
}

// note records why an opening is still pending, with an event when kind
// is set.
func (l *Locker) note(ctx context.Context, lv *live, kind app.EventKind, detail string) {
	o := l.reg.snapshot(lv)
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.NoteOpen(o.ID, o.Cause.String()); err != nil {
			return err
		}
		if kind == "" {
			return nil
		}
		_, err := tx.Append(storage.Event{Actor: lv.op.actor, Kind: string(kind), DoorID: o.DoorID, RentID: o.RentID,
			Detail: lv.op.reason + ": " + detail})
		return err
	})
	if err != nil {
		l.log.Warn("pending opening not noted", "opening", o.ID, "err", err)
	}
}

// openingNow returns opening id as the engine knows it now: from memory
// while it is held there, else from the store.
func (l *Locker) openingNow(ctx context.Context, id int64) (app.Opening, error) {
	if o, ok := l.reg.byOpening(id); ok {
		if o.Outcome != app.OutcomeUnknown {
			return o, nil
		}
		// An answer settles an unknown opening in the store first and
		// drops its live record after: in between, the store is newer
		// (a reader saw the rent collected and its opening still unknown).
		if s, err := l.openingByID(ctx, id); err == nil && s.Outcome != app.OutcomeUnknown {
			return s, nil
		}
		return o, nil
	}
	return l.openingByID(ctx, id)
}

// purposeOf names an opening's reason as an app.Purpose: staff openings
// carry the reason staff typed after "staff: ".
func purposeOf(reason string) app.Purpose {
	switch {
	case reason == "staff: inventory":
		return app.PurposeInventory
	case len(reason) >= 6 && reason[:6] == "staff:":
		return app.PurposeStaff
	}
	return app.Purpose(reason)
}

// current is o as the engine knows it now; o itself if it was never
// started or cannot be read.
func (l *Locker) current(o app.Opening) app.Opening {
	if o.ID == 0 {
		return o
	}
	if cur, err := l.openingNow(context.Background(), o.ID); err == nil {
		return cur
	}
	return o
}
