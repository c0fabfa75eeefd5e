package core

import (
	"context"
	"strings"
	"testing"

	"pudo/app"
	"pudo/storage"
)

// A drop-off whose store fails in the database is not stored: the error
// comes back and the transaction writes no rent.stored event for a rent
// that is still reserved (a shadowed err once dropped it, and the event
// said stored).
func TestDropOffStoreFailureIsNotSwallowed(t *testing.T) {
	ctx := context.Background()
	l, db, _ := newTestLocker(t)
	booked, err := l.Office().Book(ctx, Booking{Size: "S", ParcelRef: "P-STORE"})
	if err != nil {
		t.Fatal(err)
	}
	path, err := db.Path(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := openRaw(path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`CREATE TRIGGER refuse_store BEFORE UPDATE OF state ON rents WHEN NEW.state = 'stored'
		BEGIN SELECT RAISE(ABORT, 'store refused by the test'); END`); err != nil {
		t.Fatal(err)
	}
	step, _ := app.StepFor(app.MoveDropOff)
	r := booked.Rent
	err = db.Update(ctx, func(tx *storage.Tx) error {
		_, err := l.moveRent(tx, opening{door: storage.Door{ID: r.DoorID}, rentID: r.ID, actor: "courier:c1"}, step)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "store refused") {
		t.Fatalf("moveRent with the store refused = %v, want its error", err)
	}
	got, err := l.rent(ctx, r.ID)
	if err != nil || got.State != storage.RentReserved {
		t.Fatalf("rent after the refused store: %+v, %v; want reserved", got, err)
	}
	var evs []storage.Event
	if err := db.View(ctx, func(tx *storage.Tx) (err error) { evs, err = tx.Events(0, 1000); return err }); err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.RentID == r.ID && e.Kind == string(app.EvRentStored) {
			t.Fatalf("a rent.stored event for a rent the store refused: %+v", e)
		}
	}
}
