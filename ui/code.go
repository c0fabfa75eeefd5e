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
// time with the code still shown (a typo can be seen and fixed), and a
// countdown while code entry is paused. Keys typed during a pause are
// typed; OK then keeps the code and tries it when the pause ends.
type codeScreen struct {
	v       *app.CodeView
	keypad  *keypad
	msg     *widget.Label
	pending bool // OK was pressed during the pause: try the code when it ends
	// again: a code already collected or expired was answered, and the
	// person chose to type another (or typed): the keypad comes back.
	again bool
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
	app.RefusalOutOfOrder: "code.outoforder",
}

func (s *codeScreen) idle() app.Idle { return s.v.Idle() }

func (s *codeScreen) draw(k *Kiosk) fyne.CanvasObject {
	head, ok := tr("code.title"), tr("keypad.ok")
	if s.v.For == app.EntryReturn {
		head, ok = tr("return.title"), tr("return.ok")
	}
	back := k.button(tr("common.back"), theme.NavigateBackIcon(), func() { k.send(app.Back{}) })
	s.keypad = newCodeKeypad(k, ok, func(code string) { s.submit(k, code) }).withBack(back)
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
	if s.gone(k) {
		// The code was right, its parcel is gone: no typo to fix, so the
		// answer and whom to ask take the screen, the keypad one tap
		// away (a key typed brings it back too). Audio mode keeps it:
		// the touch pad lies over it.
		t.Hide()
		return arrange(container.NewVBox(s.msg, newSupportLine(k.opts.Support, k.ref(0))), k.row(back,
			k.mainButton(tr("code.another"), theme.ContentAddIcon(), func() { s.typeAgain(k) })))
	}
	if s.v.Refusal == app.RefusalCollected || s.v.Refusal == app.RefusalExpired {
		top.Add(newSupportLine(k.opts.Support, k.ref(0)))
	}
	body := container.NewBorder(top, nil, nil, nil, s.keypad.content)
	s.relayout = func() {
		hint.Hidden = s.msg.Visible()
		top.Refresh()
		body.Refresh()
	}
	paused := s.v.PausedUntil.After(k.now())
	if kept := k.input.entered; kept != "" && (s.v.Refusal != app.RefusalNone || paused) {
		// The code just tried stays on show: refused, its typo can be
		// seen; held up by a pause, it is tried when the pause ends.
		s.keypad.Type(kept)
		s.pending = paused && s.v.Refusal == app.RefusalNone
		// A refused code's typo can be fixed with Delete; a kept one is
		// replaced by the next code typed, however it comes.
		s.keypad.fresh = s.v.Refusal != app.RefusalNone || s.pending
	}
	k.input.entered = ""
	if paused {
		s.countdown(k, s.v.PausedUntil)
	}
	s.keypad.Type(string(k.input.early)) // typed on home before this screen came up
	if k.input.earlyEnter {
		k.later(0, func() { s.enter(k) })
	}
	k.input.early, k.input.earlyEnter = nil, false
	return container.NewPadded(body)
}

// submit tries the code, or during a pause keeps it for when it ends: a
// new code typed meanwhile replaces it.
func (s *codeScreen) submit(k *Kiosk, code string) {
	if s.v.PausedUntil.After(k.now()) {
		s.pending = true
		s.keypad.fresh = true
		s.countdown(k, s.v.PausedUntil)
		return
	}
	k.input.entered = code
	k.sendWaiting(app.EnterCode{Code: code})
}

// gone reports whether the code just tried is known but its parcel gone
// (collected, expired), with the keypad not asked for again yet.
func (s *codeScreen) gone(k *Kiosk) bool {
	return (s.v.Refusal == app.RefusalCollected || s.v.Refusal == app.RefusalExpired) && !s.again && !k.voice.on
}

// typeAgain brings the keypad back, empty, for another code.
func (s *codeScreen) typeAgain(k *Kiosk) {
	s.again = true
	k.refresh(s)
}

func (s *codeScreen) pad() *keypad { return s.keypad }

// keepScan takes a code a keyboard scanner typed during a pause as a
// typed one: it replaces the code kept, to be tried when the pause ends.
// A token is never held up by the pause: it goes on as a scan.
func (s *codeScreen) keepScan(k *Kiosk, text string) bool {
	if s.v.For != app.EntryPickup || !s.v.PausedUntil.After(k.now()) || k.recognize(text) != app.ScanPickupCode {
		return false
	}
	s.keypad.Clear()
	s.keypad.Type(text)
	s.submit(k, s.keypad.code)
	return true
}

func (s *codeScreen) key(k *Kiosk, kp keyPress) bool {
	if s.gone(k) && (kp.r != 0 || kp.name == fyne.KeyBackspace) {
		s.typeAgain(k)
	}
	return s.keypad.key(kp)
}
func (s *codeScreen) enter(*Kiosk) { s.keypad.submit() }

// countdown shows the time left in a pause, once a second; when it is
// over, a code kept meanwhile is tried.
func (s *codeScreen) countdown(k *Kiosk, until time.Time) {
	left := until.Sub(k.now())
	if left <= 0 {
		s.setMessage("")
		if s.pending && s.keypad.complete() {
			s.pending = false
			s.keypad.submit()
		}
		return
	}
	msg := trf("code.locked", "Time", clock(left))
	if s.pending {
		msg = trf("code.kept", "Time", clock(left))
	}
	// The pause is the locker's, not this person's doing: whoever stands
	// here now may have typed nothing, so it is said in the text's own
	// colour, not the colour of a mistake.
	s.msg.Importance = widget.MediumImportance
	s.setMessage(msg)
	k.later(min(time.Second, left), func() { s.countdown(k, until) })
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
