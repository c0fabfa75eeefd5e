package ui

import (
	"context"
	"unicode"

	"fyne.io/fyne/v2"

	"pudo/app/core"
	"pudo/scanner"
)

// keyInput is the physical keyboard and keyboard-mode scanners: every key
// goes to the burst detector, which tells a scan from a person typing.
type keyInput struct {
	burst *scanner.KeyBurst
	// typing is set while a key is handled: a screen the key brings up
	// (home's first key opens code entry) keeps what was typed so far.
	typing bool
}

// newScreen forgets what was typed on the screen before.
func (in *keyInput) newScreen() {
	if !in.typing {
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
	k.dispatchKey(keyPress{r: r})
	k.touch()
}

// typedKey takes a named key. Enter ends typed input; Space and Tab are
// never a control's: Space comes as a rune too, and Tab is ignored.
func (k *Kiosk) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		k.enter()
	case fyne.KeySpace, fyne.KeyTab:
	default:
		if !k.dispatchKey(keyPress{name: ev.Name}) && ev.Name == fyne.KeyEscape {
			k.escape()
			return
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

// escape leaves a shopper's screen for home; couriers and staff leave by
// their own buttons.
func (k *Kiosk) escape() {
	if k.staff == nil && k.courier == nil {
		k.showHome()
	}
}

// enter ends typed input: a scanner's burst is a scan wherever it comes,
// a person's typing goes to the screen.
func (k *Kiosk) enter() {
	text, scanned := k.input.burst.Enter(k.now())
	if _, ok := k.shown.(typingOnly); ok {
		scanned = false
	}
	if scanned {
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
	h := k.opts.Scanners
	if h == nil {
		k.Scanned(text)
		return
	}
	k.async(func() { h.Push(context.Background(), scanner.Read{Text: text, Source: scanner.SourceKeyboard}) })
}

// Scanned takes a code read by a camera or a scanner and gives it to the
// screen on show; a screen that takes no scans ignores it.
func (k *Kiosk) Scanned(text string) {
	k.lastScan = text
	k.touch()
	if s, ok := k.shown.(scanTaker); ok {
		s.scanned(k, text)
	}
}

// entryScan is what a scan does on the screens a person starts from: a code
// that is none of ours (a product barcode held up by mistake) is ignored
// rather than counted as a wrong code.
func (k *Kiosk) entryScan(text string) {
	switch k.classify(text) {
	case PayloadPickupCode:
		k.play(SoundScan)
		code, _ := core.NormalizeCode(text)
		k.submitCode(code)
	case PayloadPickupToken:
		k.play(SoundScan)
		k.submitPickupScan(text)
	case PayloadCourierToken:
		k.play(SoundScan)
		k.courierLogin(text)
	case PayloadReturnCode:
		k.play(SoundScan)
		k.submitReturn(text)
	default:
		k.log.Info("scan ignored: not one of ours", "len", len(text))
	}
}

func (k *Kiosk) classify(text string) Payload {
	if k.flows.Scans != nil {
		return k.flows.Scans.Classify(text)
	}
	if _, err := core.NormalizeCode(text); err == nil {
		return PayloadPickupCode
	}
	return PayloadForeign
}

// startTyping is what a key does on the screens a person starts from: a
// letter or digit opens pickup code entry and is typed there; a space or
// punctuation starts nothing.
func (k *Kiosk) startTyping(kp keyPress) bool {
	if !unicode.IsLetter(kp.r) && !unicode.IsDigit(kp.r) {
		return false
	}
	s := k.showEntry(entryPickup, "")
	return s.key(k, kp)
}
