package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pudo/app/central/store"
)

// Only the kinds that are states move a rent's state: rent.moved moves its
// door, rent.extended and rent.problem leave both alone; the newest kind
// is kept beside the state.
func TestOnlyStatesMoveARentsState(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	steps := []struct {
		kind       string
		door       int64
		state      string
		wantDoor   int64
		wantLatest string
	}{
		{"rent.booked", 3, "booked", 3, "booked"},
		{"rent.extended", 0, "booked", 3, "extended"},
		{"rent.stored", 3, "stored", 3, "stored"},
		{"rent.moved", 5, "stored", 5, "moved"},
		{"rent.problem", 0, "stored", 5, "problem"},
		{"rent.extended", 9, "stored", 5, "extended"},
		{"rent.collected", 0, "collected", 5, "collected"},
	}
	for i, st := range steps {
		seq := int64(i + 1)
		e := store.Event{Locker: "L-RENT", Seq: seq, At: time.Now(), Kind: st.kind, RentID: 7, DoorID: st.door,
			Body: []byte(fmt.Sprintf(`{"seq":%d}`, seq))}
		if _, err := s.StoreEvents(ctx, []store.Event{e}); err != nil {
			t.Fatal(err)
		}
		var state, latest string
		var door int64
		if err := s.Pool().QueryRow(ctx, `SELECT state, last_kind, door_id FROM rents WHERE locker = 'L-RENT' AND rent_id = 7`).
			Scan(&state, &latest, &door); err != nil {
			t.Fatal(err)
		}
		if state != st.state || door != st.wantDoor || latest != st.wantLatest {
			t.Errorf("after %s (seq %d): state %q, door %d, last kind %q; want %q, %d, %q",
				st.kind, seq, state, door, latest, st.state, st.wantDoor, st.wantLatest)
		}
	}
}

// An event that is not a state, of a rent central has not seen in one,
// makes no row: central does not guess its state.
func TestNewsOfAnUnknownRentMakesNoRow(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	e := store.Event{Locker: "L-RENT", Seq: 1, At: time.Now(), Kind: "rent.moved", RentID: 8, DoorID: 2, Body: []byte(`{"seq":1}`)}
	if _, err := s.StoreEvents(ctx, []store.Event{e}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM rents WHERE locker = 'L-RENT'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows (%v); want none", n, err)
	}
}
