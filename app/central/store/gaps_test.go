package store_test

import (
	"context"
	"testing"
	"time"

	"pudo/app/central/store"
)

// A hole's gap names its end (the seq before the first stored ahead), so
// the resend asks for the hole alone; a locker with nothing ahead has no
// hole to report.
func TestGapNamesTheHolesEnd(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	var evs []store.Event
	for _, q := range []int64{1, 2, 5, 6, 9} {
		evs = append(evs, ev("L-GAP", q))
	}
	evs = append(evs, ev("L-WHOLE", 1))
	if _, err := s.StoreEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	gaps, err := s.Gaps(ctx, later, later)
	if err != nil {
		t.Fatal(err)
	}
	if len(gaps) != 1 || gaps[0].Locker != "L-GAP" || gaps[0].StoredThrough != 2 || gaps[0].HoleEnd != 4 || gaps[0].Upto != 9 {
		t.Fatalf("gaps %+v; want L-GAP stored through 2, hole to 4, known up to 9", gaps)
	}
}
