package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// longPress follows one press on the screen, wherever it lands (a button,
// or the background behind the labels): held for speech.long_press it
// starts audio mode, and the button under it is not pressed when the
// finger lifts. A person who cannot see the screen finds it anywhere.
type longPress struct {
	stop  func() // the timer of the press held now; nil: none
	fired bool   // the press held now became a long press
}

// pressDown starts timing a press.
func (k *Kiosk) pressDown() {
	if k.opts.Speech == nil {
		return
	}
	k.pressUp()
	k.long.fired = false
	k.long.stop = k.after(k.opts.LongPress, func() {
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
