package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"pudo/app/voice"
	"pudo/assets"
	"pudo/ui/sound"
)

// fakeSpeaker records what the kiosk said: each utterance as its phrases'
// keys, in the language it was said in.
type fakeSpeaker struct {
	said   []utterance
	night  bool
	status sound.SpeechStatus
}

type utterance struct {
	lang    string
	phrases []voice.Phrase
}

func (s *fakeSpeaker) Say(lang string, p ...voice.Phrase) {
	s.said = append(s.said, utterance{lang, p})
}
func (s *fakeSpeaker) Silence()                   { s.said = append(s.said, utterance{}) }
func (s *fakeSpeaker) SetNight(n bool)            { s.night = n }
func (s *fakeSpeaker) Status() sound.SpeechStatus { return s.status }

// last is the keys of the last utterance.
func (s *fakeSpeaker) last() []string {
	if len(s.said) == 0 {
		return nil
	}
	var keys []string
	for _, p := range s.said[len(s.said)-1].phrases {
		keys = append(keys, p.Key)
	}
	return keys
}

// heard reports whether the last utterance has a phrase of key.
func (s *fakeSpeaker) heard(key string) bool { return slices.Contains(s.last(), key) }

// voiceFixture is the fixture's kiosk with a speaker and the demo
// locker's front.
func voiceFixture(t testing.TB, edit ...func(*Options)) (*fixture, *fakeSpeaker) {
	sp := &fakeSpeaker{status: sound.SpeechStatus{State: sound.SpeechNoEngine}}
	f := newFixture(t, append([]func(*Options){func(o *Options) {
		o.Speech = sp
		o.Voice = voice.Voice{Cabinet: voice.DemoWayfinding().Cabinet([]string{"SSSSMM", "SSMMLL", "MMMLL", "SSSSSML"}), Locker: "T1"}
	}}, edit...)...)
	return f, sp
}

// key is a key of the tactile keypad, as GLFW delivers it: a digit or a
// symbol comes as a named key and as a rune, Enter as a named key. A
// person's keys are 300 ms apart, never a scanner's burst.
func (f *fixture) key(name string) {
	f.clock.advance(300 * time.Millisecond)
	f.pressKey(fyne.KeyName(name))
	if len(name) == 1 {
		f.typeRune(rune(name[0]))
	}
	f.pump()
}

func (f *fixture) pressArea(t *testing.T) *pressArea {
	t.Helper()
	for _, o := range f.objects() {
		if a, ok := o.(*pressArea); ok {
			return a
		}
	}
	t.Fatal("no press area behind the screen")
	return nil
}

// The router says each view as it comes up in audio mode, started by a
// long press behind the screen's labels, and a key says it again.
func TestLongPressStartsAudioMode(t *testing.T) {
	f, sp := voiceFixture(t)
	a := f.pressArea(t)
	a.MouseDown(&desktop.MouseEvent{})
	f.clock.advance(1900 * time.Millisecond)
	a.MouseUp(&desktop.MouseEvent{})
	if len(sp.said) != 0 || f.k.front.Audio() {
		t.Fatalf("a press of 1.9 s started audio mode: %v", sp.said)
	}
	a.MouseDown(&desktop.MouseEvent{})
	f.clock.advance(2 * time.Second)
	a.MouseUp(&desktop.MouseEvent{})
	if want := []string{"spoken.audio.on", "home.title", "home.hint", "spoken.scanner.where", "spoken.keys.short"}; !slices.Equal(sp.last(), want) {
		t.Fatalf("said %v, want %v", sp.last(), want)
	}
	if sp.said[0].lang != "en" {
		t.Errorf("said in %q", sp.said[0].lang)
	}
	f.key("*")
	if !sp.heard("home.title") || len(sp.said) != 2 {
		t.Fatalf("the repeat key said %v", sp.said)
	}
}

// A long press on a button starts audio mode and does not press it; a
// short one presses it as ever.
func TestLongPressOnAButton(t *testing.T) {
	f, sp := voiceFixture(t)
	b := f.button(tr("home.collect"))
	b.MouseDown(&desktop.MouseEvent{})
	f.clock.advance(2 * time.Second)
	b.MouseUp(&desktop.MouseEvent{})
	b.Tapped(&fyne.PointEvent{})
	f.pump()
	f.want(t, &homeScreen{})
	if !f.k.front.Audio() || !sp.heard("spoken.audio.on") {
		t.Fatalf("audio mode not started: %v", sp.said)
	}
	b = f.button(tr("home.collect"))
	b.MouseDown(&desktop.MouseEvent{})
	f.clock.advance(200 * time.Millisecond)
	b.MouseUp(&desktop.MouseEvent{})
	b.Tapped(&fyne.PointEvent{})
	f.pump()
	f.want(t, &codeScreen{})
	if !sp.heard("code.title") {
		t.Fatalf("the code screen said %v", sp.last())
	}
}

// Without a speaker a long press starts nothing and keeps no timer.
func TestNoSpeechNoAudioMode(t *testing.T) {
	f := newFixture(t)
	b := f.button(tr("home.collect"))
	b.MouseDown(&desktop.MouseEvent{})
	f.clock.advance(3 * time.Second)
	b.MouseUp(&desktop.MouseEvent{})
	f.key("*")
	if f.k.front.Audio() {
		t.Fatal("audio mode without speech")
	}
}

// A pickup by the tactile keypad alone, with the screen never looked at:
// the repeat key, 1 for a code, the code by multi-tap, Enter, the door.
func TestPickupByKeypadAlone(t *testing.T) {
	f, sp := voiceFixture(t)
	f.key("*")
	f.key("1")
	f.want(t, &codeScreen{})
	if !sp.heard("code.hint") {
		t.Fatalf("code entry said %v", sp.last())
	}
	// H4W9RT2C, door 20: H is 4 three times, W 9 twice, R 7 four times,
	// T 8 twice, C 2 four times; the same key again waits out the letter
	// pause first.
	for _, k := range strings.Fields("4 4 4 wait 4 9 9 wait 9 7 7 7 7 8 8 2 wait 2 2 2 2") {
		if k == "wait" {
			f.clock.advance(2 * time.Second)
			continue
		}
		f.key(k)
	}
	if got := f.pad(t).display.Text; got != "H4W9-RT2C" {
		t.Fatalf("display %q", got)
	}
	if got := sp.said[len(sp.said)-1].phrases; len(got) != 1 || got[0].Key != "spoken.letter" || got[0].Args[1] != "C" {
		t.Fatalf("said %v for the fourth press of 2", got)
	}
	f.key(string(fyne.KeyEnter))
	if d := f.doorShown(t); d != 20 {
		t.Fatalf("door %d", d)
	}
	if !sp.heard("spoken.door.where") || !sp.heard("door.take") {
		t.Fatalf("the door said %v", sp.last())
	}
	f.close(20)
	f.want(t, &gotItScreen{})
	if sp.last()[0] != "spoken.door.closed" {
		t.Fatalf("the closing said %v", sp.last())
	}
	f.key(string(fyne.KeyReturn))
	f.want(t, &thanksScreen{})
	f.clock.advance(8 * time.Second) // thanks, twice as long
	f.want(t, &homeScreen{})
	if f.k.front.Audio() || !sp.heard("spoken.audio.off") {
		t.Fatalf("audio mode on after the session: %v", sp.last())
	}
}

// On the touchscreen in audio mode the keypad says the key under the
// finger and types it when the finger lifts; a finger slid off the keypad
// types nothing.
func TestTouchPadSaysAndTypes(t *testing.T) {
	f, sp := voiceFixture(t)
	f.key("*")
	f.key("1")
	pad := f.pad(t)
	if pad.touch == nil || !pad.touch.Visible() {
		t.Fatal("no touch pad over the keypad in audio mode")
	}
	at := func(key string) fyne.Position {
		d := fyne.CurrentApp().Driver()
		b := pad.keys[key]
		return d.AbsolutePositionForObject(b).Subtract(d.AbsolutePositionForObject(pad.touch)).Add(fyne.NewPos(b.Size().Width/2, b.Size().Height/2))
	}
	mouse := func(p fyne.Position) *desktop.MouseEvent {
		ev := &desktop.MouseEvent{}
		ev.Position = p
		return ev
	}
	pad.touch.MouseDown(mouse(at("K")))
	if got := sp.said[len(sp.said)-1].phrases; len(got) != 1 || got[0].Key != "spoken.letter" || got[0].Args[1] != "K" {
		t.Fatalf("a finger on K said %v", got)
	}
	pad.touch.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: at("M")}})
	if got := sp.said[len(sp.said)-1].phrases; got[0].Args[1] != "M" {
		t.Fatalf("sliding to M said %v", got)
	}
	pad.touch.MouseUp(mouse(at("M")))
	f.pump()
	if !sp.heard("spoken.alpha.M") || f.pad(t).code != "M" {
		t.Fatalf("lifting on M said %v, typed %q", sp.last(), f.pad(t).code)
	}
	n := len(sp.said)
	pad.touch.MouseDown(mouse(at("7")))
	pad.touch.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(-50, -50)}})
	pad.touch.DragEnd()
	f.pump()
	if f.pad(t).code != "M" || len(sp.said) != n+1 {
		t.Fatalf("a finger slid off typed %q, said %v", f.pad(t).code, sp.said[n:])
	}
	// Outside audio mode the keys take taps as ever.
	f.pressKey(fyne.KeyEscape)
	f.pump()
	f.tap(t, tr("home.collect"))
	if f.pad(t).touch.Visible() {
		t.Fatal("the touch pad is up outside audio mode")
	}
}

// "Need more time?" comes after twice the idle timeout in audio mode, is
// said, and is answered by the keypad.
func TestMoreTimeByKeypad(t *testing.T) {
	f, sp := voiceFixture(t)
	f.key("*")
	f.key("1")
	f.clock.advance(time.Minute + time.Second)
	if f.k.more != nil {
		t.Fatal("asked after one idle timeout in audio mode")
	}
	f.clock.advance(time.Minute)
	if f.k.more == nil {
		t.Fatal("not asked after two")
	}
	if !slices.Equal(sp.last(), []string{"more.title", "spoken.more.keys", "more.left"}) {
		t.Fatalf("said %v", sp.last())
	}
	f.key("5") // no answer: the question again
	if f.k.more == nil || !sp.heard("more.title") {
		t.Fatal("a key of no meaning answered")
	}
	f.key(string(fyne.KeyEnter))
	if f.k.more != nil || !sp.heard("code.title") {
		t.Fatalf("yes: popup %v, said %v", f.k.more != nil, sp.last())
	}
	f.clock.advance(2*time.Minute + time.Second)
	f.key("-") // no, I am done
	f.want(t, &homeScreen{})
	if f.k.front.Audio() {
		t.Fatal("audio mode after the person left")
	}
	// Unanswered, the question waits twice as long too.
	f.key("*")
	f.key("1")
	f.clock.advance(2*time.Minute + time.Second)
	f.clock.advance(30 * time.Second)
	f.want(t, &codeScreen{})
	f.clock.advance(15 * time.Second)
	f.want(t, &homeScreen{})
}

// The language key says the screen again in the next language, its name
// first, and the screen shows it.
func TestLanguageKey(t *testing.T) {
	f, sp := voiceFixture(t, func(o *Options) { o.Settings.Languages, o.Settings.Language = []string{"en", "pl", "fr"}, "en" })
	f.key("*")
	f.key("/")
	u := sp.said[len(sp.said)-1]
	if u.lang != "pl" || u.phrases[0].Key != "spoken.language" || !sp.heard("home.title") || CurrentLanguage() != "pl" {
		t.Fatalf("said %+v in %q, screen in %q", u.phrases, u.lang, CurrentLanguage())
	}
	if !f.shows(tr("home.collect")) {
		t.Fatal("the screen is not in Polish")
	}
}

// While a code is in the camera's view but not read, a tick sounds in
// audio mode on a screen that waits for a code, at most every 300 ms.
func TestGuidanceTone(t *testing.T) {
	f, _ := voiceFixture(t)
	f.k.CodeInView()
	if f.sounds.count(SoundGuide) != 0 {
		t.Fatal("a tick outside audio mode")
	}
	f.key("*")
	for range 3 {
		f.k.CodeInView()
		f.clock.advance(100 * time.Millisecond)
	}
	f.clock.advance(100 * time.Millisecond)
	f.k.CodeInView()
	if n := f.sounds.count(SoundGuide); n != 2 {
		t.Fatalf("%d ticks in 400 ms, want 2", n)
	}
}

// The staff hardware screen says whether the kiosk can speak.
func TestHardwareScreenSaysSpeech(t *testing.T) {
	f, sp := voiceFixture(t)
	sp.status = sound.SpeechStatus{State: sound.SpeechNoSound, Engine: "espeak-ng 1.51 rate 150", Missing: []string{"nl"}}
	f.staffLogin(t)
	f.tap(t, tr("admin.hardware"))
	want := tr("hw.speech.no-sound") + " (espeak-ng 1.51 rate 150): nl ✗"
	if !f.shows(want) {
		t.Fatalf("no %q in %q", want, f.texts())
	}
	if f.k.front.Audio() {
		t.Fatal("audio mode for staff")
	}
}

// The problem screen prints what audio mode says of each trouble.
func TestTroubleTextsAgree(t *testing.T) {
	for tr, keys := range troubles {
		title, what := voice.TroubleKeys(tr)
		if title != keys.title || what != keys.what {
			t.Errorf("trouble %d: screen %v, spoken %s %s", tr, keys, title, what)
		}
	}
}

// A code in the log: never, though it is spoken.
func TestSpokenCodeNotInLog(t *testing.T) {
	cat, err := voice.LoadCatalogue(assets.Translations)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range voice.Spell("H4W9RT2C") {
		if s, _ := cat.LogText("en", p); strings.ContainsAny(s, "H4W9RT2C") {
			t.Errorf("%v logged as %q", p, s)
		}
	}
}
