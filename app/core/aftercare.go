package core

import (
	"context"
	"errors"
	"fmt"

	"pudo/app"
	"pudo/storage"
)

// Reopen opens the door of the parcel collected last once more, for a
// shopper who left the parcel (or a part of it) inside. It is allowed only
// within the grace period after the collection, at most twice, and never
// once the door holds another rent.
func (p *Pickup) Reopen(ctx context.Context) (app.Opening, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.last
	if r.ID == 0 || p.reopens >= app.MaxReopens {
		return p.opened, app.ErrReopenClosed
	}
	res, err := p.l.open(ctx, opening{
		door: storage.Door{ID: r.DoorID}, rentID: r.ID, actor: p.actor, reason: "pickup-reopen",
		guard: func(tx *storage.Tx) error { return p.l.mayReopen(tx, r) },
	})
	p.opened = res.opening
	if err != nil {
		return p.opened, err
	}
	p.reopens++
	return p.opened, nil
}

// mayReopen checks, in the intent's own transaction, that the rent was
// collected within the grace period and that its door is still empty.
func (l *Locker) mayReopen(tx *storage.Tx, r storage.Rent) error {
	cur, err := tx.Rent(r.ID)
	if err != nil {
		return err
	}
	if cur.State != storage.RentCollected || tx.Now().Sub(cur.EndedAt) > l.opts.ReopenGrace {
		return app.ErrReopenClosed
	}
	if _, err := tx.ActiveRent(cur.DoorID); !errors.Is(err, storage.ErrNotFound) {
		if err != nil {
			return err
		}
		return fmt.Errorf("door %d holds another parcel: %w", cur.DoorID, app.ErrReopenClosed)
	}
	return nil
}

// Report records that the shopper found the door empty or holding the wrong
// parcel. It goes into the audit log for staff; the rent stays collected,
// since only a person at the door can tell what happened. A wrong parcel is
// put back, so its door holds a parcel no rent accounts for: the door is
// kept for staff (no new parcel goes in) and an alert is raised.
func (p *Pickup) Report(ctx context.Context, problem app.Problem) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if problem != app.ProblemEmpty && problem != app.ProblemWrongParcel {
		return fmt.Errorf("%w: %q", app.ErrBadProblem, problem)
	}
	r := p.last
	if r.ID == 0 {
		return fmt.Errorf("%w: nothing was collected", app.ErrBadProblem)
	}
	err := p.l.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.Append(storage.Event{Actor: p.actor, Kind: string(app.EvRentProblem), DoorID: r.DoorID, RentID: r.ID, Detail: string(problem)})
		if err != nil {
			return err
		}
		if problem == app.ProblemWrongParcel {
			return keepWrongParcel(tx, r)
		}
		return keepReportedEmpty(tx, r)
	})
	if err != nil {
		return fmt.Errorf("core: report problem: %w", err)
	}
	p.l.log.Warn("shopper reported a problem", "door", r.DoorID, "rent", r.ID, "problem", problem)
	return nil
}

// keepReportedEmpty keeps a door the shopper found empty for staff, and
// alerts them with door and rent: the parcel is somewhere else, or the
// door holds what nobody saw.
func keepReportedEmpty(tx *storage.Tx, r storage.Rent) error {
	d, err := tx.Door(r.DoorID)
	if err != nil {
		return err
	}
	if d.Fault == "" || openingFault(d.Fault) {
		if err := tx.SetFault(d.ID, faultReportedEmpty); err != nil {
			return err
		}
	}
	_, err = tx.Append(storage.Event{Actor: "system", Kind: string(app.EvAlertForStaff), DoorID: r.DoorID, RentID: r.ID,
		Detail: "a shopper found the door empty; the door is kept until staff look inside"})
	return err
}

// keepWrongParcel keeps the door of a wrong parcel for staff, in the
// report's transaction: a drop-off must not be given a door that still holds
// someone's parcel.
func keepWrongParcel(tx *storage.Tx, r storage.Rent) error {
	d, err := tx.Door(r.DoorID)
	if err != nil {
		return err
	}
	if d.Fault == "" || openingFault(d.Fault) {
		if err := tx.SetFault(d.ID, faultWrongParcel); err != nil {
			return err
		}
	}
	_, err = tx.Append(storage.Event{Actor: "system", Kind: string(app.EvAlertWrongParcel), DoorID: r.DoorID, RentID: r.ID,
		Detail: "a shopper found someone else's parcel and put it back; the door is kept until staff look inside"})
	return err
}
