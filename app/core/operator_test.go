package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/cred"
)

// Courier login takes the operator's tokens only: signed by a trusted key
// (two at once, for rotation), naming this locker, not revoked. The
// locker's own courier tokens of old are refused, and nothing in the audit
// log holds a token.
func TestCourierLoginTakesOperatorTokens(t *testing.T) {
	ctx := context.Background()
	next := cred.GenerateKey()
	l, _, _ := newTestLockerOpts(t, Options{KioskID: "T1", OperatorKeys: []cred.PublicKey{testOperator.Public(), next.Public()}})
	rotated, err := cred.Sign(next, cred.Claims{Kind: cred.Courier, Subject: "ola", Carrier: "InPost", Lockers: []string{"T1", "T9"},
		IssuedAt: l.db.Now(), Expires: l.db.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := l.LoginCourier(ctx, rotated)
	if err != nil || c.Courier() != "ola" || c.(*Courier).carrier != "InPost" {
		t.Fatalf("the next key's token: %+v, %v", c, err)
	}
	stranger, _ := cred.Sign(cred.GenerateKey(), cred.Claims{Kind: cred.Courier, Subject: "eve", Carrier: "X", Lockers: []string{"T1"},
		IssuedAt: l.db.Now(), Expires: l.db.Now().Add(time.Hour)})
	oldStyle := SignToken(l.tokenKey, Token{Kind: TokenCourier, Subject: "dhl-7", Expires: l.db.Now().Add(time.Hour)})
	for _, tt := range []struct {
		name, token string
		want        error
	}{
		{"an untrusted key", stranger, app.ErrBadToken},
		{"the locker's own courier token", oldStyle, app.ErrBadToken},
		{"another locker", operatorToken(l, cred.Claims{Kind: cred.Courier, Subject: "a", Carrier: "C", Lockers: []string{"T2"}}, time.Hour), ErrTokenNotHere},
		{"expired", courierToken(l, "a", -time.Second), app.ErrTokenExpired},
		{"a staff badge", operatorToken(l, cred.Claims{Kind: cred.Staff, Subject: "a"}, time.Hour), app.ErrBadToken},
	} {
		if _, err := l.LoginCourier(ctx, tt.token); !errors.Is(err, tt.want) {
			t.Errorf("%s: LoginCourier = %v, want %v", tt.name, err, tt.want)
		}
	}
	for _, e := range eventsOfKind(t, l, "courier.login.refused") {
		for _, tok := range []string{stranger, oldStyle, rotated} {
			if strings.Contains(e.Detail, tok[8:30]) {
				t.Fatalf("the audit log holds a token: %+v", e)
			}
		}
	}
}

// The operator's revocation list refuses tokens before they expire; it is
// kept in the store, only a newer version replaces it, and the same one
// again is harmless.
func TestRevocations(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	anna := courierToken(l, "anna", time.Hour)
	annaID := l.payloadOf(anna).Cred.ID
	if _, err := l.LoginCourier(ctx, anna); err != nil {
		t.Fatal(err)
	}
	if err := l.Office().SetRevocations(ctx, cred.Revocations{Version: 3, Tokens: []string{annaID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.LoginCourier(ctx, anna); !errors.Is(err, ErrTokenRevoked) || !errors.Is(err, app.ErrBadToken) {
		t.Fatalf("revoked token: %v", err)
	}
	if _, err := l.LoginCourier(ctx, courierToken(l, "anna", 2*time.Hour)); err != nil {
		t.Fatalf("anna's new token: %v", err)
	}
	for _, tt := range []struct {
		list cred.Revocations
		want error
	}{
		{cred.Revocations{Version: 3, Tokens: []string{annaID}}, nil}, // resent: a no-op
		{cred.Revocations{Version: 3}, ErrStaleRevocations},
		{cred.Revocations{Version: 2}, ErrStaleRevocations},
		{cred.Revocations{Version: 4, Tokens: []string{"nope"}}, cred.ErrBadRevocations},
	} {
		if err := l.Office().SetRevocations(ctx, tt.list); !errors.Is(err, tt.want) {
			t.Errorf("SetRevocations(%+v) = %v, want %v", tt.list, err, tt.want)
		}
	}
	if evs := eventsOfKind(t, l, "revocations.applied"); len(evs) != 1 {
		t.Fatalf("applied events %v, want one", evs)
	}
	// A restarted locker keeps the list; a newer one by subject refuses
	// every token of that courier issued before it.
	again := New(db, l.locks, l.secret, l.opts, l.log)
	if got, err := again.Office().Revocations(ctx); err != nil || got.Version != 3 || len(got.Tokens) != 1 {
		t.Fatalf("after restart: %+v, %v", got, err)
	}
	if _, err := again.LoginCourier(ctx, anna); !errors.Is(err, ErrTokenRevoked) {
		t.Fatalf("after restart, the revoked token: %v", err)
	}
	if err := again.Office().SetRevocations(ctx, cred.Revocations{Version: 4,
		Subjects: []cred.SubjectRevocation{{Kind: "carrier", ID: "TEST", IssuedBefore: db.Now()}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := again.LoginCourier(ctx, courierToken(l, "ben", time.Hour)); !errors.Is(err, ErrTokenRevoked) {
		t.Fatalf("a revoked carrier's token: %v", err)
	}
}

// A shopper's app shows the operator's pickup token: it opens that parcel
// at the locker it names, nowhere else, and not once revoked.
func TestAppPickupToken(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	parcels, err := l.SeedDemo(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	appToken := func(door int64, lockers ...string) string {
		return operatorToken(l, cred.Claims{Kind: cred.Pickup, Subject: fmt.Sprint(rentOfDoor(t, l, door).ID), Lockers: lockers}, time.Hour)
	}
	if _, err := l.PickupByScan(ctx, appToken(parcels[0].DoorID, "T2")); !errors.Is(err, app.ErrBadToken) {
		t.Fatalf("another locker's app token: %v", err)
	}
	tok := appToken(parcels[1].DoorID)
	if err := l.Office().SetRevocations(ctx, cred.Revocations{Version: 1, Tokens: []string{l.payloadOf(tok).Cred.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.PickupByScan(ctx, tok); !errors.Is(err, ErrTokenRevoked) {
		t.Fatalf("revoked app token: %v", err)
	}
	pk, err := l.PickupByScan(ctx, appToken(parcels[0].DoorID))
	if err != nil || openedDoor(pk).ID != parcels[0].DoorID {
		t.Fatalf("app token: %+v, %v", pk, err)
	}
}
