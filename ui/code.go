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
	v    *app.CodeView
	c    codeEntry
	help contact
	now  func() time.Time // for how long entry is paused
	// recognize tells a code of ours from other text, without looking
	// it up: a scan during a pause is kept only if it is a pickup code.
	recognize func(string) app.ScanKind
	keypad    *keypad
	msg       *widget.Label
	pending   bool // OK was pressed during the pause: try the code when it ends
	// again: a code already collected or expired was answered, and the
	// person chose to type another (or typed): the keypad comes back.
	again bool
	// relayout lays the screen out again after its message line appears or
	// goes: Fyne does not re-lay a container when a child is shown, and
	// the line would be drawn over the title.
	relayout func()
}

// codeEntry is what the code screen draws with: its controls and the
// code keypad, the intents it sends, what was typed for it before it came
// up, and the timers of a pause.
type codeEntry interface {
	controls
	send(app.Intent)
	codeKeypad(okLabel string, onOK func(code string)) *keypad
	// tryCode sends a code, kept to be shown again by the code screen
	// that answers it (refused: its typo can be fixed; held up by a
	// pause: tried when it ends).
	tryCode(code string)
	takeTried() string                    // the code tried last, once
	takeEarly() (keys []rune, enter bool) // typed on a start screen before this one came up, once
	later(d time.Duration, f func())      // unless the screen changes first
	refresh(s screen)                     // the keypad back for another code
	audioOn() bool                        // audio mode: the answer is said, the keypad stays
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

func (s *codeScreen) draw() fyne.CanvasObject {
	c := s.c
	head, ok := tr("code.title"), tr("keypad.ok")
	if s.v.For == app.EntryReturn {
		head, ok = tr("return.title"), tr("return.ok")
	}
	goBack := func() { c.send(app.Back{}) }
	back := c.button(tr("common.back"), theme.NavigateBackIcon(), goBack)
	s.keypad = c.codeKeypad(ok, s.submit).withBack(back)
	if s.v.For == app.EntryReturn {
		s.keypad.prefix = app.ReturnPrefix // the code as printed, RT-XXXX-XXXX, is taken whole
	}
	kept := c.takeTried()
	if s.gone() {
		// The code was right, its parcel is gone: no typo to fix, so the
		// answer and whom to ask take the screen, the keypad one tap
		// away (a key typed brings it back too).
		return s.goneScreen(c.button(tr("common.back"), theme.NavigateBackIcon(), goBack))
	}
	message := ""
	if key, ok := refusals[s.v.Refusal]; ok && !s.again {
		message = tr(key)
	}
	s.msg = newMessage(message)
	t := title(head)
	t.SizeName = theme.SizeNameSubHeadingText
	// The hint gives way to the message line, in a place as tall as the
	// longest message: the keypad neither moves nor shrinks when one
	// shows, and a finger that learned where its keys are finds them
	// there still.
	hint := say(tr("code.hint"))
	hint.Hidden = s.msg.Visible()
	slot := container.New(&sameHeight{}, append([]fyne.CanvasObject{hint, s.msg}, longestMessages(s.v.For)...)...)
	top := container.NewVBox(t, slot)
	s.keypad.head(top)
	body := s.keypad.content
	s.relayout = func() {
		hint.Hidden = s.msg.Visible()
		slot.Refresh()
	}
	paused := s.v.PausedUntil.After(s.now())
	if kept != "" && !s.again && (s.v.Refusal != app.RefusalNone || paused) {
		// The code just tried stays on show: refused, its typo can be
		// seen; held up by a pause, it is tried when the pause ends.
		s.keypad.Type(kept)
		s.pending = paused && s.v.Refusal == app.RefusalNone
		// A refused code's typo can be fixed with Delete; a kept one is
		// replaced by the next code typed, however it comes.
		s.keypad.fresh = s.v.Refusal != app.RefusalNone || s.pending
	}
	if paused {
		s.countdown(s.v.PausedUntil)
	}
	early, enter := c.takeEarly()
	s.keypad.Type(string(early)) // typed on home before this screen came up
	if enter {
		c.later(0, s.enter)
	}
	return container.NewPadded(body)
}

// goneScreen answers a code whose parcel is gone: what happened, in the
// middle, with whom to ask (the QR code of their web address too) and a
// reference naming the parcel's door; Back, and another code.
func (s *codeScreen) goneScreen(back fyne.CanvasObject) fyne.CanvasObject {
	head := tr("code.collected.title")
	if s.v.Refusal == app.RefusalExpired {
		head = tr("code.expired.title")
	}
	t := title(head)
	t.Importance = widget.MediumImportance
	top := container.NewVBox(t, say(tr(refusals[s.v.Refusal])), newSupport(s.help.support, s.help.ref(s.v.Door)))
	return arrange(top, s.c.row(back, s.c.mainButton(tr("code.another"), theme.ContentAddIcon(), s.typeAgain)))
}

// longestMessages are hidden labels of every message the code screen may
// show in the place of its hint, the slot as tall as the tallest.
func longestMessages(e app.Entry) []fyne.CanvasObject {
	keys := []string{"code.wrong", "code.expired", "code.collected"}
	if e == app.EntryReturn {
		keys = []string{"return.wrong", "return.done"}
	}
	var out []fyne.CanvasObject
	for _, key := range keys {
		out = append(out, say(tr(key)))
	}
	out = append(out, say(tr("code.outoforder"))) // either entry: the locker cannot open doors
	for _, key := range []string{"code.locked", "code.kept"} {
		out = append(out, say(trf(key, "Time", "0:00")))
	}
	for _, o := range out {
		o.Hide()
	}
	return out
}

// sameHeight stacks its objects, the visible ones drawn, and is as tall
// as the tallest of all of them, hidden or not, at the width it has.
type sameHeight struct{}

func (sameHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (sameHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size) // hidden ones too: a wrapped text learns its height from its width
	}
}

// submit tries the code, or during a pause keeps it for when it ends: a
// new code typed meanwhile replaces it.
func (s *codeScreen) submit(code string) {
	if s.v.PausedUntil.After(s.now()) {
		s.pending = true
		s.keypad.fresh = true
		s.countdown(s.v.PausedUntil)
		return
	}
	s.c.tryCode(code)
}

// gone reports whether the code just tried is known but its parcel gone
// (collected, expired), with the keypad not asked for again yet. In audio
// mode the keypad stays: the answer and whom to call are said.
func (s *codeScreen) gone() bool {
	return (s.v.Refusal == app.RefusalCollected || s.v.Refusal == app.RefusalExpired) && !s.again && !s.c.audioOn()
}

// typeAgain brings the keypad back, empty and without the answer, for
// another code.
func (s *codeScreen) typeAgain() {
	s.again = true
	s.c.refresh(s)
}

func (s *codeScreen) pad() *keypad { return s.keypad }

// keepScan takes a code a keyboard scanner typed during a pause as a
// typed one: it replaces the code kept, to be tried when the pause ends.
// A token is never held up by the pause: it goes on as a scan.
func (s *codeScreen) keepScan(text string) bool {
	if s.v.For != app.EntryPickup || !s.v.PausedUntil.After(s.now()) || s.recognize(text) != app.ScanPickupCode {
		return false
	}
	s.keypad.Clear()
	s.keypad.Type(text)
	s.submit(s.keypad.code)
	return true
}

func (s *codeScreen) key(kp keyPress) bool {
	if s.gone() && (kp.r != 0 || kp.name == fyne.KeyBackspace) {
		s.typeAgain()
	}
	return s.keypad.key(kp)
}
func (s *codeScreen) enter() { s.keypad.submit() }

// countdown shows the time left in a pause, once a second; when it is
// over, a code kept meanwhile is tried.
func (s *codeScreen) countdown(until time.Time) {
	left := until.Sub(s.now())
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
	s.c.later(min(time.Second, left), func() { s.countdown(until) })
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
