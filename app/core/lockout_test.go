package core

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/cred"
	"pudo/storage"
)

// guessing is what an attacker at the keypad got over a span of the fake
// clock.
type guessing struct {
	wrong    int           // wrong codes the locker took (and answered)
	refused  int           // entries refused while paused
	burst    int           // the most wrong codes taken within any 10 s
	maxPause time.Duration // the longest single pause the screen showed
}

// attack types wrong codes at l for span. cadence is how long the attacker
// waits after a refusal; patient attackers read the countdown instead
// (cadence 0) and type the instant it ends. Each code takes typing to type.
func attack(t *testing.T, l *Locker, clock *fakeClock, span, typing, cadence time.Duration, enter func(string) error) guessing {
	t.Helper()
	var g guessing
	var taken []time.Time
	for end := clock.Now().Add(span); clock.Now().Before(end); {
		var lo *app.LockedOutError
		switch err := enter(fmt.Sprintf("ZZZZ-%04d", g.wrong%10000)); {
		case errors.Is(err, app.ErrWrongCode):
			g.wrong++
			taken = append(taken, clock.Now())
			for len(taken) > 0 && clock.Now().Sub(taken[0]) >= 10*time.Second {
				taken = taken[1:]
			}
			g.burst = max(g.burst, len(taken))
			clock.Add(typing)
		case errors.As(err, &lo):
			g.refused++
			g.maxPause = max(g.maxPause, lo.Until.Sub(clock.Now()))
			if cadence == 0 {
				clock.Add(lo.Until.Sub(clock.Now()))
			} else {
				clock.Add(cadence)
			}
		default:
			t.Fatalf("after %d wrong codes: %v", g.wrong, err)
		}
	}
	return g
}

// The guessing limits (GUESSING.md), measured on the fake clock against
// the real locker and store: at most about 2,000 wrong codes a day whatever
// the attacker does, bursts of at most 10, no pause longer than 60 s.
func TestGuessingFigures(t *testing.T) {
	ctx := context.Background()
	pickup := func(l *Locker) func(string) error {
		return func(code string) error { _, err := l.PickupByCode(ctx, code); return err }
	}
	for _, a := range []struct {
		name            string
		typing, cadence time.Duration
	}{
		{"patient (waits out each countdown, types in no time)", 0, 0},
		{"impatient (a code every 2 s, ignores the countdown)", 2 * time.Second, 2 * time.Second},
		{"paced (one code every 45 s, never paused)", 45 * time.Second, 45 * time.Second},
	} {
		spans := []time.Duration{time.Hour, 24 * time.Hour}
		if raceEnabled {
			// Seven times slower and about no concurrency: the hour holds
			// the same rules; the day's figures come from a plain run.
			spans = spans[:1]
		}
		for _, span := range spans {
			l, db, _ := newTestLocker(t)
			clock := withClock(db)
			g := attack(t, l, clock, span, a.typing, a.cadence, pickup(l))
			t.Logf("%-55s per %-4s: %4d wrong codes, %5d refused, at most %2d in 10 s, longest pause %s",
				a.name, map[time.Duration]string{time.Hour: "hour", 24 * time.Hour: "day"}[span], g.wrong, g.refused, g.burst, g.maxPause.Round(time.Millisecond))
			ceiling := int(codeRule.burst) + int(span/codeRule.every) + 1
			if g.wrong > ceiling {
				t.Errorf("%s: %d wrong codes in %s, ceiling %d", a.name, g.wrong, span, ceiling)
			}
			if g.maxPause > time.Minute {
				t.Errorf("%s: a pause of %s", a.name, g.maxPause)
			}
			if g.burst > 10 {
				t.Errorf("%s: a burst of %d", a.name, g.burst)
			}
		}
	}
	// 730,000 guesses a year (2,000 a day) at 200 live codes of 2^40:
	p := 2000 * 365 * 200 / float64(int64(1)<<40)
	t.Logf("a year at the ceiling: %.4f %% chance to hit one of 200 live codes", 100*p)
	if p > 0.0002 {
		t.Errorf("yearly odds %.5f %%, over 0.02 %%", 100*p)
	}
}

// Send/return codes draw on the same budget as pickup codes, and a
// restart does not refill it: it lives in the store.
func TestReturnsShareTheBudgetAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	withClock(db)
	for i := range 5 {
		if _, err := l.PickupByCode(ctx, fmt.Sprintf("ZZZZ-ZZZ%d", i)); !errors.Is(err, app.ErrWrongCode) {
			t.Fatalf("wrong pickup code %d: %v", i, err)
		}
		if _, err := l.BeginReturn(ctx, fmt.Sprintf("RT-ZZZZ-ZZZ%d", i)); !errors.Is(err, app.ErrWrongCode) {
			t.Fatalf("wrong return code %d: %v", i, err)
		}
	}
	again := New(db, l.locks, l.secret, l.opts, l.log)
	var lo *app.LockedOutError
	if _, err := again.BeginReturn(ctx, "RT-ZZZZ-ZZZZ"); !errors.As(err, &lo) {
		t.Fatalf("after 10 wrong codes and a restart, a return code: %v, want *LockedOutError", err)
	}
	if _, err := again.PickupByCode(ctx, "ZZZZ-ZZZZ"); !errors.As(err, &lo) {
		t.Fatalf("after 10 wrong codes and a restart, a pickup code: %v, want *LockedOutError", err)
	}
}

// A signed QR token cannot be guessed, so typed-code pauses never hold it
// up: a shopper's pickup QR, a courier token and a staff badge all go
// through while the keypad is paused, and bad tokens do not drain the
// budget.
func TestTokensAreNotHeldUpByCodePauses(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	withClock(db)
	parcels, err := l.SeedDemo(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		bad := SignToken([]byte("someone else's key"), Token{Kind: TokenPickup, Subject: "1", Expires: db.Now().Add(time.Hour)})
		if _, err := l.PickupByScan(ctx, bad); !errors.Is(err, app.ErrBadToken) {
			t.Fatalf("forged QR: %v", err)
		}
	}
	if _, paused := l.CodeEntryPaused(ctx); paused {
		t.Fatal("forged QR codes drained the typed-code budget")
	}
	for i := range int(codeRule.burst) {
		l.PickupByCode(ctx, fmt.Sprintf("ZZZZ-ZZ%02d", i))
	}
	if _, paused := l.CodeEntryPaused(ctx); !paused {
		t.Fatal("not paused after 10 wrong codes")
	}
	rent := rentOfDoor(t, l, parcels[0].DoorID)
	qr := ownQR(t, l, rent.ID)
	if _, err := l.PickupByScan(ctx, qr); err != nil {
		t.Fatalf("pickup QR while codes are paused: %v", err)
	}
	if _, err := l.LoginCourier(ctx, courierToken(l, "dhl-1", time.Hour)); err != nil {
		t.Fatalf("courier token while codes are paused: %v", err)
	}
	app := operatorToken(l, cred.Claims{Kind: cred.Pickup, Subject: fmt.Sprint(rentOfDoor(t, l, parcels[1].DoorID).ID)}, time.Hour)
	if _, err := l.PickupByScan(ctx, app); err != nil {
		t.Fatalf("the operator's app pickup token while codes are paused: %v", err)
	}
}

// When the limit is reached, one alert goes to the audit log and staff see
// a banner at login until they clear it, which also lifts the pause.
func TestGuessAlertBannerAndClear(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	clock := withClock(db)
	st := loginStaff(t, l)
	if as, err := st.guessAlerts(ctx); err != nil || len(as) != 0 {
		t.Fatalf("a quiet locker's alerts: %v, %v", as, err)
	}
	g := attack(t, l, clock, 10*time.Minute, 0, 0, func(c string) error { _, err := l.PickupByCode(ctx, c); return err })
	for ; ; g.wrong++ {
		if _, err := l.PickupByCode(ctx, "ZZZZ-ZZZZ"); !errors.Is(err, app.ErrWrongCode) {
			break
		}
	}
	as, err := st.guessAlerts(ctx)
	if err != nil || len(as) != 1 {
		t.Fatalf("alerts after an attack: %+v, %v", as, err)
	}
	if a := as[0]; a.Scope != "code" || a.Wrong != int64(g.wrong) || a.Trips < 1 || a.First.IsZero() || a.PausedUntil.IsZero() {
		t.Fatalf("banner %+v after %+v", a, g)
	}
	if evs := eventsOfKind(t, l, "alert.lockout"); len(evs) != 1 {
		t.Fatalf("alert events %v, want one per attack", evs)
	}
	if err := st.clearGuessAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	if _, paused := l.CodeEntryPaused(ctx); paused {
		t.Fatal("still paused after staff cleared it")
	}
	if as, _ := st.guessAlerts(ctx); len(as) != 0 {
		t.Fatalf("banner after clearing: %+v", as)
	}
	if evs := eventsOfKind(t, l, "lockout.cleared"); len(evs) != 1 || evs[0].Actor != st.actor() {
		t.Fatalf("clearing not audited: %v", evs)
	}
}

// Guessing at the PIN pad never keeps staff out for long, and never at
// all with a badge: wrong PINs pause the pad at most 3 minutes at a time,
// a staff member's badge and PIN get in while the pad is paused, and
// wrong PINs with one badge pause that badge only.
func TestStaffCannotBeLockedOutByGuessing(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLockerOpts(t, Options{KioskID: "T1", OperatorKeys: []cred.PublicKey{testOperator.Public()}, PINCost: cheapPIN})
	clock := withClock(db)
	for _, s := range []struct{ name, pin string }{{"anna", "11112222"}, {"ben", "33334444"}} {
		if err := l.AddStaff(ctx, s.name, s.pin); err != nil {
			t.Fatal(err)
		}
	}
	pad := attack(t, l, clock, 24*time.Hour, 0, 0, func(string) error {
		_, err := l.LoginStaff(ctx, "00000000")
		if errors.Is(err, app.ErrBadPIN) {
			return app.ErrWrongCode
		}
		return err
	})
	t.Logf("PIN pad, patient attacker per day: %d wrong PINs, longest pause %s", pad.wrong, pad.maxPause)
	if pad.maxPause > staffRule.every || pad.wrong > int(staffRule.burst)+int(24*time.Hour/staffRule.every)+1 {
		t.Fatalf("PIN pad: %+v", pad)
	}
	for !errors.As(func() error { _, err := l.LoginStaff(ctx, "00000000"); return err }(), new(*app.LockedOutError)) {
	}
	if _, err := l.LoginStaff(ctx, "11112222"); !errors.As(err, new(*app.LockedOutError)) {
		t.Fatalf("the pad after the attack: %v, want a pause", err)
	}
	annaBadge := operatorToken(l, cred.Claims{Kind: cred.Staff, Subject: "anna"}, 24*time.Hour)
	benBadge := operatorToken(l, cred.Claims{Kind: cred.Staff, Subject: "ben"}, 24*time.Hour)
	for range 20 {
		l.loginStaffBadge(ctx, benBadge, "00000000")
	}
	if _, err := l.BadgeHolder(ctx, benBadge); !errors.As(err, new(*app.LockedOutError)) {
		t.Fatalf("ben's badge after 20 wrong PINs: %v, want a pause", err)
	}
	st, err := l.loginStaffBadge(ctx, annaBadge, "11112222")
	if err != nil || st.Name() != "anna" {
		t.Fatalf("anna's badge while the pad and ben's badge are paused: %v, %v", st, err)
	}
	for _, tt := range []struct {
		badge string
		want  error
	}{
		{operatorToken(l, cred.Claims{Kind: cred.Staff, Subject: "anna", Lockers: []string{"T2"}}, time.Hour), ErrTokenNotHere},
		{operatorToken(l, cred.Claims{Kind: cred.Staff, Subject: "anna"}, -time.Minute), app.ErrTokenExpired},
		{operatorToken(l, cred.Claims{Kind: cred.Staff, Subject: "zoe"}, time.Hour), app.ErrNotFound},
		{courierToken(l, "anna", time.Hour), app.ErrBadToken},
	} {
		if _, err := l.loginStaffBadge(ctx, tt.badge, "11112222"); !errors.Is(err, tt.want) {
			t.Errorf("LoginStaffBadge = %v, want %v", err, tt.want)
		}
	}
}

func rentOfDoor(t *testing.T, l *Locker, door int64) storage.Rent {
	t.Helper()
	var r storage.Rent
	err := l.db.View(context.Background(), func(tx *storage.Tx) (err error) {
		r, err = tx.ActiveRent(door)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}
