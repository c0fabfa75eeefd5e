package ui

import (
	"context"
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
	// open: it comes up only once the Front answered.
	early []rune
	// entered is the code typed last, until the code screen that answers
	// it shows it again (refused) or keeps it (paused); never logged.
	entered string
}

// newScreen forgets what was typed on the screen before, unless it was
// typed for the screen coming up.
func (in *keyInput) newScreen() {
	if !in.typing && len(in.early) == 0 {
		in.burst.Reset()
	}
}

// typedRune takes a rune from a physical keyboard or a keyboard-mode
// scanner, whether it came to the canvas or to a focused control (see
// button): the screen on show decides what it means. Control characters
// are never part of our codes and are dropped.
func (k *Kiosk) typedRune(r rune) {
	if unicode.IsControl(r) {
		return
	}
	k.input.burst.Key(r, k.now())
	if !k.audioRune(r) {
		k.dispatchKey(keyPress{r: r})
	}
	k.touch()
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
	t, ok := k.shown.(keyTaker)
	if !ok {
		return false
	}
	k.input.typing = true
	defer func() { k.input.typing = false }()
	return t.key(k, kp)
}

// enter ends typed input: a scanner's burst is a scan wherever it comes,
// a person's typing goes to the screen.
func (k *Kiosk) enter(name fyne.KeyName) {
	text, scanned := k.input.burst.Enter(k.now())
	if !scanned && k.voice.on && k.tactileKey(name) {
		return // audio mode: the keypad's confirm key
	}
	if _, ok := k.shown.(typingOnly); ok {
		scanned = false
	}
	if scanned {
		k.input.early = nil
		if h, ok := k.shown.(keypadHolder); ok {
			h.pad().Clear()
		}
		k.keyboardScan(text)
		return
	}
	if t, ok := k.shown.(enterTaker); ok {
		t.enter(k)
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
