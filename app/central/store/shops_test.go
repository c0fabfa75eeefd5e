package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"pudo/app/central/store"
)

// shopBooking records a shop's booking at locker and its book command,
// as the shop API does, and returns the attempt's booking id.
func shopBooking(t *testing.T, s *store.Store, shop int64, id, locker string) string {
	t.Helper()
	att, err := addShopBooking(s, shop, id, locker)
	if err != nil {
		t.Fatal(err)
	}
	return att
}

func addShopBooking(s *store.Store, shop int64, id, locker string) (string, error) {
	ctx := context.Background()
	if err := s.AddShopBooking(ctx, store.ShopBooking{ID: id, Shop: shop, Lockers: []string{locker}, Size: "M", ParcelRef: "P-" + id}, ""); err != nil {
		return "", err
	}
	if err := s.SetAttempt(ctx, shop, id, locker); err != nil {
		return "", err
	}
	att := store.AttemptID(id, locker)
	v, err := s.NextVersion(ctx, locker)
	if err != nil {
		return "", err
	}
	return att, s.AddCommand(ctx, store.Command{ID: "c-" + att, Locker: locker, Name: "book", BookingID: att, Version: v,
		IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour), Payload: []byte(`{}`)},
		&store.Booking{ID: att, Size: "M", ParcelRef: "P-" + id})
}

func register(t *testing.T, s *store.Store, lockers ...string) {
	t.Helper()
	for _, l := range lockers {
		if _, err := s.SetOnline(context.Background(), l, store.Online{Online: true, Birth: 1, Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
}

// feed steps the sequencer until the shop's feed holds want entries.
func feed(t *testing.T, s *store.Store, shop int64, want int) []store.ShopEvent {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := s.FeedStep(ctx); err != nil {
			t.Fatal(err)
		}
		evs, _, err := s.ShopEvents(ctx, shop, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) >= want {
			return evs
		}
		if time.Now().After(deadline) {
			t.Fatalf("the feed holds %d events after 2 minutes, want %d: %+v", len(evs), want, evs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func kinds(evs []store.ShopEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.BookingID+" "+e.Kind)
	}
	return out
}

// A shop's booking is answered and its rent moves with the locker's
// events: the shop's feed says so in that order, another shop sees none
// of it, and a booking made by the operator's tools says nothing to any
// shop.
func TestShopFeedFollowsBookingAndRent(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	register(t, s, "L1")
	a, _ := s.AddShop(ctx, "shop-a")
	b, _ := s.AddShop(ctx, "shop-b")
	att := shopBooking(t, s, a.ID, "bk1", "L1")
	// The rent's first event comes before the locker's answer: the rent
	// learns its booking from the answer.
	if _, err := s.StoreEvents(ctx, []store.Event{{Locker: "L1", Seq: 1, At: time.Now(), Kind: "rent.booked", RentID: 7, DoorID: 3, Body: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetResult(ctx, store.Result{CommandID: "c-" + att, Locker: "L1", Name: "book", Status: "ok", BookingID: att, RentID: 7, DoorID: 3,
		Body: json.RawMessage(`{"expires_at":"2030-01-02T03:04:05Z"}`)}); err != nil {
		t.Fatal(err)
	}
	// The operator's own booking on the same locker.
	if err := s.AddCommand(ctx, store.Command{ID: "c-op", Locker: "L1", Name: "book", BookingID: "OP-1", Version: 9, IssuedAt: time.Now(),
		ExpiresAt: time.Now().Add(time.Hour), Payload: []byte(`{}`)}, &store.Booking{ID: "OP-1", Size: "S", ParcelRef: "X"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StoreEvents(ctx, []store.Event{
		{Locker: "L1", Seq: 2, At: time.Now(), Kind: "rent.stored", RentID: 7, DoorID: 3, Body: []byte(`{}`)},
		{Locker: "L1", Seq: 3, At: time.Now(), Kind: "rent.collected", RentID: 7, DoorID: 3, Body: []byte(`{}`)},
	}); err != nil {
		t.Fatal(err)
	}
	got := kinds(feed(t, s, a.ID, 4))
	want := []string{"bk1 booking.booked", "bk1 rent.booked", "bk1 rent.stored", "bk1 rent.collected"}
	if !slices.Equal(got, want) {
		t.Fatalf("shop a's feed %q, want %q", got, want)
	}
	if evs, _, _ := s.ShopEvents(ctx, b.ID, 0, 100); len(evs) != 0 {
		t.Fatalf("shop b sees %v", kinds(evs))
	}
	v, err := s.ShopBookingView(ctx, a.ID, "bk1")
	if err != nil || v.RentState != "collected" || v.Answer != "booked" || v.RentID != 7 || v.DoorID != 3 || v.ExpiresAt.Year() != 2030 {
		t.Fatalf("view %+v, %v", v, err)
	}
	if _, err := s.ShopBookingView(ctx, b.ID, "bk1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("shop b reads shop a's booking: %v", err)
	}
}

// Many writers at once, each changing bookings while the sequencer runs:
// a reader that follows the feed with its cursor, taking the end the read
// gave when it got less than a page, sees every event once, and each
// booking's in the order they were made.
func TestShopFeedNeverSkipsUnderConcurrentWriters(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	const writers, per = 6, 25
	var lockers []string
	for w := range writers {
		lockers = append(lockers, fmt.Sprintf("W%d", w))
	}
	register(t, s, lockers...)
	shop, _ := s.AddShop(ctx, "busy")
	other, _ := s.AddShop(ctx, "other")
	var wg sync.WaitGroup
	for w, l := range lockers {
		wg.Go(func() {
			for i := range per {
				owner := shop.ID
				if i%3 == 2 {
					owner = other.ID
				}
				att, err := addShopBooking(s, owner, fmt.Sprintf("b%d-%d", w, i), l)
				if err != nil {
					t.Error(err)
					return
				}
				if err := s.SetResult(ctx, store.Result{CommandID: "c-" + att, Locker: l, Name: "book", Status: "ok", BookingID: att,
					RentID: int64(i + 1), DoorID: 1, Body: json.RawMessage(`{}`)}); err != nil {
					t.Error(err)
					return
				}
				seq := int64(2*i + 1)
				if _, err := s.StoreEvents(ctx, []store.Event{
					{Locker: l, Seq: seq, At: time.Now(), Kind: "rent.booked", RentID: int64(i + 1), DoorID: 1, Body: []byte(`{}`)},
					{Locker: l, Seq: seq + 1, At: time.Now(), Kind: "rent.cancelled", RentID: int64(i + 1), DoorID: 1, Body: []byte(`{}`)},
				}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	done := make(chan struct{})
	var seen []store.ShopEvent
	var rg sync.WaitGroup
	rg.Go(func() {
		var cursor int64
		for {
			// Whether every change had its place before this read began:
			// only such a read, short of a page, has seen the whole feed
			// (one that began earlier may have missed the last places).
			var last bool
			select {
			case <-done:
				last = true
			default:
			}
			if _, err := s.FeedStep(ctx); err != nil {
				t.Error(err)
				return
			}
			evs, end, err := s.ShopEvents(ctx, shop.ID, cursor, 7)
			if err != nil {
				t.Error(err)
				return
			}
			seen = append(seen, evs...)
			if len(evs) > 0 {
				cursor = evs[len(evs)-1].Pos
			}
			if len(evs) < 7 {
				cursor = max(cursor, end)
				if last {
					return
				}
			}
		}
	})
	wg.Wait()
	// Every change has its place before the reader's last look.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := s.FeedStep(ctx); err != nil {
			t.Fatal(err)
		}
		var unplaced int
		s.Pool().QueryRow(ctx, `SELECT count(*) FROM shop_events WHERE pos IS NULL`).Scan(&unplaced)
		if unplaced == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d changes without a place after 2 minutes of steps", unplaced)
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(done)
	rg.Wait()
	all := feed(t, s, shop.ID, 0)
	if len(seen) != len(all) {
		t.Fatalf("the reader saw %d events, the feed holds %d", len(seen), len(all))
	}
	perBooking := map[string][]string{}
	for i, e := range seen {
		if e.Pos != all[i].Pos {
			t.Fatalf("event %d: the reader saw pos %d, the feed has %d", i, e.Pos, all[i].Pos)
		}
		perBooking[e.BookingID] = append(perBooking[e.BookingID], e.Kind)
	}
	want := []string{"booking.booked", "rent.booked", "rent.cancelled"}
	n := 0
	for id, ks := range perBooking {
		if !slices.Equal(ks, want) {
			t.Errorf("booking %s: %q, want %q", id, ks, want)
		}
		n++
	}
	if n != writers*(per-per/3) {
		t.Fatalf("%d bookings in the feed, want %d", n, writers*(per-per/3))
	}
}

// An Idempotency-Key is claimed once; the same request finds it, another
// request with it is refused; a pending key that never booked anything
// goes to the next request once stale.
func TestClaimIdem(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	shop, _ := s.AddShop(ctx, "idem")
	past := time.Now().Add(-time.Hour)
	_, claimed, err := s.ClaimIdem(ctx, shop.ID, "k1", []byte("h1"), past)
	if err != nil || !claimed {
		t.Fatalf("first claim: %v %v", claimed, err)
	}
	rec, claimed, err := s.ClaimIdem(ctx, shop.ID, "k1", []byte("h1"), past)
	if err != nil || claimed || rec.State != "pending" {
		t.Fatalf("second claim: %+v %v %v", rec, claimed, err)
	}
	if _, _, err := s.ClaimIdem(ctx, shop.ID, "k1", []byte("h2"), past); !errors.Is(err, store.ErrIdemMismatch) {
		t.Fatalf("another request with the key: %v", err)
	}
	if _, claimed, _ := s.ClaimIdem(ctx, shop.ID, "k1", []byte("h1"), time.Now().Add(time.Hour)); !claimed {
		t.Fatal("a stale pending key without a booking was not claimed afresh")
	}
	if err := s.AddShopBooking(ctx, store.ShopBooking{ID: "bk", Shop: shop.ID, Lockers: []string{"L"}, Size: "S", ParcelRef: "p"}, "k1"); err != nil {
		t.Fatal(err)
	}
	if rec, claimed, _ := s.ClaimIdem(ctx, shop.ID, "k1", []byte("h1"), time.Now().Add(time.Hour)); claimed || rec.BookingID != "bk" {
		t.Fatalf("a pending key with a booking: %+v claimed %v", rec, claimed)
	}
	if err := s.FinishIdem(ctx, shop.ID, "k1", 201, []byte("sealed")); err != nil {
		t.Fatal(err)
	}
	if rec, _, _ := s.ClaimIdem(ctx, shop.ID, "k1", []byte("h1"), past); rec.State != "done" || string(rec.Response) != "sealed" || rec.Status != 201 {
		t.Fatalf("done key: %+v", rec)
	}
}

// A change still being written holds a lower id than one committed after
// it: the feed gives neither a place until the first is done, then both
// in id order, so a reader's cursor never passes the first.
func TestShopFeedWaitsForTheWriterBehind(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	register(t, s, "L1", "L2")
	shop, _ := s.AddShop(ctx, "waits")
	x := shopBooking(t, s, shop.ID, "x", "L1")
	y := shopBooking(t, s, shop.ID, "y", "L2")
	slow, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback(ctx)
	if _, err := slow.Exec(ctx, `UPDATE bookings SET state = 'booked' WHERE booking_id = $1`, x); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE bookings SET state = 'refused' WHERE booking_id = $1`, y); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := s.FeedStep(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if evs, end, _ := s.ShopEvents(ctx, shop.ID, 0, 10); len(evs) != 0 || end != 0 {
		t.Fatalf("with x's change still open the feed gave %q (end %d)", kinds(evs), end)
	}
	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	got := kinds(feed(t, s, shop.ID, 2))
	if want := []string{"x booking.booked", "y booking.refused"}; !slices.Equal(got, want) {
		t.Fatalf("feed %q, want %q", got, want)
	}
}

// The writer behind may have taken its transaction id after a writer
// that ends before it (the newest id still running is past the highest
// one finished, where a snapshot lists no running transaction): the feed
// still gives neither change a place until it is done, then both in id
// order.
func TestShopFeedWaitsForTheNewestWriterBehind(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	register(t, s, "L1", "L2")
	shop, _ := s.AddShop(ctx, "waits-newest")
	x := shopBooking(t, s, shop.ID, "x", "L1")
	y := shopBooking(t, s, shop.ID, "y", "L2")
	early, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer early.Rollback(ctx)
	// early's transaction id first, x's change (and the lower event id)
	// second, then y's change in early, which ends first.
	if _, err := early.Exec(ctx, `UPDATE bookings SET updated_at = now() WHERE booking_id = $1`, y); err != nil {
		t.Fatal(err)
	}
	slow, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback(ctx)
	if _, err := slow.Exec(ctx, `UPDATE bookings SET state = 'booked' WHERE booking_id = $1`, x); err != nil {
		t.Fatal(err)
	}
	if _, err := early.Exec(ctx, `UPDATE bookings SET state = 'refused' WHERE booking_id = $1`, y); err != nil {
		t.Fatal(err)
	}
	if err := early.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := s.FeedStep(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if evs, end, _ := s.ShopEvents(ctx, shop.ID, 0, 10); len(evs) != 0 || end != 0 {
		t.Fatalf("with x's change still open the feed gave %q (end %d)", kinds(evs), end)
	}
	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	got := kinds(feed(t, s, shop.ID, 2))
	if want := []string{"x booking.booked", "y booking.refused"}; !slices.Equal(got, want) {
		t.Fatalf("feed %q, want %q", got, want)
	}
}
