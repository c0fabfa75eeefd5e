package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"pudo/app"
	"pudo/app/apptest"
)

func TestCollectByTouch(t *testing.T) {
	f := newFixture(t)
	p := f.demo[0]
	f.tap(t, "Collect a parcel")
	f.want(t, &codeScreen{})
	f.typeOnKeypad(t, app.FormatCode(p.Code))
	if got := f.pad(t).display.Text; got != app.FormatCode(p.Code) {
		t.Fatalf("display shows %q, want %q", got, app.FormatCode(p.Code))
	}
	f.tap(t, "Open my door")

	f.want(t, &doorScreen{})
	if f.doorShown(t) != p.DoorID {
		t.Fatalf("door %d, want %d", f.doorShown(t), p.DoorID)
	}
	if n := f.eng.Unlocks(p.DoorID); n != 1 {
		t.Fatalf("%d unlocks of door %d, want 1", n, p.DoorID)
	}
	if !f.shows("is open. Take your parcel") || f.sounds.count(SoundOpen) != 1 {
		t.Fatalf("door screen: texts %q, sounds %v", f.texts(), f.sounds.played)
	}

	// The shopper closes the door: did you get it? yes: thank you, then home.
	f.close(p.DoorID)
	f.want(t, &gotItScreen{})
	f.tap(t, "Yes, thank you")
	f.want(t, &thanksScreen{})
	f.clock.advance(4 * time.Second)
	f.want(t, &homeScreen{})
}

// TestDoorScreenFollowsTheSensor: until the sensor saw the door open the
// screen says it is opening, never that it is open; no open sound either.
func TestDoorScreenFollowsTheSensor(t *testing.T) {
	f := newFixture(t)
	p := f.demo[0]
	f.eng.SetBoard(p.DoorID, apptest.Settles)
	toDoor(t, f)
	if f.shows("is open.") || !f.shows("is opening") || f.sounds.count(SoundOpen) != 0 {
		t.Fatalf("pending: texts %q sounds %v", f.texts(), f.sounds.played)
	}
	f.open(p.DoorID)
	if !f.shows("is open. Take your parcel") || f.sounds.count(SoundOpen) != 1 {
		t.Fatalf("open: texts %q sounds %v", f.texts(), f.sounds.played)
	}
	f.eng.SensorLost(p.DoorID)
	f.pump()
	if f.shows("is open.") || !f.shows("cannot confirm") {
		t.Fatalf("sensor lost: texts %q", f.texts())
	}
}

// TestDidNotOpenIsAReport: the shopper's "it did not open" goes to the
// locker, which sees the door open: look again, and no second unlock.
func TestDidNotOpenIsAReport(t *testing.T) {
	f := newFixture(t)
	toDoor(t, f)
	f.tap(t, "The door did not open")
	f.want(t, &doorScreen{})
	if !f.shows("look again") || f.eng.Unlocks(f.demo[0].DoorID) != 1 {
		t.Fatalf("texts %q unlocks %d", f.texts(), f.eng.Unlocks(f.demo[0].DoorID))
	}
	f.close(f.demo[0].DoorID)
	f.want(t, &gotItScreen{})
}

func TestCodeEntryErrors(t *testing.T) {
	tests := map[string]struct {
		err  error
		want string
	}{
		"wrong":     {app.ErrWrongCode, "does not match a parcel"},
		"format":    {app.ErrCodeFormat, "does not match a parcel"},
		"expired":   {app.ErrExpired, "pickup time for this parcel has passed"},
		"collected": {app.ErrAlreadyCollected, "already been collected"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.eng.PickupErr = tc.err
			f.tap(t, "Collect a parcel")
			f.typeOnKeypad(t, "ZZZZ-ZZZZ")
			f.tap(t, "Open my door")
			f.want(t, &codeScreen{})
			if !f.shows(tc.want) || f.sounds.count(SoundWrong) != 1 {
				t.Fatalf("texts %q, sounds %v", f.texts(), f.sounds.played)
			}
		})
	}
}

func TestWrongCodeOpensNothing(t *testing.T) {
	f := newFixture(t)
	f.tap(t, "Collect a parcel")
	f.typeOnKeypad(t, "ZZZZ-ZZZZ")
	f.tap(t, "Open my door")
	f.want(t, &codeScreen{})
	for _, p := range f.demo {
		if f.eng.Unlocks(p.DoorID) != 0 {
			t.Fatalf("door %d unlocked", p.DoorID)
		}
	}
	if !f.shows("does not match") {
		t.Fatalf("texts %q", f.texts())
	}
}

func TestExpiredCodeSaysSo(t *testing.T) {
	f := newFixture(t)
	p := f.demo[0]
	r, _ := f.eng.RentIn(p.DoorID)
	f.eng.Expire(r.ID)
	f.tap(t, "Collect a parcel")
	f.typeOnKeypad(t, p.Code)
	f.tap(t, "Open my door")
	if !f.shows("has passed") {
		t.Fatalf("texts %q", f.texts())
	}
}

// TestLockoutCountsDown: a code refused by the pause stays on show with
// a live countdown, and is tried when the pause ends.
func TestLockoutCountsDown(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Settings.IdleTimeout = time.Hour })
	f.eng.PickupErr = &app.LockedOutError{Until: f.clock.now.Add(90 * time.Second)}
	f.tap(t, "Collect a parcel")
	f.typeOnKeypad(t, "ZZZZ-ZZZZ")
	f.tap(t, "Open my door")
	if !f.shows("Your code is kept and tried in 1:30") || f.pad(t).code != "ZZZZZZZZ" {
		t.Fatalf("code %q texts %q", f.pad(t).code, f.texts())
	}
	f.eng.PickupErr = nil
	f.clock.advance(31 * time.Second)
	if !f.shows("tried in 0:59") {
		t.Fatalf("after 31 s: texts %q", f.texts())
	}
	f.clock.advance(59 * time.Second)
	if !f.shows("does not match") || f.pad(t).code != "ZZZZZZZZ" {
		t.Fatalf("after the pause, the kept code was not tried: code %q texts %q calls %q",
			f.pad(t).code, f.texts(), f.eng.Calls())
	}
}

// TestPausedBeforeTyping: a shopper arriving during a pause sees the
// countdown; what they type is typed, and OK keeps the code until the
// pause ends, when it opens their door.
func TestPausedBeforeTyping(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Settings.IdleTimeout = time.Hour })
	f.eng.PauseCodes(f.clock.now.Add(15 * time.Minute))
	f.tap(t, "Collect a parcel")
	if !f.shows("again in 15:00") || f.pad(t).keys["7"].Disabled() {
		t.Fatalf("texts %q", f.texts())
	}
	f.typeKeys(f.demo[0].Code, 300*time.Millisecond) // a person at the keyboard, then Enter
	if f.pad(t).code != f.demo[0].Code || !f.shows("Your code is kept and tried in 14:") || f.called("pickup") {
		t.Fatalf("code %q texts %q calls %q", f.pad(t).code, f.texts(), f.eng.Calls())
	}
	f.clock.advance(15 * time.Minute)
	f.want(t, &doorScreen{})
	if f.doorShown(t) != f.demo[0].DoorID {
		t.Fatalf("door %d", f.doorShown(t))
	}
}

// TestWrongCodeStaysVisible: a refused code stays on the keypad with the
// message, so the typo can be seen; Delete edits it, a new symbol starts
// a new code.
func TestWrongCodeStaysVisible(t *testing.T) {
	f := newFixture(t)
	f.tap(t, "Collect a parcel")
	f.typeOnKeypad(t, "7K3M-N5QZ")
	f.tap(t, "Open my door")
	f.want(t, &codeScreen{})
	if !f.shows("does not match") || !f.shows("7K3M-N5QZ") {
		t.Fatalf("texts %q", f.texts())
	}
	test.Tap(f.pad(t).keys["delete"])
	f.typeOnKeypad(t, "X")
	if f.pad(t).code != "7K3MN5QX" {
		t.Fatalf("edited code %q", f.pad(t).code)
	}
	f.tap(t, "Open my door")
	f.want(t, &doorScreen{})

	f = newFixture(t)
	f.tap(t, "Collect a parcel")
	f.typeOnKeypad(t, "ZZZZZZZZ")
	f.tap(t, "Open my door")
	f.typeOnKeypad(t, "A")
	if f.pad(t).code != "A" {
		t.Fatalf("a new symbol after a refused code: %q, want a new code", f.pad(t).code)
	}
}

// TestCollectedCodeSaysSo: a code collected a minute ago says so, with
// the support contact, rather than "no parcel".
func TestCollectedCodeSaysSo(t *testing.T) {
	f := newFixture(t)
	toGotIt(t, f)
	f.tap(t, "Yes, thank you")
	f.clock.advance(time.Minute)
	f.tap(t, "Collect a parcel")
	f.typeOnKeypad(t, f.demo[0].Code)
	f.tap(t, "Open my door")
	if !f.shows("already been collected") || !f.shows("Call +44 20 7946 0000") || f.shows("does not match") {
		t.Fatalf("texts %q", f.texts())
	}
}

// TestSeveralParcelsOneAfterAnother: two parcels under one code open one
// door after the other; the question comes after the last.
func TestSeveralParcelsOneAfterAnother(t *testing.T) {
	f := newFixture(t)
	first := f.demo[0]
	f.eng.Stock(first.Code, 2)
	toDoor(t, f)
	f.want(t, &doorScreen{})
	if !f.shows("1 more parcel") {
		t.Fatalf("texts %q", f.texts())
	}
	opened := f.doorShown(t)
	f.close(opened)
	f.want(t, &doorScreen{})
	if f.doorShown(t) == opened || f.doorShown(t) != 2 {
		t.Fatalf("second door %d, want 2", f.doorShown(t))
	}
	f.close(2)
	f.want(t, &gotItScreen{})
}

func TestKeyboardOnHomeIsAPickup(t *testing.T) {
	f := newFixture(t)
	p := f.demo[1]
	f.typeKeys(strings.ToLower(app.FormatCode(p.Code)), 200*time.Millisecond)
	f.want(t, &doorScreen{})
	if f.doorShown(t) != p.DoorID {
		t.Fatalf("typed code + Enter: door %d, want %d", f.doorShown(t), p.DoorID)
	}
}

func TestKeypadHasNoAmbiguousKeys(t *testing.T) {
	f := newFixture(t)
	f.tap(t, "Collect a parcel")
	for _, s := range []string{"I", "L", "O", "U"} {
		if _, ok := f.pad(t).keys[s]; ok {
			t.Errorf("keypad offers %q", s)
		}
	}
	f.pad(t).Type("il0o-abc")
	if got := f.pad(t).display.Text; got != "1100-ABC·" {
		t.Fatalf("display %q", got)
	}
	if !f.pad(t).ok.Disabled() {
		t.Fatal("OK enabled with 7 symbols")
	}
	test.Tap(f.pad(t).keys["delete"])
	if got := f.pad(t).display.Text; got != "1100-AB··" {
		t.Fatalf("after delete: display %q", got)
	}
}

func toGotIt(t *testing.T, f *fixture) {
	t.Helper()
	toDoor(t, f)
	f.close(f.demo[0].DoorID)
}
