package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"pudo/app/core"
	"pudo/lockio"
	"pudo/storage"
)

func TestCollectByTouch(t *testing.T) {
	f := newFixture(t)
	p := f.demo[0]
	f.tap(t, "Collect a parcel")
	f.want(t, "code")
	f.typeOnKeypad(t, core.FormatCode(p.Code))
	if got := f.k.keypad.display.Text; got != core.FormatCode(p.Code) {
		t.Fatalf("display shows %q, want %q", got, core.FormatCode(p.Code))
	}
	f.tap(t, "Open my door")

	f.want(t, "door")
	if f.k.watch.id != p.DoorID {
		t.Fatalf("watching door %d, want %d", f.k.watch.id, p.DoorID)
	}
	door := f.doorByID(t, p.DoorID)
	if len(f.board.unlocked) != 1 || f.board.unlocked[0] != (lockio.Door{Board: door.Board, Channel: door.Channel}) {
		t.Fatalf("board unlocked %v, want only %d/%d", f.board.unlocked, door.Board, door.Channel)
	}
	if !f.shows("is open. Take your parcel") || f.sounds.count(SoundOpen) != 1 {
		t.Fatalf("door screen: texts %q, sounds %v", f.texts(), f.sounds.played)
	}

	// The shopper closes the door: did you get it? yes: thank you, then home.
	f.closeRealDoor(t, p.DoorID)
	f.want(t, "gotit")
	f.tap(t, "Yes, thank you")
	f.want(t, "thanks")
	f.clock.advance(f.k.opts.ThanksFor)
	f.want(t, "home")
}

func TestCodeEntryErrors(t *testing.T) {
	tests := map[string]struct {
		err  error
		want string
	}{
		"wrong":     {core.ErrWrongCode, "does not match a parcel"},
		"format":    {core.ErrCodeFormat, "does not match a parcel"},
		"expired":   {core.ErrExpired, "pickup time for this parcel has passed"},
		"collected": {core.ErrAlreadyCollected, "already been collected"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.k.locker = failingLocker{f.locker, tc.err}
			f.tap(t, "Collect a parcel")
			f.typeOnKeypad(t, "ZZZZ-ZZZZ")
			f.tap(t, "Open my door")
			f.want(t, "code")
			if !f.shows(tc.want) || f.sounds.count(SoundWrong) != 1 {
				t.Fatalf("texts %q, sounds %v", f.texts(), f.sounds.played)
			}
		})
	}
}

// failingLocker is the real locker whose pickups fail with err.
type failingLocker struct {
	*core.Locker
	err error
}

func (l failingLocker) StartPickup(context.Context, string) (*core.Pickup, error) { return nil, l.err }

func TestWrongCodeOpensNothing(t *testing.T) {
	f := newFixture(t)
	f.tap(t, "Collect a parcel")
	f.typeOnKeypad(t, "ZZZZ-ZZZZ")
	f.tap(t, "Open my door")
	f.want(t, "code")
	if !f.shows("does not match") || len(f.board.unlocked) != 0 {
		t.Fatalf("texts %q, unlocked %v", f.texts(), f.board.unlocked)
	}
}

func TestExpiredCodeSaysSo(t *testing.T) {
	f := newFixture(t)
	p := f.demo[0]
	err := f.db.Update(context.Background(), func(tx *storage.Tx) error {
		rs, err := tx.RentsInState(storage.RentStored)
		for _, r := range rs {
			if r.DoorID == p.DoorID {
				return tx.MoveRent(r.ID, storage.RentStored, storage.RentExpired)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.tap(t, "Collect a parcel")
	f.typeOnKeypad(t, p.Code)
	f.tap(t, "Open my door")
	if !f.shows("has passed") {
		t.Fatalf("texts %q", f.texts())
	}
}

// TestLockoutCountsDown: after too many wrong codes the keypad is blocked
// with a live countdown, and comes back when it ends.
func TestLockoutCountsDown(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Settings.IdleTimeout = time.Hour })
	f.k.locker = failingLocker{f.locker, &core.LockedOutError{Until: f.clock.now.Add(90 * time.Second)}}
	f.tap(t, "Collect a parcel")
	f.typeOnKeypad(t, "ZZZZ-ZZZZ")
	f.tap(t, "Open my door")
	if !f.shows("Try again in 1:30") || !f.k.keypad.keys["A"].Disabled() || !f.k.keypad.ok.Disabled() {
		t.Fatalf("texts %q", f.texts())
	}
	f.clock.advance(31 * time.Second)
	if !f.shows("Try again in 0:59") {
		t.Fatalf("after 31 s: texts %q", f.texts())
	}
	f.clock.advance(59 * time.Second)
	if f.shows("Try again") || f.k.keypad.keys["A"].Disabled() {
		t.Fatalf("after the lockout: texts %q", f.texts())
	}
}

// TestPausedBeforeTyping: a shopper arriving during a lockout sees the
// countdown before typing anything.
func TestPausedBeforeTyping(t *testing.T) {
	f := newFixture(t)
	f.flows.paused = f.clock.now.Add(15 * time.Minute)
	f.tap(t, "Collect a parcel")
	if !f.shows("Try again in 15:00") || !f.k.keypad.keys["7"].Disabled() {
		t.Fatalf("texts %q", f.texts())
	}
}

// TestSeveralParcelsOneAfterAnother: two parcels under one code open one
// door after the other; the question comes after the last.
func TestSeveralParcelsOneAfterAnother(t *testing.T) {
	f := newFixture(t)
	first := f.demo[0]
	second := f.addParcelUnderCode(t, first.DoorID)
	f.tap(t, "Collect a parcel")
	f.typeOnKeypad(t, first.Code)
	f.tap(t, "Open my door")
	f.want(t, "door")
	if !f.shows("1 more parcel") {
		t.Fatalf("texts %q", f.texts())
	}
	opened := f.k.watch.id
	f.closeRealDoor(t, opened)
	f.want(t, "door")
	if f.k.watch.id == opened || (f.k.watch.id != second && f.k.watch.id != first.DoorID) {
		t.Fatalf("second door %d, want the other of %d/%d", f.k.watch.id, first.DoorID, second)
	}
	f.closeRealDoor(t, f.k.watch.id)
	f.want(t, "gotit")
}

// addParcelUnderCode stores one more parcel in a free door under the same
// code as the parcel in door, and returns the new door.
func (f *fixture) addParcelUnderCode(t *testing.T, door int64) int64 {
	t.Helper()
	var free int64
	err := f.db.Update(context.Background(), func(tx *storage.Tx) error {
		rs, err := tx.RentsInState(storage.RentStored)
		if err != nil {
			return err
		}
		var mac []byte
		used := map[int64]bool{}
		for _, r := range rs {
			used[r.DoorID] = true
			if r.DoorID == door {
				mac = r.PickupMAC
			}
		}
		doors, _ := tx.Doors()
		for _, d := range doors {
			if !used[d.ID] {
				free = d.ID
				break
			}
		}
		r, err := tx.CreateRent(storage.NewRent{DoorID: free, State: storage.RentReserved, ParcelRef: "SECOND", PickupMAC: mac})
		if err != nil {
			return err
		}
		return tx.Store(r.ID, storage.RentReserved, storage.RentStored, "", time.Now().Add(time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	return free
}

func TestKeyboardOnHomeIsAPickup(t *testing.T) {
	f := newFixture(t)
	p := f.demo[1]
	f.typeKeys(strings.ToLower(core.FormatCode(p.Code)), 200*time.Millisecond)
	f.want(t, "door")
	if f.k.watch.id != p.DoorID {
		t.Fatalf("typed code + Enter: door %d, want %d", f.k.watch.id, p.DoorID)
	}
}

func TestKeypadHasNoAmbiguousKeys(t *testing.T) {
	f := newFixture(t)
	f.tap(t, "Collect a parcel")
	for _, s := range []string{"I", "L", "O", "U"} {
		if _, ok := f.k.keypad.keys[s]; ok {
			t.Errorf("keypad offers %q", s)
		}
	}
	f.k.keypad.Type("il0o-abc")
	if got := f.k.keypad.display.Text; got != "1100-ABC·" {
		t.Fatalf("display %q", got)
	}
	if !f.k.keypad.ok.Disabled() {
		t.Fatal("OK enabled with 7 symbols")
	}
	test.Tap(f.k.keypad.keys["delete"])
	if got := f.k.keypad.display.Text; got != "1100-AB··" {
		t.Fatalf("after delete: display %q", got)
	}
}
