package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"pudo/app"
	"pudo/storage"
)

// DemoParcel is a demo parcel and the code that opens it, shown on the demo
// banner. Only the demo ever holds a code in memory after handing it out.
type DemoParcel struct {
	Code   string // canonical; show with FormatCode (a return's: FormatReturnCode)
	DoorID int64
	Return bool // a booked return: the code a shopper sends a parcel with
}

// The demo's parcel references: the parcels to collect (DEMO-<door>), and
// what lets every other flow be tried: a booked return and its code, a
// parcel left past its deadline for a courier to take back, and a return
// a shopper sent, for a courier to collect.
const (
	demoRef       = "DEMO-"
	demoReturnRef = "DEMO-RETURN-"
	demoLateRef   = "DEMO-LATE-"
	demoSentRef   = "DEMO-SENT-"
)

// SeedDemo makes sure the demo locker has n parcels waiting and returns
// their codes. The store keeps only MACs, so a restarted demo cannot know
// the old codes: it issues fresh ones for the demo parcels still waiting,
// as an operator re-issuing a code would, and drops new ones as needed.
func (l *Locker) SeedDemo(ctx context.Context, n int) ([]DemoParcel, error) {
	var out []DemoParcel
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		stored, err := tx.RentsInState(storage.RentStored)
		if err != nil {
			return err
		}
		for _, r := range stored {
			if !demoPickup(r) || len(out) >= n {
				continue
			}
			code := NewCode()
			if err := tx.SetPickupMAC(r.ID, l.codeHash(labelPickup, code)); err != nil {
				return err
			}
			if _, err := tx.Append(storage.Event{Actor: "system", Kind: string(app.EvRentReissued), DoorID: r.DoorID, RentID: r.ID}); err != nil {
				return err
			}
			out = append(out, DemoParcel{Code: code, DoorID: r.DoorID})
		}
		return l.dropDemo(tx, n, &out)
	})
	if err != nil {
		return nil, fmt.Errorf("core: demo: %w", err)
	}
	return out, nil
}

// demoPickup reports whether r is one of the demo's parcels to collect.
func demoPickup(r storage.Rent) bool {
	return r.Kind == storage.KindDelivery && strings.HasPrefix(r.ParcelRef, demoRef) && !strings.HasPrefix(r.ParcelRef, demoLateRef)
}

// DemoRest gives the demo locker what lets every flow besides a pickup be
// tried (see demoRest) and returns the booked return's code if it made
// one or, with reissue (the demo starting again: the store keeps only
// MACs), issued its code again.
func (l *Locker) DemoRest(ctx context.Context, reissue bool) ([]DemoParcel, error) {
	var out []DemoParcel
	err := l.db.Update(ctx, func(tx *storage.Tx) error { return l.demoRest(tx, reissue, &out) })
	if err != nil {
		return nil, fmt.Errorf("core: demo: %w", err)
	}
	return out, nil
}

// demoRest gives the demo locker, where it has none, a booked return
// (its code in out; with reissue, an existing one's code is issued again,
// as SeedDemo does for the parcels), a parcel past its deadline (the
// locker's own expiry makes it one to take back) and a return sent in.
func (l *Locker) demoRest(tx *storage.Tx, reissue bool, out *[]DemoParcel) error {
	have := map[string]bool{}
	for _, state := range []storage.RentState{storage.RentReserved, storage.RentStored, storage.RentExpired} {
		rs, err := tx.RentsInState(state)
		if err != nil {
			return err
		}
		for _, r := range rs {
			for _, ref := range []string{demoReturnRef, demoLateRef, demoSentRef} {
				if !strings.HasPrefix(r.ParcelRef, ref) {
					continue
				}
				have[ref] = true
				if ref == demoReturnRef && reissue && r.State == storage.RentReserved {
					code := NewReturnCode()
					if err := tx.SetDropoffMAC(r.ID, l.codeHash(labelReturn, code)); err != nil {
						return err
					}
					*out = append(*out, DemoParcel{Code: code, DoorID: r.DoorID, Return: true})
				}
			}
		}
	}
	o, err := l.rules(tx)
	if err != nil {
		return err
	}
	for _, ref := range []string{demoReturnRef, demoLateRef, demoSentRef} {
		if have[ref] {
			continue
		}
		free, err := tx.FreeDoors(false, nil)
		if err != nil || len(free) == 0 {
			return err
		}
		d := free[len(free)/2]
		n := storage.NewRent{DoorID: d.ID, ParcelRef: fmt.Sprintf("%s%d", ref, d.ID)}
		var code string
		switch ref {
		case demoReturnRef:
			code = NewReturnCode()
			n.State, n.Kind, n.Booked = storage.RentReserved, storage.KindReturn, true
			n.DropoffMAC, n.ExpiresAt = l.codeHash(labelReturn, code), tx.Now().Add(o.BookingHold)
		case demoLateRef:
			n.State, n.Kind, n.ExpiresAt = storage.RentStored, storage.KindDelivery, tx.Now().Add(-time.Minute)
		case demoSentRef:
			n.State, n.Kind = storage.RentStored, storage.KindReturn
		}
		r, err := tx.CreateRent(n)
		if err != nil {
			return err
		}
		kind := app.EvRentStored
		if n.State == storage.RentReserved {
			kind = app.EvRentBooked
		}
		if _, err := tx.Append(storage.Event{Actor: "system", Kind: string(kind), DoorID: d.ID, RentID: r.ID, Detail: "demo"}); err != nil {
			return err
		}
		if code != "" {
			*out = append(*out, DemoParcel{Code: code, DoorID: d.ID, Return: true})
		}
	}
	return nil
}

// dropDemo stores demo parcels in free doors, spread over the sizes, until
// there are n.
func (l *Locker) dropDemo(tx *storage.Tx, n int, out *[]DemoParcel) error {
	free, err := tx.FreeDoors(false, nil)
	if err != nil {
		return err
	}
	for i := 0; len(*out) < n && len(free) > 0; i++ {
		d := free[(i*7)%len(free)]
		code := NewCode()
		r, err := tx.CreateRent(storage.NewRent{
			DoorID: d.ID, State: storage.RentStored, ParcelRef: fmt.Sprintf("%s%d", demoRef, d.ID),
			PickupMAC: l.codeHash(labelPickup, code), ExpiresAt: tx.Now().Add(l.opts.PickupWindow),
		})
		if errors.Is(err, storage.ErrDoorTaken) {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := tx.Append(storage.Event{Actor: "system", Kind: string(app.EvRentStored), DoorID: d.ID, RentID: r.ID, Detail: "demo"}); err != nil {
			return err
		}
		*out = append(*out, DemoParcel{Code: code, DoorID: d.ID})
		free, err = tx.FreeDoors(false, nil)
		if err != nil {
			return err
		}
	}
	return nil
}

// DropDemo stores k more demo parcels, so the demo locker never runs dry.
func (l *Locker) DropDemo(ctx context.Context, k int) ([]DemoParcel, error) {
	var out []DemoParcel
	err := l.db.Update(ctx, func(tx *storage.Tx) error { return l.dropDemo(tx, k, &out) })
	if err != nil {
		return nil, fmt.Errorf("core: demo: %w", err)
	}
	return out, nil
}
