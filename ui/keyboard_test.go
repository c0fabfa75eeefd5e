package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// TestTabDoesNotTrapTheKeyboard: one Tab (a keyboard, or a keyboard-mode
// scanner reading a code that holds a tab) gives a button Fyne's focus; the
// code typed after it must still reach the kiosk, Escape included.
func TestTabDoesNotTrapTheKeyboard(t *testing.T) {
	f := newFixture(t)
	p := f.demo[1]
	f.pressKey(fyne.KeyTab)
	if f.w.Canvas().Focused() == nil {
		t.Fatal("Tab focused nothing: the test does not set the trap up")
	}
	f.typeKeys(p.Code, 200*time.Millisecond)
	f.want(t, &doorScreen{})
	if got := f.doorShown(t); got != p.DoorID {
		t.Fatalf("door %d, want %d", got, p.DoorID)
	}

	f = newFixture(t)
	f.tap(t, "Collect a parcel")
	f.pressKey(fyne.KeyTab)
	f.pressKey(fyne.KeyTab) // a second Tab must not move the focus away either
	f.typeRune('7')
	if got := f.pad(t).code; got != "7" {
		t.Fatalf("code %q after Tab, want 7", got)
	}
	f.pressKey(fyne.KeyEscape)
	f.pump()
	f.want(t, &homeScreen{})
}

// TestSpaceNeverPressesAButton: with a button focused after a Tab, Space
// is a key like any other, never a press of that button.
func TestSpaceNeverPressesAButton(t *testing.T) {
	tests := map[string]func(t *testing.T, f *fixture){
		"home":       func(*testing.T, *fixture) {},
		"code entry": func(t *testing.T, f *fixture) { f.tap(t, "Collect a parcel") },
		"courier":    func(t *testing.T, f *fixture) { f.scanned(annaToken) },
	}
	for name, setup := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			setup(t, f)
			before, calls := f.k.shown, len(f.eng.Calls())
			for range 3 {
				f.pressKey(fyne.KeyTab)
				f.pressSpace()
			}
			if f.w.Canvas().Focused() == nil {
				t.Fatal("Tab focused nothing: the test does not set the trap up")
			}
			if f.k.shown != before || CurrentLanguage() != "en" || len(f.eng.Calls()) != calls {
				t.Fatalf("Space did something: on %s, language %s, calls %q", screenName(f.k.shown), CurrentLanguage(), f.eng.Calls())
			}
			if h, ok := f.k.shown.(keypadHolder); ok && h.pad().code != "" {
				t.Fatalf("Space typed %q", h.pad().code)
			}
		})
	}
}

// TestScanWithTabIsStillAScan: a keyboard-mode scanner whose code holds a
// tab and control characters sends them between fast keys; they are
// dropped and the burst is still one scan.
func TestScanWithTabIsStillAScan(t *testing.T) {
	f := newFixture(t)
	f.k.opts.PushScan = nil // the scan goes straight to the screen
	for i, r := range annaToken {
		f.clock.advance(3 * time.Millisecond)
		f.typeRune(r)
		if i == 4 {
			f.pressKey(fyne.KeyTab)
			f.typeRune('\x1d') // GS, as GS1 labels carry
		}
	}
	f.clock.advance(3 * time.Millisecond)
	f.pressKey(fyne.KeyReturn)
	f.pump()
	f.want(t, &courierMenuScreen{})
}

// TestKeysForRefusedCodeEntryAreDropped: keys typed on home wait for the
// code screen they open; when the locker answers with Out of order
// instead, they are dropped, not typed into a later code screen.
func TestKeysForRefusedCodeEntryAreDropped(t *testing.T) {
	f := newFixture(t)
	var queued []func(context.Context)
	f.k.async = func(fn func(context.Context)) { queued = append(queued, fn) } // the worker is busy
	f.typeRune('7')
	f.typeRune('K')
	f.eng.SetOutOfOrder(true, "lock bus down")
	f.k.async = func(fn func(context.Context)) { fn(context.Background()) }
	f.pump() // the notice reached the Front before the Collect the keys asked for
	for _, fn := range queued {
		fn(context.Background())
	}
	f.want(t, &outOfOrderScreen{})
	f.eng.SetOutOfOrder(false, "")
	f.pump()
	f.tap(t, "Collect a parcel")
	if got := f.pad(t).code; got != "" {
		t.Fatalf("code screen starts with %q", got)
	}
}
