package core

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/carrier"
	"pudo/app/cred"
	"pudo/lockio"
	"pudo/storage"
)

// sealLocker is a test locker on a file in dir that knows the seal key of
// carrier "TEST" (the carrier of courierToken) when key is set.
func sealLocker(t *testing.T, dir string, keys map[string]carrier.PublicKey) (*Locker, *storage.DB, *fakeLocks) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(dir, "pudo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	locks := &fakeLocks{fail: map[lockio.Door]error{}}
	l := New(db, locks, []byte("0123456789abcdef0123456789abcdef"),
		Options{KioskID: "T1", OperatorKeys: []cred.PublicKey{testOperator.Public()}, CarrierKeys: keys, CodeCost: cheapCode},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	doors, err := Layout(app.DemoColumns(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.SetUp(ctx, doors); err != nil {
		t.Fatal(err)
	}
	return l, db, locks
}

// storedEvent is the rent.stored event of rent id.
func storedEvent(t *testing.T, l *Locker, id int64) storage.Event {
	t.Helper()
	for _, e := range eventsOfKind(t, l, "rent.stored") {
		if e.RentID == id {
			return e
		}
	}
	t.Fatalf("no rent.stored for rent %d", id)
	return storage.Event{}
}

// A walk-in's code reaches the carrier sealed in the event that stores its
// rent, after a "too small" move too; the carrier's key opens it to the
// code that opens the door, another carrier's does not, and no other event
// carries it.
func TestWalkInCodeSealedForItsCarrier(t *testing.T) {
	ctx := context.Background()
	key, other := carrier.GenerateKey(), carrier.GenerateKey()
	l, _, locks := sealLocker(t, t.TempDir(), map[string]carrier.PublicKey{"TEST": key.Public(), "OTHER": other.Public()})
	c, err := l.LoginCourier(ctx, courierToken(l, "c1", time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DropNew(ctx, "S", "W-1", false)
	if err != nil {
		t.Fatal(err)
	}
	if !d.(*DropOff).CodeSealed() {
		t.Fatal("CodeSealed is false with the carrier's key configured")
	}
	first := openedDoor(d)
	if _, err := d.Larger(ctx); err != nil {
		t.Fatal(err)
	}
	locks.shut(address(first))
	l.tick(ctx)
	dropIn(t, locks, d)

	e := storedEvent(t, l, d.Rent().ID)
	if e.CodeFor != "TEST" || e.CodeSealed == nil || !strings.Contains(e.Detail, "sealed for carrier TEST") {
		t.Fatalf("rent.stored = %+v, want the code sealed for TEST", e)
	}
	got, err := key.Open(e.CodeSealed)
	want := carrier.Code{Locker: "T1", RentID: d.Rent().ID, Code: app.FormatCode(d.Code())}
	if err != nil || got != want {
		t.Fatalf("the carrier opens %+v, %v; want %+v", got, err, want)
	}
	if _, err := other.Open(e.CodeSealed); !errors.Is(err, carrier.ErrNotOpened) {
		t.Fatalf("another carrier's key: %v, want ErrNotOpened", err)
	}
	for _, ev := range allEvents(t, l) {
		if ev.Seq != e.Seq && (ev.CodeFor != "" || ev.CodeSealed != nil) {
			t.Fatalf("event %d (%s) carries a code too", ev.Seq, ev.Kind)
		}
	}
	if p, err := l.PickupByCode(ctx, got.Code); err != nil || openedDoor(p).ID != openedDoor(d).ID {
		t.Fatalf("pickup with the opened code: %v, %v; want door %d", p, err, openedDoor(d).ID)
	}
	checkInvariants(t, l)
}

// A carrier without a key here gets no code, and the event says so; the
// code on the screen still opens the door.
func TestWalkInWithoutCarrierKey(t *testing.T) {
	ctx := context.Background()
	l, _, locks := sealLocker(t, t.TempDir(), map[string]carrier.PublicKey{"OTHER": carrier.GenerateKey().Public()})
	c, err := l.LoginCourier(ctx, courierToken(l, "c1", time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DropNew(ctx, "M", "W-2", false)
	if err != nil {
		t.Fatal(err)
	}
	if d.(*DropOff).CodeSealed() {
		t.Fatal("CodeSealed without a key for the carrier")
	}
	dropIn(t, locks, d)
	e := storedEvent(t, l, d.Rent().ID)
	if e.CodeFor != "TEST" || e.CodeSealed != nil || !strings.Contains(e.Detail, "no code sent") {
		t.Fatalf("rent.stored = %+v, want carrier TEST, nothing sealed, and saying so", e)
	}
	if p, err := l.PickupByCode(ctx, d.Code()); err != nil || openedDoor(p).ID != openedDoor(d).ID {
		t.Fatalf("pickup with the screen's code: %v, %v", p, err)
	}
	checkInvariants(t, l)
}

// A booked drop-off delivers no code: the back office made the booking and
// has it.
func TestBookedDropOffCarriesNoCode(t *testing.T) {
	ctx := context.Background()
	l, _, locks := sealLocker(t, t.TempDir(), map[string]carrier.PublicKey{"TEST": carrier.GenerateKey().Public()})
	b, err := l.Office().Book(ctx, Booking{Size: "S", ParcelRef: "B-1"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := l.LoginCourier(ctx, courierToken(l, "c1", time.Hour))
	d, err := c.DropBooked(ctx, "B-1")
	if err != nil {
		t.Fatal(err)
	}
	dropIn(t, locks, d)
	if e := storedEvent(t, l, b.Rent.ID); e.CodeFor != "" || e.CodeSealed != nil || d.(*DropOff).CodeSealed() {
		t.Fatalf("a booked drop-off's rent.stored = %+v", e)
	}
}

// A walk-in whose door never opened is cancelled, and its sealed code with
// it: nobody will ever be sent a code that opens nothing.
func TestCancelledWalkInDropsItsSeal(t *testing.T) {
	ctx := context.Background()
	l, db, locks := sealLocker(t, t.TempDir(), map[string]carrier.PublicKey{"TEST": carrier.GenerateKey().Public()})
	c, _ := l.LoginCourier(ctx, courierToken(l, "c1", time.Hour))
	var bad storage.Door
	db.View(ctx, func(tx *storage.Tx) (err error) { bad, err = tx.FreeDoor("S", false, nil); return err })
	locks.fail[address(bad)] = &lockio.Error{Op: "unlock", Door: address(bad), Kind: lockio.ErrRefused, Err: lockio.ErrLockFailed}
	d, err := c.DropNew(ctx, "S", "W-3", false)
	if !errors.Is(err, app.ErrDoorDidNotOpen) || d == nil {
		t.Fatalf("DropNew = %v, %v; want the door refused", d, err)
	}
	if err := d.Abandon(ctx); err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx *storage.Tx) error {
		if _, ok, err := tx.TakeCodeSeal(d.Rent().ID); ok || err != nil {
			t.Errorf("the cancelled walk-in's seal is still kept (%v)", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range allEvents(t, l) {
		if e.CodeFor != "" {
			t.Fatalf("event %d (%s) carries a code for a cancelled walk-in", e.Seq, e.Kind)
		}
	}
	checkInvariants(t, l)
}

// The kiosk stops after the door was seen open and before it closed: the
// code made before the restart still reaches the carrier, since it was
// sealed into the store, not held in memory.
func TestWalkInSealSurvivesARestart(t *testing.T) {
	ctx := context.Background()
	key := carrier.GenerateKey()
	dir := t.TempDir()
	keys := map[string]carrier.PublicKey{"TEST": key.Public()}
	l, db, locks := sealLocker(t, dir, keys)
	c, _ := l.LoginCourier(ctx, courierToken(l, "c1", time.Hour))
	d, err := c.DropNew(ctx, "S", "W-4", false)
	if err != nil {
		t.Fatal(err)
	}
	code, door, rent := d.Code(), openedDoor(d), d.Rent().ID

	// The same store and boards, a fresh engine: what main does at start.
	l2 := New(db, locks, []byte("0123456789abcdef0123456789abcdef"),
		Options{KioskID: "T1", OperatorKeys: []cred.PublicKey{testOperator.Public()}, CarrierKeys: keys, CodeCost: cheapCode},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := l2.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	locks.shut(address(door))
	l2.tick(ctx)
	e := storedEvent(t, l2, rent)
	got, err := key.Open(e.CodeSealed)
	if err != nil || got.Code != app.FormatCode(code) || got.RentID != rent {
		t.Fatalf("after a restart the carrier opens %+v, %v; want %s for rent %d", got, err, app.FormatCode(code), rent)
	}
	if p, err := l2.PickupByCode(ctx, got.Code); err != nil || openedDoor(p).ID != door.ID {
		t.Fatalf("pickup with the opened code: %v, %v", p, err)
	}
}

// The code never touches the database file, in clear or formatted: it is
// in no page of the file nor of its write-ahead log.
func TestWalkInCodeNotInTheDatabaseFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, keys := range []map[string]carrier.PublicKey{{"TEST": carrier.GenerateKey().Public()}, nil} {
		sub := filepath.Join(dir, strings.Repeat("k", len(keys)))
		os.Mkdir(sub, 0o700)
		l, db, locks := sealLocker(t, sub, keys)
		c, _ := l.LoginCourier(ctx, courierToken(l, "c1", time.Hour))
		var codes []string
		for i := range 4 {
			d, err := c.DropNew(ctx, "S", "W-5-"+string(rune('a'+i)), false)
			if err != nil {
				t.Fatal(err)
			}
			dropIn(t, locks, d)
			codes = append(codes, d.Code())
		}
		files := dbFiles(t, sub)
		db.Close() // checkpoints the log into the file: both were read before
		files = append(files, dbFiles(t, sub)...)
		// The control: what is stored in clear is found.
		if !bytes.Contains(bytes.Join(bodies(files), nil), []byte("W-5-a")) {
			t.Fatal("the parcel reference is in no file: the search finds nothing at all")
		}
		for _, code := range codes {
			for _, f := range files {
				for _, form := range []string{code, app.FormatCode(code), strings.ToLower(code)} {
					if bytes.Contains(f.body, []byte(form)) {
						t.Fatalf("the code %s is in %s", form, f.name)
					}
				}
			}
		}
	}
}

type dbFile struct {
	name string
	body []byte
}

func dbFiles(t *testing.T, dir string) []dbFile {
	t.Helper()
	var out []dbFile
	names, _ := filepath.Glob(filepath.Join(dir, "pudo.db*"))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, dbFile{filepath.Base(n), b})
	}
	if len(out) == 0 {
		t.Fatal("no database file")
	}
	return out
}

func bodies(fs []dbFile) [][]byte {
	var out [][]byte
	for _, f := range fs {
		out = append(out, f.body)
	}
	return out
}

func allEvents(t *testing.T, l *Locker) []storage.Event {
	t.Helper()
	var evs []storage.Event
	if err := l.db.View(context.Background(), func(tx *storage.Tx) (err error) {
		evs, err = tx.Events(0, 100000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return evs
}

func checkInvariants(t *testing.T, l *Locker) {
	t.Helper()
	if err := l.db.View(context.Background(), func(tx *storage.Tx) error { return tx.CheckInvariants() }); err != nil {
		t.Fatal(err)
	}
}
