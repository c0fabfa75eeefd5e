package core

import (
	"strings"
	"testing"

	"pudo/app"
)

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := NewCode()
		if n, err := app.NormalizeCode(c); err != nil || n != c {
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
	if got := app.FormatCode("7YHNZT93"); got != "7YHN-ZT93" {
		t.Fatalf("FormatCode = %q", got)
	}
}
