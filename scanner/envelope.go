package scanner

import "cmp"

// A local threshold needs each sample's minimum and maximum over the
// window around it. Scanning the window at every sample costs its width
// per sample (41 samples on an oversampled line); van Herk and Gil-Werman's
// method gets the same minima and maxima from running minima and maxima
// within blocks of the window's width, a few comparisons per sample
// whatever the width.

// envelope holds the buffers of one line's running minima and maxima.
type envelope[T cmp.Ordered] struct {
	lo, hi         []T // the result: per sample, over its window
	preLo, preHi   []T // from the start of the sample's block
	sufLo, sufHi   []T // to the end of the sample's block
	headLo, headHi []T // from the start of the line
	tailLo, tailHi []T // to the end of the line
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// of sets e.lo[i] and e.hi[i] to the minimum and maximum of v over
// [i-win, i+win], cut to the line.
func (e *envelope[T]) of(v []T, win int) {
	n := len(v)
	k := 2*win + 1
	for _, s := range []*[]T{&e.lo, &e.hi, &e.preLo, &e.preHi, &e.sufLo, &e.sufHi, &e.headLo, &e.headHi, &e.tailLo, &e.tailHi} {
		*s = grow(*s, n)
	}
	if n == 0 {
		return
	}
	for i := 0; i < n; i++ {
		if i%k == 0 {
			e.preLo[i], e.preHi[i] = v[i], v[i]
		} else {
			e.preLo[i], e.preHi[i] = min(e.preLo[i-1], v[i]), max(e.preHi[i-1], v[i])
		}
		if i == 0 {
			e.headLo[i], e.headHi[i] = v[i], v[i]
		} else {
			e.headLo[i], e.headHi[i] = min(e.headLo[i-1], v[i]), max(e.headHi[i-1], v[i])
		}
	}
	for i := n - 1; i >= 0; i-- {
		if i == n-1 || (i+1)%k == 0 {
			e.sufLo[i], e.sufHi[i] = v[i], v[i]
		} else {
			e.sufLo[i], e.sufHi[i] = min(e.sufLo[i+1], v[i]), max(e.sufHi[i+1], v[i])
		}
		if i == n-1 {
			e.tailLo[i], e.tailHi[i] = v[i], v[i]
		} else {
			e.tailLo[i], e.tailHi[i] = min(e.tailLo[i+1], v[i]), max(e.tailHi[i+1], v[i])
		}
	}
	for i := 0; i < n; i++ {
		a, b := i-win, i+win // the window, both ends in
		switch {
		case a <= 0 && b >= n-1:
			e.lo[i], e.hi[i] = e.headLo[n-1], e.headHi[n-1]
		case a <= 0:
			e.lo[i], e.hi[i] = e.headLo[b], e.headHi[b]
		case b >= n-1:
			e.lo[i], e.hi[i] = e.tailLo[a], e.tailHi[a]
		default: // k samples from a: the rest of a's block and the start of the next
			e.lo[i], e.hi[i] = min(e.sufLo[a], e.preLo[b]), max(e.sufHi[a], e.preHi[b])
		}
	}
}
