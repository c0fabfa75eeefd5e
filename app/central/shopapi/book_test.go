package shopapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"pudo/app/central/shopapi"
)

// A shop books at a real kiosk through central: 201 with the pickup code
// (the kiosk's, from its answer), the same request again gets the same
// answer without a second door, the code is kept nowhere in central's
// database, and the booking reads back reserved, without the code.
func TestBookAtALockerAnswersWithTheCode(t *testing.T) {
	r := newRig(t, shopapi.Config{})
	r.Kiosk("K1", "SSML")
	key := r.shop("shopx")
	idem := newIdem()
	body := `{"locker":"K1","size":"M","parcel_ref":"SHOPX-1","recipient_ref":"cust-7"}`
	a := r.do("POST", "/v1/bookings", key, body, "Idempotency-Key", idem)
	var b booked
	a.json(t, &b)
	if a.status != http.StatusCreated || b.State != "reserved" || b.Locker != "K1" || b.DoorID == 0 || len(b.PickupCode) != 9 ||
		!strings.HasPrefix(b.ID, "bk_") || a.header.Get("Location") != "/v1/bookings/"+b.ID {
		t.Fatalf("book: %d %s", a.status, a.body)
	}
	again := r.do("POST", "/v1/bookings", key, " "+body, "Idempotency-Key", idem)
	if again.status != http.StatusCreated || string(again.body) != string(a.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the same request again: %d %s (replayed %q)", again.status, again.body, again.header.Get("Idempotent-Replayed"))
	}
	var n int
	r.Store.Pool().QueryRow(r.Ctx, `SELECT count(*) FROM bookings`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d bookings at central after the same request twice", n)
	}
	if where := storeHolds(t, r.Store, b.PickupCode); len(where) > 0 {
		t.Fatalf("the pickup code is kept in central's %v", where)
	}
	g := r.do("GET", "/v1/bookings/"+b.ID, key, "")
	var got booked
	g.json(t, &got)
	if g.status != http.StatusOK || got.State != "reserved" || got.PickupCode != "" || strings.Contains(string(g.body), b.PickupCode) ||
		got.DoorID != b.DoorID || got.ExpiresAt.IsZero() {
		t.Fatalf("get: %d %s", g.status, g.body)
	}
	// Another request with the key is refused, not booked.
	other := r.do("POST", "/v1/bookings", key, `{"locker":"K1","size":"S","parcel_ref":"SHOPX-2"}`, "Idempotency-Key", idem)
	if other.status != http.StatusUnprocessableEntity || other.code() != "idempotency_key_reused" {
		t.Fatalf("another request with the key: %d %s", other.status, other.body)
	}
}

// A list of lockers: an offline one is passed over, a full one passes the
// booking on (by its report, or by its own refusal when its report is
// late), and the first with a free door of the size or larger gets it.
func TestBookAtTheFirstOfAListWithAFreeDoor(t *testing.T) {
	r := newRig(t, shopapi.Config{})
	r.Register("GONE")
	r.Kiosk("FULL", "SL")
	r.Kiosk("ROOM", "SSML")
	key := r.shop("shopx")
	// FULL's one L door is taken.
	first := r.do("POST", "/v1/bookings", key, `{"locker":"FULL","size":"L","parcel_ref":"P-0"}`, "Idempotency-Key", newIdem())
	if first.status != http.StatusCreated {
		t.Fatalf("book at FULL: %d %s", first.status, first.body)
	}
	a := r.do("POST", "/v1/bookings", key, `{"lockers":["GONE","FULL","ROOM"],"size":"M","parcel_ref":"P-1"}`, "Idempotency-Key", newIdem())
	var b booked
	a.json(t, &b)
	if a.status != http.StatusCreated || b.Locker != "ROOM" || !slices.Equal(b.Lockers, []string{"GONE", "FULL", "ROOM"}) || b.PickupCode == "" {
		t.Fatalf("book at the first free: %d %s", a.status, a.body)
	}
	// No locker of the list has an L door now (FULL's and ROOM's are
	// taken once ROOM's is booked).
	if a := r.do("POST", "/v1/bookings", key, `{"lockers":["FULL","ROOM"],"size":"L","parcel_ref":"P-2"}`, "Idempotency-Key", newIdem()); a.status != http.StatusCreated {
		t.Fatalf("book ROOM's L: %d %s", a.status, a.body)
	}
	full := r.do("POST", "/v1/bookings", key, `{"lockers":["GONE","FULL","ROOM"],"size":"L","parcel_ref":"P-3"}`, "Idempotency-Key", newIdem())
	if full.status != http.StatusConflict || full.code() != "no_free_door" {
		t.Fatalf("no L anywhere: %d %s", full.status, full.body)
	}
	// A booking that went to no locker does not stand as pending.
	if list := r.do("GET", "/v1/bookings?state=pending", key, ""); strings.Contains(string(list.body), "P-3") {
		t.Fatalf("the booking no locker was asked for is listed: %s", list.body)
	}
}

// Each shop sees its own bookings only: another shop's booking answers
// byte for byte as a missing one, to reading, cancelling and extending,
// and lists and feeds hold nothing of it.
func TestShopsAreIsolated(t *testing.T) {
	r := newRig(t, shopapi.Config{})
	r.Kiosk("K1", "SSMM")
	a := r.shop("shop-a")
	b := r.shop("shop-b")
	res := r.do("POST", "/v1/bookings", a, `{"locker":"K1","size":"S","parcel_ref":"A-SECRET"}`, "Idempotency-Key", newIdem())
	var bk booked
	res.json(t, &bk)
	if res.status != http.StatusCreated {
		t.Fatalf("book: %d %s", res.status, res.body)
	}
	missing := "bk_" + strings.Repeat("a", 21)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/v1/bookings/%s", ""},
		{"DELETE", "/v1/bookings/%s", ""},
		{"POST", "/v1/bookings/%s/extend", `{"expires_at":"` + time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339) + `"}`},
	} {
		theirs := r.do(c.method, strings.Replace(c.path, "%s", bk.ID, 1), b, c.body)
		none := r.do(c.method, strings.Replace(c.path, "%s", missing, 1), b, c.body)
		if theirs.status != http.StatusNotFound || theirs.withoutRequestID() != none.withoutRequestID() {
			t.Errorf("%s another shop's booking: %d %s; a missing one: %d %s", c.method, theirs.status, theirs.body, none.status, none.body)
		}
	}
	for _, path := range []string{"/v1/bookings", "/v1/bookings?parcel_ref=A-SECRET", "/v1/events"} {
		if got := r.do("GET", path, b, ""); strings.Contains(string(got.body), bk.ID) || strings.Contains(string(got.body), "A-SECRET") {
			t.Errorf("shop b's %s shows shop a's booking: %s", path, got.body)
		}
	}
	if got := r.do("GET", "/v1/bookings/"+bk.ID, a, ""); got.status != http.StatusOK {
		t.Fatalf("shop a reads its booking: %d %s", got.status, got.body)
	}
}

// Cancel and extend go to the locker signed, with the locker's next
// version: the answers say what the locker did, and the shop's feed and
// its webhook (signatures checked) tell the booking's story in order.
func TestCancelExtendAndTheStoryInTheFeedAndWebhook(t *testing.T) {
	r := newRig(t, shopapi.Config{})
	r.Kiosk("K1", "SSMM")
	key := r.shop("shopx")
	rc := newReceiver(t)
	r.hook(key, rc)
	var one, two booked
	r.do("POST", "/v1/bookings", key, `{"locker":"K1","size":"S","parcel_ref":"P-1"}`, "Idempotency-Key", newIdem()).json(t, &one)
	r.do("POST", "/v1/bookings", key, `{"locker":"K1","size":"S","parcel_ref":"P-2"}`, "Idempotency-Key", newIdem()).json(t, &two)
	until := time.Now().Add(29 * 24 * time.Hour).UTC().Truncate(time.Second)
	ext := r.do("POST", "/v1/bookings/"+one.ID+"/extend", key, `{"expires_at":"`+until.Format(time.RFC3339)+`"}`)
	var e booked
	ext.json(t, &e)
	if ext.status != http.StatusOK || !e.ExpiresAt.Equal(until) || e.State != "reserved" {
		t.Fatalf("extend: %d %s", ext.status, ext.body)
	}
	c := r.do("DELETE", "/v1/bookings/"+two.ID, key, "")
	var cb booked
	c.json(t, &cb)
	if c.status != http.StatusOK || cb.State != "cancelled" {
		t.Fatalf("cancel: %d %s", c.status, c.body)
	}
	if again := r.do("DELETE", "/v1/bookings/"+two.ID, key, ""); again.status != http.StatusConflict || again.code() != "not_cancellable" {
		t.Fatalf("cancel twice: %d %s", again.status, again.body)
	}
	want := []string{"booking.booked", "rent.booked", "booking.booked", "rent.booked", "booking.cancelled"}
	r.WaitFor("the feed to tell both bookings' story", func() bool { return contains(r.feedKinds(key), want...) })
	r.WaitFor("the webhook to get the same story", func() bool { return contains(rc.kinds(), want...) })
	// An extension is news, not a state: the booking stays reserved.
	r.WaitFor("the feed to say rent.extended", func() bool { return slices.Contains(r.feedKinds(key), "rent.extended") })
	var still booked
	r.do("GET", "/v1/bookings/"+one.ID, key, "").json(t, &still)
	if still.State != "reserved" || !still.ExpiresAt.Equal(until) {
		t.Fatalf("the extended booking reads %+v", still)
	}
	g := r.do("GET", "/v1/bookings/"+two.ID, key, "")
	var got booked
	g.json(t, &got)
	if got.State != "cancelled" {
		t.Fatalf("the cancelled booking reads %s", g.body)
	}
	list := r.do("GET", "/v1/bookings?state=cancelled", key, "")
	if !strings.Contains(string(list.body), two.ID) || strings.Contains(string(list.body), one.ID) {
		t.Fatalf("list of cancelled: %s", list.body)
	}
	var versions []int64
	rows, _ := r.Store.Pool().Query(r.Ctx, `SELECT version FROM commands WHERE locker = 'K1' ORDER BY created_at`)
	for rows.Next() {
		var v int64
		rows.Scan(&v)
		versions = append(versions, v)
	}
	if !slices.Equal(versions, []int64{1, 2, 3, 4}) {
		t.Fatalf("the commands' versions at K1: %v, want 1..4 from central's counter", versions)
	}
}

// A locker that does not answer in time keeps the booking: 202, and the
// same request again answers 202 while it is away. When it comes back it
// gets the command at its sync and answers; the webhook says booked, and
// the same request again answers 201 with the code, fetched from the
// locker again (central keeps none).
func TestBookingAnsweredLater(t *testing.T) {
	r := newRig(t, shopapi.Config{AnswerWait: 300 * time.Millisecond})
	k := r.Kiosk("K1", "SSMM")
	k.Offline()
	key := r.shop("shopx")
	rc := newReceiver(t)
	r.hook(key, rc)
	idem := newIdem()
	body := `{"locker":"K1","size":"M","parcel_ref":"LATER-1"}`
	a := r.do("POST", "/v1/bookings", key, body, "Idempotency-Key", idem)
	var b booked
	a.json(t, &b)
	if a.status != http.StatusAccepted || b.State != "pending" || b.Locker != "K1" || b.PickupCode != "" || a.header.Get("Retry-After") == "" {
		t.Fatalf("book at an offline locker: %d %s", a.status, a.body)
	}
	if again := r.do("POST", "/v1/bookings", key, body, "Idempotency-Key", idem); again.status != http.StatusAccepted {
		t.Fatalf("again while away: %d %s", again.status, again.body)
	}
	k.Start()
	r.WaitFor("the webhook to say booking.booked", func() bool { return slices.Contains(rc.kinds(), "booking.booked") })
	var got booked
	r.WaitFor("the same request to answer 201 with the code", func() bool {
		a = r.do("POST", "/v1/bookings", key, body, "Idempotency-Key", idem)
		got = booked{}
		a.json(t, &got)
		return a.status == http.StatusCreated
	})
	if got.ID != b.ID || got.State != "reserved" || len(got.PickupCode) != 9 || got.DoorID == 0 {
		t.Fatalf("the answer fetched later: %s", a.body)
	}
	if where := storeHolds(t, r.Store, got.PickupCode); len(where) > 0 {
		t.Fatalf("the pickup code is kept in central's %v", where)
	}
	if again := r.do("POST", "/v1/bookings", key, body, "Idempotency-Key", idem); string(again.body) != string(a.body) {
		t.Fatalf("the kept answer differs: %s", again.body)
	}
}
