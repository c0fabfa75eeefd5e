package ui

import (
	"reflect"
	"strings"

	"fyne.io/fyne/v2"
)

// screen is one screen of the kiosk, one type per screen. The router shows
// one at a time; the screen draws itself and, through the optional
// interfaces below, takes the keyboard, scans and door notices while it is
// shown. A screen that does not implement one of them ignores that input:
// nothing reaches a screen that did not ask for it.
//
// draw may arm timers with Kiosk.later; they stop when the screen's content
// is replaced, so a screen never acts after it left.
type screen interface {
	draw(k *Kiosk) fyne.CanvasObject
	idle() idleRule
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

// scanTaker takes a code read by a camera or scanner.
type scanTaker interface {
	scanned(k *Kiosk, text string)
}

// noticeTaker follows door notices while the screen is shown.
type noticeTaker interface {
	notice(k *Kiosk, n doorNotice)
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

// idleRule says what a screen does when nobody touches it.
type idleRule int

const (
	idleNever idleRule = iota // home, and screens waiting for a door
	idleAsk                   // ask "Need more time?", then go home
	idleAdmin                 // the same, on the admin's longer clock
)

// screenName names a screen in the log by its type (homeScreen, ...), so
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
