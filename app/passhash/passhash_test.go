package passhash

import (
	"strings"
	"testing"
)

var cheap = Cost{Time: 1, Memory: 64, Threads: 1}

func TestHashMatches(t *testing.T) {
	h := Hash("correct horse", cheap)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if h == Hash("correct horse", cheap) {
		t.Fatal("two hashes of one secret are the same: no salt")
	}
	for _, c := range []struct {
		secret, hash string
		want         bool
	}{
		{"correct horse", h, true},
		{"correct hors", h, false},
		{"", h, false},
		{"correct horse", "", false},
		{"correct horse", strings.Replace(h, "argon2id", "argon2i", 1), false},
		{"correct horse", strings.Replace(h, "m=64", "m=9999999", 1), false},
		{"correct horse", strings.Replace(h, "t=1", "t=0", 1), false},
		{"correct horse", h[:len(h)-3], false},
	} {
		if got := Match(c.secret, c.hash); got != c.want {
			t.Errorf("Match(%q, %q) = %v", c.secret, c.hash, got)
		}
	}
}
