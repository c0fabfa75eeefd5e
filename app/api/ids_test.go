package api

import (
	"testing"
	"testing/quick"
)

// hide and reveal are inverse bijections on [1, 2^52): every locker number
// has one opaque number and back, none is 0, and numbers outside name
// nothing.
func TestOpaqueIDsRoundTrip(t *testing.T) {
	c := opaqueIDs{key: [32]byte{7, 1, 2}}
	seen := map[int64]int64{}
	for n := int64(1); n < 5000; n++ {
		h := c.hide(n)
		if h <= 0 || h >= idSpace {
			t.Fatalf("hide(%d) = %d, outside [1, 2^52)", n, h)
		}
		if back, ok := c.reveal(h); !ok || back != n {
			t.Fatalf("reveal(hide(%d)) = %d, %v", n, back, ok)
		}
		if m, dup := seen[h]; dup {
			t.Fatalf("%d and %d both hide as %d", m, n, h)
		}
		seen[h] = n
	}
	if err := quick.Check(func(n int64) bool {
		n = 1 + (n&(idSpace-1))%(idSpace-1)
		back, ok := c.reveal(c.hide(n))
		return ok && back == n
	}, nil); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []int64{0, -1, idSpace, 1 << 62} {
		if _, ok := c.reveal(bad); ok {
			t.Errorf("reveal(%d) names a rent", bad)
		}
	}
	if (opaqueIDs{key: [32]byte{8}}).hide(42) == c.hide(42) {
		t.Error("two keys hide 42 alike")
	}
}
