package core

import (
	"context"
	"fmt"
	"strings"
	"time"

	"pudo/app"
	"pudo/app/cred"
	"pudo/lockio"
	"pudo/storage"
)

// Reconcile runs once at start, after the boards were read and before any
// door opens: every opening the kiosk stopped in the middle of (between
// intent and outcome, or while it waited for its sensor) is weighed
// against its door's sensor. Nothing is replayed. Seen open: opened, and
// the rent moves as its step says. Closed: nobody can tell whether it
// opened meanwhile, so it is settled as unknown: the rent stays where it
// was, its door is kept to check and staff are told. Sensor unknown: it
// stays pending until the sensor reads, and no other opening of the door
// starts. Openings left unknown and unanswered before the stop wait for
// their answer again; their person is gone, so staff are told.
func (l *Locker) Reconcile(ctx context.Context) error {
	pending, doors, rents, err := l.opensIn(ctx, "intent")
	if err != nil {
		return fmt.Errorf("core: reconcile: %w", err)
	}
	for _, o := range pending {
		d := doors[o.DoorID]
		sensor := l.locks.Sensor(address(d))
		err := l.db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Append(storage.Event{Actor: "system", Kind: string(app.EvAlertUnfinish), DoorID: o.DoorID, RentID: o.RentID,
				Detail: fmt.Sprintf("%s interrupted; sensor %s", o.Reason, sensor)})
			return err
		})
		if err != nil {
			return fmt.Errorf("core: reconcile opening %d: %w", o.ID, err)
		}
		op := opening{door: d, rentID: o.RentID, actor: "system", reason: o.Reason, move: moveOf(o.Reason),
			courier: rents[o.RentID].Courier}
		lv := &live{op: op, interrupted: true, o: app.Opening{ID: o.ID, DoorID: o.DoorID, RentID: o.RentID,
			Purpose: purposeOf(o.Reason), Cause: app.CauseInterrupted, Confirmable: sensor != lockio.SensorUnknown, Started: o.CreatedAt}}
		l.reg.add(lv)
		l.log.Warn("unfinished door opening found at start", "door", o.DoorID, "rent", o.RentID, "reason", o.Reason, "sensor", sensor.String())
		l.observe(ctx, d, sensor)
	}
	if err := l.reconcileUnknown(ctx); err != nil {
		return err
	}
	return l.reconcileDropOffs(ctx)
}

// reconcileUnknown holds the openings settled as unknown and never
// answered before a stop, so that a seen-open, a late reply or the
// person's answer still settles them, and tells staff: whoever was asked
// has gone.
func (l *Locker) reconcileUnknown(ctx context.Context) error {
	unknown, doors, rents, err := l.opensIn(ctx, "unknown")
	if err != nil {
		return fmt.Errorf("core: reconcile unknown openings: %w", err)
	}
	for _, o := range unknown {
		if o.Checked || !unknownCause(o.Cause) || l.reg.liveByID(o.ID) != nil {
			continue // checked by staff, or one of older versions' lost replies or resolved flags
		}
		op := opening{door: doors[o.DoorID], rentID: o.RentID, actor: "system", reason: o.Reason, move: moveOf(o.Reason),
			courier: rents[o.RentID].Courier}
		lv := &live{op: op, left: true, o: appOpening(o)}
		l.reg.add(lv)
		l.reg.settled(lv, lv.o, false, false)
	}
	l.alertUnanswered(ctx)
	return nil
}

// reconcileDropOffs finds the drop-offs whose door was seen open before
// the kiosk stopped, and that were not stored because it had not closed
// yet: they wait for the close again, or are stored now if it is closed.
func (l *Locker) reconcileDropOffs(ctx context.Context) error {
	step, _ := app.StepFor(app.MoveDropOff)
	var seen []storage.DoorOpen
	rents := map[int64]storage.Rent{}
	doors := map[int64]storage.Door{}
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		if seen, err = tx.SeenOpenPending(string(app.PurposeDropOff), storage.RentState(step.From)); err != nil {
			return err
		}
		for _, o := range seen {
			if rents[o.RentID], err = tx.Rent(o.RentID); err != nil {
				return err
			}
			if doors[o.DoorID], err = tx.Door(o.DoorID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("core: reconcile drop-offs: %w", err)
	}
	for _, o := range seen {
		d := doors[o.DoorID]
		lv := &live{op: opening{door: d, rentID: o.RentID, actor: "system", reason: o.Reason, move: app.MoveDropOff,
			courier: rents[o.RentID].Courier}, o: appOpening(o)}
		l.reg.add(lv)
		l.reg.settled(lv, lv.o, true, false)
		l.log.Warn("drop-off seen open before a restart waits for its door to close", "door", d.ID, "rent", o.RentID)
		l.observe(ctx, d, l.locks.Sensor(address(d)))
	}
	return nil
}

// expireDue moves stored parcels past their pickup window to expired (they
// join the courier's take-back list) and cancels bookings past their
// drop-off deadline whose door was never opened. Rents behind a faulty or
// out-of-service door wait: their clock is paused. It returns how many
// rents moved.
func (l *Locker) expireDue(ctx context.Context) (int, error) {
	n := 0
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		due, err := tx.DueToExpire(timedStates()...)
		if err != nil {
			return err
		}
		for _, r := range due {
			moved, err := expireOne(tx, r)
			if err != nil {
				return err
			}
			if moved {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("core: expire: %w", err)
	}
	return n, nil
}

func expireOne(tx *storage.Tx, r storage.Rent) (bool, error) {
	move, kind := app.MoveExpire, app.EvRentExpired
	if r.State == storage.RentReserved {
		// A booking whose door was opened may hold a parcel: staff decide.
		if started, err := tx.HasOpenings(r.ID); err != nil || started {
			return false, err
		}
		move, kind = app.MoveLapse, app.EvRentLapsed
	}
	step, ok := app.Allowed(move, app.RentState(r.State), app.RentKind(r.Kind))
	if !ok {
		return false, nil // a return waits for its courier without a deadline
	}
	if err := tx.MoveRent(r.ID, storage.RentState(step.From), storage.RentState(step.To)); err != nil {
		return false, err
	}
	_, err := tx.Append(storage.Event{Actor: "system", Kind: string(kind), DoorID: r.DoorID, RentID: r.ID})
	return err == nil, err
}

// EventHold is a reader of the event log that delivers events elsewhere
// and keeps its cursor in the store: the fleet link's outbox, a webhook
// endpoint. Prune keeps the events it has not delivered.
type EventHold struct {
	// Name says whose hold it is in the log and the alert: "fleet link",
	// "webhook shop-x".
	Name string
	// Delivered returns the seq through which the reader delivered every
	// event; ok is false while it holds nothing (a webhook not started yet).
	Delivered func(tx *storage.Tx) (seq int64, ok bool, err error)
}

// DefaultMaxUndelivered bounds the undelivered events Prune keeps past the
// retention. A locker writes some hundreds of events a day (about ten a
// parcel) and an event takes about 220 bytes of the file (measured with a
// courier's login detail), so 100,000 is months of a busy locker offline
// in about 22 MB: room for any outage an operator would let last, while a
// link that is configured but never connects cannot fill the disk. It is a
// count, not an age, because the disk is what it protects. Past it the
// oldest go, with an alert event.
const DefaultMaxUndelivered = 100_000

// Prune removes rents that ended, and events, older than the retention
// time, keeping the event chain verifiable from the retained start. Events
// a reader (Options.Holds) has not delivered stay, up to MaxUndelivered of
// them; when more must go, it records an alert.events.dropped event and
// logs an error: the readers will see a gap in seq. It returns how many
// rows went.
func (l *Locker) Prune(ctx context.Context) (int, error) {
	var p storage.Pruned
	var behind []string
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		o, err := l.rules(tx)
		if err != nil {
			return err
		}
		keep, readers, err := l.undelivered(tx)
		if err != nil {
			return err
		}
		if p, err = tx.Prune(tx.Now().Add(-o.Retention), keep); err != nil {
			return err
		}
		// A token revoked before it was seen was valid for at most
		// cred.MaxValid: by then it has expired whatever it said.
		if _, err := tx.PruneTokens(tx.Now().Add(-o.Retention), tx.Now().Add(-cred.MaxValid)); err != nil {
			return err
		}
		if p.DroppedTo > 0 {
			for _, r := range readers {
				if r.next <= p.DroppedTo {
					behind = append(behind, r.name)
				}
			}
			if _, err := tx.Append(storage.Event{Actor: "system", Kind: string(app.EvAlertEventsDropped), Detail: fmt.Sprintf(
				"events %d..%d older than %s pruned before %s delivered them: more than %d undelivered",
				p.DroppedFrom, p.DroppedTo, o.Retention, strings.Join(behind, ", "), l.opts.MaxUndelivered)}); err != nil {
				return err
			}
		}
		if p.Rents+p.Events == 0 {
			return nil
		}
		detail := fmt.Sprintf("%d rents, %d openings, %d events older than %s", p.Rents, p.Opens, p.Events, o.Retention)
		if p.Held > 0 {
			detail += fmt.Sprintf("; %d older events kept until delivered", p.Held)
		}
		_, err = tx.Append(storage.Event{Actor: "system", Kind: string(app.EvPruned), Detail: detail})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("core: prune: %w", err)
	}
	if p.DroppedTo > 0 {
		l.log.Error("undelivered events pruned: the readers will see a gap", "from_seq", p.DroppedFrom, "to_seq", p.DroppedTo,
			"readers", strings.Join(behind, ", "), "max_undelivered", l.opts.MaxUndelivered)
	}
	return int(p.Rents + p.Opens + p.Events), nil
}

// reader is where one hold stands: the first event it has not delivered.
type reader struct {
	name string
	next int64
}

// undelivered is what the readers have not delivered: every event from the
// first the furthest behind lacks.
func (l *Locker) undelivered(tx *storage.Tx) (storage.Keep, []reader, error) {
	keep := storage.Keep{Max: l.opts.MaxUndelivered}
	var readers []reader
	for _, h := range l.opts.Holds {
		seq, ok, err := h.Delivered(tx)
		if err != nil {
			return keep, nil, fmt.Errorf("%s: %w", h.Name, err)
		}
		if ok {
			readers = append(readers, reader{h.Name, seq + 1})
			if keep.From == 0 || seq+1 < keep.From {
				keep.From = seq + 1
			}
		}
	}
	return keep, readers, nil
}

// verifyEvents checks the audit chain and returns how many events it holds.
func (l *Locker) verifyEvents(ctx context.Context) (n int64, err error) {
	err = l.db.View(ctx, func(tx *storage.Tx) (err error) {
		n, err = tx.VerifyChain()
		return err
	})
	return n, err
}

// Housekeep expires and prunes every interval until ctx is done. main
// starts it with go and stops it by cancelling ctx.
func (l *Locker) Housekeep(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := l.watchClock(ctx); err != nil {
			l.log.Error("clock watch failed", "err", err)
		}
		if n, err := l.expireDue(ctx); err != nil {
			l.log.Error("expiry failed", "err", err)
		} else if n > 0 {
			l.log.Info("rents expired", "n", n)
		}
		if n, err := l.Prune(ctx); err != nil {
			l.log.Error("prune failed", "err", err)
		} else if n > 0 {
			l.log.Info("pruned", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// timedStates are the states whose rents a deadline moves: those the life
// cycle's steps without an opening leave by time (expire, lapse).
func timedStates() []storage.RentState {
	var out []storage.RentState
	for _, m := range []app.Move{app.MoveExpire, app.MoveLapse} {
		s, _ := app.StepFor(m)
		out = append(out, storage.RentState(s.From))
	}
	return out
}

// opensIn reads the openings in state, with their doors and rents, in one
// view of the store.
func (l *Locker) opensIn(ctx context.Context, state string) (opens []storage.DoorOpen,
	doors map[int64]storage.Door, rents map[int64]storage.Rent, err error) {
	doors, rents = map[int64]storage.Door{}, map[int64]storage.Rent{}
	err = l.db.View(ctx, func(tx *storage.Tx) (err error) {
		if opens, err = tx.OpensInState(state); err != nil {
			return err
		}
		for _, o := range opens {
			if doors[o.DoorID], err = tx.Door(o.DoorID); err != nil {
				return err
			}
			if o.RentID != 0 {
				if rents[o.RentID], err = tx.Rent(o.RentID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return opens, doors, rents, err
}
