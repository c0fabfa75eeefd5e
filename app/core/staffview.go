package core

import (
	"context"
	"fmt"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// appOpening is a stored opening as the sessions see it.
func appOpening(o storage.DoorOpen) app.Opening {
	out := app.Opening{ID: o.ID, DoorID: o.DoorID, RentID: o.RentID, Purpose: purposeOf(o.Reason), Started: o.CreatedAt,
		Settled: o.EndedAt, Confirmable: true}
	switch o.State {
	case "opened":
		out.Outcome, out.Cause = app.OutcomeOpened, causeOf(o.Cause, app.CauseSeenOpen)
	case "failed":
		out.Outcome, out.Cause = app.OutcomeNotOpened, causeOf(o.Cause, app.CauseNotSent)
	case "unknown":
		out.Outcome, out.Cause = app.OutcomeUnknown, causeOf(o.Cause, app.CauseUnseen)
		if !unknownCause(o.Cause) {
			out.Outcome, out.Cause = app.OutcomePending, app.CauseNoReply // an older version's lost reply, never settled
		}
	case "flagged": // an older version's crash, for staff
		out.Cause = app.CauseInterrupted
	default:
		out.Cause = causeOf(o.Cause, app.CauseAwaitingSensor)
	}
	return out
}

// causeOf reads a stored cause; def when it is empty or unknown.
func causeOf(s string, def app.Cause) app.Cause {
	for c := app.CauseSeenOpen; c <= app.CauseStaffChecked; c++ {
		if c.String() == s {
			return c
		}
	}
	return def
}

func (l *Locker) openingByID(ctx context.Context, id int64) (app.Opening, error) {
	var o storage.DoorOpen
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		o, err = tx.Open(id)
		return err
	})
	if err != nil {
		return app.Opening{}, notFound(err)
	}
	return appOpening(o), nil
}

// clearDoor records that staff looked inside a door kept for them: its
// fault goes, and openings of it flagged after a crash are resolved.
func (l *Locker) clearDoor(ctx context.Context, actor string, doorID int64, note string) error {
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Door(doorID); err != nil {
			return notFound(err)
		}
		if err := tx.SetFault(doorID, ""); err != nil {
			return err
		}
		// Staff looked: the door's rents get their retry afresh.
		if err := tx.CheckOpens(doorID); err != nil {
			return err
		}
		flagged, err := tx.OpensInState("flagged")
		if err != nil {
			return err
		}
		for _, o := range flagged {
			if o.DoorID == doorID {
				if err := tx.ResolveOpen(o.ID); err != nil {
					return err
				}
			}
		}
		_, err = tx.Append(storage.Event{Actor: actor, Kind: string(app.EvDoorCleared), DoorID: doorID, Detail: note})
		return err
	})
	if err != nil {
		return fmt.Errorf("core: clear door %d: %w", doorID, err)
	}
	return nil
}

// eventsBefore pages the audit log newest first.
func (l *Locker) eventsBefore(ctx context.Context, before int64, limit int, prefix string) ([]app.Event, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var es []storage.Event
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		es, err = tx.EventsBefore(before, limit, prefix)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("core: events: %w", err)
	}
	out := make([]app.Event, len(es))
	for i, e := range es {
		out[i] = appEvent(e)
	}
	return out, nil
}

// appDoorStates lists every door with the rent behind it.
func (l *Locker) appDoorStates(ctx context.Context) ([]app.DoorState, error) {
	var doors []storage.Door
	var active []storage.Rent
	err := l.db.View(ctx, func(tx *storage.Tx) (err error) {
		if doors, err = tx.Doors(); err != nil {
			return err
		}
		active, err = tx.ActiveRents()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("core: door states: %w", err)
	}
	byDoor := map[int64]app.Rent{}
	for _, r := range active {
		byDoor[r.DoorID] = appRent(r)
	}
	av := l.availability(doors)
	out := make([]app.DoorState, len(doors))
	for i, d := range doors {
		r, ok := byDoor[d.ID]
		out[i].Door = l.appDoor(d, ok, av)
		if ok {
			out[i].Rent = &r
		}
	}
	return out, nil
}

func (l *Locker) readerSet() Readers {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.readers
}

// hardware is the state of the devices for the staff screen.
func (l *Locker) hardware(ctx context.Context) (app.Hardware, error) {
	var hw app.Hardware
	if bus, ok := l.locks.(Bus); ok {
		doors, err := l.allDoors(ctx)
		if err != nil {
			return hw, err
		}
		byAddr := map[lockio.Door]int64{}
		for _, d := range doors {
			byAddr[address(d)] = d.ID
		}
		hw.Bus = appBus(bus.Health(), func(a lockio.Door) int64 { return byAddr[a] })
	}
	if r := l.readerSet(); r != nil {
		hw.Readers = r.Status()
	}
	hw.SelfTest = l.LastSelfTest()
	return hw, nil
}
