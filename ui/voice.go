package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"pudo/app"
	"pudo/app/session"
	"pudo/app/voice"
	"pudo/ui/sound"
)

// Speaker says phrases from the translation catalogue aloud (sound.Speech
// in the kiosk). None of its methods block. Say follows what is being
// said at the end of its word (a new screen); Interrupt cuts it at once
// (the person's own key or touch). Private reports whether speech goes to
// headphones now; Prepare renders phrases ahead, so that they are said
// without delay when asked for.
type Speaker interface {
	Say(lang string, phrases ...voice.Phrase)
	Interrupt(lang string, phrases ...voice.Phrase)
	Explore(lang string, p voice.Phrase)
	Silence()
	SetNight(night bool)
	Status() sound.SpeechStatus
	Private() bool
	Prepare(lang string, phrases ...voice.Phrase)
}

// SoundGuide is the tick played while a code is in the camera's view but
// not read yet, in audio mode.
const SoundGuide = "guide"

// guideEvery spaces the guidance ticks: often enough to follow as the
// hand moves, seldom enough not to drown the speech.
const guideEvery = 300 * time.Millisecond

// audioMode is the router's side of audio mode. Audio mode itself is the
// locker's sessions' (session.Front): the router reports long presses, keys
// and touches, and says what the Front asks for, in the screen language.
type audioMode struct {
	on       bool      // audio mode, as the Front last said
	drawn    bool      // audio mode as the screen on show was drawn: its explorer and bar
	language bool      // the language was just changed: say its name first
	guided   time.Time // the last guidance tick
	focus    *item     // what a finger found last (explore.go): a double tap uses it
}

// audioState takes audio mode's state after a call to the Front: what to
// say, and the code typed in audio mode for the keypad's display. What a
// person's own act brings is said at once; what the locker brought
// waits for the end of the word being said.
func (k *Kiosk) audioState(st session.AudioState, c cause, lang string) {
	k.voice.on = st.On
	if st.On != k.voice.drawn && k.shown != nil {
		k.redraw(k.shown) // audio mode came or went here: its bar, and exploring by touch
	}
	if h, ok := k.shown.(keypadHolder); ok && st.Entry {
		h.pad().mirror(st.Code, st.Pending)
	}
	if !st.Speak {
		return
	}
	say := st.Say
	if k.voice.language {
		k.voice.language = false
		say = append([]voice.Phrase{voice.Say(voice.SpokenPrefix + "language")}, say...)
	}
	switch {
	case k.opts.Speech == nil:
	case len(say) == 0:
		k.opts.Speech.Silence()
	case c == byPerson:
		k.opts.Speech.Interrupt(lang, say...)
	default:
		k.opts.Speech.Say(lang, say...)
	}
}

// speak says phrases in the screen's language after the word being said;
// none is silence.
func (k *Kiosk) speak(phrases ...voice.Phrase) {
	if k.opts.Speech == nil {
		return
	}
	if len(phrases) == 0 {
		k.opts.Speech.Silence()
		return
	}
	k.opts.Speech.Say(CurrentLanguage(), phrases...)
}

// interrupt says phrases at once: the answer to the person's key or touch.
func (k *Kiosk) interrupt(phrases ...voice.Phrase) {
	if k.opts.Speech == nil {
		return
	}
	if len(phrases) == 0 {
		k.opts.Speech.Silence()
		return
	}
	k.opts.Speech.Interrupt(CurrentLanguage(), phrases...)
}

// codesAloud reports whether a code's characters may be said now: to
// headphones, or on a locker that says codes on its loudspeaker.
func (k *Kiosk) codesAloud() bool {
	return k.opts.CodesAloud || k.opts.Speech != nil && k.opts.Speech.Private()
}

// tactileKey takes a key of the tactile keypad (a USB numeric keypad in
// keyboard mode), as the toolkit names it, and reports whether it took it.
// In audio mode every key of the keypad goes to the Front, which answers
// with speech; otherwise only the repeat key does: it starts audio mode.
func (k *Kiosk) tactileKey(name fyne.KeyName) bool {
	key, ok := k.opts.Keys.Lookup(string(name))
	if !ok || k.opts.Speech == nil {
		return false
	}
	switch {
	case !k.voice.on && key != voice.KeyRepeat:
		return false
	case k.more != nil && k.voice.on:
		k.answerMore(key)
	case key == voice.KeyLanguage && k.voice.on:
		k.nextLanguage()
	default:
		k.press(key)
	}
	return true
}

// press hands a keypad key to the Front.
func (k *Kiosk) press(key voice.Key) {
	k.async(func(ctx context.Context) { k.deliver(k.front.Press(ctx, key), byPerson) })
}

// typeChar hands a character typed in audio mode, by touch or on a
// keyboard, to the Front's code entry.
func (k *Kiosk) typeChar(c rune) {
	k.async(func(ctx context.Context) { k.deliver(k.front.TypeChar(ctx, c), byPerson) })
}

// audioRune takes a rune typed in audio mode; it reports false for one
// the screens take as ever (audio mode is off). The keypad's digits and
// symbols come as named keys too (tactileKey) and are dropped here; a
// keyboard's letters type the code, as the keypad's multi-tap does.
func (k *Kiosk) audioRune(r rune) bool {
	if !k.voice.on {
		return false
	}
	if _, code := k.view.(*app.CodeView); code {
		if c := codeRune(r); c != 0 && (c < '0' || c > '9') {
			k.typeChar(c)
		}
	}
	return true
}

// codeRune is r as a code's character (the keypad's reading of I, L, O),
// or 0.
func codeRune(r rune) rune {
	switch r = []rune(strings.ToUpper(string(r)))[0]; r {
	case 'I', 'L':
		return '1'
	case 'O':
		return '0'
	}
	if strings.ContainsRune(app.CodeAlphabet, r) {
		return r
	}
	return 0
}

// nextLanguage switches to the next language offered and says the screen
// again in it, its name first.
func (k *Kiosk) nextLanguage() {
	offered := k.settings.offered()
	next := offered[0]
	for i, l := range offered {
		if l.Code == CurrentLanguage() {
			next = offered[(i+1)%len(offered)]
		}
	}
	SetLanguage(next.Code)
	k.log.Info("language", "code", next.Code, "by", "keypad")
	k.refresh(k.shown)
	k.voice.language = true
	k.press(voice.KeyRepeat)
}

// answerMore takes the keypad's answer to "Need more time?".
func (k *Kiosk) answerMore(key voice.Key) {
	switch answered, more := voice.MoreTimeAnswer(key); {
	case answered && more:
		k.hideMore()
		k.press(voice.KeyRepeat) // where was I?
	case answered:
		k.timeout()
	default:
		k.interrupt(voice.SpokenMoreTime(k.opts.Voice, k.moreAt.Sub(k.now()))...)
	}
}

// CodeInView is the code readers' report that a camera sees something
// like a code it has not read yet. In audio mode, on a screen that waits
// for a code, a tick sounds, so that a person who cannot see the scanner
// moves the code until it reads. Call it on the UI goroutine.
func (k *Kiosk) CodeInView() {
	if !k.voice.on || !voice.WaitsForScan(k.view) {
		return
	}
	if now := k.now(); now.Sub(k.voice.guided) >= guideEvery {
		k.voice.guided = now
		k.play(SoundGuide)
	}
}

// startAudio is a long press anywhere on the screen: audio mode, or, when
// it is on, the screen said again.
func (k *Kiosk) startAudio() {
	if k.opts.Speech == nil {
		return
	}
	k.log.Info("long press: audio mode")
	k.send(app.StartAudio{})
}

// audioOn reports whether audio mode is on.
func (k *Kiosk) audioOn() bool { return k.voice.on }

// speechStatus is the staff hardware screen's line on speech.
func (k *Kiosk) speechStatus() string {
	if k.opts.Speech == nil {
		return tr("hw.speech.no-engine")
	}
	st := k.opts.Speech.Status()
	text := tr("hw.speech." + string(st.State))
	if st.Engine != "" {
		text += " (" + st.Engine + ")"
	}
	if len(st.Missing) > 0 {
		text += ": " + strings.Join(st.Missing, ", ") + " ✗"
	}
	return text
}
