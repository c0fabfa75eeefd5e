package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"pudo/app/core"
	"pudo/app/cred"
)

// siteFixture is a standalone locker with a site key: trusted by the
// locker, and signing POST /v1/tokens.
func siteFixture(t *testing.T) (*fixture, cred.PrivateKey) {
	t.Helper()
	site := cred.GenerateKey()
	f := newFixtureOpts(t, core.Options{OperatorKeys: []cred.PublicKey{site.Public()}, SiteKey: site.Public(), PINCost: core.PINCost{Time: 1, Memory: 64, Threads: 1}},
		func(c *Config) { c.Signer = &site }, nil)
	return f, site
}

// POST /v1/tokens signs a badge only for staff of this locker and an app
// pickup token only for a parcel stored here, and no longer than each
// kind's cap: a courier's day, a badge's 90 days, a parcel's pickup
// deadline.
func TestIssueTokenOnlyForWhatExistsAndCapped(t *testing.T) {
	f, _ := siteFixture(t)
	ctx := context.Background()
	if err := f.locker.AddStaff(ctx, "anna", "73910482"); err != nil {
		t.Fatal(err)
	}
	booked := f.book("host", "TOK-1")
	f.dropOff("TOK-1")
	reserved := f.book("host", "TOK-2")
	stored, err := f.locker.Office().Rent(ctx, booked.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		body   string
		status int
		field  string
	}{
		{`{"kind":"staff","subject":"ghost","valid":"1h"}`, 422, "subject"},
		{`{"kind":"pickup","subject":"999","valid":"1h"}`, 422, "subject"},
		{fmt.Sprintf(`{"kind":"pickup","subject":"%d","valid":"1h"}`, reserved.ID), 422, "subject"},
		{`{"kind":"courier","subject":"dhl-1","carrier":"DHL","valid":"8784h"}`, 422, "valid"},
		{`{"kind":"courier","subject":"dhl-1","carrier":"DHL","valid":"25h"}`, 422, "valid"},
		{`{"kind":"staff","subject":"anna","valid":"2161h"}`, 422, "valid"},
		{fmt.Sprintf(`{"kind":"pickup","subject":"%d","valid":"8784h"}`, booked.ID), 422, "valid"},
		{`{"kind":"courier","subject":"dhl-1","carrier":"DHL","valid":"24h"}`, 201, ""},
		{`{"kind":"staff","subject":"anna","valid":"2160h"}`, 201, ""},
		{fmt.Sprintf(`{"kind":"pickup","subject":"%d","valid":"1h"}`, booked.ID), 201, ""},
	} {
		f.srv.throttle.reset()
		a := f.do("POST", "/v1/tokens", "host", tt.body)
		if a.status != tt.status || (tt.field != "" && !strings.Contains(string(a.body), tt.field+":")) {
			t.Errorf("%s: %d %s, want %d naming %s", tt.body, a.status, a.body, tt.status, tt.field)
		}
	}
	// Without "valid", the kind's longest: a pickup token until its
	// parcel's pickup deadline.
	for kind, want := range map[string]time.Duration{"courier": 24 * time.Hour, "staff": 90 * 24 * time.Hour} {
		body := map[string]string{"courier": `{"kind":"courier","subject":"dhl-2","carrier":"DHL"}`, "staff": `{"kind":"staff","subject":"anna"}`}[kind]
		var tok tokenJSON
		if a := f.do("POST", "/v1/tokens", "host", body); a.status != 201 {
			t.Fatalf("%s without valid: %d %s", kind, a.status, a.body)
		} else {
			a.json(t, &tok)
		}
		if got := tok.ExpiresAt.Sub(tok.IssuedAt); got != want {
			t.Errorf("%s without valid lasts %s, want %s", kind, got, want)
		}
	}
	var tok tokenJSON
	f.do("POST", "/v1/tokens", "host", fmt.Sprintf(`{"kind":"pickup","subject":"%d"}`, booked.ID)).json(t, &tok)
	if tok.ExpiresAt.After(stored.ExpiresAt) || stored.ExpiresAt.Sub(tok.ExpiresAt) > time.Minute {
		t.Errorf("pickup token until %s, the parcel's deadline is %s", tok.ExpiresAt, stored.ExpiresAt)
	}
}

// A standalone locker revokes a token at once, by the operator's API key:
// the courier cannot sign in again and a round in progress stops at its
// next step; the list shows it revoked; it stays revoked after a restart;
// a token never seen is revoked for when it comes.
func TestRevokeTokenAtAStandaloneLocker(t *testing.T) {
	f, site := siteFixture(t)
	ctx := context.Background()
	var tok tokenJSON
	if a := f.do("POST", "/v1/tokens", "host", `{"kind":"courier","subject":"dhl-7","carrier":"DHL","valid":"8h"}`); a.status != 201 {
		t.Fatalf("issue: %d %s", a.status, a.body)
	} else {
		a.json(t, &tok)
	}
	round, err := f.locker.LoginCourier(ctx, tok.Token)
	if err != nil {
		t.Fatalf("the issued courier token: %v", err)
	}
	f.book("host", "REV-1")
	a := f.do("POST", "/v1/tokens/"+tok.ID+"/revoke", "host", `{"reason":"phone lost"}`)
	if a.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", a.status, a.body)
	}
	var k knownTokenJSON
	a.json(t, &k)
	if k.Ref != tok.Ref || k.RevokedAt.IsZero() || k.RevokedBy != "api:host" || k.Reason != "phone lost" || k.Kind != "courier" {
		t.Fatalf("revoked token %+v", k)
	}
	if _, err := f.locker.LoginCourier(ctx, tok.Token); !errors.Is(err, core.ErrTokenRevoked) {
		t.Fatalf("courier login after revocation: %v", err)
	}
	if _, err := round.DropBooked(ctx, "REV-1"); !errors.Is(err, core.ErrTokenRevoked) {
		t.Fatalf("the round in progress: %v, want ErrTokenRevoked", err)
	}
	var list struct{ Tokens []knownTokenJSON }
	f.do("GET", "/v1/tokens", "host", "").json(t, &list)
	if len(list.Tokens) != 1 || list.Tokens[0].Ref != tok.Ref || list.Tokens[0].RevokedAt.IsZero() || !list.Tokens[0].Issued {
		t.Fatalf("list %+v", list.Tokens)
	}
	if strings.Contains(string(f.do("GET", "/v1/tokens", "host", "").body), tok.ID) {
		t.Fatal("the list shows a token's id")
	}
	// Again, by ref: the same answer, one audit event.
	if a := f.do("POST", "/v1/tokens/"+tok.Ref+"/revoke", "host", ""); a.status != http.StatusOK {
		t.Fatalf("revoke by ref: %d %s", a.status, a.body)
	}
	if evs := f.eventsOfKind(t, "token.revoked"); len(evs) != 1 || strings.Contains(evs[0].Detail, tok.ID) {
		t.Fatalf("token.revoked events %+v", evs)
	}
	// A token never seen here, revoked before it comes.
	unseen := cred.NewID()
	if a := f.do("POST", "/v1/tokens/"+unseen+"/revoke", "host", ""); a.status != http.StatusOK {
		t.Fatalf("revoke unseen: %d %s", a.status, a.body)
	}
	now := time.Now()
	later, err := cred.Sign(testOperator, cred.Claims{ID: unseen, Kind: cred.Courier, Subject: "ups-3", Carrier: "UPS",
		Lockers: []string{"T1"}, IssuedAt: now, Expires: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.locker.LoginCourier(ctx, later); !errors.Is(err, core.ErrTokenRevoked) {
		t.Fatalf("a token revoked before it was seen: %v", err)
	}
	// After a restart on the same store.
	_, again, _ := openLocker(t, f.dir, core.Options{OperatorKeys: []cred.PublicKey{site.Public()}, SiteKey: site.Public()})
	if _, err := again.LoginCourier(ctx, tok.Token); !errors.Is(err, core.ErrTokenRevoked) {
		t.Fatalf("after a restart: %v", err)
	}
	for _, tt := range []struct{ id, body string }{{"xyz", ""}, {"0123", ""}, {tok.ID, `{"reason":"a\u0007b"}`}, {tok.ID, `{"why":"x"}`}} {
		f.srv.throttle.reset()
		if a := f.do("POST", "/v1/tokens/"+tt.id+"/revoke", "host", tt.body); a.status < 400 || a.status > 422 {
			t.Errorf("revoke %s %s: %d %s", tt.id, tt.body, a.status, a.body)
		}
	}
	for _, key := range []string{"shopx", "fleet"} {
		if a := f.do("GET", "/v1/tokens", key, ""); a.status != http.StatusForbidden {
			t.Errorf("%s lists tokens: %d", key, a.status)
		}
	}
}

// The site key lies on the SD card beside the store: a token signed with
// it that this locker did not issue is refused, whatever it says, so a
// copy of the card signs nothing that opens here. The operator's own keys
// are not on the card and sign as before.
func TestSiteKeySignsOnlyWhatTheLockerIssued(t *testing.T) {
	f, site := siteFixture(t)
	ctx := context.Background()
	booked := f.book("host", "SITE-1")
	f.dropOff("SITE-1")
	now := time.Now()
	for _, c := range []cred.Claims{
		{Kind: cred.Courier, Subject: "thief", Carrier: "DHL"},
		{Kind: cred.Pickup, Subject: fmt.Sprint(booked.ID)},
	} {
		c.Lockers, c.IssuedAt, c.Expires = []string{"T1"}, now, now.Add(time.Hour)
		forged, err := cred.Sign(site, c)
		if err != nil {
			t.Fatal(err)
		}
		switch c.Kind {
		case cred.Courier:
			if _, err := f.locker.LoginCourier(ctx, forged); !errors.Is(err, core.ErrTokenNotIssued) {
				t.Errorf("a courier token forged with the site key: %v", err)
			}
		case cred.Pickup:
			if _, err := f.locker.PickupByScan(ctx, forged); err == nil {
				t.Errorf("a pickup token forged with the site key opened rent %d", booked.ID)
			}
		}
	}
	if n := f.locks.count(); n != 1 { // the drop-off's
		t.Fatalf("%d doors unlocked", n)
	}
	var tok tokenJSON
	f.do("POST", "/v1/tokens", "host", fmt.Sprintf(`{"kind":"pickup","subject":"%d"}`, booked.ID)).json(t, &tok)
	if _, err := f.locker.PickupByScan(ctx, tok.Token); err != nil {
		t.Fatalf("the pickup token the locker issued: %v", err)
	}
}
