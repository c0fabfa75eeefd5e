package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/carrier"
	"pudo/app/core"
	"pudo/app/cred"
)

// A courier's walk-in over the real core: the rent.stored event in the
// feed and in a webhook carries the code sealed for the courier's carrier;
// the carrier's key opens it to the code that opens the door, another
// carrier's does not; a carrier without a key here is told no code came;
// and the code is in no byte of the database.
func TestWalkInCodeReachesTheCarrierSealed(t *testing.T) {
	ctx := context.Background()
	key, other := carrier.GenerateKey(), carrier.GenerateKey()
	rcv, url := newReceiver(t, hookSecret, 0)
	f := newFixtureOpts(t, core.Options{CarrierKeys: map[string]carrier.PublicKey{"DHL": key.Public(), "GLS": other.Public()}},
		func(c *Config) { c.Webhooks = []Webhook{testHook(url, hookSecret)} }, nil)

	sealedDrop := f.walkIn("DHL", "WALK-1")
	plainDrop := f.walkIn("UPS", "WALK-2") // no key for UPS here

	page := f.do("GET", "/v1/events?after=0&limit=500", "host", "")
	if page.status != http.StatusOK {
		t.Fatalf("feed: %d %s", page.status, page.body)
	}
	var feed eventsJSON
	page.json(t, &feed)
	stored := storedOf(t, feed.Events, sealedDrop.Rent().ID)
	if stored.Carrier != "DHL" || stored.CodeSealed == nil || !*stored.CodeSealed || stored.SealedCode == "" {
		t.Fatalf("feed's rent.stored = %+v", stored)
	}
	unsealed := storedOf(t, feed.Events, plainDrop.Rent().ID)
	if unsealed.Carrier != "UPS" || unsealed.CodeSealed == nil || *unsealed.CodeSealed || unsealed.SealedCode != "" {
		t.Fatalf("rent.stored of a carrier without a key = %+v, want code_sealed false and nothing sealed", unsealed)
	}
	if !regexp.MustCompile(`"code_sealed":\s*false`).Match(page.body) {
		t.Fatal(`the feed does not say "code_sealed":false`)
	}
	for _, e := range feed.Events {
		if e.Kind != "rent.stored" && (e.Carrier != "" || e.CodeSealed != nil || e.SealedCode != "") {
			t.Fatalf("event %d (%s) carries code fields", e.Seq, e.Kind)
		}
	}

	// What the carrier's tool reads: the whole page, as curl gives it.
	found, err := carrier.Parse(page.body)
	if err != nil || len(found) != 2 {
		t.Fatalf("carrier.Parse(page) = %+v, %v", found, err)
	}
	code := openFound(t, key, found[0], sealedDrop)
	if _, err := other.Open(found[0].Box); !errors.Is(err, carrier.ErrNotOpened) {
		t.Fatalf("GLS's key on DHL's code: %v, want ErrNotOpened", err)
	}
	if found[1].Sealed || found[1].Carrier != "UPS" {
		t.Fatalf("the unsealed delivery parsed as %+v", found[1])
	}

	// The webhook got the same.
	rcv.waitFor(t, sealedDrop.Rent().ID, "rent.stored")
	rcv.waitFor(t, plainDrop.Rent().ID, "rent.stored")
	hooked := storedOf(t, rcv.seenCopy(), sealedDrop.Rent().ID)
	if hooked.SealedCode != stored.SealedCode {
		t.Fatalf("the webhook's sealed_code differs from the feed's")
	}
	if h := storedOf(t, rcv.seenCopy(), plainDrop.Rent().ID); h.CodeSealed == nil || *h.CodeSealed {
		t.Fatalf("webhook of a carrier without a key = %+v", h)
	}

	// A carrier's API key sees the rents it booked only: walk-ins reach it
	// through the operator's back office (or a webhook without key).
	var mine eventsJSON
	f.do("GET", "/v1/events?after=0&limit=500", "fleet", "").json(t, &mine)
	for _, e := range mine.Events {
		if e.RentID == sealedDrop.Rent().ID {
			t.Fatalf("a carrier key sees the walk-in of rent %d", e.RentID)
		}
	}

	// The code the carrier opened is the one that opens the door.
	p, err := f.locker.PickupByCode(ctx, code)
	if err != nil || p.Opening().DoorID != sealedDrop.Opening().DoorID {
		t.Fatalf("pickup with the opened code: %v, %v; want door %d", p, err, sealedDrop.Opening().DoorID)
	}

	// Nothing in the database file, its log or its shared memory holds
	// either code; the parcel reference shows the search finds what is there.
	names, _ := filepath.Glob(filepath.Join(f.dir, "pudo.db*"))
	var all []byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if !bytes.Contains(all, []byte("WALK-1")) {
		t.Fatalf("the parcel reference is in none of %v: the search finds nothing", names)
	}
	for _, d := range []app.DropOff{sealedDrop, plainDrop} {
		for _, form := range []string{d.Code(), app.FormatCode(d.Code())} {
			if bytes.Contains(all, []byte(form)) {
				t.Fatalf("the code %s is in the database files", form)
			}
		}
	}
}

// walkIn is a courier of carrierID dropping a parcel with no booking.
func (f *fixture) walkIn(carrierID, parcel string) app.DropOff {
	f.t.Helper()
	ctx := context.Background()
	now := f.db.Now()
	token, err := cred.Sign(testOperator, cred.Claims{Kind: cred.Courier, Subject: carrierID + "-7", Carrier: carrierID,
		Lockers: []string{"T1"}, IssuedAt: now, Expires: now.Add(time.Hour)})
	if err != nil {
		f.t.Fatal(err)
	}
	c, err := f.locker.LoginCourier(ctx, token)
	if err != nil {
		f.t.Fatal(err)
	}
	d, err := c.DropNew(ctx, "S", parcel, false)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := d.Done(ctx); err != nil {
		f.t.Fatal(err)
	}
	return d
}

func storedOf(t *testing.T, evs []eventJSON, rent int64) eventJSON {
	t.Helper()
	for _, e := range evs {
		if e.RentID == rent && e.Kind == "rent.stored" {
			return e
		}
	}
	t.Fatalf("no rent.stored of rent %d in %d events", rent, len(evs))
	return eventJSON{}
}

// openFound opens a delivery as the carrier does and checks it names the
// drop-off's locker and rent; it returns the code.
func openFound(t *testing.T, k carrier.PrivateKey, f carrier.Found, d app.DropOff) string {
	t.Helper()
	c, err := k.Open(f.Box)
	if err != nil {
		t.Fatalf("the carrier's key: %v", err)
	}
	want := carrier.Code{Locker: "T1", RentID: d.Rent().ID, Code: app.FormatCode(d.Code())}
	if c != want || f.Locker != "T1" || f.RentID != d.Rent().ID {
		t.Fatalf("opened %+v from %+v, want %+v", c, f, want)
	}
	return c.Code
}

func (r *receiver) seenCopy() []eventJSON {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]eventJSON{}, r.seen...)
}
