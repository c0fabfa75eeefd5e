package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"pudo/app"
	"pudo/storage"
)

// Courier is a courier signed in with the operator's courier token.
type Courier struct {
	l       *Locker
	ID      string
	Carrier string
}

func (c *Courier) actor() string { return "courier:" + c.ID }

// CourierLogin signs a courier in by a scanned courier token, signed by the
// operator for this locker (see package cred). Errors: ErrBadToken (a
// forged token, another operator's, a locker-signed one of old),
// ErrTokenNotHere and ErrTokenRevoked (both wrap ErrBadToken),
// ErrTokenExpired. A signature cannot be guessed, so a bad token is
// logged, not counted, and never waits for a typed-code pause.
func (l *Locker) CourierLogin(ctx context.Context, token string) (*Courier, error) {
	p := l.Classify(token)
	if p.Kind != PayloadCourierToken {
		return nil, app.ErrBadToken
	}
	var c *Courier
	refused := p.Err
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		if refused == nil {
			refused = revoked(tx, *p.Cred)
		}
		ev := storage.Event{Actor: "courier:?", Kind: string(app.EvCourierLogin)}
		if p.Cred != nil {
			ev.Actor, ev.Detail = "courier:"+p.Cred.Subject, credDetail(*p.Cred)
		}
		if refused != nil {
			ev.Kind, ev.Detail = string(app.EvCourierRefused), strings.TrimSpace(ev.Detail+" "+refused.Error())
		} else {
			c = &Courier{l: l, ID: p.Cred.Subject, Carrier: p.Cred.Carrier}
		}
		_, err := tx.Append(ev)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("core: courier login: %w", err)
	}
	if refused != nil {
		return nil, refused
	}
	return c, nil
}

// Expired lists the parcels waiting to be taken back.
func (c *Courier) Expired(ctx context.Context) ([]Rent, error) {
	return c.l.Rents(ctx, RentFilter{State: string(storage.RentExpired), Kind: string(storage.KindDelivery), Limit: 1000})
}

// Returns lists the returns waiting for a courier.
func (c *Courier) Returns(ctx context.Context) ([]Rent, error) {
	return c.l.Rents(ctx, RentFilter{State: string(storage.RentStored), Kind: string(storage.KindReturn), Limit: 1000})
}

// TakeBack opens an expired parcel's door; the rent is reclaimed when the
// sensor sees the door open.
func (c *Courier) TakeBack(ctx context.Context, rentID int64) (Door, error) {
	return c.take(ctx, rentID, storage.KindDelivery, storage.RentExpired, storage.RentReclaimed, "reclaim")
}

// CollectReturn opens a stored return's door; the rent is collected when
// the sensor sees the door open.
func (c *Courier) CollectReturn(ctx context.Context, rentID int64) (Door, error) {
	return c.take(ctx, rentID, storage.KindReturn, storage.RentStored, storage.RentCollected, "return.collect")
}

func (c *Courier) take(ctx context.Context, rentID int64, kind storage.RentKind, from, to storage.RentState, reason string) (Door, error) {
	res, err := c.takeOpening(ctx, rentID, kind, from, reason)
	return res.door, err
}

func (c *Courier) takeOpening(ctx context.Context, rentID int64, kind storage.RentKind, from storage.RentState, reason string) (opened, error) {
	r, err := c.l.Rent(ctx, rentID)
	if err != nil {
		return opened{}, err
	}
	if r.Kind != kind {
		want := app.ErrNotReturn
		if kind == storage.KindDelivery {
			want = app.ErrIsReturn
		}
		return opened{}, fmt.Errorf("rent %d: %w", rentID, want)
	}
	if from == storage.RentExpired && r.State == storage.RentStored {
		return opened{}, app.ErrNotExpired
	}
	return c.l.open(ctx, opening{
		door: storage.Door{ID: r.DoorID}, rentID: r.ID, actor: c.actor(), reason: reason, move: moveOf(reason),
		guard: func(tx *storage.Tx) error { return guardState(tx, r.ID, from) },
	})
}

// DropBooked opens the reserved door of a booked parcel whose label the
// courier scanned. If the booked door is out of service the parcel gets
// another free door of at least its size. On ErrDoorDidNotOpen the DropOff
// is returned too, for Retry. Errors: ErrUnknownParcel, ErrAlreadyStored,
// ErrNoFreeDoor, ErrDoorDidNotOpen.
func (c *Courier) DropBooked(ctx context.Context, parcelRef string) (*DropOff, error) {
	if err := c.l.outOfOrder(); err != nil {
		return nil, err
	}
	var r storage.Rent
	err := c.l.db.Update(ctx, func(tx *storage.Tx) error {
		rs, err := tx.Rents(RentFilter{ParcelRef: parcelRef, Kind: string(storage.KindDelivery), Limit: 1000})
		if err != nil {
			return err
		}
		var stored bool
		for _, x := range rs {
			if x.State == storage.RentReserved && x.Booked {
				r = x
				return c.l.avoidOutOfService(tx, &r, c.actor())
			}
			stored = stored || x.State == storage.RentStored
		}
		if stored {
			return app.ErrAlreadyStored
		}
		return app.ErrUnknownParcel
	})
	if err != nil {
		return nil, fmt.Errorf("core: drop off: %w", err)
	}
	d := &DropOff{l: c.l, actor: c.actor(), courier: c.ID, rent: r}
	return d.first(ctx)
}

// DropNew is a walk-in drop-off: the smallest free door of at least size
// opens (low doors first when preferLow), and a fresh pickup code is made
// for the recipient, handed out once by DropOff.Code. Sealed for the
// courier's carrier (Options.CarrierKeys), the code goes to the carrier's
// back office with the event that stores the rent (see sealCode). On
// ErrDoorDidNotOpen the DropOff is returned too, for Retry.
// Errors: ErrBadSize, ErrNoFreeDoor, ErrDoorDidNotOpen.
func (c *Courier) DropNew(ctx context.Context, size, parcelRef string, preferLow bool) (*DropOff, error) {
	if storage.SizeRank(size) < 0 {
		return nil, fmt.Errorf("%w %q", app.ErrBadSize, size)
	}
	if err := c.l.outOfOrder(); err != nil {
		return nil, err
	}
	d := &DropOff{l: c.l, actor: c.actor(), courier: c.ID, preferLow: preferLow}
	err := c.l.db.Update(ctx, func(tx *storage.Tx) error {
		door, err := freeDoor(tx, size, preferLow, c.l.downDoors())
		if err != nil {
			return err
		}
		if d.code, err = c.l.freshCode(tx); err != nil {
			return err
		}
		if d.rent, err = tx.CreateRent(storage.NewRent{DoorID: door.ID, State: storage.RentReserved,
			Kind: storage.KindDelivery, ParcelRef: parcelRef, Courier: c.ID, PickupMAC: codeMAC(c.l.secret, d.code)}); err != nil {
			return err
		}
		if d.sealed, err = c.l.sealCode(tx, c.Carrier, d.rent.ID, d.code); err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: c.actor(), Kind: string(app.EvRentReserved), DoorID: door.ID, RentID: d.rent.ID,
			Detail: "walk-in size=" + door.Size + " carrier=" + c.Carrier})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("core: drop off: %w", err)
	}
	return d.first(ctx)
}

func freeDoor(tx *storage.Tx, size string, preferLow bool, except []int64) (storage.Door, error) {
	d, err := tx.FreeDoor(size, preferLow, except)
	if errors.Is(err, storage.ErrNotFound) {
		return d, fmt.Errorf("%w: %s", app.ErrNoFreeDoor, size)
	}
	return d, err
}

// avoidOutOfService moves a reserved rent off a door that cannot take it
// now: taken out of service, faulty (it may hold a parcel nobody has a
// record for), or out of order, since it was booked.
func (l *Locker) avoidOutOfService(tx *storage.Tx, r *storage.Rent, actor string) error {
	cur, err := tx.Door(r.DoorID)
	if err != nil {
		return err
	}
	why := ""
	switch down := l.downDoors(); {
	case cur.OutOfService:
		why = "out of service"
	case cur.Fault != "":
		why = "door kept for staff: " + cur.Fault
	case slices.Contains(down, cur.ID):
		why = "out of order"
	}
	if why == "" {
		return nil
	}
	return moveDoor(tx, r, cur, cur.Size, false, actor, why, l.downDoors())
}

// downDoors are the doors that cannot open now.
func (l *Locker) downDoors() []int64 { return l.Availability().Down }

// moveDoor moves a reserved rent to the smallest free door of at least
// size, never one in except.
func moveDoor(tx *storage.Tx, r *storage.Rent, from storage.Door, size string, preferLow bool, actor, why string, except []int64) error {
	to, err := freeDoor(tx, size, preferLow, append([]int64{from.ID}, except...))
	if err != nil {
		return err
	}
	if err := tx.MoveDoor(r.ID, from.ID, to.ID); err != nil {
		return err
	}
	r.DoorID = to.ID
	_, err = tx.Append(storage.Event{Actor: actor, Kind: string(app.EvRentMoved), DoorID: to.ID, RentID: r.ID,
		Detail: fmt.Sprintf("from door %d: %s", from.ID, why)})
	return err
}
