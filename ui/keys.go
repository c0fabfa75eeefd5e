package ui

import (
	"context"

	"fyne.io/fyne/v2"

	"pudo/app/core"
	"pudo/scanner"
)

// typedRune takes a physical keyboard or a keyboard-mode scanner. Every key
// goes to the burst detector; on screens with a keypad it is typed there
// too, and on the start screens typing starts code entry.
func (k *Kiosk) typedRune(r rune) {
	k.burst.Key(r, k.now())
	switch k.screen {
	case "home", "problem", "thanks":
		k.showEntry(entryPickup)
		k.burst.Key(r, k.now()) // show() forgot it
		fallthrough
	case string(entryPickup), string(entryReturn), "pin", "pin.again":
		if k.keypad != nil {
			k.keypad.Type(string(r))
		}
	}
	k.touch()
}

func (k *Kiosk) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		k.enter()
	case fyne.KeyBackspace:
		if k.keypad != nil {
			k.keypad.Delete()
		}
	case fyne.KeyEscape:
		if k.staff == nil && k.courier == nil {
			k.showHome()
			return
		}
	}
	k.touch()
}

// enter ends typed input: a scanner's burst is a scan wherever it comes,
// a person's typing submits the keypad.
func (k *Kiosk) enter() {
	text, scanned := k.burst.Enter(k.now())
	if scanned && (k.screen == "pin" || k.screen == "pin.again") {
		scanned = false // a PIN comes from a person, however fast they type
	}
	if scanned {
		if k.keypad != nil {
			k.keypad.Clear()
		}
		k.keyboardScan(text)
		return
	}
	switch k.screen {
	case string(entryPickup), string(entryReturn), "pin", "pin.again":
		k.keypad.submit()
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

// Scanned takes a code read by a camera or a scanner. What it does depends
// on what the code is and on the screen; a code that is none of ours (a
// product barcode held up by mistake) is ignored rather than counted as a
// wrong code.
func (k *Kiosk) Scanned(text string) {
	k.lastScan = text
	k.touch()
	switch {
	case k.screen == "admin.hardware":
		k.showAdminHardware()
		return
	case k.screen == "drop":
		k.play(SoundScan)
		k.dropLabel(text)
		return
	case k.staff != nil, k.screen == "opening", k.screen == "door":
		return
	}
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
