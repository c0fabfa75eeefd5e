package core

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/cred"
	"pudo/app/session"
)

// The whole way in, at the real engine: someone guessing at the shared PIN
// pad pauses it, and the right PIN there waits; a staff member's badge,
// scanned on the paused pad, asks that person's PIN and signs them in. The
// badge's own wrong PINs pause that badge alone.
func TestBadgeGetsStaffInWhileThePadIsPaused(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLockerOpts(t, Options{KioskID: "T1", OperatorKeys: []cred.PublicKey{testOperator.Public()}, PINCost: cheapPIN})
	clock := withClock(db)
	if err := l.AddStaff(ctx, "anna", "73910482"); err != nil {
		t.Fatal(err)
	}
	f := session.NewFront(l, session.FrontOptions{Now: clock.Now}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.Start(ctx)
	f.Tap(ctx, app.StaffGesture{})
	for range 6 {
		f.Tap(ctx, app.EnterPIN{PIN: "11111111"})
	}
	if v, ok := f.Tap(ctx, app.EnterPIN{PIN: "73910482"}).(*app.PINView); !ok || v.Refusal != app.PINPaused {
		t.Fatalf("the right PIN on the shared pad after guessing: %#v, want paused", f.View())
	}
	badge := operatorToken(l, cred.Claims{Kind: cred.Staff, Subject: "anna"}, time.Hour)
	if l.Recognize(badge) == app.ScanForeign {
		t.Fatal("a staff badge is not recognised")
	}
	f.Scan(ctx, badge)
	switch v := f.Tap(ctx, app.EnterPIN{PIN: "73910482"}).(type) {
	case *app.StaffDoorsView, *app.StaffAlertsView:
	default:
		t.Fatalf("badge and PIN on the paused pad: %#v, want the staff screens", v)
	}
	f.Tap(ctx, app.Logout{})

	// Five wrong PINs with the badge pause the badge, not the pad of
	// someone else's badge.
	if err := l.AddStaff(ctx, "ben", "58203716"); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		f.Scan(ctx, badge)
		f.Tap(ctx, app.EnterPIN{PIN: "22222222"})
	}
	f.Scan(ctx, badge)
	if v, ok := f.Tap(ctx, app.EnterPIN{PIN: "73910482"}).(*app.PINView); !ok || v.Refusal != app.PINPaused {
		t.Fatalf("anna's badge after its own wrong PINs: %#v, want paused", f.View())
	}
	f.Scan(ctx, operatorToken(l, cred.Claims{Kind: cred.Staff, Subject: "ben"}, time.Hour))
	switch v := f.Tap(ctx, app.EnterPIN{PIN: "58203716"}).(type) {
	case *app.StaffDoorsView, *app.StaffAlertsView:
	default:
		t.Fatalf("ben's badge while anna's is paused: %#v", v)
	}
}

// A badge revoked while its holder is signed in asks nothing more: the next
// action that asks the PIN again is refused.
func TestRevokedBadgeEndsWhatItStarted(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLockerOpts(t, Options{KioskID: "T1", OperatorKeys: []cred.PublicKey{testOperator.Public()}, PINCost: cheapPIN})
	if err := l.AddStaff(ctx, "anna", "73910482"); err != nil {
		t.Fatal(err)
	}
	badge := operatorToken(l, cred.Claims{Kind: cred.Staff, Subject: "anna"}, time.Hour)
	st, err := l.LoginStaffBadge(ctx, badge, "73910482")
	if err != nil {
		t.Fatal(err)
	}
	ks, err := l.knownTokens(ctx)
	if err != nil || len(ks) != 1 || ks[0].Subject != "anna" || ks[0].Kind != "staff" {
		t.Fatalf("known tokens %+v, %v", ks, err)
	}
	if _, err := l.revokeToken(ctx, ks[0].Ref, "staff:ben", "badge lost"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.OpenDoor(ctx, 1, "73910482", "check"); err == nil {
		t.Fatal("a force-open after the badge was revoked")
	}
	if _, err := l.BadgeHolder(ctx, badge); err == nil {
		t.Fatal("the revoked badge still names its holder")
	}
}

// A badge the screen refuses is in the audit log, as a courier's refused
// token is: forged with another key (or the site key copied off the
// card), for another locker, expired, issued ahead of the clock, revoked
// by the operator's list. A badge paused by its own wrong PINs is a pause,
// not a refusal, and its lockout alert says so once.
func TestRefusedBadgeIsAudited(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLockerOpts(t, Options{KioskID: "T1", OperatorKeys: []cred.PublicKey{testOperator.Public()}, PINCost: cheapPIN})
	now := withClock(db).Now()
	for name, pin := range map[string]string{"anna": "73910482", "ben": "58203716"} {
		if err := l.AddStaff(ctx, name, pin); err != nil {
			t.Fatal(err)
		}
	}
	staff := func(name string) cred.Claims { return cred.Claims{Kind: cred.Staff, Subject: name} }
	foreign, err := cred.Sign(cred.GenerateKey(), cred.Claims{Kind: cred.Staff, Subject: "anna", Lockers: []string{"T1"},
		IssuedAt: now.Add(-time.Minute), Expires: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := staff("anna")
	elsewhere.Lockers = []string{"T9"}
	if err := l.Office().SetRevocations(ctx, cred.Revocations{Version: 1,
		Subjects: []cred.SubjectRevocation{{Kind: "staff", ID: "ben"}}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, badge string }{
		{"another key", foreign},
		{"another locker", operatorToken(l, elsewhere, time.Hour)},
		{"expired", operatorToken(l, staff("anna"), -time.Minute)},
		{"issued ahead", signAt(l, staff("anna"), now.Add(time.Hour), now.Add(2*time.Hour))},
		{"revoked", operatorToken(l, staff("ben"), time.Hour)},
		{"no account", operatorToken(l, staff("carl"), time.Hour)},
	} {
		before := len(eventsOfKind(t, l, string(app.EvBadgeRefused)))
		if _, err := l.BadgeHolder(ctx, c.badge); err == nil {
			t.Fatalf("%s: the badge was taken", c.name)
		}
		if n := len(eventsOfKind(t, l, string(app.EvBadgeRefused))) - before; n != 1 {
			t.Fatalf("%s: %d %s events, want 1", c.name, n, app.EvBadgeRefused)
		}
	}

	badge := operatorToken(l, staff("anna"), time.Hour)
	for range 5 {
		if _, err := l.LoginStaffBadge(ctx, badge, "22222222"); err == nil {
			t.Fatal("a wrong PIN signed in")
		}
	}
	before := len(eventsOfKind(t, l, string(app.EvBadgeRefused)))
	var lo *app.LockedOutError
	if _, err := l.BadgeHolder(ctx, badge); !errors.As(err, &lo) {
		t.Fatalf("anna's badge after five wrong PINs: %v, want paused", err)
	}
	if n := len(eventsOfKind(t, l, string(app.EvBadgeRefused))) - before; n != 0 {
		t.Fatalf("a paused badge logged %d refusals", n)
	}
}

// Where staff need their badge ([staff] pin_alone = false), a PIN typed
// alone on the shared pad is refused before it is checked, in the audit
// log, and counts as no guess; the screen says to scan the badge. The
// badge with its holder's PIN still signs in.
func TestPINAloneRefusedWhereABadgeIsNeeded(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLockerOpts(t, Options{KioskID: "T1", OperatorKeys: []cred.PublicKey{testOperator.Public()}, PINCost: cheapPIN,
		BadgeRequired: true})
	if err := l.AddStaff(ctx, "anna", "73910482"); err != nil {
		t.Fatal(err)
	}
	for range 7 { // beyond the pad's guessing budget: none of these counts
		if _, err := l.LoginStaff(ctx, "73910482"); !errors.Is(err, app.ErrBadgeRequired) {
			t.Fatalf("the right PIN alone: %v, want ErrBadgeRequired", err)
		}
	}
	if n := len(eventsOfKind(t, l, string(app.EvStaffPINAlone))); n != 7 {
		t.Fatalf("%d %s events, want 7", n, app.EvStaffPINAlone)
	}
	f := session.NewFront(l, session.FrontOptions{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.Start(ctx)
	f.Tap(ctx, app.StaffGesture{})
	if v, ok := f.Tap(ctx, app.EnterPIN{PIN: "73910482"}).(*app.PINView); !ok || v.Refusal != app.PINBadgeNeeded {
		t.Fatalf("the screen after a PIN alone: %#v, want the badge asked for", f.View())
	}
	f.Scan(ctx, operatorToken(l, cred.Claims{Kind: cred.Staff, Subject: "anna"}, time.Hour))
	switch v := f.Tap(ctx, app.EnterPIN{PIN: "73910482"}).(type) {
	case *app.StaffDoorsView, *app.StaffAlertsView:
	default:
		t.Fatalf("badge and PIN where a badge is needed: %#v, want the staff screens", v)
	}
}
