package session

import (
	"pudo/app"
	"strings"
	"testing"
	"time"
)

// oursForTest: an 8-symbol code (dashes ignored) or a PUDO token.
func oursForTest(text string) bool {
	t := strings.ToUpper(strings.ReplaceAll(text, "-", ""))
	return strings.HasPrefix(t, TokenPrefix) || len(t) == 8 && !strings.ContainsAny(t, "ILOU")
}

func TestKeyBurst(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name        string
		text        string
		gaps        []time.Duration // before each key; the last entry is the gap before Enter
		wantText    string
		wantScanned bool
		wantScreen  string // the keys the screen got, release at Enter included
	}{
		{"scanner 5ms per key", "JJD63987", repeat(5*ms, 9), "JJD63987", true, "JJD63987"},
		{"scanner with usb jitter", "28207444", []time.Duration{0, 2 * ms, 30 * ms, 1 * ms, 12 * ms, 40 * ms, 3 * ms, 3 * ms, 8 * ms}, "28207444", true, "28207444"},
		{"fast typist 90ms", "4711", repeat(90*ms, 5), "4711", false, "4711"},
		{"human with rollover pair", "12345678", []time.Duration{0, 150 * ms, 20 * ms, 160 * ms, 25 * ms, 140 * ms, 30 * ms, 200 * ms, 300 * ms}, "12345678", false, "12345678"},
		{"human pauses before enter", "ABCDEFGH", append(repeat(5*ms, 8), 400*ms), "ABCDEFGH", false, "ABCDEFGH"},
		{"too short burst", "ABC", repeat(5*ms, 4), "ABC", false, "ABC"},
		{"human prefix then scan", "12ABCDEFGH", []time.Duration{0, 200 * ms, 500 * ms, 5 * ms, 5 * ms, 5 * ms, 5 * ms, 5 * ms, 5 * ms, 5 * ms, 5 * ms}, "ABCDEFGH", true, "12ABCDEFGH"},
		{"nothing typed", "", []time.Duration{10 * ms}, "", false, ""},
		// A busy machine hands a person's keys over in a bunch: fast, but
		// not a code of ours, so they stay the screen's.
		{"slow typing delivered in a bunch", "ABCD2345", append(append(repeat(150*ms, 3), repeat(1*ms, 5)...), 1*ms), "ABCD2345", false, "ABCD2345"},
		{"partial code in a bunch", "AB3D", repeat(1*ms, 5), "AB3D", false, "AB3D"},
		{"product barcode by a keyboard scanner", "4006381333931", repeat(4*ms, 14), "4006381333931", false, "4006381333931"},
		// A token read lasts until Enter, whatever the gaps.
		{"token split by a delay", "PUDO2:ABCDEFGHJK", append(append(repeat(3*ms, 8), 400*ms), repeat(3*ms, 8)...), "PUDO2:ABCDEFGHJK", true, ""},
		{"token typed slowly", "pudo1p:xyz", repeat(300*ms, 11), "pudo1p:xyz", true, ""},
		{"token after stray keys", "12PUDO2:AB", repeat(3*ms, 11), "PUDO2:AB", true, "12"},
		// Held keys that turn out to be typing reach the screen in order.
		{"code starting with P", "P3PQ4567", repeat(200*ms, 9), "P3PQ4567", false, "P3PQ4567"},
		{"a token's start, then typing", "PUD7", repeat(200*ms, 5), "PUD7", false, "PUD7"},
		{"held until Enter", "ABP", repeat(200*ms, 4), "ABP", false, "ABP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := NewKeyBurst(DefaultKeyTiming(), oursForTest)
			at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
			runes := []rune(tt.text)
			var screen []rune
			for i, r := range runes {
				at = at.Add(tt.gaps[i])
				keys := k.Key(r, at)
				if keys.Retract {
					t.Fatal("retract without a release")
				}
				screen = append(screen, keys.Type...)
			}
			at = at.Add(tt.gaps[len(runes)])
			e := k.Enter(at)
			if !e.Scanned {
				screen = append(screen, e.Release...)
			}
			if e.Text != tt.wantText || e.Scanned != tt.wantScanned {
				t.Errorf("Enter() = %q, %v; want %q, %v", e.Text, e.Scanned, tt.wantText, tt.wantScanned)
			}
			if string(screen) != tt.wantScreen {
				t.Errorf("the screen got %q, want %q", string(screen), tt.wantScreen)
			}
			if k.Pending() || k.Held() {
				t.Error("keys left after Enter")
			}
		})
	}
}

// A key held back as a possible token start goes to the screen when the
// person pauses after it; should the token go on after all, the screen
// takes it back.
func TestKeyBurstRelease(t *testing.T) {
	k := NewKeyBurst(DefaultKeyTiming(), oursForTest)
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if got := k.Key('p', at); len(got.Type) != 0 || !k.Held() {
		t.Fatalf("P went to the screen at once (%q) or was not held", string(got.Type))
	}
	if got := string(k.Release()); got != "p" || k.Held() {
		t.Fatalf("released %q", got)
	}
	if got := k.Key('3', at.Add(time.Second)); string(got.Type) != "3" || got.Retract {
		t.Fatalf("next key %+v", got)
	}
	if e := k.Enter(at.Add(2 * time.Second)); e.Scanned || e.Text != "p3" || len(e.Release) != 0 {
		t.Fatalf("Enter %+v", e)
	}

	for _, r := range "PU" {
		k.Key(r, at)
	}
	if got := string(k.Release()); got != "PU" {
		t.Fatalf("released %q", got)
	}
	if got := k.Key('D', at.Add(time.Second)); len(got.Type) != 0 || got.Retract {
		t.Fatalf("D: %+v", got)
	}
	if got := k.Key('O', at.Add(time.Second)); !got.Retract {
		t.Fatalf("O completed the prefix without taking PU back: %+v", got)
	}
	for _, r := range "2:XY" {
		if got := k.Key(r, at.Add(2*time.Second)); len(got.Type) != 0 {
			t.Fatalf("a token's key went to the screen: %+v", got)
		}
	}
	if e := k.Enter(at.Add(3 * time.Second)); !e.Scanned || e.Text != "PUDO2:XY" {
		t.Fatalf("Enter %+v", e)
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

// A keyboard scanner reading a product's barcode is a scan the locker
// ignores, not a person's typing that would be tried as a code.
func TestOursKnowsProductBarcodes(t *testing.T) {
	ours := Ours(func(string) app.ScanKind { return app.ScanForeign })
	for text, want := range map[string]bool{"4006381333931": true, "96385074": true, "123456789012": true,
		"7K3MN5QZ": false, "1234": false, "ABCDEFGHJKMN": false} {
		if got := ours(text); got != want {
			t.Errorf("Ours(%q) = %v, want %v", text, got, want)
		}
	}
}
