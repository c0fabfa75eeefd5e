package voice

import "testing"

func TestCharsSpaced(t *testing.T) {
	for in, want := range map[Chars]string{
		"+44 20 7946 0000": "+ 4 4, 2 0, 7 9 4 6, 0 0 0 0",
		"PUDO-DEMO":        "P U D O, D E M O",
		"0800.123/45":      "0 8 0 0, 1 2 3, 4 5",
		"T1":               "T 1",
		"  7  ":            "7",
		"":                 "",
	} {
		if got := in.Spaced(); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestTextSpoken(t *testing.T) {
	for in, want := range map[Text]string{
		"Call +44 20 7946 0000.":   "Call + 4 4, 2 0, 7 9 4 6, 0 0 0 0.",
		"Door 14 is open":          "Door 14 is open",
		"at 14:30, ref 2026-03-02": "at 14:30, ref 2 0 2 6, 0 3, 0 2",
		"room 101":                 "room 1 0 1",
		"":                         "",
	} {
		if got := in.Spoken(); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
