package core

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/cred"
)

// signAt signs claims for l's kiosk with testOperator, issued at issued
// and valid until expires.
func signAt(l *Locker, c cred.Claims, issued, expires time.Time) string {
	c.IssuedAt, c.Expires = issued, expires
	if c.Lockers == nil {
		c.Lockers = []string{l.opts.KioskID}
	}
	text, err := cred.Sign(testOperator, c)
	if err != nil {
		panic(err)
	}
	return text
}

// A token issued later than the locker's clock allows (5 minutes) is
// refused: one dated 100 days ahead, and one used a day before it was
// issued because the locker's clock was set back a day. Within the skew
// it is taken.
func TestTokenIssuedInTheFutureIsRefused(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	clock := withClock(db)
	now := clock.Now()
	courier := cred.Claims{Kind: cred.Courier, Subject: "dhl-9", Carrier: "TEST"}
	ahead := signAt(l, courier, now.Add(100*24*time.Hour), now.Add(101*24*time.Hour))
	if _, err := l.LoginCourier(ctx, ahead); err == nil || !errors.Is(err, app.ErrBadToken) {
		t.Fatalf("a courier token issued 100 days ahead: %v, want refused", err)
	}
	early := signAt(l, courier, now.Add(4*time.Minute), now.Add(time.Hour))
	if _, err := l.LoginCourier(ctx, early); err != nil {
		t.Fatalf("a courier token issued 4 minutes ahead (within the skew): %v", err)
	}
	// Issued now, used by a locker whose clock reads a day earlier.
	issued := signAt(l, courier, now, now.Add(48*time.Hour))
	clock.Add(-24 * time.Hour)
	if _, err := l.LoginCourier(ctx, issued); err == nil || !errors.Is(err, app.ErrBadToken) {
		t.Fatalf("a courier token used a day before it was issued: %v, want refused", err)
	}
	badge := signAt(l, cred.Claims{Kind: cred.Staff, Subject: "anna"}, clock.Now().Add(time.Hour), clock.Now().Add(2*time.Hour))
	if _, err := l.BadgeHolder(ctx, badge); err == nil || !errors.Is(err, app.ErrBadToken) {
		t.Fatalf("a badge issued an hour ahead: %v, want refused", err)
	}
}

// The locker's own QR carries its issue time too.
func TestOwnQRIssuedInTheFutureIsRefused(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	clock := withClock(db)
	b := bookAndStore(t, l, locks, "FUT-1")
	qr := ownQRAt(t, l, b.Rent.ID, clock.Now().Add(time.Hour))
	if _, err := l.PickupByScan(ctx, qr); !errors.Is(err, ErrTokenFuture) {
		t.Fatalf("own QR issued an hour ahead: %v, want ErrTokenFuture", err)
	}
	clock.Add(time.Hour)
	if _, err := l.PickupByScan(ctx, qr); err != nil {
		t.Fatalf("the same QR an hour later: %v", err)
	}
}

// A clock that runs backwards past the latest time the locker has seen
// raises one alert, and every token is refused, an expired one above all,
// until the clock is right again; the latest time seen survives a restart.
func TestClockRunningBackwards(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	clock := withClock(db)
	courier := cred.Claims{Kind: cred.Courier, Subject: "dhl-9", Carrier: "TEST"}
	start := clock.Now()
	expired := signAt(l, courier, start.Add(-48*time.Hour), start.Add(-time.Hour))
	good := signAt(l, courier, start.Add(-48*time.Hour), start.Add(48*time.Hour))
	if _, err := l.LoginCourier(ctx, expired); !errors.Is(err, app.ErrTokenExpired) {
		t.Fatalf("expired token: %v", err)
	}
	clock.Add(-24 * time.Hour) // someone sets the clock back a day
	for _, tok := range []string{expired, good} {
		if _, err := l.LoginCourier(ctx, tok); err == nil || !errors.Is(err, app.ErrBadToken) {
			t.Fatalf("with the clock a day behind: %v, want refused", err)
		}
	}
	if evs := eventsOfKind(t, l, "alert.clock.behind"); len(evs) != 1 || !strings.Contains(evs[0].Detail, "tokens refused") {
		t.Fatalf("clock alerts %+v, want one", evs)
	}
	// A restart does not forget what the locker has seen.
	again := New(db, l.locks, l.secret, l.opts, l.log)
	doors, _ := Layout(app.DemoColumns(), 2)
	if err := again.SetUp(ctx, doors); err != nil {
		t.Fatal(err)
	}
	if _, err := again.LoginCourier(ctx, good); err == nil || !errors.Is(err, app.ErrBadToken) {
		t.Fatalf("after a restart with the clock behind: %v, want refused", err)
	}
	raised := len(eventsOfKind(t, l, "alert.clock.behind")) // the restarted locker raised its own
	clock.Add(24 * time.Hour)                               // set right again
	if _, err := l.LoginCourier(ctx, good); err != nil {
		t.Fatalf("with the clock right again: %v", err)
	}
	if _, err := l.LoginCourier(ctx, expired); !errors.Is(err, app.ErrTokenExpired) {
		t.Fatalf("the expired token with the clock right: %v", err)
	}
	// A small step back (an NTP correction) is no alarm.
	clock.Add(-time.Minute)
	if _, err := l.LoginCourier(ctx, good); err != nil {
		t.Fatalf("a minute back: %v", err)
	}
	if evs := eventsOfKind(t, l, "alert.clock.behind"); len(evs) != raised {
		t.Fatalf("%d clock alerts after a minute's step back, want still %d", len(evs), raised)
	}
}

// The latest time seen is kept in the store once a minute by housekeeping,
// so a locker whose log is quiet still remembers it.
func TestLatestTimeSeenIsStored(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	clock := withClock(db)
	clock.Add(30 * 24 * time.Hour) // a month with nothing in the log
	if err := l.watchClock(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Add(-7 * 24 * time.Hour)
	again := New(db, l.locks, l.secret, l.opts, l.log)
	doors, _ := Layout(app.DemoColumns(), 2)
	if err := again.SetUp(ctx, doors); err != nil {
		t.Fatal(err)
	}
	if _, err := again.LoginCourier(ctx, courierToken(again, "dhl-1", time.Hour)); !errors.Is(err, ErrClockBehind) {
		t.Fatalf("a week behind the stored latest time: %v, want ErrClockBehind", err)
	}
}
