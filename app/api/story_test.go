package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pudo/app"
	"pudo/app/core"
	"pudo/storage"
)

// TestBookingToPickup is a shop's whole story: book by API, a courier drops
// the parcel at the kiosk, the shopper types the code on the kiosk, and the
// shop's webhook hears every step, in order, signed.
func TestBookingToPickup(t *testing.T) {
	const secret = "whsec-0123456789abcdef"
	rcv, url := newReceiver(t, secret, 0)
	f := newFixture(t, func(c *Config) {
		h := testHook(url, secret)
		h.Key = "shopx"
		c.Webhooks = []Webhook{h}
	})

	b := f.book("shopx", "SHOPX-1001")
	if b.State != "reserved" || b.DoorID == 0 || len(b.PickupCode) != 9 || b.QR == "" {
		t.Fatalf("booking answer = %+v", b)
	}
	var got rentJSON
	a := f.do("GET", "/v1/rents/"+strconv.FormatInt(b.ID, 10), "shopx", "")
	if a.status != http.StatusOK {
		t.Fatalf("GET rent: %d %s", a.status, a.body)
	}
	if a.json(t, &got); got.ParcelRef != "SHOPX-1001" || got.State != "reserved" {
		t.Fatalf("GET rent = %+v", got)
	}
	if strings.Contains(string(a.body), "pickup_code") {
		t.Fatalf("the code is shown twice: %s", a.body)
	}

	f.dropOff("SHOPX-1001")
	pk, err := f.locker.PickupByCode(context.Background(), b.PickupCode) // typed as shown: XXXX-XXXX
	if err != nil {
		t.Fatalf("PickupByCode with the API's code: %v", err)
	}
	if pk.Opening().DoorID != b.DoorID {
		t.Fatalf("pickup opened door %d, booked door %d", pk.Opening().DoorID, b.DoorID)
	}

	kinds := rcv.waitFor(t, b.ID, "rent.collected")
	want := []string{"rent.booked", "rent.stored", "rent.collected"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("webhook events of rent %d = %v, want %v", b.ID, kinds, want)
	}
	f.do("GET", "/v1/rents/"+strconv.FormatInt(b.ID, 10), "shopx", "").json(t, &got)
	if got.State != "collected" {
		t.Fatalf("after pickup the rent is %q", got.State)
	}
}

// TestOtherShopsRentsAreInvisible: a merchant key reaches only its own
// rents; the feed and the list hide the rest.
func TestOtherShopsRentsAreInvisible(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.RemoteOpen = true })
	x := f.book("shopx", "X-1")
	f.book("shopy", "Y-1")
	id := strconv.FormatInt(x.ID, 10)
	for _, tt := range []struct{ method, path, key string }{
		{"GET", "/v1/rents/" + id, "shopy"},
		{"DELETE", "/v1/rents/" + id, "shopy"},
		{"POST", "/v1/rents/" + id + "/open", "shopy"},
	} {
		if a := f.do(tt.method, tt.path, tt.key, ""); a.status != http.StatusNotFound {
			t.Errorf("%s %s as %s = %d %s, want 404", tt.method, tt.path, tt.key, a.status, a.body)
		}
	}
	var list rentsJSON
	f.do("GET", "/v1/rents", "shopy", "").json(t, &list)
	if len(list.Rents) != 1 || list.Rents[0].ParcelRef != "Y-1" {
		t.Fatalf("shopy lists %+v", list.Rents)
	}
	f.do("GET", "/v1/rents", "host", "").json(t, &list)
	if len(list.Rents) != 2 {
		t.Fatalf("the operator lists %d rents, want 2", len(list.Rents))
	}
	var feed eventsJSON
	f.do("GET", "/v1/events", "shopy", "").json(t, &feed)
	for _, e := range feed.Events {
		if e.RentID == x.ID {
			t.Fatalf("shopy's feed shows shopx's event %+v", e)
		}
	}
	if len(feed.Events) == 0 {
		t.Fatal("shopy's feed misses its own booking")
	}
	if e := eventOut(storage.Event{Actor: "staff:anna"}, "", false, ids{clear: true}); e.Actor != "staff" {
		t.Fatalf("a shop sees staff names: %+v", e)
	}
}

func TestCancel(t *testing.T) {
	f := newFixture(t, nil)
	b := f.book("shopx", "C-1")
	path := "/v1/rents/" + strconv.FormatInt(b.ID, 10)
	var got rentJSON
	if a := f.do("DELETE", path, "shopx", ""); a.status != http.StatusOK {
		t.Fatalf("cancel: %d %s", a.status, a.body)
	} else if a.json(t, &got); got.State != "cancelled" {
		t.Fatalf("cancelled rent is %q", got.State)
	}
	if a := f.do("DELETE", path, "shopx", ""); a.status != http.StatusConflict || a.errCode(t) != "not_cancellable" {
		t.Fatalf("second cancel: %d %s", a.status, a.body)
	}
	// A stored parcel cannot be cancelled from afar.
	s := f.book("shopx", "C-2")
	f.dropOff("C-2")
	if a := f.do("DELETE", "/v1/rents/"+strconv.FormatInt(s.ID, 10), "shopx", ""); a.status != http.StatusConflict {
		t.Fatalf("cancel stored: %d %s", a.status, a.body)
	}
}

func TestEventsFeedResumes(t *testing.T) {
	f := newFixture(t, nil)
	for i := range 3 {
		f.book("shopx", "E-"+strconv.Itoa(i))
	}
	var all []eventJSON
	after := ""
	for range 10 {
		var page eventsJSON
		a := f.do("GET", "/v1/events?limit=2&after="+after, "host", "")
		if a.status != http.StatusOK {
			t.Fatalf("events: %d %s", a.status, a.body)
		}
		a.json(t, &page)
		all = append(all, page.Events...)
		if len(page.Events) == 0 {
			break
		}
		after = page.Next
	}
	var whole eventsJSON
	f.do("GET", "/v1/events?limit=500", "host", "").json(t, &whole)
	if len(all) != len(whole.Events) || len(all) < 3 {
		t.Fatalf("paged %d events, whole log %d", len(all), len(whole.Events))
	}
	for i := range all {
		if all[i].Seq != whole.Events[i].Seq {
			t.Fatalf("page order differs at %d", i)
		}
	}
	// Nothing new: the cursor stays, the page is empty.
	var tail eventsJSON
	f.do("GET", "/v1/events?after="+whole.Next, "host", "").json(t, &tail)
	if len(tail.Events) != 0 || tail.Next != whole.Next {
		t.Fatalf("tail = %+v", tail)
	}
}

func TestDoors(t *testing.T) {
	f := newFixture(t, nil)
	b := f.book("shopx", "D-1")
	var out struct{ Doors []doorJSON }
	a := f.do("GET", "/v1/doors", "host", "")
	if a.status != http.StatusOK {
		t.Fatalf("doors: %d %s", a.status, a.body)
	}
	a.json(t, &out)
	doors, _ := core.Layout(app.DemoColumns(), 2)
	if len(out.Doors) != len(doors) {
		t.Fatalf("%d doors, want %d", len(out.Doors), len(doors))
	}
	for _, d := range out.Doors {
		if d.ID == b.DoorID && (d.State != "reserved" || d.RentID != b.Local || d.Sensor != "closed") {
			t.Fatalf("booked door = %+v", d)
		}
	}
	out.Doors = nil
	f.do("GET", "/v1/doors", "fleet", "").json(t, &out)
	for _, d := range out.Doors {
		if d.RentID != 0 {
			t.Fatalf("a carrier sees rent ids: %+v", d)
		}
	}
}
