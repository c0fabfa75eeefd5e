package app

import (
	"context"
	"crypto/hmac"
	"fmt"

	"pudo/storage"
)

// Pickup is one shopper's collection under one code: every stored parcel
// the code opens, taken one door at a time. It holds the code's MAC, never
// the code.
type Pickup struct {
	l       *Locker
	mac     []byte
	pending []storage.Rent
	Door    Door // the door opened last
}

// Remaining is how many parcels under this code are still behind closed doors.
func (p *Pickup) Remaining() int { return len(p.pending) }

// StartPickup checks a typed or scanned code and opens the first door it
// owns. Errors: ErrCodeFormat, ErrWrongCode, ErrExpired, ErrOutOfService,
// ErrDoorDidNotOpen.
func (l *Locker) StartPickup(ctx context.Context, input string) (*Pickup, error) {
	code, err := NormalizeCode(input)
	if err != nil {
		return nil, err
	}
	mac := codeMAC(l.secret, code)
	var stored, expired []storage.Rent
	err = l.db.View(ctx, func(tx *storage.Tx) (err error) {
		if stored, err = tx.RentsByPickupMAC(mac, storage.RentStored); err != nil {
			return err
		}
		expired, err = tx.RentsByPickupMAC(mac, storage.RentExpired)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("app: pickup: %w", err)
	}
	stored = matching(stored, mac)
	if len(stored) == 0 {
		return nil, l.noParcel(ctx, len(matching(expired, mac)) > 0)
	}
	p := &Pickup{l: l, mac: mac, pending: stored}
	if err := p.Next(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// matching keeps the rents whose MAC equals mac, compared in constant time:
// the index lookup alone is not trusted.
func matching(rs []storage.Rent, mac []byte) []storage.Rent {
	out := rs[:0]
	for _, r := range rs {
		if hmac.Equal(r.PickupMAC, mac) {
			out = append(out, r)
		}
	}
	return out
}

func (l *Locker) noParcel(ctx context.Context, expired bool) error {
	kind, want := "code.wrong", ErrWrongCode
	if expired {
		kind, want = "code.expired", ErrExpired
	}
	err := l.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.Append(storage.Event{Actor: "shopper", Kind: kind})
		return err
	})
	if err != nil {
		return fmt.Errorf("app: pickup: %w", err)
	}
	return want
}

// Next opens the door of the next parcel under the code. The rent becomes
// collected in the same transaction that records the door opening.
func (p *Pickup) Next(ctx context.Context) error {
	if len(p.pending) == 0 {
		return ErrAlreadyCollected
	}
	r := p.pending[0]
	var door storage.Door
	err := p.l.db.View(ctx, func(tx *storage.Tx) (err error) {
		door, err = tx.Door(r.DoorID)
		return err
	})
	if err != nil {
		return fmt.Errorf("app: pickup: %w", err)
	}
	if door.OutOfService {
		return fmt.Errorf("%w: door %d", ErrOutOfService, door.ID)
	}
	err = p.l.openDoor(ctx, door, r.ID, "shopper", "pickup", func(tx *storage.Tx) error {
		if err := tx.MoveRent(r.ID, storage.RentStored, storage.RentCollected); err != nil {
			return err
		}
		_, err := tx.Append(storage.Event{Actor: "shopper", Kind: "rent.collected", DoorID: door.ID, RentID: r.ID})
		return err
	})
	if err != nil {
		return err
	}
	p.pending, p.Door = p.pending[1:], door
	return nil
}
