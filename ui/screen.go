package ui

import (
	"reflect"
	"strings"

	"fyne.io/fyne/v2"

	"pudo/app"
)

// screen is one screen of the kiosk, one type per screen, each drawing one
// kind of app.View. The router shows one at a time; the screen draws its
// view and turns taps and keys into intents for the locker's sessions,
// which decide what comes next: a screen holds no rule about rents or
// doors. Through the optional interfaces below it takes the keyboard; a
// screen that does not implement one ignores that input. Scans and door
// notices go to the sessions (session.Front), which answer with the next view.
//
// Later needs fit the same way: a screen that speaks its text implements
// one more method, and a tactile keypad's keys arrive as keyPress values.
//
// draw may arm timers with Kiosk.later; they stop when the screen's content
// is replaced, so a screen never acts after it left.
type screen interface {
	draw(k *Kiosk) fyne.CanvasObject
	idle() app.Idle
}

// keyTaker takes keys from a keyboard, a keyboard-mode scanner or a
// tactile keypad: runes and named keys alike. It reports whether it used
// the key; the router handles what it did not (Escape).
type keyTaker interface {
	key(k *Kiosk, key keyPress) bool
}

// enterTaker takes an Enter that ended a person's typing (a scanner's
// burst is a scan instead, see typingOnly).
type enterTaker interface {
	enter(k *Kiosk)
}

// typingOnly marks a screen where a fast burst of keys is still typing: a
// PIN comes from a person, however fast they type.
type typingOnly interface {
	typingOnly()
}

// labelReader is a screen that reads what is none of ours: the courier's
// drop screen takes a parcel's label. What a keyboard types there up to
// Enter is a label, whatever its content or speed (see Kiosk.enter).
type labelReader interface {
	readsLabels()
}

// scanKeeper is a screen that may take a keyboard scan as typing: the
// code screen during a guessing pause keeps a newly scanned code in place
// of the one kept, to be tried when the pause ends.
type scanKeeper interface {
	keepScan(k *Kiosk, text string) bool
}

// keypadHolder is a screen with an on-screen keypad.
type keypadHolder interface {
	pad() *keypad
}

// keyPress is one key: a rune (r != 0) or a named key.
type keyPress struct {
	r    rune
	name fyne.KeyName
}

// screenName names a screen in the log by its type (home, code, ...), so
// support reads what the person saw; nothing routes by it.
func screenName(s screen) string {
	if s == nil {
		return "none"
	}
	t := reflect.TypeOf(s)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return strings.TrimSuffix(t.Name(), "Screen")
}
