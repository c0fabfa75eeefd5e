package core

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"pudo/app"
	"pudo/storage"
)

// DemoParcel is a demo parcel and the code that opens it, shown on the demo
// banner. Only the demo ever holds a code in memory after handing it out.
type DemoParcel struct {
	Code   string // canonical; show with FormatCode
	DoorID int64
}

const demoRef = "DEMO-"

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
			if !strings.HasPrefix(r.ParcelRef, demoRef) || len(out) >= n {
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
