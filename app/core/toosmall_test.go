package core

import (
	"context"
	"errors"
	"testing"
	"time"

	"pudo/app"
	"pudo/storage"
)

// "Door too small" at the largest size: no larger door, so the parcel goes
// to another door of that size; the door it left stores nothing when it
// closes, and is free again.
func TestTooSmallAtLargestTakesAnotherOfItsSize(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	d, err := (&Courier{l: l, id: "c"}).DropNew(ctx, "L", "BIG-1", false)
	if err != nil {
		t.Fatal(err)
	}
	first := openedDoor(d)
	if _, err := d.Larger(ctx); !errors.Is(err, app.ErrNoFreeDoor) {
		t.Fatalf("Larger at L = %v, want ErrNoFreeDoor", err)
	}
	if _, err := d.Another(ctx); err != nil || openedDoor(d).ID == first.ID || openedDoor(d).Size != "L" || d.Rent().DoorID != openedDoor(d).ID {
		t.Fatalf("Another = %v, door %+v (first %d)", err, openedDoor(d), first.ID)
	}
	locks.shut(address(first))
	l.tick(ctx)
	if !isFree(t, db, first.ID) {
		t.Fatal("the door the parcel left is not free again")
	}
	dropIn(t, locks, d)
	if p, err := l.PickupByCode(ctx, d.Code()); err != nil || openedDoor(p).ID != openedDoor(d).ID {
		t.Fatalf("pickup by walk-in code: %v, %v", p, err)
	}
}

// A parcel that fits no door goes back with the courier: a walk-in is
// cancelled and its door, seen open, stores nothing when it closes; a
// booking stays reserved for another attempt.
func TestWithdrawStoresNothing(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	c := &Courier{l: l, id: "c"}
	d, err := c.DropNew(ctx, "L", "BIG-2", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Withdraw(ctx); err != nil {
		t.Fatalf("Withdraw = %v", err)
	}
	locks.shut(address(openedDoor(d)))
	l.tick(ctx)
	if r := mustRent(t, l, d.Rent().ID); r.State != storage.RentCancelled {
		t.Fatalf("walk-in after Withdraw is %s, want cancelled", r.State)
	}
	if !isFree(t, db, openedDoor(d).ID) {
		t.Fatal("the door is not free after the parcel was taken back")
	}
	if _, err := l.PickupByCode(ctx, d.Code()); !errors.Is(err, app.ErrWrongCode) {
		t.Fatalf("the withdrawn walk-in's code: %v, want no parcel", err)
	}

	b, err := l.Office().Book(ctx, Booking{Size: "L", ParcelRef: "BIG-3"})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := c.DropBooked(ctx, "BIG-3")
	if err != nil {
		t.Fatal(err)
	}
	if err := d2.Withdraw(ctx); err != nil {
		t.Fatalf("Withdraw booked = %v", err)
	}
	locks.shut(address(openedDoor(d2)))
	l.tick(ctx)
	if r := mustRent(t, l, b.Rent.ID); r.State != storage.RentReserved {
		t.Fatalf("booking after Withdraw is %s, want still reserved", r.State)
	}
	if n := len(eventsOfKind(t, l, string(app.EvDropAbandoned))); n != 1 {
		t.Fatalf("%d drop-off abandoned events, want 1 for the booking", n)
	}
}

// A code collected a short while ago is told "already collected"; a code
// that never existed is told "no parcel", and only that one counts as a
// wrong guess.
func TestCollectedCodeSaysSo(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	clock := withClock(db)
	d, err := (&Courier{l: l, id: "c"}).DropNew(ctx, "S", "P-1", false)
	if err != nil {
		t.Fatal(err)
	}
	dropIn(t, locks, d)
	p, err := l.PickupByCode(ctx, d.Code())
	if err != nil {
		t.Fatal(err)
	}
	l.tick(ctx) // the sensor saw it open: collected
	locks.shut(address(openedDoor(p)))
	if r := mustRent(t, l, d.Rent().ID); r.State != storage.RentCollected {
		t.Fatalf("rent is %s, want collected", r.State)
	}
	clock.Add(time.Minute)
	if _, err := l.PickupByCode(ctx, d.Code()); !errors.Is(err, app.ErrAlreadyCollected) {
		t.Fatalf("the collected code a minute later: %v, want ErrAlreadyCollected", err)
	}
	if _, err := l.PickupByCode(ctx, "ZZZZ-ZZZZ"); !errors.Is(err, app.ErrWrongCode) {
		t.Fatalf("a code that never existed: %v, want ErrWrongCode", err)
	}
	if n := len(eventsOfKind(t, l, string(app.EvCodeCollected))); n != 1 {
		t.Fatalf("%d code.collected events, want 1", n)
	}
	clock.Add(collectedTold)
	if _, err := l.PickupByCode(ctx, d.Code()); !errors.Is(err, app.ErrWrongCode) {
		t.Fatalf("the collected code after %v: %v, want no parcel", collectedTold, err)
	}
}
