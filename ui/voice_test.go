package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"pudo/app/voice"
	"pudo/assets"
	"pudo/ui/sound"
)

// fakeSpeaker records what the kiosk said: each utterance as its phrases'
// keys, in the language it was said in.
type fakeSpeaker struct {
	said     []utterance
	night    bool
	status   sound.SpeechStatus
	private  bool // headphones plugged in
	prepared []voice.Phrase
}

type utterance struct {
	lang    string
	phrases []voice.Phrase
	now     bool // cut what was said at once (Interrupt, Silence)
}

func (s *fakeSpeaker) Say(lang string, p ...voice.Phrase) {
	s.said = append(s.said, utterance{lang: lang, phrases: p})
}
func (s *fakeSpeaker) Interrupt(lang string, p ...voice.Phrase) {
	s.said = append(s.said, utterance{lang: lang, phrases: p, now: true})
}
func (s *fakeSpeaker) Explore(lang string, p voice.Phrase) {
	s.said = append(s.said, utterance{lang: lang, phrases: []voice.Phrase{p}, now: true})
}
func (s *fakeSpeaker) Silence()                               { s.said = append(s.said, utterance{now: true}) }
func (s *fakeSpeaker) SetNight(n bool)                        { s.night = n }
func (s *fakeSpeaker) Status() sound.SpeechStatus             { return s.status }
func (s *fakeSpeaker) Private() bool                          { return s.private }
func (s *fakeSpeaker) Prepare(lang string, p ...voice.Phrase) { s.prepared = append(s.prepared, p...) }

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

// explorer is the explorer over the screen, nil outside audio mode.
func (f *fixture) explorer() *explorer {
	for _, o := range f.objects() {
		if e, ok := o.(*explorer); ok && e.Visible() {
			return e
		}
	}
	return nil
}

// at is the middle of o in the explorer's coordinates; nil: a corner no
// item covers.
func (f *fixture) at(t *testing.T, o fyne.CanvasObject) fyne.Position {
	t.Helper()
	e := f.explorer()
	if e == nil {
		t.Fatal("no explorer over the screen")
	}
	if o == nil {
		return fyne.NewPos(1, e.Size().Height-1)
	}
	d := fyne.CurrentApp().Driver()
	return d.AbsolutePositionForObject(o).Subtract(d.AbsolutePositionForObject(e)).Add(fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
}

func mouseAt(p fyne.Position) *desktop.MouseEvent {
	ev := &desktop.MouseEvent{}
	ev.Position = p
	return ev
}

// touch is a finger on o and off again, a second later.
func (f *fixture) touch(t *testing.T, o fyne.CanvasObject) {
	t.Helper()
	e, p := f.explorer(), f.at(t, o)
	e.MouseDown(mouseAt(p))
	f.clock.advance(time.Second)
	e.MouseUp(mouseAt(p))
	f.clock.advance(time.Second)
	f.pump()
}

// slide is a finger on from, slid to to, and lifted there.
func (f *fixture) slide(t *testing.T, from, to fyne.CanvasObject) {
	t.Helper()
	e := f.explorer()
	e.MouseDown(mouseAt(f.at(t, from)))
	e.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: f.at(t, to)}})
	e.DragEnd()
	f.clock.advance(time.Second)
	f.pump()
}

// doubleTap is two quick taps at o (nil: a corner of the screen).
func (f *fixture) doubleTap(t *testing.T, o fyne.CanvasObject) {
	t.Helper()
	e, p := f.explorer(), f.at(t, o)
	for range 2 {
		e.MouseDown(mouseAt(p))
		f.clock.advance(80 * time.Millisecond)
		e.MouseUp(mouseAt(p))
		f.clock.advance(120 * time.Millisecond)
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

// On the touchscreen in audio mode the keypad's keys are found by touch
// and typed by a double tap anywhere; a finger slid off the keypad types
// nothing.
func TestExploreTheKeypadByTouch(t *testing.T) {
	f, sp := voiceFixture(t, func(o *Options) { o.CodesAloud = true })
	f.key("*")
	f.key("1")
	pad := f.pad(t)
	f.touch(t, pad.keys["K"])
	if got := sp.said[len(sp.said)-1]; !got.now || len(got.phrases) != 1 || got.phrases[0].Key != "spoken.letter" || got.phrases[0].Args[1] != "K" {
		t.Fatalf("a finger on K said %v", got)
	}
	f.slide(t, pad.keys["K"], pad.keys["M"])
	if got := sp.said[len(sp.said)-1].phrases; got[0].Args[1] != "M" {
		t.Fatalf("sliding to M said %v", got)
	}
	if f.pad(t).code != "" {
		t.Fatalf("a touch typed %q", f.pad(t).code)
	}
	f.doubleTap(t, nil)
	if !sp.heard("spoken.alpha.M") || f.pad(t).code != "M" {
		t.Fatalf("a double tap said %v, typed %q", sp.last(), f.pad(t).code)
	}
	f.touch(t, f.pad(t).display)
	if !sp.heard("spoken.code.readback") {
		t.Fatalf("the display said %v", sp.last())
	}
	// Outside audio mode the keys take taps as ever.
	f.pressKey(fyne.KeyEscape)
	f.pump()
	f.tap(t, tr("home.collect"))
	if f.explorer() != nil {
		t.Fatal("exploring by touch outside audio mode")
	}
	f.typeOnKeypad(t, "7K")
	if f.pad(t).code != "7K" {
		t.Fatalf("typed %q", f.pad(t).code)
	}
}

// Audio mode's home is explored by touch: "Collect a parcel" is said
// under the finger and not pressed; a double tap anywhere opens it. The
// bar at the top shows that audio mode is on and ends it.
func TestExploreHomeByTouch(t *testing.T) {
	f, sp := voiceFixture(t)
	f.key("*")
	if f.button(tr("audio.end")) == nil || !f.shows(tr("audio.on")) {
		t.Fatalf("no sign that audio mode is on: %q", f.texts())
	}
	collect := f.button(tr("home.collect"))
	f.touch(t, collect)
	f.want(t, &homeScreen{})
	if got := sp.said[len(sp.said)-1]; !got.now || got.phrases[0].Key != "spoken.touch.button" || got.phrases[0].Args[1] != voice.Text(tr("home.collect")) {
		t.Fatalf("a finger on Collect said %v", got)
	}
	f.doubleTap(t, nil)
	f.want(t, &codeScreen{})
	if !sp.heard("code.title") {
		t.Fatalf("code entry said %v", sp.last())
	}
	f.touch(t, f.button(tr("audio.end")))
	f.doubleTap(t, nil)
	if f.k.front.Audio() || !sp.heard("spoken.audio.off") || f.explorer() != nil {
		t.Fatalf("audio mode not ended by its bar: said %v", sp.last())
	}
	f.want(t, &codeScreen{})
}

// A double tap before anything was found says so, and presses nothing.
func TestDoubleTapWithNothingFound(t *testing.T) {
	f, sp := voiceFixture(t)
	f.key("*")
	f.doubleTap(t, nil)
	f.want(t, &homeScreen{})
	if !sp.heard("spoken.touch.none") {
		t.Fatalf("said %v", sp.last())
	}
}

// Texts are read under the finger, a long phone number one digit at a
// time; every item's words are rendered ahead when a screen comes up.
func TestExploreTextsByTouch(t *testing.T) {
	f, sp := voiceFixture(t)
	f.key("*")
	f.clock.advance(time.Millisecond)
	if len(sp.prepared) == 0 {
		t.Fatal("nothing rendered ahead for the screen's items")
	}
	var title fyne.CanvasObject
	for _, o := range f.objects() {
		if l, ok := o.(*widget.Label); ok && l.Text == tr("home.title") {
			title = l
		}
	}
	f.touch(t, title)
	if got := sp.said[len(sp.said)-1].phrases[0]; got.Key != "spoken.touch.text" {
		t.Fatalf("the title said %v", got)
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

// A slow tap on a loaded machine is not a long press: the screen stalled
// for longer than a long press while the finger was down, and handled the
// lift after it; it saw the press held once, not all the way.
func TestSlowTapUnderLoadIsNotALongPress(t *testing.T) {
	f, sp := voiceFixture(t)
	b := f.button(tr("home.collect"))
	b.MouseDown(&desktop.MouseEvent{})
	f.clock.stall(3 * time.Second)
	b.MouseUp(&desktop.MouseEvent{})
	b.Tapped(&fyne.PointEvent{})
	f.pump()
	if f.k.front.Audio() || len(sp.said) != 0 {
		t.Fatalf("a slow tap under load started audio mode: said %v", sp.said)
	}
	f.want(t, &codeScreen{})
}

// Audio mode is a shopper's: a key of the staff PIN screen held long is
// a press of that key, nothing more.
func TestNoLongPressOnStaffScreens(t *testing.T) {
	f, sp := voiceFixture(t)
	for range 5 {
		f.k.logoTapped()
	}
	f.pump()
	f.want(t, &pinScreen{})
	b := f.pad(t).keys["1"]
	b.MouseDown(&desktop.MouseEvent{})
	f.clock.advance(3 * time.Second)
	b.MouseUp(&desktop.MouseEvent{})
	b.Tapped(&fyne.PointEvent{})
	f.pump()
	if f.k.front.Audio() || len(sp.said) != 0 || f.pad(t).code != "1" {
		t.Fatalf("a key held on the PIN screen: audio %v, said %v, typed %q", f.k.front.Audio(), sp.said, f.pad(t).code)
	}
}

// A language chosen by touch in audio mode says the screen again in it,
// its name first.
func TestLanguageByTouch(t *testing.T) {
	f, sp := voiceFixture(t)
	f.key("*")
	f.touch(t, f.button("Polski"))
	f.doubleTap(t, nil)
	if got := sp.said[len(sp.said)-1]; got.lang != "pl" || got.phrases[0].Key != "spoken.language" || got.phrases[1].Key != "home.title" {
		t.Fatalf("choosing Polski said %v", got)
	}
}

// Audio mode's last words are said in the person's language, though the
// screen goes back to the locker's own for the next person.
func TestAudioOffInThePersonsLanguage(t *testing.T) {
	f, sp := voiceFixture(t)
	f.key("*")
	f.key("/") // Polski
	f.scanned(f.demo[0].Code)
	f.close(f.demo[0].DoorID)
	f.key(string(fyne.KeyEnter)) // got it: thanks, then home for the next person
	f.clock.advance(time.Minute)
	for _, u := range sp.said {
		for _, p := range u.phrases {
			if p.Key == "spoken.audio.off" && u.lang != "pl" {
				t.Fatalf("audio off said in %q", u.lang)
			}
		}
	}
	if !slices.ContainsFunc(sp.said, func(u utterance) bool {
		return slices.ContainsFunc(u.phrases, func(p voice.Phrase) bool { return p.Key == "spoken.audio.off" })
	}) {
		t.Fatal("audio mode never ended")
	}
}
