package core

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"pudo/app"
	"pudo/lockio"
	"pudo/storage"
)

// fakeClock is the store's clock, moved by the test.
type fakeClock struct {
	mu sync.Mutex // protects following
	t  time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func withClock(db *storage.DB) *fakeClock {
	c := &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	db.Now = c.Now
	return c
}

func mustRent(t *testing.T, l *Locker, id int64) storage.Rent {
	t.Helper()
	r, err := l.rent(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestForeignScanIsNotCounted(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	for range 10 {
		if _, err := l.PickupByScan(ctx, "4006381333931"); !errors.Is(err, app.ErrForeign) {
			t.Fatalf("EAN-13 scan: %v, want ErrForeign", err)
		}
	}
	if _, paused := l.CodeEntryPaused(ctx); paused {
		t.Fatal("product barcodes paused code entry")
	}
}

func TestClassify(t *testing.T) {
	l, _, _ := newTestLocker(t)
	pickup := SignToken(l.tokenKey, Token{Kind: TokenPickup, Subject: "12", Issued: l.db.Now(), Expires: l.db.Now().Add(time.Hour)})
	courier := courierToken(l, "dhl-7", time.Hour)
	stale := courierToken(l, "dhl-7", -time.Minute)
	foreign := SignToken([]byte("another locker's key"), Token{Kind: TokenPickup, Subject: "12", Expires: l.db.Now().Add(time.Hour)})
	for _, tt := range []struct {
		in     string
		kind   PayloadKind
		err    error
		format string
	}{
		{"7YHN-ZT93", PayloadPickupCode, nil, ""},
		{"7yhn zt93", PayloadPickupCode, nil, ""},
		{"RT-7YHN-ZT93", PayloadReturnCode, nil, ""},
		{pickup, PayloadPickupToken, nil, ""},
		{courier, PayloadCourierToken, nil, ""},
		{stale, PayloadCourierToken, app.ErrTokenExpired, ""},
		{foreign, PayloadPickupToken, app.ErrBadToken, ""},
		{"4006381333931", PayloadForeign, nil, "EAN-13"},
		{"96385074", PayloadForeign, nil, "EAN-8"},
		{"036000291452", PayloadForeign, nil, "UPC-A"},
		{"https://example.com/x", PayloadForeign, nil, "URL"},
		{"hello world", PayloadForeign, nil, "text"},
		{"12345670", PayloadForeign, nil, "EAN-8"},
		// UPC-E: the check digit is the expanded UPC-A's, so the EAN-8
		// rule alone took them for wrong codes.
		{"04252614", PayloadForeign, nil, "UPC-E"},
		{"12345678", PayloadPickupCode, nil, ""}, // bad check digit: a (wrong) code
	} {
		t.Run(tt.in, func(t *testing.T) {
			p := l.payloadOf(tt.in)
			if p.Kind != tt.kind || !errors.Is(p.Err, tt.err) || p.Format != tt.format {
				t.Fatalf("Classify(%q) = %v err=%v format=%q; want %v err=%v format=%q",
					tt.in, p.Kind, p.Err, p.Format, tt.kind, tt.err, tt.format)
			}
		})
	}
}

func TestBookDropPickupByQR(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	b, err := l.Office().Book(ctx, Booking{Size: "M", ParcelRef: "PK-1", RecipientRef: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	door := doorOf(t, l, b.Rent.DoorID)
	if b.Rent.State != app.RentReserved || door.Size != "M" || b.Code == "" || b.QR == "" {
		t.Fatalf("Book = %+v on door %+v", b, door)
	}
	// Too early: the parcel is not in yet.
	if _, err := l.PickupByScan(ctx, b.QR); !errors.Is(err, app.ErrNotStored) {
		t.Fatalf("pickup before drop-off: %v", err)
	}
	c, err := l.LoginCourier(ctx, courierToken(l, "ups-1", time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DropBooked(ctx, "PK-1")
	if err != nil || openedDoor(d).ID != door.ID || d.Code() != "" {
		t.Fatalf("DropBooked = %+v, %v", d, err)
	}
	dropIn(t, locks, d)
	if _, err := c.DropBooked(ctx, "PK-1"); !errors.Is(err, app.ErrAlreadyStored) {
		t.Fatalf("second drop: %v", err)
	}
	p, err := l.PickupByScan(ctx, b.QR)
	if err != nil || openedDoor(p).ID != door.ID {
		t.Fatalf("QR pickup = %v, %v", p, err)
	}
	if r := mustRent(t, l, b.Rent.ID); r.State != storage.RentCollected || r.Courier != "ups-1" {
		t.Fatalf("rent after pickup: %+v", r)
	}
	if _, err := l.PickupByScan(ctx, b.QR); !errors.Is(err, app.ErrAlreadyCollected) {
		t.Fatalf("QR again: %v", err)
	}
	if len(locks.unlocked) != 2 {
		t.Fatalf("unlocks %v, want drop-off and pickup", locks.unlocked)
	}
}

func TestSharedCodeOpensEachParcel(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	c := &Courier{l: l, id: "c"}
	var code string
	var first int64
	for _, ref := range []string{"A", "B"} {
		b, err := l.Office().Book(ctx, Booking{Size: "S", ParcelRef: ref, RecipientRef: "r1", ShareCodeWith: first})
		if err != nil {
			t.Fatal(err)
		}
		if first == 0 {
			first, code = b.Rent.ID, b.Code
		} else if b.Code != "" || b.SharesCodeWith != first {
			t.Fatalf("the second booking: code %q, shares with %d", b.Code, b.SharesCodeWith)
		}
		d, err := c.DropBooked(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		dropIn(t, locks, d)
	}
	p, err := l.PickupByCode(ctx, strings.ToLower(code))
	if err != nil || p.Remaining() != 1 {
		t.Fatalf("PickupByCode = %v, %v", p, err)
	}
	firstDoor := openedDoor(p).ID
	if _, err := p.Next(ctx); err != nil || p.Remaining() != 0 || openedDoor(p).ID == firstDoor {
		t.Fatalf("Next = %v, door %d", err, openedDoor(p).ID)
	}
	if _, err := p.Next(ctx); !errors.Is(err, app.ErrAlreadyCollected) {
		t.Fatalf("Next past the end: %v", err)
	}
}

func TestBookRefuses(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	for _, tt := range []struct {
		name string
		b    Booking
		want error
	}{
		{"no ref", Booking{Size: "S"}, app.ErrBadBooking},
		{"bad size", Booking{Size: "XL", ParcelRef: "x"}, app.ErrBadSize},
		{"share with no rent", Booking{Size: "S", ParcelRef: "x", ShareCodeWith: 999}, app.ErrBadBooking},
		{"a return sharing", Booking{Size: "S", ParcelRef: "x", Return: true, ShareCodeWith: 1}, app.ErrBadBooking},
		{"past deadline", Booking{Size: "S", ParcelRef: "x", ExpiresAt: time.Unix(1, 0)}, app.ErrBadBooking},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := l.Office().Book(ctx, tt.b); !errors.Is(err, tt.want) {
				t.Fatalf("Book = %v, want %v", err, tt.want)
			}
		})
	}
	// Every large door taken: no free door.
	for range 5 {
		if _, err := l.Office().Book(ctx, Booking{Size: "L", ParcelRef: "big"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Office().Book(ctx, Booking{Size: "L", ParcelRef: "big"}); !errors.Is(err, app.ErrNoFreeDoor) {
		t.Fatalf("sixth large: %v", err)
	}
}

func TestCancelOnlyReserved(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	b, _ := l.Office().Book(ctx, Booking{Size: "S", ParcelRef: "p"})
	if err := l.Office().Cancel(ctx, b.Rent.ID); err != nil {
		t.Fatal(err)
	}
	if err := l.Office().Cancel(ctx, b.Rent.ID); !errors.Is(err, app.ErrCancelled) {
		t.Fatalf("cancel twice: %v", err)
	}
	b, _ = l.Office().Book(ctx, Booking{Size: "S", ParcelRef: "q"})
	d, _ := (&Courier{l: l, id: "c"}).DropBooked(ctx, "q")
	if err := l.Office().Cancel(ctx, b.Rent.ID); !errors.Is(err, app.ErrDropStarted) {
		t.Fatalf("cancel during drop-off: %v", err)
	}
	dropIn(t, locks, d)
	if err := l.Office().Cancel(ctx, b.Rent.ID); !errors.Is(err, app.ErrAlreadyStored) {
		t.Fatalf("cancel stored: %v", err)
	}
	if err := l.Office().Cancel(ctx, 999); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("cancel unknown: %v", err)
	}
}

func TestWalkInLargerAndRetry(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	c := &Courier{l: l, id: "c"}
	d, err := c.DropNew(ctx, "S", "W-1", true)
	if err != nil {
		t.Fatal(err)
	}
	if openedDoor(d).Size != "M" || !openedDoor(d).Low { // the demo has no low small door
		t.Fatalf("preferLow S got %+v", openedDoor(d))
	}
	first := openedDoor(d)
	if _, err := d.Larger(ctx); err != nil || openedDoor(d).Size != "L" || !openedDoor(d).Low || d.Rent().DoorID != openedDoor(d).ID {
		t.Fatalf("Larger = %v, door %+v", err, openedDoor(d))
	}
	// The courier took the parcel back out of the small door and shut it:
	// nothing is stored there, and it is free again.
	locks.shut(address(first))
	l.tick(ctx)
	if !isFree(t, db, first.ID) {
		t.Fatal("the too-small door is not free again")
	}
	dropIn(t, locks, d)
	if p, err := l.PickupByCode(ctx, d.Code()); err != nil || openedDoor(p).ID != openedDoor(d).ID {
		t.Fatalf("pickup by walk-in code: %v, %v", p, err)
	}
}

// A door that refuses: the courier's report is the parcel's one retry, at
// another door of its size; the refusing door keeps a fault and is given
// to nobody.
func TestWalkInDidNotOpenMovesOnce(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	c := &Courier{l: l, id: "c"}
	var bad storage.Door
	db.View(ctx, func(tx *storage.Tx) (err error) { bad, err = tx.FreeDoor("S", false, nil); return err })
	locks.fail[address(bad)] = &lockio.Error{Op: "unlock", Door: address(bad), Kind: lockio.ErrRefused, Err: lockio.ErrLockFailed}
	d, err := c.DropNew(ctx, "S", "W-2", false)
	if !errors.Is(err, app.ErrDoorDidNotOpen) || d == nil || openedDoor(d).ID != bad.ID {
		t.Fatalf("DropNew = %v, %v; want door %d refused", d, err, bad.ID)
	}
	if _, err := d.Done(ctx); !errors.Is(err, app.ErrDoorDidNotOpen) {
		t.Fatalf("Done with a door that never opened: %v", err)
	}
	v, err := d.DidNotOpen(ctx)
	if err != nil || v.Kind != app.VerdictOtherDoor || v.Opening.DoorID == bad.ID || v.Opening.Outcome != app.OutcomeOpened {
		t.Fatalf("report = %+v, %v; want another door, opened", v, err)
	}
	if doorOf(t, l, bad.ID).Fault == "" || isFree(t, db, bad.ID) {
		t.Fatal("the refusing door is not kept out of assignment")
	}
	if n := len(locks.unlocked); n != 1 {
		t.Fatalf("%d unlocks reached a door, want 1 besides the refusals", n)
	}
	dropIn(t, locks, d)
	if p, err := l.PickupByCode(ctx, d.Code()); err != nil || openedDoor(p).ID != openedDoor(d).ID {
		t.Fatalf("pickup by walk-in code: %v, %v", p, err)
	}
}

func TestDoneRefusesOpenDoor(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	d, err := (&Courier{l: l, id: "c"}).DropNew(ctx, "L", "x", false)
	if err != nil {
		t.Fatal(err)
	}
	locks.sensors = map[lockio.Door]lockio.Sensor{address(openedDoor(d)): lockio.SensorOpen}
	if _, err := d.Done(ctx); !errors.Is(err, app.ErrDoorStillOpen) {
		t.Fatalf("Done with the door open: %v", err)
	}
}

func TestExpiryPausesWhileDoorFaulty(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	clock := withClock(db)
	c := &Courier{l: l, id: "c"}
	d, _ := c.DropNew(ctx, "S", "x", false)
	dropIn(t, locks, d)
	door := openedDoor(d)
	clock.Add(70 * time.Hour)
	// The shopper comes; the board's reply is lost and the door stays
	// shut: the opening is pending, then settled as not opened, and the
	// rent's clock stops from the first.
	locks.fail[address(door)] = lockio.ErrOutcomeUnknown
	if p, err := l.PickupByCode(ctx, d.Code()); err != nil || !p.Opening().Pending() {
		t.Fatalf("pickup with the reply lost = %+v, %v; want a pending opening", p, err)
	}
	clock.Add(10 * time.Hour) // past 72 h, but 10 h were paused
	l.tick(ctx)
	if f := doorOf(t, l, door.ID).Fault; f == "" {
		t.Fatal("a door not seen open is not marked faulty")
	}
	if n, err := l.expireDue(ctx); err != nil || n != 0 {
		t.Fatalf("ExpireDue while faulty = %d, %v", n, err)
	}
	// Staff open it (it works again): the clock resumes with 2 h left.
	delete(locks.fail, address(door))
	st := loginStaff(t, l)
	if _, err := st.OpenDoor(ctx, door.ID, DemoStaffPIN, "check"); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Hour)
	if n, _ := l.expireDue(ctx); n != 0 {
		t.Fatal("expired an hour early")
	}
	clock.Add(time.Hour)
	if n, _ := l.expireDue(ctx); n != 1 {
		t.Fatalf("ExpireDue = %d, want 1", n)
	}
	if _, err := l.PickupByCode(ctx, d.Code()); !errors.Is(err, app.ErrExpired) {
		t.Fatalf("pickup after expiry: %v", err)
	}
	exp, _ := c.Expired(ctx)
	if len(exp) != 1 {
		t.Fatalf("Expired = %v", exp)
	}
	locks.shut(address(door)) // staff's check
	if _, err := c.TakeBack(ctx, exp[0].ID); err != nil {
		t.Fatal(err)
	}
	if r := mustRent(t, l, exp[0].ID); r.State != storage.RentReclaimed {
		t.Fatalf("after take back: %s", r.State)
	}
	if _, err := c.TakeBack(ctx, exp[0].ID); !errors.Is(err, app.ErrReclaimed) {
		t.Fatalf("take back twice: %v", err)
	}
}

func TestOutOfServiceRefusesPickupAndMovesBooking(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	st := loginStaff(t, l)
	c := &Courier{l: l, id: "c"}
	d, _ := c.DropNew(ctx, "S", "x", false)
	dropIn(t, locks, d)
	if err := st.SetOutOfService(ctx, openedDoor(d).ID, true, "hinge"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.PickupByCode(ctx, d.Code()); !errors.Is(err, app.ErrOutOfService) {
		t.Fatalf("pickup from an out-of-service door: %v", err)
	}
	b, _ := l.Office().Book(ctx, Booking{Size: "M", ParcelRef: "m"})
	if err := st.SetOutOfService(ctx, b.Rent.DoorID, true, "lock"); err != nil {
		t.Fatal(err)
	}
	d2, err := c.DropBooked(ctx, "m")
	if err != nil || openedDoor(d2).ID == b.Rent.DoorID || openedDoor(d2).OutOfService {
		t.Fatalf("DropBooked on an out-of-service booking: %v, door %+v", err, openedDoor(d2))
	}
}

func TestReturnFlow(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	b, err := l.Office().Book(ctx, Booking{Size: "M", ParcelRef: "RET-1", Return: true})
	if err != nil {
		t.Fatal(err)
	}
	if l.payloadOf(b.Code).Kind != PayloadReturnCode || l.payloadOf(b.QR).Kind != PayloadReturnToken {
		t.Fatalf("return code %q / QR %q not classified as returns", b.Code, b.QR)
	}
	if _, err := l.BeginReturn(ctx, "RT-ZZZZ-ZZZZ"); !errors.Is(err, app.ErrWrongCode) {
		t.Fatalf("wrong return code: %v", err)
	}
	d, err := l.BeginReturn(ctx, app.FormatReturnCode(b.Code))
	if err != nil || openedDoor(d).ID != b.Rent.DoorID {
		t.Fatalf("BeginReturn = %v, %v", d, err)
	}
	dropIn(t, locks, d)
	if _, err := l.BeginReturn(ctx, b.QR); !errors.Is(err, app.ErrAlreadyStored) {
		t.Fatalf("return twice: %v", err)
	}
	c := &Courier{l: l, id: "c"}
	rs, _ := c.Returns(ctx)
	if len(rs) != 1 || !rs[0].ExpiresAt.IsZero() {
		t.Fatalf("Returns = %+v", rs)
	}
	if _, err := c.TakeBack(ctx, rs[0].ID); !errors.Is(err, app.ErrIsReturn) {
		t.Fatalf("TakeBack of a return: %v", err)
	}
	locks.shut(address(openedDoor(d)))
	if _, err := c.CollectReturn(ctx, rs[0].ID); err != nil {
		t.Fatal(err)
	}
	if r := mustRent(t, l, rs[0].ID); r.State != storage.RentCollected {
		t.Fatalf("return after collection: %s", r.State)
	}
}

func TestRemoteOpen(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	b, _ := l.Office().Book(ctx, Booking{Size: "S", ParcelRef: "app"})
	d, _ := (&Courier{l: l, id: "c"}).DropBooked(ctx, "app")
	dropIn(t, locks, d)
	if _, err := l.Office().RemoteOpen(ctx, b.Rent.ID); !errors.Is(err, app.ErrRemoteOff) {
		t.Fatalf("remote open while off: %v", err)
	}
	if err := l.Office().Operator("test").SetSetting(ctx, SettingRemoteOpen, "true"); err != nil {
		t.Fatal(err)
	}
	door, err := l.Office().RemoteOpen(ctx, b.Rent.ID)
	if err != nil || door.ID != b.Rent.DoorID {
		t.Fatalf("RemoteOpen = %v, %v", door, err)
	}
	if _, err := l.Office().RemoteOpen(ctx, b.Rent.ID); !errors.Is(err, app.ErrAlreadyCollected) {
		t.Fatalf("remote open twice: %v", err)
	}
	if evs := eventsOfKind(t, l, "rent.collected"); len(evs) != 1 || evs[0].Actor != "remote" {
		t.Fatalf("collected events %v, want one by remote", evs)
	}
}

func TestCourierLogin(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	if c, err := l.LoginCourier(ctx, courierToken(l, "dpd-3", time.Minute)); err != nil || c.Courier() != "dpd-3" {
		t.Fatalf("LoginCourier = %v, %v", c, err)
	}
	for _, tt := range []struct {
		token string
		want  error
	}{
		{courierToken(l, "dpd-3", -time.Second), app.ErrTokenExpired},
		{"PUDO1C:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", app.ErrBadToken},
		{"7YHN-ZT93", app.ErrBadToken},
	} {
		if _, err := l.LoginCourier(ctx, tt.token); !errors.Is(err, tt.want) {
			t.Errorf("LoginCourier(%q) = %v, want %v", tt.token, err, tt.want)
		}
	}
}

// A crash between intent and outcome leaves the intent behind. At start it
// is weighed against the sensor, never replayed: open means opened (the
// rent moves), closed means nobody can tell (the rent stays, the door is
// kept for staff), unknown means it stays unsettled until the sensor reads.
func TestReconcileSettlesFromTheSensorNeverReplays(t *testing.T) {
	for _, tt := range []struct {
		name   string
		sensor lockio.Sensor
		rent   storage.RentState
		fault  bool
	}{
		{"seen open", lockio.SensorOpen, storage.RentCollected, false},
		{"closed", lockio.SensorClosed, storage.RentStored, true},
		{"unknown", lockio.SensorUnknown, storage.RentStored, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			l, db, locks := newTestLocker(t)
			parcels, _ := l.SeedDemo(ctx, 1)
			door := doorOf(t, l, parcels[0].DoorID)
			err := db.Update(ctx, func(tx *storage.Tx) error {
				rs, _ := tx.RentsInState(storage.RentStored)
				_, err := tx.OpenIntent(door.ID, rs[0].ID, "pickup")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			locks.sensors = map[lockio.Door]lockio.Sensor{address(door): tt.sensor}
			if err := l.Reconcile(ctx); err != nil {
				t.Fatal(err)
			}
			if len(locks.unlocked) != 0 {
				t.Fatal("reconcile opened a door")
			}
			assertRentState(t, db, door.ID, tt.rent)
			if got := doorOf(t, l, door.ID).Fault != ""; got != tt.fault {
				t.Fatalf("door fault %v, want %v", got, tt.fault)
			}
			if n := len(eventsOfKind(t, l, string(app.EvAlertUnfinish))); n != 1 {
				t.Fatalf("%d unfinished-opening alerts, want 1", n)
			}
			if tt.sensor != lockio.SensorUnknown {
				return
			}
			// Unsettled: the same code gets "being opened", never an unlock.
			var bo *app.BeingOpenedError
			if _, err := l.PickupByCode(ctx, parcels[0].Code); !errors.As(err, &bo) || bo.Door != door.ID {
				t.Fatalf("pickup while unsettled: %v", err)
			}
			locks.sensors[address(door)] = lockio.SensorClosed
			l.tick(ctx)
			if f := doorOf(t, l, door.ID).Fault; f == "" || len(locks.unlocked) != 0 {
				t.Fatalf("after the sensor read closed: fault %q, %d unlocks", f, len(locks.unlocked))
			}
			if err := loginStaffSession(t, l).ClearDoor(ctx, door.ID, "parcel still inside"); err != nil {
				t.Fatal(err)
			}
			if f := doorOf(t, l, door.ID).Fault; f != "" {
				t.Fatalf("fault %q after staff cleared the door", f)
			}
		})
	}
}

func TestPruneKeepsChainVerifiable(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	clock := withClock(db)
	parcels, _ := l.SeedDemo(ctx, 2)
	if _, err := l.PickupByCode(ctx, parcels[0].Code); err != nil {
		t.Fatal(err)
	}
	clock.Add(91 * 24 * time.Hour)
	if _, err := l.PickupByCode(ctx, parcels[1].Code); err != nil {
		t.Fatal(err) // a fresh event after the retention cut
	}
	n, err := l.Prune(ctx)
	if err != nil || n == 0 {
		t.Fatalf("Prune = %d, %v", n, err)
	}
	if _, err := l.rent(ctx, 1); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("collected rent kept: %v", err)
	}
	if n, err := l.verifyEvents(ctx); err != nil || n < 2 {
		t.Fatalf("VerifyEvents after prune = %d, %v", n, err)
	}
}

func TestNoCodeInEvents(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	parcels, _ := l.SeedDemo(ctx, 2)
	l.PickupByCode(ctx, parcels[0].Code)
	l.PickupByCode(ctx, "ZZZZZZZZ")
	st := loginStaff(t, l)
	evs, _ := st.Events(ctx, 0, 1000)
	for _, e := range evs {
		for _, p := range parcels {
			for _, s := range []string{e.Detail, e.Actor, string(e.Kind)} {
				if strings.Contains(s, p.Code) || strings.Contains(s, "ZZZZZZZZ") || strings.Contains(s, DemoStaffPIN) {
					t.Fatalf("event %d holds a secret: %+v", e.Seq, e)
				}
			}
		}
	}
}

func doorOf(t *testing.T, l *Locker, id int64) storage.Door {
	t.Helper()
	ds, err := l.allDoors(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no door %d", id)
	return storage.Door{}
}

func eventsOfKind(t *testing.T, l *Locker, kind string) []storage.Event {
	t.Helper()
	var out []storage.Event
	err := l.db.View(context.Background(), func(tx *storage.Tx) error {
		evs, err := tx.Events(0, 100000)
		for _, e := range evs {
			if e.Kind == kind {
				out = append(out, e)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func loginStaffSession(t *testing.T, l *Locker) app.StaffSession {
	t.Helper()
	loginStaff(t, l)
	s, err := l.LoginStaff(context.Background(), DemoStaffPIN)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func loginStaff(t *testing.T, l *Locker) *Staff {
	t.Helper()
	l.opts.PINCost = cheapPIN
	if err := l.SeedDemoStaff(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, err := l.LoginStaff(context.Background(), DemoStaffPIN)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*Staff)
}

// The owner is written with the booking itself: there is no moment at which
// the rent exists and its integration cannot see it.
func TestBookRecordsOwnerWithTheRent(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	b, err := l.Office().Book(ctx, Booking{Size: "S", ParcelRef: "OWN-1", Owner: "shopx"})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := l.Office().Book(ctx, Booking{Size: "S", ParcelRef: "OWN-2"})
	if err != nil {
		t.Fatal(err)
	}
	db.View(ctx, func(tx *storage.Tx) error {
		if got, err := tx.RentOwner(b.Rent.ID); err != nil || got != "shopx" {
			t.Errorf("owner of an API booking = %q, %v", got, err)
		}
		if _, err := tx.RentOwner(plain.Rent.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a booking without owner got one: %v", err)
		}
		return nil
	})
}

// Only the same integration's parcels for the same recipient share a code,
// and a rent of another integration is refused exactly like a missing one.
func TestSharedCodeOnlyForOneRecipient(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	first, err := l.Office().Book(ctx, Booking{Size: "S", ParcelRef: "C-1", RecipientRef: "anna", Owner: "shopx"})
	if err != nil {
		t.Fatal(err)
	}
	var missing, foreign error
	for _, tt := range []struct {
		name string
		b    Booking
		want error
		keep *error
	}{
		{"same shop, same recipient: one code, two parcels", Booking{RecipientRef: "anna", Owner: "shopx", ShareCodeWith: first.Rent.ID}, nil, nil},
		{"another shop", Booking{RecipientRef: "anna", Owner: "shopy", ShareCodeWith: first.Rent.ID}, app.ErrBadBooking, &foreign},
		{"a missing rent", Booking{RecipientRef: "anna", Owner: "shopy", ShareCodeWith: first.Rent.ID + 100}, app.ErrBadBooking, &missing},
		{"another recipient", Booking{RecipientRef: "ben", Owner: "shopx", ShareCodeWith: first.Rent.ID}, app.ErrBadBooking, nil},
		{"no recipient named", Booking{Owner: "shopx", ShareCodeWith: first.Rent.ID}, app.ErrBadBooking, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.b
			b.Size, b.ParcelRef = "S", "C-"+tt.name
			_, err := l.Office().Book(ctx, b)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Book = %v, want %v", err, tt.want)
			}
			if tt.keep != nil {
				*tt.keep = err
			}
		})
	}
	if missing == nil || foreign == nil || missing.Error() != foreign.Error() {
		t.Fatalf("another shop's rent (%v) and a missing one (%v) answer differently", foreign, missing)
	}
}
