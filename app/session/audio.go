package session

import (
	"context"
	"fmt"
	"strings"
	"time"

	"pudo/app"
	"pudo/app/voice"
)

// defaultRepeatWay is how often the way to a door that is still opening is
// said again.
const defaultRepeatWay = 10 * time.Second

// audio is the Front's audio mode: a person who cannot see the screen
// hears every view as it comes (Spoken), answers by the tactile keypad
// (Press) and types a code on it (CodeEntry), or explores the on-screen
// keypad by touch (TypeChar). It lasts while the person is at the screen
// and ends with them: home again, the idle timeout, a courier or staff.
type audio struct {
	on      bool
	started bool // just switched on: say so first

	entry *voice.CodeEntry // code entry by keypad, while a CodeView is up
	code  *app.CodeView    // the view entry types for

	say   []voice.Phrase // to be said, cutting what is being said
	fresh bool           // say is new since the screens last took it

	letterAt time.Time // the pending character of code entry is taken then
	repeatAt time.Time // the way to a door still opening is said again then
	unlockAt time.Time // paused code entry resumes then: say so
}

// AudioState is what the screens need of audio mode after a call.
type AudioState struct {
	On bool
	// Say is what to say now, interrupting what is being said; Speak
	// false: nothing new (an empty Say with Speak true is silence).
	Say   []voice.Phrase
	Speak bool
	// Code and Pending are the code typed by keypad or touch in audio
	// mode, for the screen's display; Entry false when there is none.
	Code    string
	Pending rune
	Entry   bool
}

// TakeAudio is audio mode's state, and what to say since it was last taken.
func (f *Front) TakeAudio() AudioState {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := &f.audio
	st := AudioState{On: a.on, Say: a.say, Speak: a.fresh}
	a.say, a.fresh = nil, false
	if a.entry != nil {
		st.Entry, st.Code = true, a.entry.Code()
		st.Pending, _ = a.entry.Pending()
	}
	return st
}

// Audio reports whether audio mode is on.
func (f *Front) Audio() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.audio.on
}

// Press takes a key of the tactile keypad. In audio mode it types a code,
// answers the question on show, or says the screen again; otherwise only
// the repeat key means something: it starts audio mode.
func (f *Front) Press(ctx context.Context, k voice.Key) app.View {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := &f.audio
	if !a.on {
		if k == voice.KeyRepeat {
			f.startAudio()
		}
		return f.view
	}
	if cv, ok := f.view.(*app.CodeView); ok && k != voice.KeyRepeat {
		return f.pressCode(ctx, cv, k)
	}
	now := f.opts.Now()
	switch k {
	case voice.KeyRepeat:
		f.say(voice.Spoken(f.view, f.opts.Voice, now)...)
		return f.view
	case voice.KeyHelp:
		f.say(voice.Say(voice.SpokenPrefix+"keys.screen", f.opts.Voice.KeyArgs()...))
		return f.view
	}
	if in, ok := voice.KeyIntent(f.view, k, now); ok {
		return f.set(f.tap(ctx, in))
	}
	// A key of no meaning here: say what the keys do here, rather than
	// leave the person wondering whether it was heard.
	f.say(voice.Spoken(f.view, f.opts.Voice, now)...)
	return f.view
}

// TypeChar takes a character typed on the on-screen keypad in audio mode,
// as the finger lifts from its key; the code's other keys (delete, OK)
// come as Press. Outside audio mode the screen keeps the code itself.
func (f *Front) TypeChar(ctx context.Context, c rune) app.View {
	f.mu.Lock()
	defer f.mu.Unlock()
	cv, ok := f.view.(*app.CodeView)
	if !f.audio.on || !ok || c > 0x7f {
		return f.view
	}
	if f.paused(cv) {
		return f.view
	}
	s := f.audio.entry.Add(byte(c), f.opts.Now())
	f.step(s)
	return f.view
}

func (f *Front) pressCode(ctx context.Context, cv *app.CodeView, k voice.Key) app.View {
	if f.paused(cv) {
		return f.view
	}
	s := f.audio.entry.Press(k, f.opts.Now())
	switch {
	case s.Passed && k == voice.KeyLanguage:
		return f.view // the screens change the language
	case s.Passed:
		f.say(voice.Spoken(cv, f.opts.Voice, f.opts.Now())...)
		return f.view
	}
	f.step(s)
	if s.Submit {
		return f.set(f.tap(ctx, app.EnterCode{Code: s.Code}))
	}
	return f.view
}

// paused says that code entry is paused, if it is.
func (f *Front) paused(cv *app.CodeView) bool {
	left := cv.PausedUntil.Sub(f.opts.Now())
	if left <= 0 {
		return false
	}
	f.say(voice.Say("code.locked", "Time", voice.SpokenDuration(left)))
	return true
}

func (f *Front) step(s voice.EntryStep) {
	if len(s.Say) > 0 {
		f.say(s.Say...)
	}
	f.audio.letterAt = s.Deadline
}

// say has phrases said now, in place of what is being said.
func (f *Front) say(phrases ...voice.Phrase) {
	f.audio.say, f.audio.fresh = phrases, true
}

// startAudio switches audio mode on where a shopper is at the screen.
func (f *Front) startAudio() {
	if !voice.ShopperView(f.view) || f.audio.on {
		return
	}
	f.log.Info("audio mode on", "view", viewName(f.view))
	f.audio.on, f.audio.started = true, true
	if _, home := f.view.(*app.HomeView); home {
		f.set(f.home())
		return
	}
	f.voiceChange(nil, f.view)
}

// endAudio switches audio mode off.
func (f *Front) endAudio() {
	if !f.audio.on {
		return
	}
	f.log.Info("audio mode off", "view", viewName(f.view))
	f.audio = audio{}
	f.say(voice.Say(voice.SpokenPrefix + "audio.off"))
}

// leavesAudio reports whether showing v after prev ends audio mode: the
// shopper went home, or someone else (a courier, staff) took over.
func leavesAudio(prev, v app.View) bool {
	if !voice.ShopperView(v) {
		return true
	}
	return isHome(v) && prev != nil && !isHome(prev)
}

func isHome(v app.View) bool {
	switch v.(type) {
	case *app.HomeView, *app.OutOfOrderView:
		return true
	}
	return false
}

// voiceChange says what v says on coming up after prev, in audio mode, and
// sets the timers that speak by themselves.
func (f *Front) voiceChange(prev, v app.View) {
	a := &f.audio
	if !a.on || v == prev {
		return
	}
	now := f.opts.Now()
	var out []voice.Phrase
	if a.started {
		a.started = false
		out = append(out, voice.Say(voice.SpokenPrefix+"audio.on"))
	}
	if d := closedDoor(prev, v); d != 0 {
		out = append(out, voice.Say(voice.SpokenPrefix+"door.closed", "Door", d))
	}
	f.say(append(out, voice.Spoken(v, f.opts.Voice, now)...)...)
	a.repeatAt, a.unlockAt = time.Time{}, time.Time{}
	if dv, ok := v.(*app.DoorView); ok && dv.Opening.Pending() && !dv.Unconfirmed {
		a.repeatAt = now.Add(f.opts.RepeatWay)
	}
	cv, ok := v.(*app.CodeView)
	if !ok {
		a.entry, a.code, a.letterAt = nil, nil, time.Time{}
		return
	}
	if cv.PausedUntil.After(now) {
		a.unlockAt = cv.PausedUntil
	}
	if a.code != cv {
		// A code refused because the locker cannot open doors is kept,
		// as the screen's keypad keeps it: Enter tries it once it is back.
		kept := cv.Refusal == app.RefusalOutOfOrder && a.code != nil && a.entry != nil
		a.code, a.letterAt = cv, time.Time{}
		if !kept {
			a.entry = voice.NewCodeEntry(voice.EntryOptions{Length: app.CodeLength, Keys: f.opts.Voice.Keys})
		}
	}
}

// closedDoor is the door that closed between prev and v: the shopper's
// door, seen open, gave way to the question after it, or to the next door.
func closedDoor(prev, v app.View) int64 {
	var door int64
	switch p := prev.(type) {
	case *app.DoorView:
		if !p.Open() {
			return 0
		}
		door = p.Door.ID
		if nv, ok := v.(*app.DoorView); ok && nv.Opening.ID != p.Opening.ID {
			return door
		}
	case *app.LeftOpenView:
		door = p.Door.ID
	default:
		return 0
	}
	switch v.(type) {
	case *app.GotItView, *app.ThanksView:
		return door
	}
	return 0
}

// audioWake is when audio mode has something to say by itself.
func (a *audio) wake() time.Time {
	var w time.Time
	for _, t := range []time.Time{a.letterAt, a.repeatAt, a.unlockAt} {
		if !t.IsZero() && (w.IsZero() || t.Before(w)) {
			w = t
		}
	}
	return w
}

// audioTick says what is due: a typed letter taken, the way to a door
// still opening again, code entry open again.
func (f *Front) audioTick(now time.Time) {
	a := &f.audio
	if !a.on {
		return
	}
	if !a.letterAt.IsZero() && !now.Before(a.letterAt) && a.entry != nil {
		f.step(a.entry.Tick(now))
	}
	if !a.repeatAt.IsZero() && !now.Before(a.repeatAt) {
		a.repeatAt = now.Add(f.opts.RepeatWay)
		if dv, ok := f.view.(*app.DoorView); ok {
			f.say(voice.SpokenDoor(dv, f.opts.Voice)...)
		}
	}
	if !a.unlockAt.IsZero() && !now.Before(a.unlockAt) {
		a.unlockAt = time.Time{}
		if cv, ok := f.view.(*app.CodeView); ok {
			f.say(append([]voice.Phrase{voice.Say(voice.SpokenPrefix + "code.unlocked")}, voice.Spoken(&app.CodeView{For: cv.For}, f.opts.Voice, now)...)...)
		}
	}
}

// viewName names a view in the log ("CodeView"); nothing routes by it.
func viewName(v app.View) string {
	if v == nil {
		return "none"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", v), "*app.")
}
