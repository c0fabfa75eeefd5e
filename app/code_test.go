package app

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"7YHNZT93", "7YHNZT93", nil},
		{"7yhn-zt93", "7YHNZT93", nil},
		{" 7yhn zt93 ", "7YHNZT93", nil},
		{"IL0O-abcd", "1100ABCD", nil},
		{"7YHNZT9", "", ErrCodeFormat},
		{"7YHNZT933", "", ErrCodeFormat},
		{"7YHNZT9U", "", ErrCodeFormat},
		{"7YHNZT9!", "", ErrCodeFormat},
		{"", "", ErrCodeFormat},
		{"ÄÄÄÄÄÄÄÄ", "", ErrCodeFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeCode(tt.in)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("NormalizeCode(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"7YHNZT93", "7yhn-zt93", "IL0O abcd", "", "ÄÄ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := NormalizeCode(in)
		if err != nil {
			return
		}
		if len(got) != CodeLength || strings.Trim(got, CodeAlphabet) != "" {
			t.Fatalf("NormalizeCode(%q) = %q: not canonical", in, got)
		}
		again, err := NormalizeCode(FormatCode(got))
		if err != nil || again != got {
			t.Fatalf("round trip of %q gave %q, %v", got, again, err)
		}
	})
}
