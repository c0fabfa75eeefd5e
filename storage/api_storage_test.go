package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// apiDB opens a fresh store for the API's tables; its own helper, so these
// tests do not lean on the rest of the package's.
func apiDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func apiUpdate(t *testing.T, db *DB, fn func(*Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func TestIdempotencyKeys(t *testing.T) {
	db := apiDB(t)
	h1, h2 := []byte("request-1"), []byte("request-2")
	apiUpdate(t, db, func(tx *Tx) error {
		rec, claimed, err := tx.ClaimIdem("shopx", "k1", h1)
		if err != nil || !claimed || rec.State != IdemPending {
			t.Fatalf("first claim = %+v, %v, %v", rec, claimed, err)
		}
		if rec, claimed, err = tx.ClaimIdem("shopx", "k1", h1); err != nil || claimed || rec.State != IdemPending {
			t.Fatalf("claim while pending = %+v, %v, %v", rec, claimed, err)
		}
		if _, _, err = tx.ClaimIdem("shopx", "k1", h2); !errors.Is(err, ErrIdemMismatch) {
			t.Fatalf("other request, same key: %v", err)
		}
		if _, claimed, _ = tx.ClaimIdem("shopy", "k1", h2); !claimed {
			t.Fatal("keys are per owner, but shopy could not claim k1")
		}
		if err := tx.FinishIdem("shopx", "k1", 201, []byte("sealed"), 42); err != nil {
			t.Fatal(err)
		}
		if err := tx.FinishIdem("shopx", "k1", 201, []byte("again"), 42); !errors.Is(err, ErrConflict) {
			t.Fatalf("finish twice: %v", err)
		}
		rec, _, err = tx.ClaimIdem("shopx", "k1", h1)
		if err != nil || rec.State != IdemDone || rec.Status != 201 || string(rec.Response) != "sealed" || rec.RentID != 42 {
			t.Fatalf("done record = %+v, %v", rec, err)
		}
		return nil
	})
	// A restart abandons what was pending; release forgets only pending keys.
	apiUpdate(t, db, func(tx *Tx) error {
		if n, err := tx.AbandonIdems(); err != nil || n != 1 {
			t.Fatalf("AbandonIdems = %d, %v", n, err)
		}
		if err := tx.ReleaseIdem("shopy", "k1"); err != nil {
			t.Fatal(err)
		}
		if rec, _, _ := tx.ClaimIdem("shopy", "k1", h2); rec.State != IdemAbandoned {
			t.Fatalf("an abandoned key was released: %+v", rec)
		}
		return nil
	})
	db.Now = func() time.Time { return time.Now().Add(48 * time.Hour) }
	apiUpdate(t, db, func(tx *Tx) error {
		if n, err := tx.PruneIdems(tx.Now().Add(-24 * time.Hour)); err != nil || n != 2 {
			t.Fatalf("PruneIdems = %d, %v", n, err)
		}
		return nil
	})
}

func TestWebhookCursorAndParking(t *testing.T) {
	db := apiDB(t)
	apiUpdate(t, db, func(tx *Tx) error {
		if _, ok, err := tx.WebhookCursor("shop"); ok || err != nil {
			t.Fatalf("new endpoint has a cursor: %v, %v", ok, err)
		}
		for _, seq := range []int64{5, 3, 9} {
			if err := tx.SetWebhookCursor("shop", seq); err != nil {
				t.Fatal(err)
			}
		}
		if seq, ok, err := tx.WebhookCursor("shop"); seq != 9 || !ok || err != nil {
			t.Fatalf("cursor = %d, %v, %v; it must never move back", seq, ok, err)
		}
		for _, p := range []Parked{
			{Endpoint: "shop", Seq: 7, RentID: 1, Kind: "rent.booked", Payload: []byte("{}"), Attempts: 12, LastError: "503"},
			{Endpoint: "shop", Seq: 7, RentID: 1, Kind: "rent.booked", Payload: []byte("{}"), Attempts: 1, LastError: "dup"},
			{Endpoint: "shop", Seq: 8, RentID: 2, Kind: "rent.booked", Payload: []byte("{}")},
		} {
			if err := tx.Park(p); err != nil {
				t.Fatal(err)
			}
		}
		ps, err := tx.ParkedDeliveries("shop")
		if err != nil || len(ps) != 2 || ps[0].Seq != 7 || ps[0].LastError != "503" {
			t.Fatalf("parked = %+v, %v", ps, err)
		}
		if held, _ := tx.HasParked("shop", 1); !held {
			t.Fatal("rent 1 has a parked delivery")
		}
		if held, _ := tx.HasParked("other", 1); held {
			t.Fatal("parking is per endpoint")
		}
		if err := tx.Unpark(ps[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := tx.Unpark(ps[0].ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unpark twice: %v", err)
		}
		return nil
	})
}

func TestRentOwnersAndEventsOf(t *testing.T) {
	db := apiDB(t)
	apiUpdate(t, db, func(tx *Tx) error {
		if err := tx.SyncDoors([]Door{{ID: 1, Board: 1, Channel: 1, Size: "S", Col: 1, Row: 1}, {ID: 2, Board: 1, Channel: 2, Size: "S", Col: 1, Row: 2}}); err != nil {
			return err
		}
		for door, owner := range map[int64]string{1: "shopx", 2: "shopy"} {
			r, err := tx.CreateRent(NewRent{DoorID: door, State: RentReserved, ParcelRef: owner})
			if err != nil {
				return err
			}
			if err := tx.SetRentOwner(r.ID, owner); err != nil {
				return err
			}
			if _, err := tx.Append(Event{Actor: "backoffice", Kind: "rent.booked", DoorID: door, RentID: r.ID}); err != nil {
				return err
			}
		}
		_, err := tx.Append(Event{Actor: "shopper", Kind: "code.wrong"})
		return err
	})
	db.View(context.Background(), func(tx *Tx) error {
		evs, err := tx.EventsOf("shopx", 0, 100)
		if err != nil || len(evs) != 1 || evs[0].Kind != "rent.booked" {
			t.Fatalf("EventsOf(shopx) = %+v, %v", evs, err)
		}
		all, _ := tx.EventsOf("", 0, 100)
		last, _ := tx.LastSeq()
		if len(all) != 3 || last != all[2].Seq {
			t.Fatalf("all events %d, last %d", len(all), last)
		}
		counts, upTo, err := tx.CountEvents(0)
		if err != nil || counts["rent.booked"] != 2 || counts["code.wrong"] != 1 || upTo != last {
			t.Fatalf("CountEvents = %v, %d, %v", counts, upTo, err)
		}
		if counts, upTo, _ = tx.CountEvents(last); len(counts) != 0 || upTo != last {
			t.Fatalf("CountEvents after the end = %v, %d", counts, upTo)
		}
		owners, err := tx.RentOwners([]int64{all[0].RentID, all[1].RentID, 999})
		if err != nil || len(owners) != 2 {
			t.Fatalf("RentOwners = %v, %v", owners, err)
		}
		if _, err := tx.RentOwner(999); !errors.Is(err, ErrNotFound) {
			t.Fatalf("RentOwner(999) = %v", err)
		}
		return nil
	})
}
