package ui

import (
	"context"
	"image"
	"reflect"
	"time"

	"pudo/app"
)

// cause is where a new view came from: a person (presence, for the idle
// clock), a scan, or the locker itself (a door closed, time passed).
type cause uint8

const (
	byPerson cause = iota
	byScan
	byLocker
)

// send asks the Front for a person's intent, off the UI goroutine.
func (k *Kiosk) send(in app.Intent) {
	k.async(func(ctx context.Context) { k.deliver(k.front.Tap(ctx, in), byPerson) })
}

// sendWaiting is send for an intent that may take a while (a door to
// open, a login, a list to read): the busy screen shows meanwhile.
func (k *Kiosk) sendWaiting(in app.Intent) {
	k.show(&openingScreen{})
	k.send(in)
}

// scan hands a code read by a camera or scanner to the Front.
func (k *Kiosk) scan(text string) {
	k.async(func(ctx context.Context) { k.deliver(k.front.Scan(ctx, text), byScan) })
}

// leave tells the Front the person has gone.
func (k *Kiosk) leave() {
	k.async(func(ctx context.Context) { k.deliver(k.front.Leave(ctx), byLocker) })
}

// deliver draws v on the UI goroutine; it runs on the worker, so it reads
// when the session wants its next tick there too.
func (k *Kiosk) deliver(v app.View, c cause) {
	wake := k.front.Wake()
	audio := k.front.TakeAudio()
	k.Do(func() {
		// Said in the person's language: a session that ended goes back
		// to the locker's own as the screen comes up, but its last
		// words ("audio guidance is off") are for the person leaving.
		lang := CurrentLanguage()
		k.voice.on = audio.On // before the screen comes up: its timeouts double
		k.render(v, c)
		k.audioState(audio, c, lang)
		k.armWake(wake)
	})
}

// armWake calls the Front's Tick when the session asked for it.
func (k *Kiosk) armWake(at time.Time) {
	if k.wake != nil {
		k.wake()
		k.wake = nil
	}
	if at.IsZero() {
		return
	}
	k.wake = k.after(max(at.Sub(k.now()), 0), func() {
		k.async(func(ctx context.Context) { k.deliver(k.front.Tick(ctx), byLocker) })
	})
}

// render shows v. The same view again changes nothing (a notice about
// another door leaves a half-typed code alone), unless the busy screen is
// up in its place.
func (k *Kiosk) render(v app.View, c cause) {
	if _, busy := k.shown.(*openingScreen); v == k.view && !busy {
		return
	}
	prev := k.view
	k.view = v
	k.cue(prev, v, c)
	if h, ok := v.(*app.HomeView); ok && h.Fresh {
		k.freshStart() // the person before has gone
	}
	s := k.screenFor(v)
	if c != byLocker || reflect.TypeOf(s) != reflect.TypeOf(k.shown) {
		if c == byLocker && k.shown != nil && k.opts.TapGuard > 0 {
			// Nothing changes under the finger: a tap meant for the
			// screen before must not land on this one.
			k.guardUntil = k.now().Add(k.opts.TapGuard)
		}
		k.show(s)
	} else {
		k.redraw(s)
	}
	k.input.early, k.input.earlyEnter = nil, false // typed for a code screen: it took them, or none came
	if _, code := v.(*app.CodeView); !code {
		k.input.entered = "" // the code tried led elsewhere: no later screen shows it
	}
	switch v := v.(type) {
	case *app.DoorView:
		if (v.Task == app.TaskPickup || v.Task == app.TaskReturn) && v.Open() {
			k.forgetDemo(v.Door.ID)
		}
	case *app.HomeView:
		k.pick.selected = 0
		k.topUpDemo(s)
	}
}

// screenFor is the screen that draws v, given what it draws with.
func (k *Kiosk) screenFor(v app.View) screen {
	switch v := v.(type) {
	case *app.HomeView:
		return &homeScreen{v: v, c: k, languages: k.settings.offered(), bigText: &k.bigText}
	case *app.HelpView:
		return &helpScreen{v: v, c: k, locker: k.lockerFront(), audio: k.opts.Speech != nil, bigText: k.bigText}
	case *app.TooSmallView:
		return &tooSmallScreen{v: v, c: k, help: k.contact()}
	case *app.RecipientCodeView:
		return &recipientCodeScreen{v: v, c: k}
	case *app.StaffAlertsView:
		return &adminAlertsScreen{v: v, c: k}
	case *app.ExitView:
		return &exitScreen{v: v, c: k}
	case *app.OutOfOrderView:
		return &outOfOrderScreen{v: v, c: k, help: k.contact()}
	case *app.CodeView:
		return &codeScreen{v: v, c: k, help: k.contact(), now: func() time.Time { return k.now() }, recognize: k.recognize}
	case *app.ProblemView:
		return &problemScreen{v: v, c: k, help: k.contact()}
	case *app.DoorView:
		return &doorScreen{v: v, c: k, help: k.contact(), locker: k.lockerFront()}
	case *app.NotOpenedView:
		return &notOpenedScreen{v: v, c: k, help: k.contact()}
	case *app.LeftOpenView:
		return &leftOpenScreen{v: v, c: k, locker: k.lockerFront(), every: k.opts.Reminder}
	case *app.GotItView:
		return &gotItScreen{v: v, c: k, now: func() time.Time { return k.now() }}
	case *app.AskOpenedView:
		return &askOpenedScreen{v: v, c: k}
	case *app.AskInDoorView:
		return &askInDoorScreen{v: v, c: k}
	case *app.ThanksView:
		return &thanksScreen{v: v, c: k}
	case *app.CourierMenuView:
		return &courierMenuScreen{v: v, c: k}
	case *app.DropView:
		return &dropScreen{v: v, c: k, sizes: k.opts.Sizes}
	case *app.BatchView:
		return &batchScreen{v: v, c: k, bigText: k.bigText}
	case *app.PINView:
		return &pinScreen{v: v, c: k, now: func() time.Time { return k.now() }}
	case *app.PINAgainView:
		return &pinAgainScreen{v: v, c: k}
	case *app.StaffDoorsView:
		return &adminDoorsScreen{v: v, c: k, pick: &k.pick}
	case *app.StaffRentsView:
		return &adminRentsScreen{v: v, c: k}
	case *app.StaffLogView:
		return &adminEventsScreen{v: v, c: k}
	case *app.StaffHardwareView:
		return &adminHardwareScreen{v: v, c: k, camera: func() image.Image { return k.front.CameraFrame() }}
	case *app.StaffSettingsView:
		return &adminSettingsScreen{v: v, c: k, set: &k.settings, canQuit: k.opts.Quit != nil}
	case *app.StaffTokensView:
		return &adminTokensScreen{v: v, c: k}
	case *app.DoorTestView:
		return &doorTestScreen{v: v, c: k}
	}
	panic("ui: no screen for view " + reflect.TypeOf(v).String())
}

// cue plays the sound a change of view calls for.
func (k *Kiosk) cue(prev, v app.View, c cause) {
	if c == byScan && v != prev {
		k.play(SoundScan)
	}
	switch v := v.(type) {
	case *app.DoorView:
		if was, ok := prev.(*app.DoorView); v.Open() && !(ok && was.Open() && was.Opening.ID == v.Opening.ID) {
			k.play(SoundOpen)
		}
	case *app.BatchView:
		was, _ := prev.(*app.BatchView)
		if count(v, app.BatchOpen) > count(was, app.BatchOpen) {
			k.play(SoundOpen)
		}
		if count(v, app.BatchFailed) > count(was, app.BatchFailed) {
			k.play(SoundWrong)
		}
	case *app.CodeView:
		_, fromCode := prev.(*app.CodeView)
		if (fromCode || c == byScan) && (v.Refusal != app.RefusalNone || v.PausedUntil.After(k.now())) {
			k.play(SoundWrong)
		}
	case *app.PINView:
		if v.Refusal != app.PINNone {
			k.play(SoundWrong)
		}
	case *app.ProblemView:
		if v.Trouble == app.TroubleCourierCode || v.Trouble == app.TroubleCourierExpired || v.Trouble == app.TroubleCourierRevoked {
			k.play(SoundWrong)
		}
	}
}

func count(v *app.BatchView, st app.BatchStatus) int {
	n := 0
	if v != nil {
		for _, it := range v.Items {
			if it.Status == st {
				n++
			}
		}
	}
	return n
}
