package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// entry is what the code screen is for.
type entry int

const (
	entryPickup entry = iota // a shopper's pickup code
	entryReturn              // a shopper's send or return code
)

// codeScreen is the keypad screen: what to type, what went wrong last
// time, and a countdown while code entry is paused.
type codeScreen struct {
	entry   entry
	message string // what went wrong last time
	keypad  *keypad
	msg     *widget.Label
	// relayout lays the screen out again after its message line appears or
	// goes: Fyne does not re-lay a container when a child is shown, and
	// the line would be drawn over the title.
	relayout func()
}

// showEntry shows code entry with message (a text, or "") under the title.
func (k *Kiosk) showEntry(e entry, message string) *codeScreen {
	s := &codeScreen{entry: e, message: message}
	k.show(s)
	return s
}

func (s *codeScreen) idle() idleRule { return idleAsk }

func (s *codeScreen) draw(k *Kiosk) fyne.CanvasObject {
	head, ok := tr("code.title"), tr("keypad.ok")
	submit := k.submitCode
	if s.entry == entryReturn {
		head, ok, submit = tr("return.title"), tr("return.ok"), k.submitReturn
	}
	back := k.button(tr("common.back"), theme.NavigateBackIcon(), k.showHome)
	s.keypad = newCodeKeypad(k, ok, submit).withBack(back)
	s.msg = newMessage(s.message)
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
	switch {
	case k.pausedUntil.After(k.now()):
		s.countdown(k, k.pausedUntil)
	case s.entry == entryPickup:
		s.checkPaused(k)
	}
	return container.NewPadded(body)
}

func (s *codeScreen) pad() *keypad                   { return s.keypad }
func (s *codeScreen) key(_ *Kiosk, kp keyPress) bool { return s.keypad.key(kp) }
func (s *codeScreen) enter(*Kiosk)                   { s.keypad.submit() }
func (s *codeScreen) scanned(k *Kiosk, text string)  { k.entryScan(text) }

// checkPaused asks the locker whether code entry is paused, and counts
// down on screen until it is not.
func (s *codeScreen) checkPaused(k *Kiosk) {
	if k.flows.Scans == nil {
		return
	}
	k.async(func() {
		until, paused := k.flows.Scans.CodeEntryPaused(context.Background())
		fyne.Do(func() {
			if paused && k.showing(s) {
				s.countdown(k, until)
			}
		})
	})
}

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
	s.message = text
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
