package core

import (
	"errors"
	"strings"
	"testing"

	"pudo/app"
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
		{"7YHNZT9", "", app.ErrCodeFormat},
		{"7YHNZT933", "", app.ErrCodeFormat},
		{"7YHNZT9U", "", app.ErrCodeFormat},
		{"7YHNZT9!", "", app.ErrCodeFormat},
		{"", "", app.ErrCodeFormat},
		{"ÄÄÄÄÄÄÄÄ", "", app.ErrCodeFormat},
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

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := NewCode()
		if n, err := NormalizeCode(c); err != nil || n != c {
			t.Fatalf("NewCode gave %q, which normalizes to %q, %v", c, n, err)
		}
		if strings.ContainsAny(c, "ILOU") {
			t.Fatalf("NewCode gave %q with an ambiguous letter", c)
		}
		if seen[c] {
			t.Fatalf("NewCode repeated %q within 1000 draws", c)
		}
		seen[c] = true
	}
	if got := FormatCode("7YHNZT93"); got != "7YHN-ZT93" {
		t.Fatalf("FormatCode = %q", got)
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
		if len(got) != CodeLen || strings.Trim(got, crockford) != "" {
			t.Fatalf("NormalizeCode(%q) = %q: not canonical", in, got)
		}
		again, err := NormalizeCode(FormatCode(got))
		if err != nil || again != got {
			t.Fatalf("round trip of %q gave %q, %v", got, again, err)
		}
	})
}
