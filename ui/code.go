package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// codeScreen is the keypad screen: what to type, what went wrong last
// time, and a countdown while code entry is paused.
type codeScreen struct {
	v      *app.CodeView
	keypad *keypad
	msg    *widget.Label
	// relayout lays the screen out again after its message line appears or
	// goes: Fyne does not re-lay a container when a child is shown, and
	// the line would be drawn over the title.
	relayout func()
}

// refusals are what a refused code's message line says.
var refusals = map[app.Refusal]string{
	app.RefusalWrongCode:  "code.wrong",
	app.RefusalExpired:    "code.expired",
	app.RefusalCollected:  "code.collected",
	app.RefusalNotAReturn: "return.wrong",
	app.RefusalReturnDone: "return.done",
}

func (s *codeScreen) idle() app.Idle { return s.v.Idle() }

func (s *codeScreen) draw(k *Kiosk) fyne.CanvasObject {
	head, ok := tr("code.title"), tr("keypad.ok")
	if s.v.For == app.EntryReturn {
		head, ok = tr("return.title"), tr("return.ok")
	}
	back := k.button(tr("common.back"), theme.NavigateBackIcon(), func() { k.send(app.Back{}) })
	s.keypad = newCodeKeypad(k, ok, func(code string) { k.sendWaiting(app.EnterCode{Code: code}) }).withBack(back)
	message := ""
	if key, ok := refusals[s.v.Refusal]; ok {
		message = tr(key)
	}
	s.msg = newMessage(message)
	t := title(head)
	t.SizeName = theme.SizeNameSubHeadingText
	// The hint gives way to the message line: the message says more, and
	// big text needs the room.
	hint := say(tr("code.hint"))
	hint.Hidden = s.msg.Visible()
	top := container.NewVBox(t, hint, s.msg)
	body := container.NewBorder(top, nil, nil, nil, s.keypad.content)
	s.relayout = func() {
		hint.Hidden = s.msg.Visible()
		top.Refresh()
		body.Refresh()
	}
	if s.v.PausedUntil.After(k.now()) {
		s.countdown(k, s.v.PausedUntil)
	}
	s.keypad.Type(string(k.input.early)) // typed on home before this screen came up
	k.input.early = nil
	return container.NewPadded(body)
}

func (s *codeScreen) pad() *keypad                   { return s.keypad }
func (s *codeScreen) key(_ *Kiosk, kp keyPress) bool { return s.keypad.key(kp) }
func (s *codeScreen) enter(*Kiosk)                   { s.keypad.submit() }

// countdown shows the time left in a lockout, once a second, and gives the
// keypad back when it is over.
func (s *codeScreen) countdown(k *Kiosk, until time.Time) {
	left := until.Sub(k.now())
	if left <= 0 {
		s.keypad.Disable(false)
		s.setMessage("")
		return
	}
	s.keypad.Disable(true)
	s.setMessage(trf("code.locked", "Time", clock(left)))
	k.later(time.Second, func() { s.countdown(k, until) })
}

// setMessage changes the message line and lays the screen out again when
// the line appears or goes.
func (s *codeScreen) setMessage(text string) {
	was := s.msg.Visible()
	setMessage(s.msg, text)
	if s.msg.Visible() != was && s.relayout != nil {
		s.relayout()
	}
}

// clock writes a duration as m:ss, rounded up: "0:01" until it is over.
func clock(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
