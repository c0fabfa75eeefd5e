package core

import (
	"context"
	"errors"
	"testing"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// isFree says whether door id is among the free doors.
func isFree(t *testing.T, db *storage.DB, id int64) bool {
	t.Helper()
	var free bool
	err := db.View(context.Background(), func(tx *storage.Tx) error {
		ds, err := tx.FreeDoors(false, nil)
		for _, d := range ds {
			free = free || d.ID == id
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return free
}

func rentState(t *testing.T, db *storage.DB, id int64) storage.RentState {
	t.Helper()
	var r storage.Rent
	err := db.View(context.Background(), func(tx *storage.Tx) (err error) {
		r, err = tx.Rent(id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r.State
}

// TestAbandonedWalkInFreesItsDoor: a walk-in whose door did not open, given
// up by the courier, no longer holds its door; giving it up twice changes
// nothing.
func TestAbandonedWalkInFreesItsDoor(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	var door storage.Door
	db.View(ctx, func(tx *storage.Tx) (err error) { door, err = tx.FreeDoor("S", false, nil); return err })
	ds, _ := l.allDoors(ctx)
	for _, x := range ds {
		locks.fail[address(x)] = lockio.ErrNotSent // nothing leaves the port, for any door
	}
	d, err := (&Courier{l: l, id: "c"}).DropNew(ctx, "S", "W-1", false)
	if !errors.Is(err, app.ErrDoorDidNotOpen) || d == nil || openedDoor(d).ID != door.ID {
		t.Fatalf("DropNew = %v, %v; want door %d not opening", d, err, door.ID)
	}
	if v, err := d.DidNotOpen(ctx); err != nil || v.Kind != app.VerdictOtherDoor || v.Opening.Outcome != app.OutcomeNotOpened {
		t.Fatalf("did not open: %+v, %v; want the retry at another door, not opened", v, err)
	}
	door = openedDoor(d)
	if isFree(t, db, door.ID) {
		t.Fatal("the reserved door is free before the drop-off was given up")
	}
	if err := d.Abandon(ctx); err != nil {
		t.Fatal(err)
	}
	if !isFree(t, db, door.ID) {
		t.Fatal("the abandoned walk-in still holds its door")
	}
	if st := rentState(t, db, d.Rent().ID); st != storage.RentCancelled {
		t.Fatalf("rent %s, want cancelled", st)
	}
	if _, err := l.PickupByCode(ctx, d.Code()); err == nil {
		t.Fatal("the abandoned walk-in's code still opens a door")
	}
	if err := d.Abandon(ctx); err == nil {
		t.Fatal("abandoned twice without an error")
	}
	if st := rentState(t, db, d.Rent().ID); st != storage.RentCancelled {
		t.Fatalf("rent %s after a second abandon", st)
	}
}

// TestAbandonDoneWalkInKeepsTheParcel: Abandon on a drop-off already done
// fails and leaves the parcel stored.
func TestAbandonDoneWalkInKeepsTheParcel(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	d, err := (&Courier{l: l, id: "c"}).DropNew(ctx, "S", "W-2", false)
	if err != nil {
		t.Fatal(err)
	}
	dropIn(t, locks, d)
	if err := d.Abandon(ctx); err == nil {
		t.Fatal("a stored parcel was abandoned")
	}
	if st := rentState(t, db, d.Rent().ID); st != storage.RentStored || isFree(t, db, openedDoor(d).ID) {
		t.Fatalf("rent %s, door free %v", st, isFree(t, db, openedDoor(d).ID))
	}
}

// TestAbandonedBookingStaysReserved: a booked parcel given up keeps its
// door for a later attempt.
func TestAbandonedBookingStaysReserved(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	b, err := l.Office().Book(ctx, Booking{Size: "S", ParcelRef: "B-1"})
	if err != nil {
		t.Fatal(err)
	}
	locks.fail[address(doorOf(t, l, b.Rent.DoorID))] = lockio.ErrNotSent
	d, err := (&Courier{l: l, id: "c"}).DropBooked(ctx, "B-1")
	if !errors.Is(err, app.ErrDoorDidNotOpen) || d == nil {
		t.Fatalf("DropBooked = %v, %v", d, err)
	}
	if err := d.Abandon(ctx); err != nil {
		t.Fatal(err)
	}
	if st := rentState(t, db, b.Rent.ID); st != storage.RentReserved || isFree(t, db, b.Rent.DoorID) {
		t.Fatalf("rent %s, door free %v", st, isFree(t, db, b.Rent.DoorID))
	}
}
