package app

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
