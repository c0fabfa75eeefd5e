package session_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/voice"
)

// spokenDoc is the list of what audio mode says on each screen, in every
// language, from voice.Spoken and the catalogue.
const spokenDoc = "../../assets/translations/SPOKEN.md"

// TestSpokenDoc holds assets/translations/SPOKEN.md to the code: the list
// of spoken texts per screen is generated from voice.Spoken and the
// translation catalogue. Run with -update to write it again.
func TestSpokenDoc(t *testing.T) {
	if translationsErr != nil {
		t.Fatal(translationsErr)
	}
	got := spokenList(t, translations)
	if *update {
		if err := os.WriteFile(spokenDoc, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(spokenDoc)
	if err != nil {
		t.Fatalf("%v (go test ./app/session -run TestSpokenDoc -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s is not what the code says (go test ./app/session -run TestSpokenDoc -update, and read the diff):\n%s", spokenDoc, diff(string(want), got))
	}
}

func spokenList(t *testing.T, cat voice.Catalogue) string {
	vo := spokenVoice()
	door := app.Door{ID: 14, Col: 3, Row: 2}
	now := time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)
	var b strings.Builder
	b.WriteString(`# What audio mode says

Generated from voice.Spoken and the translation catalogue by
` + "`go test ./app/session -run TestSpokenDoc -update`" + `; do not edit by hand (the test
fails when this file and the code part). Door 14 of the demo locker stands
for any door, the support phone is +48 22 123 45 67 and the locker T1.

Audio mode starts with a long press anywhere on the screen (speech.long_press,
2 s), the tactile keypad's repeat key (keypad.repeat, the star), or, on a
locker configured so (speech.start_on_scan), a shopper's code scanned on the
idle screen. It ends when the shopper's time at the screen does: home again,
the idle timeout, a courier or staff. Each screen says its text as it comes
up; the repeat key says it again, the language key switches to the next
language and says the screen in it. Every timeout is twice as long.

Keys on every screen (the default [keypad]): star repeats, slash changes the
language, dot says what the keys do, Enter answers yes (the main action),
minus deletes or answers no. Home: 1 types a pickup code, 2 a send or return
code. At a door: 1 says it did not open. Did you get your parcel: Enter yes,
1 open again, 2 door empty, 3 wrong parcel. Code entry: digits at once,
letters by pressing 2 to 9 again and again as on a phone, each character said
back; plus reads the code back. On the screen's keypad, a finger resting on a
key hears it; lifting it types it.

Each screen's phrases are said in order, a short pause between them; a new
screen cuts what is being said.

`)
	for _, nv := range voice.SpokenScreens(door, now) {
		section(&b, cat, nv.Name, voice.Spoken(nv.View, vo, now))
	}
	section(&b, cat, "a door closes (before the next screen's text)", []voice.Phrase{voice.Say("spoken.door.closed", "Door", 14)})
	section(&b, cat, "audio mode starts (before the screen's text)", []voice.Phrase{voice.Say("spoken.audio.on")})
	section(&b, cat, "audio mode ends", []voice.Phrase{voice.Say("spoken.audio.off")})
	section(&b, cat, "paused code entry resumes", []voice.Phrase{voice.Say("spoken.code.unlocked")})
	section(&b, cat, "need more time?", voice.SpokenMoreTime(vo, 40*time.Second))
	section(&b, cat, "the help key, outside code entry", []voice.Phrase{voice.Say("spoken.keys.screen",
		"Confirm", vo.Keys.Spoken(voice.KeyConfirm), "Repeat", vo.Keys.Spoken(voice.KeyRepeat), "Language", vo.Keys.Spoken(voice.KeyLanguage))})
	e := voice.NewCodeEntry(voice.EntryOptions{Keys: vo.Keys})
	section(&b, cat, "the help key, in code entry", e.Press(voice.KeyHelp, now).Say)
	typed := []voice.Phrase{}
	for _, k := range []voice.Key{voice.Key2, voice.Key2, voice.Key3} { // A, then 3
		typed = append(typed, e.Press(k, now).Say...)
	}
	typed = append(typed, e.Press(voice.KeyDelete, now).Say...)
	typed = append(typed, e.Press(voice.KeyReadBack, now).Say...)
	typed = append(typed, e.Press(voice.KeyConfirm, now).Say...)
	section(&b, cat, "code entry: 2, 2 (A), 3, delete, read back, confirm too soon", typed)
	return b.String()
}

func section(b *strings.Builder, cat voice.Catalogue, name string, phrases []voice.Phrase) {
	fmt.Fprintf(b, "## %s\n\n", name)
	var keys []string
	for _, p := range phrases {
		keys = append(keys, "`"+voice.SpokenKey(p.Key, func(k string) bool { return cat.Has("en", k) })+"`")
	}
	fmt.Fprintf(b, "Keys: %s\n\n", strings.Join(keys, ", "))
	for _, lang := range app.Languages {
		var said []string
		for _, p := range phrases {
			s, err := cat.Text(lang, p)
			if err != nil {
				s = "(" + err.Error() + ")"
			}
			said = append(said, "«"+s+"»")
		}
		fmt.Fprintf(b, "- %s: %s\n", lang, strings.Join(said, " "))
	}
	b.WriteString("\n")
}

// TestSpokenTextsInEveryLanguage: every phrase audio mode can say on the
// demo locker, ahead or on a screen, is said in every language with every
// placeholder filled, under its spoken variant where there is one.
func TestSpokenTextsInEveryLanguage(t *testing.T) {
	if translationsErr != nil {
		t.Fatal(translationsErr)
	}
	cat, vo := translations, spokenVoice()
	doors, err := app.Layout(app.DemoColumns(), 2)
	if err != nil {
		t.Fatal(err)
	}
	ahead := voice.SpokenAhead(vo, doors)
	if len(ahead) < 24*5 {
		t.Fatalf("only %d phrases ahead", len(ahead))
	}
	for _, lang := range app.Languages {
		for _, p := range ahead {
			if _, err := cat.Text(lang, p); err != nil {
				t.Errorf("%s: %v", lang, err)
			}
		}
	}
	// A spoken variant exists in English wherever the printed text
	// continues the door's number ("Door 14" / "is open...").
	for _, k := range []string{"door.take", "door.put", "door.put.return", "door.wait", "door.lookagain", "home.hint", "code.hint"} {
		if !cat.Has("en", voice.SpokenPrefix+k) {
			t.Errorf("no spoken variant of %s", k)
		}
	}
}
