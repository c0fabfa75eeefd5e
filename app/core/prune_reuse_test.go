package core

import (
	"context"
	"testing"
	"time"
)

// A rent id is what a pickup QR token names. SQLite hands a new row the
// largest id plus one, so pruning the newest rent would give its id, and
// every still valid QR token for it, to the next booking: an old token
// would open someone else's parcel.
func TestPruneNeverFreesARentIDForReuse(t *testing.T) {
	for _, tt := range []struct {
		name string
		end  func(t *testing.T, l *Locker, b Booked)
	}{
		{"cancelled booking", func(t *testing.T, l *Locker, b Booked) {
			if err := l.Office().Cancel(context.Background(), b.Rent.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"collected parcel", func(t *testing.T, l *Locker, b Booked) {
			ctx := context.Background()
			c, err := l.LoginCourier(ctx, courierToken(l, "ups-1", time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			d, err := c.DropBooked(ctx, b.Rent.ParcelRef)
			if err != nil {
				t.Fatal(err)
			}
			dropIn(t, l.locks.(*fakeLocks), d)
			if _, err := l.PickupByScan(ctx, b.QR); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			l, db, locks := newTestLocker(t)
			clock := withClock(db)
			// A booking with a far deadline: its QR token lasts a year.
			old, err := l.Office().Book(ctx, Booking{Size: "S", ParcelRef: "OLD-1", ExpiresAt: clock.Now().Add(365 * 24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			tt.end(t, l, old)
			clock.Add(91 * 24 * time.Hour) // past the default retention
			if _, err := l.Prune(ctx); err != nil {
				t.Fatal(err)
			}
			fresh, err := l.Office().Book(ctx, Booking{Size: "S", ParcelRef: "NEW-1"})
			if err != nil {
				t.Fatal(err)
			}
			if fresh.Rent.ID == old.Rent.ID {
				t.Errorf("new booking got the pruned rent's id %d", old.Rent.ID)
			}
			c, err := l.LoginCourier(ctx, courierToken(l, "ups-1", time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			d, err := c.DropBooked(ctx, "NEW-1")
			if err != nil {
				t.Fatal(err)
			}
			dropIn(t, locks, d)
			locks.mu.Lock()
			before := len(locks.unlocked)
			locks.mu.Unlock()
			if p, err := l.PickupByScan(ctx, old.QR); err == nil {
				t.Fatalf("the old booking's QR opened door %d of the new parcel", openedDoor(p).ID)
			}
			locks.mu.Lock()
			defer locks.mu.Unlock()
			if len(locks.unlocked) != before {
				t.Fatalf("the old QR opened a door: %v", locks.unlocked[before:])
			}
		})
	}
}
