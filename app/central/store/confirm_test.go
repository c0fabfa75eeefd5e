package store_test

import (
	"context"
	"testing"
	"time"

	"pudo/app/central/store"
)

// A confirmation is owed to a locker by the database, not by the memory
// of the instance that stored its events: one stored and never confirmed
// (that instance died), and one whose health, sent after the
// confirmation, says it never arrived.
func TestConfirmationsOwed(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	clock := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	s.SetNow(func() time.Time { return clock })
	if _, err := s.StoreEvents(ctx, []store.Event{ev("A", 1), ev("A", 2), ev("A", 3)}); err != nil {
		t.Fatal(err)
	}
	// health writes A's health at the clock moved by shift.
	health := func(body string, shift time.Duration) func() error {
		return func() error {
			now := clock
			clock = clock.Add(shift)
			defer func() { clock = now }()
			return s.SetState(ctx, "A", "health", []byte(body))
		}
	}
	steps := []struct {
		what string
		do   func() error
		owed int64 // 0: nothing owed
	}{
		{"stored, never confirmed", func() error { return nil }, 3},
		{"confirmed", func() error { return s.Confirmed(ctx, "A", 3) }, 0},
		{"a health from before the confirmation, holding less", health(`{"last_seq":3,"confirmed_seq":2}`, -2*time.Minute), 0},
		{"a health after it, holding less: lost on its way", health(`{"last_seq":3,"confirmed_seq":2}`, 0), 3},
		{"confirmed again", func() error { return s.Confirmed(ctx, "A", 3) }, 0},
		{"a health after it, holding it", health(`{"last_seq":3,"confirmed_seq":3}`, 0), 0},
		{"a health of an older kiosk, saying nothing of it", health(`{"last_seq":3}`, 0), 0},
	}
	for _, st := range steps {
		clock = clock.Add(time.Minute)
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
		owed, err := s.Unconfirmed(ctx)
		if err != nil {
			t.Fatalf("%s: %v", st.what, err)
		}
		var got int64
		if len(owed) == 1 && owed[0].Locker == "A" {
			got = owed[0].StoredThrough
		} else if len(owed) > 1 {
			t.Fatalf("%s: owed %+v", st.what, owed)
		}
		if got != st.owed {
			t.Errorf("%s: owed through %d, want %d", st.what, got, st.owed)
		}
	}
}
