package core

import (
	"context"
	"errors"
	"testing"
	"time"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// heldLocks is the fake board with a hand on it: every Unlock waits until
// the test lets it go, so the test can act while a door is being opened.
type heldLocks struct {
	*fakeLocks
	entered chan lockio.Door
	release chan struct{}
}

func holdLocks(l *Locker, f *fakeLocks) *heldLocks {
	h := &heldLocks{fakeLocks: f, entered: make(chan lockio.Door, 16), release: make(chan struct{})}
	l.locks = h
	return h
}

func (h *heldLocks) Unlock(ctx context.Context, d lockio.Door) error {
	h.entered <- d
	<-h.release
	return h.fakeLocks.Unlock(ctx, d)
}

func (h *heldLocks) unlocks() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.unlocked)
}

// A parcel whose pickup window ends while its door is being opened for its
// recipient was collected: housekeeping must not expire it in between, or
// the rent ends expired (courier sent to take back an empty door) while
// the shopper walks away with the parcel.
func TestExpiryWaitsForAnOpeningInFlight(t *testing.T) {
	for _, tt := range []struct {
		name   string
		remote bool
	}{
		{"pickup by code", false},
		{"remote open", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			l, db, f := newTestLockerOpts(t, Options{KioskID: "T1", RemoteOpen: true})
			clock := withClock(db)
			parcels, err := l.SeedDemo(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			var rent storage.Rent
			db.View(ctx, func(tx *storage.Tx) (err error) { rent, err = tx.ActiveRent(parcels[0].DoorID); return })
			clock.Add(l.opts.PickupWindow - time.Second) // one second left
			h := holdLocks(l, f)
			done := make(chan error, 1)
			go func() {
				var err error
				if tt.remote {
					_, err = l.Office().RemoteOpen(ctx, rent.ID)
				} else {
					_, err = l.PickupByCode(ctx, parcels[0].Code)
				}
				done <- err
			}()
			<-h.entered // the intent is committed, the board is being told
			clock.Add(time.Minute)
			if _, err := l.expireDue(ctx); err != nil {
				t.Fatal(err)
			}
			close(h.release)
			if err := <-done; err != nil {
				t.Errorf("pickup whose door opened: %v", err)
			}
			if r := mustRent(t, l, rent.ID); r.State != storage.RentCollected {
				t.Errorf("rent after its door opened for pickup: %s, want collected", r.State)
			}
		})
	}
}

// One rent, two requests at once (the back office retrying a remote open,
// or the app and the keypad together): both passed the rent-state guard
// before either outcome was written, so the door opened twice and the
// second caller got an error for a door that did open. Openings of one
// door must follow one another, so the second sees the first's outcome.
func TestOneRentOpensOnceUnderConcurrentRequests(t *testing.T) {
	for _, tt := range []struct {
		name          string
		first, second string // "remote" or "code"
	}{
		{"remote twice", "remote", "remote"},
		{"remote and keypad", "remote", "code"},
		{"keypad and remote", "code", "remote"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			l, db, f := newTestLockerOpts(t, Options{KioskID: "T1", RemoteOpen: true})
			parcels, err := l.SeedDemo(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			var rent storage.Rent
			db.View(ctx, func(tx *storage.Tx) (err error) { rent, err = tx.ActiveRent(parcels[0].DoorID); return })
			h := holdLocks(l, f)
			run := func(how string, out chan<- error) {
				var err error
				if how == "remote" {
					_, err = l.Office().RemoteOpen(ctx, rent.ID)
				} else {
					_, err = l.PickupByCode(ctx, parcels[0].Code)
				}
				out <- err
			}
			errs := make(chan error, 2)
			go run(tt.first, errs)
			<-h.entered // the first opening is at the board
			go run(tt.second, errs)
			select {
			case d := <-h.entered:
				t.Errorf("door %v told to open again while its first opening was in flight", d)
			case <-time.After(300 * time.Millisecond):
			}
			close(h.release)
			var ok, collected int
			for range 2 {
				switch err := <-errs; {
				case err == nil:
					ok++
				case errors.Is(err, app.ErrAlreadyCollected):
					collected++
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}
			if ok != 1 || collected != 1 {
				t.Errorf("%d opened, %d told already collected; want one each", ok, collected)
			}
			if n := h.unlocks(); n != 1 {
				t.Errorf("door unlocked %d times, want once", n)
			}
			if r := mustRent(t, l, rent.ID); r.State != storage.RentCollected {
				t.Errorf("rent %s, want collected", r.State)
			}
		})
	}
}

// A door whose opening is in flight may end up holding anything: a
// walk-in is never given it, so the drop-off opens another door while
// staff's opening of the first is still at the board.
func TestWalkInNeverGetsADoorBeingOpened(t *testing.T) {
	ctx := context.Background()
	l, _, f := newTestLocker(t)
	s := loginStaff(t, l)
	c, err := l.LoginCourier(ctx, courierToken(l, "dhl-1", time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	h := holdLocks(l, f)
	staffDone := make(chan error, 1)
	go func() { _, err := s.OpenDoor(ctx, 1, DemoStaffPIN, "check"); staffDone <- err }() // door 1: the smallest free S
	<-h.entered
	type result struct {
		d   app.DropOff
		err error
	}
	dropDone := make(chan result, 1)
	go func() { d, err := c.DropNew(ctx, "S", "WALK-1", false); dropDone <- result{d, err} }()
	if d := <-h.entered; d == (lockio.Door{Board: 1, Channel: 1}) {
		t.Fatalf("the walk-in opened door 1 again while staff's opening of it was in flight")
	}
	close(h.release)
	if err := <-staffDone; err != nil {
		t.Fatal(err)
	}
	res := <-dropDone
	if res.err != nil || openedDoor(res.d).ID == 1 {
		t.Fatalf("DropNew = door %d, %v; want another door, opened", openedDoor(res.d).ID, res.err)
	}
}

// When nothing can open (the bus is down), a walk-in is refused before
// its rent is made: no reservation is left behind a code nobody knows.
func TestWalkInRefusedOutOfOrderLeavesNoReservation(t *testing.T) {
	ctx := context.Background()
	l, _, f := newTestLocker(t)
	c, err := l.LoginCourier(ctx, courierToken(l, "dhl-1", time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	f.busDown()
	if _, err := c.DropNew(ctx, "S", "WALK-2", false); !errors.Is(err, app.ErrOutOfOrder) {
		t.Fatalf("DropNew with the bus down: %v, want out of order", err)
	}
	rs, err := l.rents(ctx, storage.RentFilter{ParcelRef: "WALK-2"})
	if err != nil || len(rs) != 0 || len(f.unlocked) != 0 {
		t.Fatalf("rents %v, unlocks %v after a refused walk-in", rs, f.unlocked)
	}
}
