package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
	"pudo/app/voice"
)

// touchPad lies over the code keypad in audio mode, so that a person who
// cannot see it types by touch: the key under the finger is said as the
// finger rests or slides on it, and typed when the finger lifts from it.
// A finger lifted off the keypad types nothing. Outside audio mode it is
// hidden and the keys take taps as ever.
type touchPad struct {
	widget.BaseWidget
	k   *Kiosk
	pad *keypad

	under string // the key under the finger: a symbol, "delete", "ok", "back", "display"; "" none
	taken bool   // the finger lifted and its key was taken
}

func newTouchPad(k *Kiosk, pad *keypad) *touchPad {
	t := &touchPad{k: k, pad: pad}
	t.ExtendBaseWidget(t)
	t.Hide()
	return t
}

func (t *touchPad) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// MouseDown: a finger on a key hears it.
func (t *touchPad) MouseDown(ev *desktop.MouseEvent) {
	t.taken = false
	t.under = ""
	t.rest(ev.Position)
}

// Dragged: the finger slides to another key, which is said.
func (t *touchPad) Dragged(ev *fyne.DragEvent) { t.rest(ev.Position) }

// MouseUp: the finger lifts from the key it is on, which is typed.
func (t *touchPad) MouseUp(ev *desktop.MouseEvent) {
	t.rest(ev.Position)
	t.lift()
}

// DragEnd: a slide that ended where nothing takes a mouse-up; the key
// last under the finger is typed, unless the finger left the keypad.
func (t *touchPad) DragEnd() { t.lift() }

func (t *touchPad) rest(pos fyne.Position) {
	key := t.keyAt(pos)
	if key == t.under {
		return
	}
	t.under = key
	if key != "" {
		t.k.speak(t.spoken(key))
	}
}

func (t *touchPad) lift() {
	if t.taken {
		return
	}
	t.taken = true
	key := t.under
	t.under = ""
	t.k.touch()
	switch key {
	case "":
	case "delete":
		t.k.press(voice.KeyDelete)
	case "ok":
		t.k.press(voice.KeyConfirm)
	case "display":
		t.k.press(voice.KeyReadBack)
	case "back":
		t.k.send(app.Back{})
	default:
		t.k.typeChar(rune(key[0]))
	}
}

// spoken is what a key says under the finger: its character, or its label.
func (t *touchPad) spoken(key string) voice.Phrase {
	switch key {
	case "delete":
		return voice.TouchKey("keypad.delete")
	case "ok":
		if cv, ok := t.k.view.(*app.CodeView); ok && cv.For == app.EntryReturn {
			return voice.TouchKey("return.ok")
		}
		return voice.TouchKey("keypad.ok")
	case "back":
		return voice.TouchKey("common.back")
	case "display":
		return voice.Say(voice.SpokenPrefix+"code.readback", "N", len(t.pad.code), "Need", t.pad.length)
	}
	return voice.TouchKey(key)
}

// keyAt is the key at pos, in the pad's coordinates.
func (t *touchPad) keyAt(pos fyne.Position) string {
	d := fyne.CurrentApp().Driver()
	origin := d.AbsolutePositionForObject(t)
	at := origin.Add(pos)
	inside := func(o fyne.CanvasObject) bool {
		if o == nil || !o.Visible() {
			return false
		}
		p, s := d.AbsolutePositionForObject(o), o.Size()
		return at.X >= p.X && at.Y >= p.Y && at.X < p.X+s.Width && at.Y < p.Y+s.Height
	}
	for name, b := range t.pad.keys {
		if inside(b) {
			return name
		}
	}
	switch {
	case inside(t.pad.ok):
		return "ok"
	case t.pad.back != nil && inside(t.pad.back):
		return "back"
	case inside(t.pad.display):
		return "display"
	}
	return ""
}
