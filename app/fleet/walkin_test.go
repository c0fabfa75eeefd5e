package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/carrier"
	"pudo/app/cred"
)

// A courier's walk-in at a kiosk on the real broker: the rent.stored
// event that reaches the operator carries the code sealed for the
// courier's carrier; the carrier's key opens it to the code that opens the
// door, another carrier's key does not, and a carrier without a key at
// the locker is told no code came.
func TestWalkInCodeOverTheLink(t *testing.T) {
	b := startBroker(t)
	w := newWatcher(t, b, "watch-walkin")
	key, other := carrier.GenerateKey(), carrier.GenerateKey()
	k := newKioskCarriers(t, b, "L-WALK", []cred.PublicKey{testOperator.Public()},
		map[string]carrier.PublicKey{"TEST": key.Public(), "ELSE": other.Public()})

	sealed := k.walkInFor("TEST", "WALK-1")
	plain := k.walkInFor("NOKEY", "WALK-2")
	evs := w.waitFor(k.id, k.lastSeq())

	e := storedEvent(t, evs, sealed.Rent().ID)
	if e.Carrier != "TEST" || e.CodeSealed == nil || !*e.CodeSealed || e.SealedCode == "" {
		t.Fatalf("rent.stored over the link = %+v", e)
	}
	wire, _ := json.Marshal(e)
	found, err := carrier.Parse(wire)
	if err != nil || len(found) != 1 || found[0].Locker != k.id || found[0].RentID != sealed.Rent().ID {
		t.Fatalf("carrier.Parse(%s) = %+v, %v", wire, found, err)
	}
	c, err := key.Open(found[0].Box)
	want := carrier.Code{Locker: k.id, RentID: sealed.Rent().ID, Code: app.FormatCode(sealed.Code())}
	if err != nil || c != want {
		t.Fatalf("the carrier opens %+v, %v; want %+v", c, err, want)
	}
	if _, err := other.Open(found[0].Box); !errors.Is(err, carrier.ErrNotOpened) {
		t.Fatalf("another carrier's key: %v, want ErrNotOpened", err)
	}

	n := storedEvent(t, evs, plain.Rent().ID)
	if n.Carrier != "NOKEY" || n.CodeSealed == nil || *n.CodeSealed || n.SealedCode != "" {
		t.Fatalf("rent.stored of a carrier without a key = %+v, want code_sealed false", n)
	}
	for _, x := range evs {
		if x.Kind != "rent.stored" && (x.Carrier != "" || x.CodeSealed != nil || x.SealedCode != "") {
			t.Fatalf("event %d (%s) carries code fields", x.Seq, x.Kind)
		}
	}

	// The code the carrier opened opens the parcel's door.
	k.pickup(c.Code)
}

// walkInFor is a courier of carrierID dropping a parcel nobody booked, and
// closing the door.
func (k *kiosk) walkInFor(carrierID, parcelRef string) app.DropOff {
	k.tb.Helper()
	ctx := context.Background()
	now := time.Now()
	token, err := cred.Sign(testOperator, cred.Claims{Kind: cred.Courier, Subject: "c-" + carrierID, Carrier: carrierID,
		Lockers: []string{cred.AllLockers}, IssuedAt: now, Expires: now.Add(time.Hour)})
	must(k.tb, err)
	c, err := k.locker.LoginCourier(ctx, token)
	must(k.tb, err)
	d, err := c.DropNew(ctx, "S", parcelRef, false)
	must(k.tb, err)
	k.closeAndDone(func() error { _, err := d.Done(ctx); return err })
	return d
}

func storedEvent(t *testing.T, evs []Event, rent int64) Event {
	t.Helper()
	for _, e := range evs {
		if e.RentID == rent && e.Kind == "rent.stored" {
			return e
		}
	}
	t.Fatalf("no rent.stored of rent %d among %d events", rent, len(evs))
	return Event{}
}
