package voice_test

import (
	"os"
	"strings"
	"testing"

	"pudo/app"
	"pudo/app/voice"
)

// catalogue is the kiosk's translation catalogue, read from the files the
// screens embed.
func catalogue(t testing.TB) voice.Catalogue {
	t.Helper()
	cat, err := voice.LoadCatalogue(os.DirFS("../../assets"))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// Every phrase the pure rules can ask for is said in every language, with
// every placeholder filled: code entry (with each key named), the way to
// every door of the demo locker and of a locker without places, the
// scanner.
func TestEveryPhraseSaysInEveryLanguage(t *testing.T) {
	cat := catalogue(t)
	km := voice.DefaultKeymap()
	other := km
	other.Repeat = []string{"F1"}
	var phrases []voice.Phrase
	for _, opts := range []voice.EntryOptions{{Length: 8, Keys: km}, {Length: 8, Keys: other}, {Length: 6, Digits: true, Secret: true, Keys: km}} {
		phrases = append(phrases, voice.EntryPhrases(opts)...)
	}
	sizes := []string{"SSSSMM", "SSMMLL", "MMMLL", "SSSSSML"}
	way := voice.DemoWayfinding()
	for _, cab := range []voice.Cabinet{way.Cabinet(sizes), voice.Wayfinding{DoorHeights: way.DoorHeights, ScreenHeight: 140,
		ScannerColumn: 7, ScannerHeight: 200}.Cabinet(sizes)} {
		door := 0
		for c, col := range sizes {
			for r := range col {
				door++
				phrases = append(phrases, cab.DoorWay(door, c+1, r+1))
			}
		}
		phrases = append(phrases, cab.ScannerWay())
	}
	phrases = append(phrases, voice.Spell("0123456789ABCDEFGHJKMNPQRSTVWXYZ")...)
	keys := append(voice.SpokenWayKeys(), append(voice.SpokenKeyNames(), voice.SpokenAlphabetKeys()...)...)
	for _, lang := range app.Languages {
		for _, k := range keys {
			if cat[lang][k] == "" {
				t.Errorf("%s: no %s", lang, k)
			}
		}
		for _, p := range phrases {
			if _, err := cat.Text(lang, p); err != nil {
				t.Errorf("%s: %v", lang, err)
			}
		}
	}
}

func deep(n int) voice.Phrase {
	p := voice.Say("loop", "X", 1)
	for range n {
		p = voice.Say("loop", "X", p)
	}
	return p
}

func TestCatalogueText(t *testing.T) {
	cat := voice.Catalogue{"en": {"door.number": "Door {{.Door}}", "spoken.door.number": "Door number {{.Door}}",
		"a": "A {{.B}}", "b": "b {{.C}}", "plain": "Plain", "loop": "{{.X}}"}}
	tests := []struct {
		p       voice.Phrase
		want    string
		wantErr string
	}{
		{voice.Say("door.number", "Door", 7), "Door number 7", ""},
		{voice.Say("spoken.door.number", "Door", 7), "Door number 7", ""},
		{voice.Say("plain"), "Plain", ""},
		{voice.Say("a", "B", voice.Say("b", "C", 3)), "A b 3", ""},
		{voice.Say("a"), "", "placeholder has no value"},
		{voice.Say("nope"), "", "no text"},
		{deep(6), "", "too deep"},
	}
	for _, tt := range tests {
		got, err := cat.Text("en", tt.p)
		if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("text(%v) = %q, %v; want %q, %q", tt.p, got, err, tt.want, tt.wantErr)
		}
	}
	if _, err := cat.Text("xx", voice.Say("plain")); err == nil {
		t.Error("an unknown language said something")
	}
}

// TestCountedPhrases: a counted text is said in the form its count takes
// in the language, from the catalogue's files as the screens read them.
func TestCountedPhrases(t *testing.T) {
	cat := catalogue(t)
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "Open the door"},
		{"en", 3, "Open 3 doors one by one"},
		{"pl", 3, "Otwieraj 3 skrytki po kolei"},
		{"pl", 5, "Otwieraj 5 skrytek po kolei"},
		{"fr", 0, "Ouvrir 0 porte"},
	}
	for _, tc := range tests {
		if got, err := cat.Text(tc.lang, voice.Say("batch.start", "N", tc.n)); got != tc.want || err != nil {
			t.Errorf("%s %d: %q, %v; want %q", tc.lang, tc.n, got, err, tc.want)
		}
	}
	for _, p := range cat.Fixed("en") {
		if strings.Contains(p.Key, "#") {
			t.Errorf("a plural form %q is rendered ahead on its own", p.Key)
		}
	}
}
