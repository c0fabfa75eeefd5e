package session

import (
	"testing"
	"time"
)

func TestKeyBurst(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name        string
		text        string
		gaps        []time.Duration // before each key; the last entry is the gap before Enter
		wantText    string
		wantScanned bool
	}{
		{"scanner 5ms per key", "JJD639870086", repeat(5*ms, 13), "JJD639870086", true},
		{"scanner with usb jitter", "2820744451900", []time.Duration{0, 2 * ms, 30 * ms, 1 * ms, 12 * ms, 40 * ms, 3 * ms, 3 * ms, 8 * ms, 49 * ms, 2 * ms, 2 * ms, 2 * ms, 6 * ms}, "2820744451900", true},
		{"fast typist 90ms", "4711", repeat(90*ms, 5), "4711", false},
		{"human with rollover pair", "12345678", []time.Duration{0, 150 * ms, 20 * ms, 160 * ms, 25 * ms, 140 * ms, 30 * ms, 200 * ms, 300 * ms}, "12345678", false},
		{"human pauses before enter", "ABCDEFGH", append(repeat(5*ms, 8), 400*ms), "ABCDEFGH", false},
		{"too short burst", "ABC", repeat(5*ms, 4), "ABC", false},
		{"human prefix then scan", "12ABCDEF", []time.Duration{0, 200 * ms, 500 * ms, 5 * ms, 5 * ms, 5 * ms, 5 * ms, 5 * ms, 5 * ms}, "ABCDEF", true},
		{"nothing typed", "", []time.Duration{10 * ms}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := NewKeyBurst(DefaultKeyTiming())
			at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
			runes := []rune(tt.text)
			for i, r := range runes {
				at = at.Add(tt.gaps[i])
				k.Key(r, at)
			}
			at = at.Add(tt.gaps[len(runes)])
			text, scanned := k.Enter(at)
			if text != tt.wantText || scanned != tt.wantScanned {
				t.Errorf("Enter() = %q, %v; want %q, %v", text, scanned, tt.wantText, tt.wantScanned)
			}
			if k.Pending() {
				t.Error("Pending after Enter")
			}
		})
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}
