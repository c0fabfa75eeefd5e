package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"pudo/app"
	"pudo/app/cred"
	"pudo/storage"
)

// Courier is a courier signed in with the operator's courier token: one
// visit's round of drop-offs, take-backs and returns, the contract's
// app.CourierRound. Its methods are safe for concurrent use.
type Courier struct {
	l       *Locker
	id      string
	carrier string
	token   cred.Claims // the token signed in with: revoked, the round ends

	mu      sync.Mutex // protects following
	takes   map[int64]takeRecord
	retried map[int64]bool // rents whose one retry was used
}

var _ app.CourierRound = (*Courier)(nil)

// takeRecord is what a take-back's retry needs to open the door again.
type takeRecord struct {
	rentID  int64
	kind    storage.RentKind
	from    storage.RentState
	purpose app.Purpose
}

// Courier is the courier's id.
func (c *Courier) Courier() string { return c.id }

func (c *Courier) actor() string { return "courier:" + c.id }

// stillGood refuses a courier's next step once their token is revoked
// (here or by the operator's list): a revocation applies at once, not at
// the next sign-in.
func (c *Courier) stillGood(ctx context.Context) error {
	if c.token.ID == "" {
		return nil
	}
	refused := c.l.db.View(ctx, func(tx *storage.Tx) error { return c.l.revoked(tx, c.token) })
	if !errors.Is(refused, ErrTokenRevoked) {
		return refused
	}
	err := c.l.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.Append(storage.Event{Actor: c.actor(), Kind: string(app.EvCourierRevoked),
			Detail: strings.TrimSpace(credDetail(c.token) + " " + refused.Error())})
		return err
	})
	if err != nil {
		return fmt.Errorf("core: courier: %w", err)
	}
	return refused
}

// LoginCourier signs a courier in by a scanned courier token, signed by the
// operator for this locker (see package cred). Errors: app.ErrBadToken (a
// forged token, another operator's, a locker-signed one of old),
// ErrTokenNotHere and ErrTokenRevoked (both wrap app.ErrBadToken),
// app.ErrTokenExpired. A signature cannot be guessed, so a bad token is
// logged, not counted, and never waits for a typed-code pause.
func (l *Locker) LoginCourier(ctx context.Context, token string) (app.CourierRound, error) {
	return handOut[app.CourierRound](l.loginCourier(ctx, token))
}

func (l *Locker) loginCourier(ctx context.Context, token string) (*Courier, error) {
	p := l.payloadOf(token)
	if p.Kind != PayloadCourierToken {
		return nil, app.ErrBadToken
	}
	var c *Courier
	refused := p.Err
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		if refused == nil {
			refused = l.revoked(tx, *p.Cred)
		}
		ev := storage.Event{Actor: "courier:?", Kind: string(app.EvCourierLogin)}
		if p.Cred != nil {
			ev.Actor, ev.Detail = "courier:"+p.Cred.Subject, credDetail(*p.Cred)
		}
		if refused != nil {
			ev.Kind, ev.Detail = string(app.EvCourierRefused), strings.TrimSpace(ev.Detail+" "+refused.Error())
		} else {
			c = &Courier{l: l, id: p.Cred.Subject, carrier: p.Cred.Carrier, token: *p.Cred}
			if err := noteToken(tx, *p.Cred); err != nil {
				return err
			}
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
func (c *Courier) Expired(ctx context.Context) ([]app.Rent, error) {
	rs, err := c.l.rents(ctx, storage.RentFilter{State: string(storage.RentExpired), Kind: string(storage.KindDelivery), Limit: 1000})
	return appRents(rs), err
}

// Returns lists the returns waiting for a courier.
func (c *Courier) Returns(ctx context.Context) ([]app.Rent, error) {
	rs, err := c.l.rents(ctx, storage.RentFilter{State: string(storage.RentStored), Kind: string(storage.KindReturn), Limit: 1000})
	return appRents(rs), err
}

// TakeBack opens an expired parcel's door; the rent is reclaimed when the
// sensor sees the door open.
func (c *Courier) TakeBack(ctx context.Context, rentID int64) (app.Opening, error) {
	return c.take(ctx, rentID, storage.KindDelivery, storage.RentExpired, app.PurposeReclaim)
}

// CollectReturn opens a stored return's door; the rent is collected when
// the sensor sees the door open.
func (c *Courier) CollectReturn(ctx context.Context, rentID int64) (app.Opening, error) {
	return c.take(ctx, rentID, storage.KindReturn, storage.RentStored, app.PurposeReturnCollect)
}

// take opens the door of a rent the courier takes out, and keeps what its
// one retry needs.
func (c *Courier) take(ctx context.Context, rentID int64, kind storage.RentKind, from storage.RentState, p app.Purpose) (app.Opening, error) {
	res, err := c.takeOpening(ctx, rentID, kind, from, string(p))
	if res.opening.ID != 0 {
		c.mu.Lock()
		if c.takes == nil {
			c.takes = map[int64]takeRecord{}
		}
		c.takes[res.opening.ID] = takeRecord{rentID: rentID, kind: kind, from: from, purpose: p}
		c.mu.Unlock()
	}
	return res.opening, err
}

// DidNotOpen weighs the courier's report on a take-back or return door;
// each rent gets one retry of its door.
func (c *Courier) DidNotOpen(ctx context.Context, openingID int64) (app.Verdict, error) {
	o, err := c.l.openingNow(ctx, openingID)
	if err != nil {
		return app.Verdict{}, err
	}
	c.mu.Lock()
	t, ok := c.takes[openingID]
	retried := c.retried[t.rentID]
	c.mu.Unlock()
	var retry retryFunc
	if ok && !retried {
		retry = func(ctx context.Context) (app.VerdictKind, app.Opening, error) {
			c.mu.Lock()
			if c.retried == nil {
				c.retried = map[int64]bool{}
			}
			c.retried[t.rentID] = true
			c.mu.Unlock()
			ro, err := c.take(ctx, t.rentID, t.kind, t.from, t.purpose)
			return app.VerdictRetried, ro, err
		}
	}
	return c.l.weigh(ctx, c.actor(), o, retry)
}

func (c *Courier) takeOpening(ctx context.Context, rentID int64, kind storage.RentKind, from storage.RentState, reason string) (opened, error) {
	if err := c.stillGood(ctx); err != nil {
		return opened{}, err
	}
	r, err := c.l.rent(ctx, rentID)
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
// is returned too, for its DidNotOpen. Errors: app.ErrUnknownParcel,
// app.ErrAlreadyStored, app.ErrNoFreeDoor, and the opening's.
func (c *Courier) DropBooked(ctx context.Context, parcelRef string) (app.DropOff, error) {
	return handOut[app.DropOff](c.dropBooked(ctx, parcelRef))
}

func (c *Courier) dropBooked(ctx context.Context, parcelRef string) (*DropOff, error) {
	if err := c.stillGood(ctx); err != nil {
		return nil, err
	}
	if err := c.l.outOfOrder(); err != nil {
		return nil, err
	}
	var r storage.Rent
	err := c.l.db.Update(ctx, func(tx *storage.Tx) error {
		rs, err := tx.Rents(storage.RentFilter{ParcelRef: parcelRef, Kind: string(storage.KindDelivery), Limit: 1000})
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
	d := &DropOff{l: c.l, actor: c.actor(), courier: c.id, rent: r}
	return d.first(ctx)
}

// DropNew is a walk-in drop-off: the smallest free door of at least size
// opens (low doors first when preferLow), and a fresh pickup code is made
// for the recipient, handed out once by DropOff.Code. Sealed for the
// courier's carrier (Options.CarrierKeys), the code goes to the carrier's
// back office with the event that stores the rent (see sealCode). On
// *app.DidNotOpenError the DropOff is returned too, for its DidNotOpen.
// Errors: app.ErrBadSize, app.ErrNoFreeDoor, and the opening's.
func (c *Courier) DropNew(ctx context.Context, size app.Size, parcelRef string, preferLow bool) (app.DropOff, error) {
	return handOut[app.DropOff](c.dropNew(ctx, string(size), parcelRef, preferLow))
}

func (c *Courier) dropNew(ctx context.Context, size, parcelRef string, preferLow bool) (*DropOff, error) {
	if err := c.stillGood(ctx); err != nil {
		return nil, err
	}
	if storage.SizeRank(size) < 0 {
		return nil, fmt.Errorf("%w %q", app.ErrBadSize, size)
	}
	if err := c.l.outOfOrder(); err != nil {
		return nil, err
	}
	d := &DropOff{l: c.l, actor: c.actor(), courier: c.id, preferLow: preferLow}
	err := c.l.db.Update(ctx, func(tx *storage.Tx) error {
		door, err := freeDoor(tx, size, preferLow, c.l.downDoors())
		if err != nil {
			return err
		}
		var hash []byte
		if d.code, hash, err = c.l.freshCode(tx); err != nil {
			return err
		}
		if d.rent, err = tx.CreateRent(storage.NewRent{DoorID: door.ID, State: storage.RentReserved,
			Kind: storage.KindDelivery, ParcelRef: parcelRef, Courier: c.id, PickupMAC: hash}); err != nil {
			return err
		}
		if d.sealed, err = c.l.sealCode(tx, c.carrier, d.rent.ID, d.code); err != nil {
			return err
		}
		_, err = tx.Append(storage.Event{Actor: c.actor(), Kind: string(app.EvRentReserved), DoorID: door.ID, RentID: d.rent.ID,
			Detail: "walk-in size=" + door.Size + " carrier=" + c.carrier})
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
