package ui

import (
	"reflect"
	"strings"

	"fyne.io/fyne/v2"

	"pudo/app"
)

// screen is one screen of the kiosk, one type per screen, each drawing one
// kind of app.View. The router (Kiosk.screenFor) builds it with its view
// and the few services it draws with, as a context declared beside the
// screen (interfaces declared where used): the kiosk is the router, not
// the screens' context. The screen draws its view and turns taps and keys
// into intents for the locker's sessions, which decide what comes next: a
// screen holds no rule about rents or doors. Through the optional
// interfaces below it takes the keyboard; a screen that does not
// implement one ignores that input. Scans and door notices go to the
// sessions (session.Front), which answer with the next view.
//
// draw may arm timers with its context's later (Kiosk.later); they stop
// when the screen's content is replaced, so a screen never acts after it
// left.
type screen interface {
	idle() app.Idle
	draw() fyne.CanvasObject
}

// controls make a screen's buttons and lay them out: a button hands the
// keyboard to the kiosk and using it counts as presence; a row fits the
// panel's width. Most screens' contexts hold them.
type controls interface {
	button(label string, icon fyne.Resource, f func()) *button
	mainButton(label string, icon fyne.Resource, f func()) *button
	row(objs ...fyne.CanvasObject) fyne.CanvasObject
}

// keyTaker takes keys from a keyboard, a keyboard-mode scanner or a
// tactile keypad: runes and named keys alike. It reports whether it used
// the key; the router handles what it did not (Escape).
type keyTaker interface {
	key(kp keyPress) bool
}

// enterTaker takes an Enter that ended a person's typing (a scanner's
// burst is a scan instead, see typingOnly).
type enterTaker interface {
	enter()
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
	keepScan(text string) bool
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
