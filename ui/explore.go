package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
	"pudo/app/voice"
)

// explorer lies over a screen in audio mode, so that a person who cannot
// see it uses it by touch, with the gestures of TalkBack and VoiceOver: a
// finger that touches or slides over the screen hears what is under it
// (which becomes the focus), and a double tap anywhere uses the focus.
// Nothing is pressed by a single touch: a blind person finds the buttons
// by feeling over the screen. The tactile keypad stays the other way.
type explorer struct {
	widget.BaseWidget
	k    *Kiosk
	root fyne.CanvasObject // what it explores: the screen beneath it

	down   bool      // a finger is on the screen
	lastUp time.Time // the last finger lifted, for a double tap
	second bool      // this touch is a double tap's second
	before *item     // the focus before this touch: what a double tap uses
}

// doubleTapWithin is how soon a second tap must follow the first to make
// a double tap, as on a phone.
const doubleTapWithin = 500 * time.Millisecond

// item is something on a screen a finger can find: a button, a text.
type item struct {
	obj  fyne.CanvasObject
	id   string       // the same item drawn again has the same id
	say  voice.Phrase // what is said when the finger finds it
	use  func()       // what a double tap does; nil: a text, only read
	rect fyne.Position
	size fyne.Size
}

func (k *Kiosk) newExplorer(root fyne.CanvasObject) *explorer {
	e := &explorer{k: k, root: root}
	e.ExtendBaseWidget(e)
	return e
}

func (e *explorer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// explorable lays an explorer over a screen's content in audio mode, with
// the bar that shows audio mode is on above it.
func (k *Kiosk) explorable(content fyne.CanvasObject) fyne.CanvasObject {
	if !k.voice.on {
		return content
	}
	return k.explored(container.NewBorder(k.audioBar(), nil, nil, nil, content))
}

// explored lays an explorer over root (a screen, a question over it) and
// has what its items say rendered ahead, so that a finger hears them at
// once.
func (k *Kiosk) explored(root fyne.CanvasObject) fyne.CanvasObject {
	e := k.newExplorer(root)
	k.after(0, func() { k.prepareItems(root) }) // once laid out
	return container.NewStack(root, e)
}

// audioBar shows that audio mode is on, in the lit colour across the top
// of the screen, and offers to hear the screen again or end audio mode.
func (k *Kiosk) audioBar() fyne.CanvasObject {
	on := widget.NewLabelWithStyle(tr("audio.on"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	on.Importance = widget.HighImportance
	again := k.button(tr("audio.again"), theme.MediaReplayIcon(), func() { k.press(voice.KeyRepeat) })
	end := k.button(tr("audio.end"), theme.VolumeMuteIcon(), func() { k.send(app.EndAudio{}) })
	bg := canvas.NewRectangle(themed(colorNameLit))
	bg.CornerRadius = 8
	again.setSizes(smallTheme(k.style))
	end.setSizes(smallTheme(k.style))
	return container.NewStack(bg, container.NewPadded(k.row(container.NewHBox(widget.NewIcon(theme.VolumeUpIcon()), on), again, end)))
}

// MouseDown: a finger touches the screen. Soon after a tap it is a
// double tap's second; otherwise it finds what is under it.
func (e *explorer) MouseDown(ev *desktop.MouseEvent) {
	e.down = true
	// Support reads how a person who cannot see used the screen.
	e.k.log.Info("audio mode: touch", "x", int(ev.Position.X), "y", int(ev.Position.Y))
	now := e.k.now()
	if !e.lastUp.IsZero() && now.Sub(e.lastUp) <= doubleTapWithin {
		e.second = true
		return
	}
	e.second = false
	e.before = e.k.voice.focus
	e.find(ev.Position, true)
}

// Dragged: the finger slides; each new thing under it is said.
func (e *explorer) Dragged(ev *fyne.DragEvent) {
	if e.second {
		return
	}
	e.find(ev.Position, false)
}

// DragEnd: the slide ended where nothing takes the lift.
func (e *explorer) DragEnd() { e.lift() }

// MouseUp: the finger lifts. A double tap's second uses what had the
// focus before the first tap: the tap itself may have landed anywhere.
func (e *explorer) MouseUp(*desktop.MouseEvent) { e.lift() }

func (e *explorer) lift() {
	if !e.down {
		return
	}
	e.down = false
	e.k.log.Info("audio mode: lift", "double_tap", e.second)
	e.k.touch()
	if !e.second {
		e.lastUp = e.k.now()
		return
	}
	e.second, e.lastUp = false, time.Time{}
	e.k.voice.focus = e.before
	e.k.useFocus(e.root)
}

// find makes what is under pos the focus and says it: on a new touch
// always, while sliding when it changed.
func (e *explorer) find(pos fyne.Position, touched bool) {
	it := e.k.itemAt(e.root, pos)
	f := e.k.voice.focus
	if !touched && (it == nil && f == nil || it != nil && f != nil && it.id == f.id) {
		return
	}
	e.k.voice.focus = it
	if it == nil || e.k.opts.Speech == nil {
		return
	}
	e.k.opts.Speech.Explore(CurrentLanguage(), it.say)
}

// useFocus does what a double tap on root asks of the focus: the item
// found last, or, the screen having been drawn again since, the same item
// on it now.
func (k *Kiosk) useFocus(root fyne.CanvasObject) {
	f := k.voice.focus
	if f == nil {
		k.interrupt(voice.Say(voice.SpokenPrefix + "touch.none"))
		return
	}
	var now *item
	for _, it := range k.items(root) {
		if it.id == f.id {
			now = &it
			break
		}
	}
	switch {
	case now == nil:
		k.voice.focus = nil
		k.interrupt(voice.Say(voice.SpokenPrefix + "touch.gone"))
	case now.use == nil:
		k.interrupt(now.say) // a text: read it again
	default:
		k.voice.focus = now
		now.use()
	}
}

// itemAt is the item under pos (in root's coordinates), the topmost.
func (k *Kiosk) itemAt(root fyne.CanvasObject, pos fyne.Position) *item {
	var found *item
	for _, it := range k.items(root) {
		if pos.X >= it.rect.X && pos.Y >= it.rect.Y && pos.X < it.rect.X+it.size.Width && pos.Y < it.rect.Y+it.size.Height {
			found = &it
		}
	}
	return found
}

// items are what a finger can find on root, in drawing order, each with
// its place in root's coordinates.
func (k *Kiosk) items(root fyne.CanvasObject) []item {
	var out []item
	var walk func(o fyne.CanvasObject, at fyne.Position)
	walk = func(o fyne.CanvasObject, at fyne.Position) {
		if o == nil || !o.Visible() {
			return
		}
		pos := at.Add(o.Position())
		if it, ok := k.itemOf(o); ok {
			it.rect, it.size = pos, o.Size()
			out = append(out, it)
			return
		}
		switch o := o.(type) {
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c, pos)
			}
		case *container.ThemeOverride:
			walk(o.Content, pos)
		case *container.Scroll:
			walk(o.Content, pos.Add(fyne.NewPos(-o.Offset.X, -o.Offset.Y)))
		}
	}
	walk(root, fyne.Position{}.Subtract(root.Position()))
	return out
}

// itemOf is o as an item, if a finger can find it.
func (k *Kiosk) itemOf(o fyne.CanvasObject) (item, bool) {
	if it, ok := k.keypadItem(o); ok {
		return it, true
	}
	switch o := o.(type) {
	case *button:
		if o.Text == "" {
			return item{}, false
		}
		if o.Disabled() {
			return item{obj: o, id: "button:" + o.Text, say: touchSay("touch.off", o.Text)}, true
		}
		return item{obj: o, id: "button:" + o.Text, say: touchSay("touch.button", o.Text), use: func() { o.OnTapped() }}, true
	case *widget.Label:
		if o.Text == "" {
			return item{}, false
		}
		return item{obj: o, id: "text:" + o.Text, say: touchSay("touch.text", o.Text)}, true
	case *widget.RichText:
		if t := o.String(); t != "" {
			return item{obj: o, id: "text:" + t, say: touchSay("touch.text", t)}, true
		}
	case *canvas.Text:
		if o.Text != "" {
			return item{obj: o, id: "text:" + o.Text, say: touchSay("touch.text", o.Text)}, true
		}
	}
	return item{}, false
}

func touchSay(key, text string) voice.Phrase {
	return voice.Say(voice.SpokenPrefix+key, "Text", voice.Text(text))
}

// keypadItem is a key of the code keypad on show: its character said as
// code entry says it, and typed into the locker's code entry (the
// keypad's display only mirrors it in audio mode).
func (k *Kiosk) keypadItem(o fyne.CanvasObject) (item, bool) {
	h, ok := k.shown.(keypadHolder)
	if !ok || h.pad() == nil || h.pad().secret {
		return item{}, false
	}
	p := h.pad()
	switch {
	case o == p.display:
		return item{obj: o, id: "keypad:display",
			say: voice.Say(voice.SpokenPrefix+"code.readback", "N", len(p.code), "Need", p.length),
			use: func() { k.press(voice.KeyReadBack) }}, true
	case o == p.ok:
		label := "keypad.ok"
		if cv, ok := k.view.(*app.CodeView); ok && cv.For == app.EntryReturn {
			label = "return.ok"
		}
		return item{obj: o, id: "keypad:ok", say: voice.TouchKey(label), use: func() { k.press(voice.KeyConfirm) }}, true
	case p.back != nil && o == p.back:
		return item{obj: o, id: "keypad:back", say: voice.TouchKey("common.back"), use: func() { k.send(app.Back{}) }}, true
	}
	for name, b := range p.keys {
		if o != b {
			continue
		}
		if name == "delete" {
			return item{obj: o, id: "keypad:delete", say: voice.TouchKey("keypad.delete"), use: func() { k.press(voice.KeyDelete) }}, true
		}
		c := rune(name[0])
		return item{obj: o, id: "keypad:" + name, say: voice.TouchKey(name), use: func() { k.typeChar(c) }}, true
	}
	return item{}, false
}

// prepareItems renders what root's items say ahead.
func (k *Kiosk) prepareItems(root fyne.CanvasObject) {
	if k.opts.Speech == nil {
		return
	}
	var say []voice.Phrase
	for _, it := range k.items(root) {
		say = append(say, it.say)
	}
	k.opts.Speech.Prepare(CurrentLanguage(), say...)
}
