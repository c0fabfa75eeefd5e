package ui

import (
	"context"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"

	"pudo/app"
	"pudo/app/session"
)

// keyInput is the physical keyboard and keyboard-mode scanners: every key
// goes to the burst detector, which tells a scan from a person typing.
type keyInput struct {
	burst *session.KeyBurst
	// typing is set while a key is handled: a screen the key brings up
	// (home's first key opens code entry) keeps what was typed so far.
	typing bool
	// early are keys typed on a start screen, for the code screen they
	// open: it comes up only once the Front answered; earlyEnter is an
	// Enter that came before it did, for it too.
	early      []rune
	earlyEnter bool
	// entered is the code typed last, until the code screen that answers
	// it shows it again (refused) or keeps it (paused); never logged.
	entered string
	// keys counts the keys typed, so that a release of held keys knows
	// whether another key came meanwhile.
	keys uint64
	// undo takes back keys released as typing that turned out to start a
	// token; nil when there is nothing to take back.
	undo func()
}

// holdFor is how long keys that may start a token wait for the next one
// before they go to the screen as typing: a keyboard scanner types the
// next key within milliseconds, a person who paused sees the key.
const holdFor = 300 * time.Millisecond

// newScreen forgets what was typed on the screen before, unless it was
// typed for the screen coming up, is held back for a moment, may still
// turn out to start a token (undo), or is a token being read. A screen
// the session brings up while a token's keys come in (the code screen
// that a released first key asked for, on a busy kiosk only after more
// keys) must not cut the token in two: its rest would be typed as a code.
func (in *keyInput) newScreen() {
	if !in.typing && len(in.early) == 0 && !in.burst.Held() && !in.burst.Reading() && in.undo == nil {
		in.burst.Reset()
	}
}

// typedRune takes a rune from a physical keyboard or a keyboard-mode
// scanner, whether it came to the canvas or to a focused control (see
// button): the screen on show decides what it means. Control characters
// are never part of our codes and are dropped. The key reader may hold a
// key back for a moment (it may start a token) and hands it over later.
func (k *Kiosk) typedRune(r rune) {
	if unicode.IsControl(r) {
		return
	}
	k.input.keys++
	keys := k.input.burst.Key(r, k.now())
	if keys.Retract && k.input.undo != nil {
		k.input.undo()
	}
	if keys.Retract || len(keys.Type) > 0 {
		k.input.undo = nil
	}
	for _, r := range keys.Type {
		k.typeRune(r)
	}
	if k.input.burst.Held() {
		if _, plain := k.shown.(typingOnly); plain {
			k.releaseHeld()
		} else {
			n := k.input.keys
			k.after(holdFor, func() {
				if k.input.keys == n {
					k.releaseHeld()
				}
			})
		}
	}
	k.touch()
}

// typeRune gives one key to the screen on show.
func (k *Kiosk) typeRune(r rune) {
	if !k.audioRune(r) {
		k.dispatchKey(keyPress{r: r})
	}
}

// releaseHeld gives the screen the keys held back as a token's possible
// start: nothing followed soon, so they are typing. Should the token go
// on after all (a scanner's burst split by a busy machine), undo takes
// them back from the screen.
func (k *Kiosk) releaseHeld() {
	rs := k.input.burst.Release()
	if len(rs) == 0 {
		return
	}
	if k.input.undo == nil {
		k.input.undo = k.snapshot()
	}
	for _, r := range rs {
		k.typeRune(r)
	}
}

// snapshot returns what puts the typing back as it is now: the keypad's
// code (empty on a keypad that comes up later) and the keys waiting for
// the code screen.
func (k *Kiosk) snapshot() func() {
	code := ""
	if h, ok := k.shown.(keypadHolder); ok && h.pad() != nil {
		code = h.pad().code
	}
	early := len(k.input.early)
	return func() {
		if len(k.input.early) > early {
			k.input.early = k.input.early[:early]
		}
		if h, ok := k.shown.(keypadHolder); ok && h.pad() != nil {
			h.pad().Clear()
			h.pad().Type(code)
		}
	}
}

// typedKey takes a named key. Enter ends typed input; Space and Tab are
// never a control's: Space comes as a rune too, and Tab is ignored.
func (k *Kiosk) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		k.enter(ev.Name)
	case fyne.KeySpace, fyne.KeyTab:
	default:
		if k.tactileKey(ev.Name) {
			break
		}
		if !k.dispatchKey(keyPress{name: ev.Name}) && ev.Name == fyne.KeyEscape {
			k.send(app.Escape{}) // the session decides who leaves by it
		}
	}
	k.touch()
}

func (k *Kiosk) dispatchKey(kp keyPress) bool {
	k.input.typing = true
	defer func() { k.input.typing = false }()
	if t, ok := k.shown.(keyTaker); ok {
		return t.key(kp)
	}
	return false
}

// enter ends typed input: a token read, or a scanner's burst that is a
// code or token of ours, is a scan wherever it comes; everything else is
// a person's typing and goes to the screen, keys held back first.
func (k *Kiosk) enter(name fyne.KeyName) {
	e := k.input.burst.Enter(k.now())
	k.input.keys++
	k.input.undo = nil
	if _, ok := k.shown.(labelReader); ok && !e.Scanned && strings.TrimSpace(e.Text) != "" {
		// What is typed there is a label, none of ours, however fast it
		// came: a scanner's burst a busy machine delivered with a pause
		// inside is still the whole label.
		e = session.Ended{Text: strings.TrimSpace(e.Text), Scanned: true}
	}
	for _, r := range e.Release {
		k.typeRune(r)
	}
	if !e.Scanned && k.voice.on && k.tactileKey(name) {
		return // audio mode: the keypad's confirm key
	}
	if _, ok := k.shown.(typingOnly); ok {
		e.Scanned = false
	}
	if e.Scanned {
		if s, ok := k.shown.(scanKeeper); ok && s.keepScan(e.Text) {
			return
		}
		k.input.early = nil
		if h, ok := k.shown.(keypadHolder); ok {
			h.pad().Clear()
		}
		k.keyboardScan(e.Text)
		return
	}
	if t, ok := k.shown.(enterTaker); ok {
		t.enter()
		return
	}
	if len(k.input.early) > 0 {
		// Typed faster than a busy kiosk brings the code screen up: the
		// Enter is for it, as the keys are.
		k.input.earlyEnter = true
	}
}

// keyboardScan hands a keyboard scanner's code to the scanner hub, so it
// is deduplicated and counted with the other readers and comes back through
// Scanned; without a hub it goes to Scanned directly.
func (k *Kiosk) keyboardScan(text string) {
	if push := k.opts.PushScan; push != nil {
		k.async(func(ctx context.Context) { push(ctx, text) })
		return
	}
	k.Scanned(text)
}

// Scanned takes a code read by a camera or a scanner; the session on show
// (or the Front, between sessions) decides what it means.
func (k *Kiosk) Scanned(text string) {
	k.touch()
	k.scan(text)
}

// tryCode sends a code typed on the code screen and keeps it for the code
// screen that answers it: refused, it is shown again; held up by a pause,
// it is tried when the pause ends.
func (k *Kiosk) tryCode(code string) {
	k.input.entered = code
	k.sendWaiting(app.EnterCode{Code: code})
}

// takeTried is the code tried last, once: no later screen shows it.
func (k *Kiosk) takeTried() string {
	code := k.input.entered
	k.input.entered = ""
	return code
}

// takeEarly are the keys typed on a start screen before the code screen
// came up, and whether an Enter came after them, once.
func (k *Kiosk) takeEarly() (keys []rune, enter bool) {
	keys, enter = k.input.early, k.input.earlyEnter
	k.input.early, k.input.earlyEnter = nil, false
	return keys, enter
}

// startTyping is what a key does on the screens a person starts from: a
// letter or digit opens pickup code entry, where it is typed; a space or
// punctuation starts nothing. The keys typed before the code screen came
// up wait for it.
func (k *Kiosk) startTyping(kp keyPress) bool {
	if !unicode.IsLetter(kp.r) && !unicode.IsDigit(kp.r) {
		return false
	}
	k.input.early = append(k.input.early, kp.r)
	if len(k.input.early) == 1 {
		k.send(app.Collect{})
	}
	return true
}
