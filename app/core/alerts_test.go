package core

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"pudo/app"
	"pudo/storage"
)

// The alerts nobody acknowledged are listed at login, the guessing limit
// first, until a staff member acknowledges them; then only new ones are.
func TestOpenAlertsUntilAcknowledged(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	clock := withClock(db)
	st := loginStaff(t, l)
	if as, more, err := st.OpenAlerts(ctx, 5); err != nil || len(as) != 0 || more != 0 {
		t.Fatalf("a quiet locker's open alerts: %v, %d, %v", as, more, err)
	}
	logAlert := func(kind app.EventKind, door int64) {
		t.Helper()
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Append(storage.Event{Actor: "system", Kind: string(kind), DoorID: door})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	logAlert(app.EvAlertForcedOpen, 7)
	logAlert(app.EvAlertDidNot, 3)
	attack(t, l, clock, 10*time.Minute, 0, 0, func(c string) error { _, err := l.PickupByCode(ctx, c); return err })

	as, more, err := st.OpenAlerts(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 || as[0].Guess == nil || as[0].Guess.Staff || as[0].Kind != app.EvAlertLockout ||
		as[1].Kind != app.EvAlertDidNot || as[1].DoorID != 3 || more != 1 {
		t.Fatalf("open alerts %+v, more %d; want the lockout, then door 3, one more", as, more)
	}
	for _, a := range as {
		if a.Kind == app.EvAlertLockout && a.Guess == nil {
			t.Fatal("the lockout is listed twice: as a limit and as its event")
		}
	}
	if err := st.AckAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	if as, more, _ := st.OpenAlerts(ctx, 5); len(as) != 0 || more != 0 {
		t.Fatalf("open alerts after acknowledging: %+v, %d", as, more)
	}
	if _, paused := l.CodeEntryPaused(ctx); paused {
		t.Fatal("code entry still paused after staff acknowledged the alerts")
	}
	if evs := eventsOfKind(t, l, string(app.EvAlertsAcked)); len(evs) != 1 || evs[0].Actor != st.actor() {
		t.Fatalf("acknowledgement not audited under the staff member: %v", evs)
	}
	logAlert(app.EvAlertFlapping, 9)
	if as, _, _ := st.OpenAlerts(ctx, 5); len(as) != 1 || as[0].DoorID != 9 {
		t.Fatalf("a new alert after acknowledging: %+v", as)
	}
}

// Leaving for the desktop asks the PIN again: a wrong one is refused and
// counted like any wrong PIN.
func TestConfirmPIN(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	s := loginStaffSession(t, l)
	if err := s.ConfirmPIN(ctx, "99999999"); !errors.Is(err, app.ErrBadPIN) {
		t.Fatalf("wrong PIN: %v", err)
	}
	if err := s.ConfirmPIN(ctx, DemoStaffPIN); err != nil {
		t.Fatalf("right PIN: %v", err)
	}
	if n := len(eventsOfKind(t, l, "staff.pin.wrong")); n != 1 {
		t.Fatalf("%d staff.pin.wrong events, want 1", n)
	}
}

// The same alert raised again (a door reported three times, the bus lost
// twice) is one row with its count, at the place of the newest; another
// door's alert of the same kind is a row of its own.
func TestOpenAlertsFoldRepeats(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	st := loginStaff(t, l)
	for _, a := range []struct {
		kind app.EventKind
		door int64
	}{{app.EvAlertOutOfOrder, 0}, {app.EvAlertDidNot, 20}, {app.EvAlertOutOfOrder, 0}, {app.EvAlertDidNot, 20},
		{app.EvAlertDidNot, 5}, {app.EvAlertDidNot, 20}} {
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.Append(storage.Event{Actor: "system", Kind: string(a.kind), DoorID: a.door})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	as, more, err := st.OpenAlerts(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		kind    app.EventKind
		door    int64
		repeats int
	}
	var got []row
	for _, a := range as {
		got = append(got, row{a.Kind, a.DoorID, a.Repeats})
	}
	want := []row{{app.EvAlertDidNot, 20, 2}, {app.EvAlertDidNot, 5, 0}, {app.EvAlertOutOfOrder, 0, 1}}
	if !slices.Equal(got, want) || more != 0 {
		t.Fatalf("open alerts %+v, more %d; want %+v", got, more, want)
	}
}
