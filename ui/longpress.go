package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"pudo/app/voice"
)

// longPress follows one press on a shopper's screen, wherever it lands
// (a button, or the background behind the labels): held for
// speech.long_press it starts audio mode, and the button under it is not
// pressed when the finger lifts. A person who cannot see the screen finds
// it anywhere.
//
// A press is long by what the screen saw, not by a clock alone: the screen
// looks at it heldChecks times along the way, each look only after the one
// before ran, and it is long only if the finger was still down at every
// one. On a loaded machine whose screen stalled, the lift of a slow tap
// waits in the queue behind one overdue look, not behind all of them, so
// it ends the press before it is called long.
type longPress struct {
	stop  func() // the next look at the press held now; nil: none
	fired bool   // the press held now became a long press
}

// heldChecks is how many times a press is seen held before it is long.
const heldChecks = 8

// pressDown starts following a press, where audio mode may start.
func (k *Kiosk) pressDown() {
	if k.opts.Speech == nil || !voice.ShopperView(k.view) {
		return
	}
	k.pressUp()
	k.long.fired = false
	k.held(1)
}

// held looks at the press again, the n-th time, a share of the long
// press's time after the last look ran.
func (k *Kiosk) held(n int) {
	k.long.stop = k.after(k.opts.LongPress/heldChecks, func() {
		if n < heldChecks {
			k.held(n + 1)
			return
		}
		k.long.stop = nil
		k.long.fired = true
		k.startAudio()
	})
}

// pressUp ends the press; it reports whether it was a long one, which
// then presses nothing.
func (k *Kiosk) pressUp() bool {
	if k.long.stop != nil {
		k.long.stop()
		k.long.stop = nil
	}
	fired := k.long.fired
	k.long.fired = false
	return fired
}

// MouseDown and MouseUp make every button of the kiosk part of the long
// press; a long one swallows the tap that Fyne sends after MouseUp.
func (b *button) MouseDown(*desktop.MouseEvent) { b.k.pressDown() }
func (b *button) MouseUp(*desktop.MouseEvent)   { b.long = b.k.pressUp() }

func (b *button) Tapped(ev *fyne.PointEvent) {
	if b.long {
		b.long = false
		return
	}
	if !b.Disabled() && b.drawn != nil {
		b.drawn.ripple()
	}
	b.Button.Tapped(ev)
}

// pressArea lies behind a screen's content and takes the presses that no
// control does, for the long press.
type pressArea struct {
	widget.BaseWidget
	k *Kiosk
}

func newPressArea(k *Kiosk) *pressArea {
	a := &pressArea{k: k}
	a.ExtendBaseWidget(a)
	return a
}

func (a *pressArea) MouseDown(*desktop.MouseEvent) { a.k.pressDown() }
func (a *pressArea) MouseUp(*desktop.MouseEvent)   { a.k.pressUp() }

func (a *pressArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// pressable puts a screen's content in front of a press area.
func (k *Kiosk) pressable(content fyne.CanvasObject) fyne.CanvasObject {
	if k.opts.Speech == nil {
		return content
	}
	return container.NewStack(newPressArea(k), content)
}
