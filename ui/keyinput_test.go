package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// Input is told by what it is, not by its speed alone: keys a busy
// machine delivers in a bunch are still a person's typing, a token typed
// with a gap is still a token, and nothing typed is lost.

// typeBunched types s on the keyboard as a busy kiosk delivers it: the
// first keys gap apart, the rest (from key n on) a millisecond apart, the
// Enter too.
func (f *fixture) typeBunched(s string, gap time.Duration, n int) {
	for i, r := range s {
		d := gap
		if i >= n {
			d = time.Millisecond
		}
		f.clock.advance(d)
		f.typeRune(r)
	}
	f.clock.advance(time.Millisecond)
	f.pressKey(fyne.KeyReturn)
	f.pump()
}

func TestTypingDeliveredInABunchOpensTheDoor(t *testing.T) {
	for _, tc := range []struct {
		name string
		gap  time.Duration
		n    int
	}{
		{"150 ms a key, the last five bunched", 150 * time.Millisecond, 3},
		{"60 ms a key, the last four bunched", 60 * time.Millisecond, 4},
		{"everything bunched", time.Millisecond, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.k.opts.PushScan = nil
			p := f.demo[0]
			f.typeBunched(p.Code, tc.gap, tc.n)
			f.want(t, &doorScreen{})
			if got := f.doorShown(t); got != p.DoorID {
				t.Fatalf("door %d, want %d", got, p.DoorID)
			}
		})
	}
}

// A fast run that is not a code of ours stays on the keypad: nothing is
// scanned, nothing cleared.
func TestFastPartialCodeStaysTyped(t *testing.T) {
	f := newFixture(t)
	f.k.opts.PushScan = nil
	f.tap(t, "Collect a parcel")
	calls := len(f.eng.Calls())
	f.typeBunched("7K3M5", time.Millisecond, 0)
	f.want(t, &codeScreen{})
	if got := f.pad(t).code; got != "7K3M5" {
		t.Fatalf("keypad %q, want the five keys typed", got)
	}
	if len(f.eng.Calls()) != calls {
		t.Fatalf("a partial code went to the locker: %q", f.eng.Calls()[calls:])
	}
}

// A courier token typed by a keyboard scanner and split by a long delay
// is still one token: the courier signs in, from home, where no code
// entry opens for its first letters.
func TestTokenSplitByADelaySignsIn(t *testing.T) {
	for _, split := range []int{2, 5, 12} {
		f := newFixture(t)
		f.k.opts.PushScan = nil
		for i, r := range annaToken {
			d := 3 * time.Millisecond
			if i == split {
				d = 700 * time.Millisecond
			}
			f.clock.advance(d)
			f.typeRune(r)
		}
		f.clock.advance(3 * time.Millisecond)
		f.pressKey(fyne.KeyReturn)
		f.pump()
		f.want(t, &courierMenuScreen{})
		if f.called("pickup") {
			t.Fatalf("split at %d: the token's keys reached code entry: %q", split, f.eng.Calls())
		}
	}
}

// A key held back as a possible token start reaches the screen when no
// token follows: the person sees what they typed.
func TestHeldKeyReachesTheScreen(t *testing.T) {
	f := newFixture(t)
	f.tap(t, "Collect a parcel")
	f.typeRune('P')
	if got := f.pad(t).code; got != "" {
		t.Fatalf("P typed at once (%q): it may start a token", got)
	}
	f.clock.advance(holdFor)
	if got := f.pad(t).code; got != "P" {
		t.Fatalf("keypad %q after a pause, want P", got)
	}
	f.clock.advance(200 * time.Millisecond)
	f.typeRune('7')
	if got := f.pad(t).code; got != "P7" {
		t.Fatalf("keypad %q, want P7", got)
	}
}

// During a guessing pause a code kept for its end is replaced by the next
// code typed, however it comes: keys at 150 ms, or a keyboard scanner's
// burst; the newest is the one tried.
func TestNewCodeReplacesTheKeptOne(t *testing.T) {
	for _, how := range []string{"typed", "scanned"} {
		t.Run(how, func(t *testing.T) {
			f := newFixture(t, func(o *Options) { o.Settings.IdleTimeout = time.Hour })
			f.k.opts.PushScan = nil
			f.eng.PauseCodes(f.clock.now.Add(2 * time.Minute))
			f.tap(t, "Collect a parcel")
			f.typeKeys("ZZZZZZZZ", 150*time.Millisecond)
			if !f.shows("Your code is kept") {
				t.Fatalf("texts %q", f.texts())
			}
			p := f.demo[1]
			if how == "typed" {
				f.typeKeys(p.Code, 150*time.Millisecond)
			} else {
				f.typeKeys(p.Code, 3*time.Millisecond)
			}
			if got := f.pad(t).code; got != p.Code || !f.shows("Your code is kept") || f.called("pickup") {
				t.Fatalf("keypad %q (want %q), texts %q, calls %q", got, p.Code, f.texts(), f.eng.Calls())
			}
			f.clock.advance(2 * time.Minute)
			f.want(t, &doorScreen{})
			if got := f.doorShown(t); got != p.DoorID {
				t.Fatalf("door %d, want %d: the kept code was tried", got, p.DoorID)
			}
		})
	}
}

// Nothing changes under the finger: after a screen the person did not
// cause comes up (the door closed: "did you get your parcel?"), a tap is
// ignored for the guard's time; the person's own screens are not guarded.
func TestTapGuard(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.TapGuard = 700 * time.Millisecond })
	p := f.demo[0]
	f.tap(t, "Collect a parcel") // the person's own: no guard
	f.typeKeys(p.Code, 200*time.Millisecond)
	f.want(t, &doorScreen{})
	f.close(p.DoorID)
	f.want(t, &gotItScreen{})
	f.tap(t, "Yes, thank you")
	f.want(t, &gotItScreen{})
	f.clock.advance(700 * time.Millisecond)
	f.tap(t, "Yes, thank you")
	f.want(t, &thanksScreen{})
}

// On a busy kiosk the code screen comes up after the person typed the
// whole code and Enter on home: the Enter is the code screen's too.
func TestEnterBeforeTheCodeScreen(t *testing.T) {
	f := newFixture(t)
	var queued []func(context.Context)
	f.k.async = func(fn func(context.Context)) { queued = append(queued, fn) } // the worker is busy
	p := f.demo[0]
	for _, r := range p.Code {
		f.clock.advance(150 * time.Millisecond)
		f.typeRune(r)
	}
	f.clock.advance(150 * time.Millisecond)
	f.pressKey(fyne.KeyReturn)
	f.k.async = func(fn func(context.Context)) { fn(context.Background()) }
	for _, fn := range queued {
		fn(context.Background())
	}
	f.pump()
	f.clock.advance(time.Millisecond)
	f.want(t, &doorScreen{})
	if got := f.doorShown(t); got != p.DoorID {
		t.Fatalf("door %d, want %d", got, p.DoorID)
	}
}

// A screen that comes up while a token's keys are coming in (on a busy
// kiosk, the code screen a released first key asked for arrives only
// after the token began) does not cut the token: it is still read whole.
func TestNewScreenDuringATokenKeepsIt(t *testing.T) {
	for _, at := range []int{1, 4, 8} {
		f := newFixture(t)
		in := &f.k.input
		in.burst.Reset()
		now := f.clock.now
		var typed []rune
		for i, r := range annaToken {
			now = now.Add(3 * time.Millisecond)
			typed = append(typed, in.burst.Key(r, now).Type...)
			if i == at {
				in.newScreen()
			}
		}
		e := in.burst.Enter(now.Add(3 * time.Millisecond))
		if !e.Scanned || e.Text != annaToken {
			t.Fatalf("screen at key %d: read %q (scanned %v), typed %q; want the token scanned", at, e.Text, e.Scanned, string(typed))
		}
	}
}
