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

// DropOff is one parcel going into one door: a courier's delivery or a
// shopper's return. Its rent stays reserved until Done.
type DropOff struct {
	l         *Locker
	actor     string
	courier   string // "" for a shopper's return
	rent      storage.Rent
	code      string // walk-in pickup code, handed out once
	preferLow bool
	retries   int
	opened    bool // the current door opened at least once
	Door      Door // the door opened last
	Opening   app.Opening
}

// Code is the pickup code of a walk-in drop-off, canonical (show it with
// FormatCode), for the carrier to pass to the recipient; "" for a booked
// parcel, whose code the back office already has. The store keeps only its
// MAC, so it cannot be shown again once this DropOff is gone.
func (d *DropOff) Code() string { return d.code }

// Rent is the rent being dropped, as last seen.
func (d *DropOff) Rent() Rent { return d.rent }

// first opens the rent's door, returning d even when the door did not
// open so that the screen can offer Retry. On any other failure no DropOff
// is handed out, so nobody could finish or abandon the rent: a walk-in
// (which has no deadline and whose code only d holds) is cancelled then,
// unless its door was opened after all; a booking stays reserved for a
// later attempt.
func (d *DropOff) first(ctx context.Context) (*DropOff, error) {
	err := d.openDoor(ctx)
	if err == nil || errors.Is(err, ErrDoorDidNotOpen) {
		return d, err
	}
	if !d.rent.Booked && d.rent.Kind == storage.KindDelivery {
		cerr := d.l.cancel(context.WithoutCancel(ctx), d.rent.ID, d.actor, "drop-off did not start", false)
		if cerr != nil && !errors.Is(cerr, ErrDropStarted) {
			d.l.log.Warn("walk-in not cancelled after a failed start", "rent", d.rent.ID, "err", cerr)
		}
	}
	return nil, err
}

func (d *DropOff) openDoor(ctx context.Context) error {
	r := d.rent
	res, err := d.l.open(ctx, opening{
		door: storage.Door{ID: r.DoorID}, rentID: r.ID, actor: d.actor, reason: "dropoff",
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
	d.Door, d.Opening, d.opened = res.door, res.opening, err == nil
	return err
}

// Larger moves the parcel to the smallest free door one size up or more
// ("door too small") and opens it. Errors: ErrNoFreeDoor, ErrDoorDidNotOpen.
func (d *DropOff) Larger(ctx context.Context) error {
	err := d.l.db.Update(ctx, func(tx *storage.Tx) error {
		cur, err := tx.Door(d.rent.DoorID)
		if err != nil {
			return err
		}
		rank := storage.SizeRank(cur.Size) + 1
		if rank >= len(storage.Sizes) {
			return fmt.Errorf("%w: nothing larger than %s", ErrNoFreeDoor, cur.Size)
		}
		return moveRent(tx, &d.rent, cur, storage.Sizes[rank], d.preferLow, d.actor, "larger door")
	})
	if err != nil {
		return fmt.Errorf("app: larger door: %w", err)
	}
	d.retries = 0
	return d.openDoor(ctx)
}

// Retry handles "the door did not open": the first retry opens the same
// door again; after that the parcel moves to another free door of at least
// the same size, which opens.
func (d *DropOff) Retry(ctx context.Context) error {
	d.retries++
	if d.retries > 1 {
		err := d.l.db.Update(ctx, func(tx *storage.Tx) error {
			cur, err := tx.Door(d.rent.DoorID)
			if err != nil {
				return err
			}
			return moveRent(tx, &d.rent, cur, cur.Size, d.preferLow, d.actor, "door did not open")
		})
		if err != nil {
			return fmt.Errorf("app: other door: %w", err)
		}
	}
	return d.openDoor(ctx)
}

// Done records that the door was closed with the parcel inside: the rent is
// stored, and a delivery's pickup window starts. ErrDoorStillOpen if the
// door sensor says open.
func (d *DropOff) Done(ctx context.Context) error {
	if !d.opened {
		return fmt.Errorf("app: drop-off done: %w", ErrDoorDidNotOpen)
	}
	if d.l.locks.Sensor(address(d.Door)) == lockio.SensorOpen {
		return ErrDoorStillOpen
	}
	r := d.rent
	err := d.l.db.Update(ctx, func(tx *storage.Tx) error {
		if err := guardState(tx, r.ID, storage.RentReserved); err != nil {
			return err
		}
		o, err := d.l.rules(tx)
		if err != nil {
			return err
		}
		var expires time.Time // a return waits for its courier without a deadline
		if r.Kind == storage.KindDelivery {
			expires = tx.Now().Add(o.PickupWindow)
		}
		if err := tx.Store(r.ID, d.courier, expires); err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: d.actor, Kind: "rent.stored", DoorID: r.DoorID, RentID: r.ID})
		return err
	})
	if err != nil {
		return fmt.Errorf("app: drop-off done: %w", err)
	}
	d.rent.State = storage.RentStored
	return nil
}

// Abandon gives up a drop-off with the door closed and empty: a walk-in's
// rent is cancelled, a booking stays reserved for a later attempt.
func (d *DropOff) Abandon(ctx context.Context) error {
	if d.rent.Booked || d.rent.Kind == storage.KindReturn {
		return d.l.db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Append(storage.Event{Actor: d.actor, Kind: "dropoff.abandoned", DoorID: d.rent.DoorID, RentID: d.rent.ID})
			return err
		})
	}
	return d.l.cancel(ctx, d.rent.ID, d.actor, "drop-off abandoned", true)
}
