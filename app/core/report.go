package core

import (
	"context"
	"fmt"
	"time"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// retryFunc is the one retry a did-not-open report may get; it reports
// which verdict it is and the opening it started.
type retryFunc func(ctx context.Context) (app.VerdictKind, app.Opening, error)

// weigh answers a person's "the door did not open" from the evidence:
// the sensor sees the door open (look again); the opening is not settled
// yet (wait); it settled as not opened and a retry is left (the retry,
// through the same mechanism as every opening); otherwise support, with
// the door kept out of assignment, since it may hold a parcel, and staff
// alerted. Every report is an audit event.
func (l *Locker) weigh(ctx context.Context, actor string, o app.Opening, retry retryFunc) (app.Verdict, error) {
	if o.ID == 0 {
		return app.Verdict{}, fmt.Errorf("%w: no opening to report on", app.ErrNotFound)
	}
	d, err := l.freshDoor(ctx, o.DoorID)
	if err != nil {
		return app.Verdict{}, notFound(err)
	}
	v := app.Verdict{Kind: app.VerdictSupport, Opening: o}
	switch {
	case l.locks.Sensor(address(d)) == lockio.SensorOpen:
		v.Kind = app.VerdictLookAgain
	case o.Pending():
		v.Kind = app.VerdictWait
	case o.Outcome == app.OutcomeNotOpened && retry != nil:
		kind, ro, rerr := retry(ctx)
		if ro.ID != 0 {
			v.Kind, v.Opening = kind, ro
		} else {
			l.log.Warn("did-not-open retry could not start", "opening", o.ID, "err", rerr)
		}
	}
	if err := l.recordReport(ctx, actor, o, v); err != nil {
		return app.Verdict{}, err
	}
	if d, err = l.freshDoor(ctx, v.Opening.DoorID); err != nil {
		return app.Verdict{}, notFound(err)
	}
	occupied := false
	if rs, err := l.rents(ctx, storage.RentFilter{DoorID: d.ID, Limit: 1000}); err == nil {
		for _, r := range rs {
			occupied = occupied || r.State.Active()
		}
	}
	v.Door = l.appDoor(d, occupied, l.Availability())
	return v, nil
}

// recordReport puts the report and its verdict into the audit log; a
// report that ends at support alerts staff and keeps the door for them.
func (l *Locker) recordReport(ctx context.Context, actor string, o app.Opening, v app.Verdict) error {
	var changed bool
	var door storage.Door
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Append(storage.Event{Actor: actor, Kind: string(app.EvOpenReported), DoorID: o.DoorID, RentID: o.RentID,
			Detail: fmt.Sprintf("opening %d (%s, %s): %s", o.ID, o.Outcome, o.Cause, v.Kind)}); err != nil {
			return err
		}
		if v.Kind == app.VerdictRetried || v.Kind == app.VerdictOtherDoor {
			_, err := tx.Append(storage.Event{Actor: actor, Kind: string(app.EvOpenRetry), DoorID: v.Opening.DoorID,
				RentID: v.Opening.RentID, Detail: fmt.Sprintf("after opening %d", o.ID)})
			return err
		}
		if v.Kind != app.VerdictSupport {
			return nil
		}
		d, err := tx.Door(o.DoorID)
		if err != nil {
			return err
		}
		if d.Fault == "" {
			changed = true
			if err := tx.SetFault(d.ID, faultReported); err != nil {
				return err
			}
		}
		if door, err = tx.Door(o.DoorID); err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: "system", Kind: string(app.EvAlertDidNot), DoorID: o.DoorID, RentID: o.RentID,
			Detail: fmt.Sprintf("reported as not opening (opening %d, %s); the rent stays where it was", o.ID, o.Outcome)})
		return err
	})
	if err != nil {
		return fmt.Errorf("core: did-not-open report: %w", err)
	}
	l.log.Warn("door reported as not opening", "door", o.DoorID, "opening", o.ID, "verdict", v.Kind.String())
	if changed {
		l.told(ctx, app.NoticeDoor, door, nil, nil)
	}
	return nil
}

// DidNotOpen weighs the shopper's "the door did not open" for the door
// opened last (see weigh); the parcel's one retry goes to the same door.
func (p *Pickup) DidNotOpen(ctx context.Context) (app.Verdict, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.didNotOpen(ctx)
}

func (p *Pickup) didNotOpen(ctx context.Context) (app.Verdict, error) {
	o, err := p.l.openingNow(ctx, p.opened.ID)
	if err != nil {
		return app.Verdict{}, err
	}
	r := p.last
	var retry retryFunc
	if !p.retried[r.ID] && o.RentID == r.ID && r.ID != 0 {
		retry = func(ctx context.Context) (app.VerdictKind, app.Opening, error) {
			if p.retried == nil {
				p.retried = map[int64]bool{}
			}
			p.retried[r.ID] = true
			started, err := p.openRent(ctx, r)
			if !started {
				return 0, app.Opening{}, err
			}
			return app.VerdictRetried, p.opened, err
		}
	}
	return p.l.weigh(ctx, p.actor, o, retry)
}

// ReopenUntil is until when the door collected last may be opened again:
// the grace from the moment its sensor saw it open; zero when it was not
// collected, or was reopened too often.
func (p *Pickup) ReopenUntil() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.opened.ID == 0 || p.reopens >= app.MaxReopens {
		return time.Time{}
	}
	ctx := context.Background() // a read of the store, bounded by its own busy timeout
	o, err := p.l.openingNow(ctx, p.opened.ID)
	if err != nil || o.Outcome != app.OutcomeOpened || moveOf(string(o.Purpose)) != app.MovePickup {
		if o.Purpose != app.PurposeReopen {
			return time.Time{}
		}
	}
	r, err := p.l.rent(ctx, p.last.ID)
	if err != nil || r.State != storage.RentCollected {
		return time.Time{}
	}
	return r.EndedAt.Add(p.l.opts.ReopenGrace)
}
