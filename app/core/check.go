package core

import (
	"context"
	"errors"
	"fmt"

	"pudo/app"
	"pudo/storage"
)

// checkDoor settles a door kept for staff on what they found inside. Its
// openings nobody could tell are answered; its active rent moves as the
// finding says: a parcel inside stores a reserved rent (its code goes to
// its carrier) and leaves a stored one stored; an empty door collects a
// stored pickup (a return: collected by its courier), cancels a walk-in
// (a booking stays reserved for its parcel). The fault goes and the
// door's rents get their retry afresh. A parcel no rent of the door holds
// is app.ErrParcelWithoutRent: staff take it out and check again.
func (l *Locker) checkDoor(ctx context.Context, actor string, doorID int64, inside bool, note string) error {
	var moved *storage.Rent
	var door storage.Door
	var answered []int64
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		d, err := tx.Door(doorID)
		if err != nil {
			return notFound(err)
		}
		r, err := tx.ActiveRent(doorID)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			if inside {
				return app.ErrParcelWithoutRent
			}
		case err != nil:
			return err
		}
		unknown, err := tx.OpensInState("unknown")
		if err != nil {
			return err
		}
		state := "failed"
		if inside {
			state = "opened"
		}
		for _, o := range unknown {
			if o.DoorID == doorID && !o.Checked {
				if err := tx.AnswerOpen(o.ID, state, app.CauseStaffChecked.String()); err != nil {
					return err
				}
				answered = append(answered, o.ID)
			}
		}
		what := "door empty"
		if inside {
			what = "parcel inside"
		}
		if r.ID != 0 {
			if moved, err = l.settleChecked(tx, actor, r, inside); err != nil {
				return err
			}
		}
		if err := tx.SetFault(d.ID, ""); err != nil {
			return err
		}
		if err := tx.CheckOpens(d.ID); err != nil {
			return err
		}
		detail := what
		if note != "" {
			detail += ": " + note
		}
		if _, err := tx.Append(storage.Event{Actor: actor, Kind: string(app.EvDoorChecked), DoorID: d.ID, RentID: r.ID,
			Detail: detail}); err != nil {
			return err
		}
		door, err = tx.Door(d.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("core: check door %d: %w", doorID, err)
	}
	for _, id := range answered {
		if lv := l.reg.liveByID(id); lv != nil {
			l.reg.drop(lv)
		}
	}
	if lv := l.reg.lateAt(doorID); lv != nil {
		l.reg.drop(lv)
	}
	l.told(ctx, app.NoticeDoor, door, nil, moved)
	return nil
}

// settleChecked moves r, active in a door staff looked into, as what they
// found says; nil when it stays.
func (l *Locker) settleChecked(tx *storage.Tx, actor string, r storage.Rent, inside bool) (*storage.Rent, error) {
	var move app.Move
	switch {
	case inside && r.State == storage.RentReserved:
		move = app.MoveDropOff
	case inside:
		return nil, nil // stored or expired, and there it is
	case r.State == storage.RentStored && r.Kind == storage.KindReturn:
		move = app.MoveCollectReturn
	case r.State == storage.RentStored:
		move = app.MovePickup
	case r.State == storage.RentExpired:
		move = app.MoveReclaim
	case r.State == storage.RentReserved && !r.Booked && r.Kind == storage.KindDelivery:
		return nil, l.cancelWalkIn(tx, r.ID, actor, "staff found its door empty")
	default:
		return nil, nil // a booking or a return waits for its parcel
	}
	step, _ := app.StepFor(move)
	d, err := tx.Door(r.DoorID)
	if err != nil {
		return nil, err
	}
	return l.moveRent(tx, opening{door: d, rentID: r.ID, actor: actor, reason: "staff check", move: move, courier: r.Courier}, step)
}
