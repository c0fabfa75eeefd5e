package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/cred"
	"pudo/lockio"
	"pudo/storage"
)

// fakeLocks records unlocks and fails the doors the test says. A door it
// unlocks pops open (its sensor reads open) unless it is stuck, until the
// test shuts it; the scenario tests use the real driver and emulator.
type fakeLocks struct {
	mu       sync.Mutex // protects following
	unlocked []lockio.Door
	fail     map[lockio.Door]error
	sensors  map[lockio.Door]lockio.Sensor // default closed
	stuck    map[lockio.Door]bool          // the board acknowledges, the door stays shut
	hold     bool                          // every door stays shut until the test opens it
	down     bool                          // the bus is down
}

func (f *fakeLocks) Unlock(_ context.Context, d lockio.Door) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail[d]; err != nil {
		return err
	}
	f.unlocked = append(f.unlocked, d)
	if !f.stuck[d] && !f.hold {
		f.set(d, lockio.SensorOpen)
	}
	return nil
}

func (f *fakeLocks) set(d lockio.Door, s lockio.Sensor) {
	if f.sensors == nil {
		f.sensors = map[lockio.Door]lockio.Sensor{}
	}
	f.sensors[d] = s
}

// Health makes the fake a Bus: one board answering unless the test took
// the bus down.
func (f *fakeLocks) Health() lockio.Health {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return lockio.Health{State: lockio.BusDown, Err: "unplugged", Boards: []lockio.BoardHealth{{Address: 1, Failures: 3}}}
	}
	return lockio.Health{State: lockio.BusUp, Boards: []lockio.BoardHealth{{Address: 1, Answering: true}}}
}

func (f *fakeLocks) Scan(context.Context) ([]lockio.BoardFound, error) { return nil, nil }
func (f *fakeLocks) Reconnect()                                        {}

// busDown pulls the fake adapter: every door reads unknown.
func (f *fakeLocks) busDown() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = true
	for d := range f.sensors {
		f.sensors[d] = lockio.SensorUnknown
	}
}

// shut is the person closing door d.
func (f *fakeLocks) shut(d lockio.Door) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.set(d, lockio.SensorClosed)
}

func (f *fakeLocks) Sensor(d lockio.Door) lockio.Sensor {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.sensors[d]; ok {
		return s
	}
	return lockio.SensorClosed
}

// dropIn is the courier putting the parcel in: the door, popped open by
// the fake board, is shut and the drop-off done, so the rent is stored.
func dropIn(t *testing.T, locks *fakeLocks, d app.DropOff) {
	t.Helper()
	locks.shut(address(openedDoor(d)))
	if _, err := d.Done(context.Background()); err != nil {
		t.Fatalf("drop-off done: %v", err)
	}
}

// openedDoor is the door flow f (a *Pickup or a *DropOff, handed out as the
// contract's) opened last, as the store keeps it: the tests read the flow
// as it stands, for the fake boards' wiring and the door's size.
func openedDoor(f any) storage.Door {
	switch f := f.(type) {
	case *Pickup:
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.door
	case *DropOff:
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.door
	}
	panic(fmt.Sprintf("openedDoor(%T)", f))
}

func newTestLocker(t *testing.T) (*Locker, *storage.DB, *fakeLocks) {
	t.Helper()
	return newTestLockerOpts(t, Options{KioskID: "T1", OperatorKeys: []cred.PublicKey{testOperator.Public()}})
}

// testOperator is the operator whose key the test lockers trust.
var testOperator = cred.GenerateKey()

// operatorToken signs claims of kind for l with testOperator, valid for
// ttl from l's clock (already expired when ttl is negative).
func operatorToken(l *Locker, c cred.Claims, ttl time.Duration) string {
	now := l.db.Now()
	c.IssuedAt, c.Expires = now.Add(-time.Hour), now.Add(ttl)
	if ttl < 0 {
		c.IssuedAt = c.Expires.Add(-time.Hour)
	}
	if c.Lockers == nil {
		c.Lockers = []string{l.opts.KioskID}
	}
	text, err := cred.Sign(testOperator, c)
	if err != nil {
		panic(err)
	}
	return text
}

// courierToken is the operator's courier token for id (carrier "TEST").
func courierToken(l *Locker, id string, ttl time.Duration) string {
	return operatorToken(l, cred.Claims{Kind: cred.Courier, Subject: id, Carrier: "TEST"}, ttl)
}

// cheapPIN keeps argon2id fast in tests; a hash records its own cost.
var cheapPIN = PINCost{Time: 1, Memory: 64, Threads: 1}

// cheapCode is the typed codes' hash at its least cost: tests book and
// type codes by the thousand.
var cheapCode = CodeCost{Time: 1, Memory: 64}

func newTestLockerOpts(t *testing.T, opts Options) (*Locker, *storage.DB, *fakeLocks) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "pudo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	locks := &fakeLocks{fail: map[lockio.Door]error{}}
	if opts.CodeCost == (CodeCost{}) {
		opts.CodeCost = cheapCode
	}
	l := New(db, locks, []byte("0123456789abcdef0123456789abcdef"), opts, slog.New(slog.NewTextHandler(io.Discard, nil)))
	doors, err := Layout(app.DemoColumns(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.SetUp(ctx, doors); err != nil {
		t.Fatal(err)
	}
	return l, db, locks
}

func TestPickupOpensTheRightDoorAndCollects(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	parcels, err := l.SeedDemo(ctx, 3)
	if err != nil || len(parcels) != 3 {
		t.Fatalf("SeedDemo = %v, %v", parcels, err)
	}
	p := parcels[1]
	typed := app.FormatCode(p.Code)[:5] + " " + app.FormatCode(p.Code)[5:] // as a person might type it
	pk, err := l.PickupByCode(ctx, typed)
	if err != nil {
		t.Fatalf("PickupByCode: %v", err)
	}
	if openedDoor(pk).ID != p.DoorID || pk.Remaining() != 0 {
		t.Fatalf("opened door %d (remaining %d), want door %d", openedDoor(pk).ID, pk.Remaining(), p.DoorID)
	}
	want := lockio.Door{Board: openedDoor(pk).Board, Channel: openedDoor(pk).Channel}
	if len(locks.unlocked) != 1 || locks.unlocked[0] != want {
		t.Fatalf("board got unlocks %v, want [%v]", locks.unlocked, want)
	}
	assertRentState(t, db, p.DoorID, storage.RentCollected)

	// The same code again: the parcel is gone, nothing opens, and the
	// shopper is told so rather than that the code is wrong.
	if _, err := l.PickupByCode(ctx, p.Code); !errors.Is(err, app.ErrAlreadyCollected) {
		t.Fatalf("second pickup: %v, want ErrAlreadyCollected", err)
	}
	if len(locks.unlocked) != 1 {
		t.Fatalf("a collected parcel's door opened again: %v", locks.unlocked)
	}
}

func TestPickupRejects(t *testing.T) {
	ctx := context.Background()
	l, _, locks := newTestLocker(t)
	if _, err := l.SeedDemo(ctx, 2); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		in   string
		want error
	}{
		{"ZZZZ-ZZZZ", app.ErrWrongCode},
		{"123", app.ErrCodeFormat},
		{"UUUU-UUUU", app.ErrCodeFormat},
	} {
		if _, err := l.PickupByCode(ctx, tt.in); !errors.Is(err, tt.want) {
			t.Errorf("PickupByCode(%q) = %v, want %v", tt.in, err, tt.want)
		}
	}
	if len(locks.unlocked) != 0 {
		t.Fatalf("wrong codes opened doors: %v", locks.unlocked)
	}
}

func TestPickupDoorDidNotOpenKeepsTheParcel(t *testing.T) {
	ctx := context.Background()
	l, db, locks := newTestLocker(t)
	clock := withClock(db)
	parcels, _ := l.SeedDemo(ctx, 1)
	var door storage.Door
	db.View(ctx, func(tx *storage.Tx) (err error) { door, err = tx.Door(parcels[0].DoorID); return })
	// Nothing sent: not opened at once.
	locks.fail[address(door)] = lockio.ErrNotSent
	if _, err := l.PickupByCode(ctx, parcels[0].Code); !errors.Is(err, app.ErrDoorDidNotOpen) || !errors.Is(err, lockio.ErrNotSent) {
		t.Fatalf("PickupByCode with nothing sent = %v", err)
	}
	assertRentState(t, db, door.ID, storage.RentStored)
	// The reply lost: pending; the same code meanwhile is told the door is
	// being opened; the door reads closed for the did-not-open time, but
	// the lost reply was a gap in what the sensor saw: unknown, and the
	// parcel is still the shopper's. Asked, the shopper says it did not
	// open: the retry.
	locks.fail[address(door)] = lockio.ErrOutcomeUnknown
	p, err := l.PickupByCode(ctx, parcels[0].Code)
	if err != nil || !p.Opening().Pending() || p.Opening().Cause != app.CauseNoReply {
		t.Fatalf("PickupByCode with the reply lost = %+v, %v; want pending, no reply", p, err)
	}
	if _, err := l.PickupByCode(ctx, parcels[0].Code); !errors.Is(err, app.ErrBeingOpened) {
		t.Fatalf("the same code while unsettled: %v, want being opened", err)
	}
	clock.Add(l.opts.DidNotOpen)
	l.tick(ctx)
	if o, _ := l.openingNow(ctx, p.Opening().ID); o.Outcome != app.OutcomeUnknown || o.Cause != app.CauseUnseen {
		t.Fatalf("after the did-not-open time: %+v", o)
	}
	assertRentState(t, db, door.ID, storage.RentStored)
	delete(locks.fail, address(door))
	if v, err := p.Answer(ctx, false); err != nil || v.Kind != app.VerdictRetried {
		t.Fatalf("answer no: %+v, %v; want the retry", v, err)
	}
	assertRentState(t, db, door.ID, storage.RentCollected)
	db.View(ctx, func(tx *storage.Tx) error {
		n, err := tx.VerifyChain()
		if err != nil || n < 5 {
			t.Fatalf("VerifyChain = %d, %v", n, err)
		}
		return nil
	})
}

func TestSeedDemoReissuesCodes(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLocker(t)
	first, _ := l.SeedDemo(ctx, 3)
	second, err := l.SeedDemo(ctx, 3)
	if err != nil || len(second) != 3 {
		t.Fatalf("second SeedDemo = %v, %v", second, err)
	}
	if _, err := l.PickupByCode(ctx, first[0].Code); !errors.Is(err, app.ErrWrongCode) {
		t.Fatalf("old demo code still works: %v", err)
	}
	if _, err := l.PickupByCode(ctx, second[0].Code); err != nil {
		t.Fatalf("new demo code: %v", err)
	}
}

func assertRentState(t *testing.T, db *storage.DB, doorID int64, want storage.RentState) {
	t.Helper()
	db.View(context.Background(), func(tx *storage.Tx) error {
		for _, st := range []storage.RentState{storage.RentStored, storage.RentCollected} {
			rs, err := tx.RentsInState(st)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				if r.DoorID == doorID && r.State == want {
					return nil
				}
			}
		}
		t.Fatalf("door %d has no rent in state %s", doorID, want)
		return nil
	})
}
