package core

import (
	"context"
	"errors"
	"strings"
	"testing"

	"pudo/app"
	"pudo/storage"
)

// The demo locker lets every flow be tried: besides the parcels to
// collect, a booked return whose code the home screen shows, a parcel left
// past its deadline for a courier to take back, and a return sent in for a
// courier to collect. Started again, the return's code is issued anew
// (the store keeps only MACs); once used, it is booked again.
func TestDemoRest(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	if _, err := l.SeedDemo(ctx, 3); err != nil {
		t.Fatal(err)
	}
	got, err := l.DemoRest(ctx, true)
	if err != nil || len(got) != 1 || !got[0].Return || !strings.HasPrefix(got[0].Code, app.ReturnPrefix) {
		t.Fatalf("DemoRest = %+v, %v", got, err)
	}
	refs := map[string]app.Rent{}
	rents, err := l.Office().Rents(ctx, app.RentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rents {
		refs[strings.TrimRight(r.ParcelRef, "0123456789")] = r
	}
	for ref, want := range map[string]struct {
		state app.RentState
		kind  app.RentKind
	}{
		demoReturnRef: {app.RentReserved, app.KindReturn},
		demoLateRef:   {app.RentStored, app.KindDelivery},
		demoSentRef:   {app.RentStored, app.KindReturn},
	} {
		if r, ok := refs[ref]; !ok || r.State != want.state || r.Kind != want.kind {
			t.Errorf("%s: %+v, want %s %s", ref, r, want.state, want.kind)
		}
	}
	if r := refs[demoReturnRef]; r.DoorID != got[0].DoorID {
		t.Errorf("the return's code names door %d, its rent is in %d", got[0].DoorID, r.DoorID)
	}
	if again, err := l.DemoRest(ctx, false); err != nil || len(again) != 0 {
		t.Fatalf("a second DemoRest booked more: %+v, %v", again, err)
	}

	// The demo started again: a new code for the same booked return; the
	// old one opens nothing.
	old := got[0].Code
	got, err = l.DemoRest(ctx, true)
	if err != nil || len(got) != 1 || got[0].Code == old || got[0].DoorID != refs[demoReturnRef].DoorID {
		t.Fatalf("DemoRest again = %+v, %v", got, err)
	}
	if _, err := l.BeginReturn(ctx, app.FormatReturnCode(old)); err == nil {
		t.Fatal("the old return code still opens a door")
	}
	d, err := l.BeginReturn(ctx, app.FormatReturnCode(got[0].Code))
	if err != nil {
		t.Fatalf("the demo's return code: %v", err)
	}
	if d.Rent().DoorID != got[0].DoorID {
		t.Fatalf("the return went to door %d, not %d", d.Rent().DoorID, got[0].DoorID)
	}

	// The parcel past its deadline expires by the locker's own rounds.
	if _, err := l.expireDue(ctx); err != nil {
		t.Fatal(err)
	}
	late, err := l.Office().Rent(ctx, refs[demoLateRef].ID)
	if err != nil || late.State != app.RentExpired {
		t.Fatalf("the late parcel: %+v, %v", late, err)
	}
}

// The demo's other rents are never taken for parcels to collect: SeedDemo
// issues pickup codes only for its own deliveries.
func TestSeedDemoLeavesTheRestAlone(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	if _, err := l.DemoRest(ctx, true); err != nil {
		t.Fatal(err)
	}
	got, err := l.SeedDemo(ctx, 2)
	if err != nil || len(got) != 2 {
		t.Fatalf("SeedDemo = %+v, %v", got, err)
	}
	err = db.View(ctx, func(tx *storage.Tx) error {
		for _, p := range got {
			r, err := tx.ActiveRent(p.DoorID)
			if err != nil {
				return err
			}
			if !demoPickup(r) {
				t.Errorf("a pickup code for %s", r.ParcelRef)
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		t.Fatal(err)
	}
}
