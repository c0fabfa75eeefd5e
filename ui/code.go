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
type entry string

const (
	entryPickup entry = "code"   // a shopper's pickup code
	entryReturn entry = "return" // a shopper's send or return code
)

func (k *Kiosk) startCollect() { k.showEntry(entryPickup) }

func (k *Kiosk) startReturn() { k.showEntry(entryReturn) }

// showEntry is the keypad screen: what to type, what went wrong last time,
// and a countdown while code entry is paused.
func (k *Kiosk) showEntry(e entry) {
	head, ok := tr("code.title"), tr("keypad.ok")
	submit := k.submitCode
	if e == entryReturn {
		head, ok, submit = tr("return.title"), tr("return.ok"), k.submitReturn
	}
	back := k.button(tr("common.back"), theme.NavigateBackIcon(), k.showHome)
	k.keypad = newCodeKeypad(ok, k.touch, submit).withBack(back)
	msg := newMessage(k.message)
	t := title(head)
	t.SizeName = theme.SizeNameSubHeadingText
	// The hint gives way to the message line: the message says more, and
	// big text needs the room.
	hint := say(tr("code.hint"))
	hint.Hidden = msg.Visible()
	top := container.NewVBox(t, hint, msg)
	body := container.NewBorder(top, nil, nil, nil, k.keypad.content)
	k.relayoutEntry = func() {
		hint.Hidden = msg.Visible()
		top.Refresh()
		body.Refresh()
	}
	k.show(string(e), container.NewPadded(body), idleAsk)
	switch {
	case k.pausedUntil.After(k.now()):
		k.countdown(k.pausedUntil, msg)
	case e == entryPickup:
		k.checkPaused(msg)
	}
}

// checkPaused asks the locker whether code entry is paused, and counts
// down on screen until it is not.
func (k *Kiosk) checkPaused(msg *widget.Label) {
	if k.flows.Scans == nil {
		return
	}
	kp := k.keypad
	k.async(func() {
		until, paused := k.flows.Scans.CodeEntryPaused(context.Background())
		fyne.Do(func() {
			if paused && k.keypad == kp && k.screen == string(entryPickup) {
				k.countdown(until, msg)
			}
		})
	})
}

// countdown shows the time left in a lockout, once a second, and gives the
// keypad back when it is over.
func (k *Kiosk) countdown(until time.Time, msg *widget.Label) {
	left := until.Sub(k.now())
	if left <= 0 {
		k.keypad.Disable(false)
		k.message = ""
		k.setEntryMessage(msg, "")
		return
	}
	k.keypad.Disable(true)
	k.setEntryMessage(msg, trf("code.locked", "Time", clock(left)))
	k.later(time.Second, func() { k.countdown(until, msg) })
}

// setEntryMessage changes the code screen's message line and lays the
// screen out again when the line appears or goes.
func (k *Kiosk) setEntryMessage(msg *widget.Label, text string) {
	was := msg.Visible()
	setMessage(msg, text)
	if msg.Visible() != was && k.relayoutEntry != nil {
		k.relayoutEntry()
	}
}

// clock writes a duration as m:ss, rounded up: "0:01" until it is over.
func clock(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
