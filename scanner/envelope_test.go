package scanner

import (
	"math/rand/v2"
	"testing"
)

// TestEnvelopeMatchesTheWindow holds the running minima and maxima to a
// scan of every window, at every width and line length around the block
// edges.
func TestEnvelopeMatchesTheWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	var e envelope[float32]
	var eb envelope[byte]
	for n := 0; n < 70; n++ {
		v := make([]float32, n)
		vb := make([]byte, n)
		for i := range v {
			vb[i] = byte(rng.IntN(256))
			v[i] = float32(vb[i]) + rng.Float32()
		}
		for win := 0; win < 25; win++ {
			e.of(v, win)
			eb.of(vb, win)
			for i := range n {
				lo, hi := v[i], v[i]
				blo, bhi := vb[i], vb[i]
				for j := max(0, i-win); j < min(n, i+win+1); j++ {
					lo, hi = min(lo, v[j]), max(hi, v[j])
					blo, bhi = min(blo, vb[j]), max(bhi, vb[j])
				}
				if e.lo[i] != lo || e.hi[i] != hi || eb.lo[i] != blo || eb.hi[i] != bhi {
					t.Fatalf("n %d win %d sample %d: envelope %v..%v and %v..%v, want %v..%v and %v..%v",
						n, win, i, e.lo[i], e.hi[i], eb.lo[i], eb.hi[i], lo, hi, blo, bhi)
				}
			}
		}
	}
}
