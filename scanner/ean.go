package scanner

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"pudo/scanner/gs1"
)

// gozxing matches each EAN digit's four bar and space widths against the
// patterns as whole pixel counts. On a real photograph a code's modules are
// 1-3 pixels wide and blur makes every bar thinner or thicker than it is,
// so digits come out wrong or not at all. readEAN13 decodes EAN-13 and
// UPC-A the way the standard's reference decoder does: by edge-to-similar-
// edge distances (a bar and the next space; a space and the next bar),
// each measured against its own digit's width. A bar grown by blur shrinks
// its neighbouring spaces as much, so those distances do not change.

// eanL are the widths of the L-coded digits, space first; an R digit has
// the same widths bar first, a G digit the L widths reversed.
var eanL = [10][4]float64{
	{3, 2, 1, 1}, {2, 2, 2, 1}, {2, 1, 2, 2}, {1, 4, 1, 1}, {1, 1, 3, 2},
	{1, 2, 3, 1}, {1, 1, 1, 4}, {1, 3, 1, 2}, {1, 2, 1, 3}, {3, 1, 1, 2},
}

// eanFirst is the first digit of an EAN-13, from the parity of the left six
// digits (the first digit's parity in the highest bit; set: G-coded).
var eanFirst = map[int]byte{
	0b000000: '0', 0b001011: '1', 0b001101: '2', 0b001110: '3', 0b010011: '4',
	0b011001: '5', 0b011100: '6', 0b010101: '7', 0b010110: '8', 0b011010: '9',
}

// eanTolerance is how far, in modules, an edge distance may be from a whole
// number of modules; beyond it the digit is not read at all.
const eanTolerance = 0.38

// eanQuiet is the white, in modules, a symbol needs on either side. The
// standard asks for 11 and 7; photographs crop closer, and 5 is still more
// than any white inside a symbol (at most 4).
const eanQuiet = 5

// readEAN13 looks for an EAN-13 or UPC-A along bits, left to right, and
// returns its format and text.
func readEAN13(bits *gozxing.BitArray, s *lineScratch) (format, text string, ok bool) {
	s.runs = lineRuns(bits, s.runs)
	return eanInRuns(s.runs, s)
}

// eanInRuns is readEAN13 on the line's runs (see lineRuns).
func eanInRuns(runs []float64, s *lineScratch) (format, text string, ok bool) {
	// runs alternate white, black, white, ..., starting with white; a
	// symbol is 59 runs from its first bar, with quiet zones either side.
	for i := 1; i+59 < len(runs); i += 2 {
		if t, ok := eanAt(runs, i); ok {
			if t[0] == '0' {
				return FormatUPCA, t[1:], true
			}
			return FormatEAN13, t, true
		}
	}
	return "", "", false
}

// lineRuns returns the run lengths of bits, the first one white (maybe 0).
func lineRuns(bits *gozxing.BitArray, runs []float64) []float64 {
	runs = runs[:0]
	n := bits.GetSize()
	black := false
	for x := 0; x < n; black = !black {
		next := bits.GetNextSet(x)
		if black {
			next = bits.GetNextUnset(x)
		}
		runs = append(runs, float64(next-x))
		x = next
	}
	if n == 0 {
		runs = append(runs, 0)
	}
	return runs
}

// guard reports whether k runs from i are alike, as a guard's 1-module bars
// and spaces are, and returns their mean.
func guard(runs []float64, i, k int) (float64, bool) {
	sum := 0.0
	for _, r := range runs[i : i+k] {
		sum += r
	}
	m := sum / float64(k)
	for _, r := range runs[i : i+k] {
		if r < 0.4*m || r > 1.8*m {
			return 0, false
		}
	}
	return m, true
}

func eanAt(runs []float64, i int) (string, bool) {
	m, ok := guard(runs, i, 3)
	if !ok || runs[i-1] < eanQuiet*m {
		return "", false
	}
	// How much blur widens bars (and narrows spaces), from the start guard.
	spread := ((runs[i]+runs[i+2])/2 - runs[i+1]) / 2
	var digits [13]byte
	parity := 0
	j := i + 3
	unit := m
	for k := 0; k < 12; k++ {
		if k == 6 {
			mm, ok := guard(runs, j, 5)
			if !ok || mm < 0.6*unit || mm > 1.6*unit {
				return "", false
			}
			j += 5
		}
		w := runs[j : j+4]
		d, g, u, ok := eanDigit(w, k >= 6, spread, eanTolerance)
		if !ok || u < 0.6*unit || u > 1.6*unit {
			return "", false
		}
		if g {
			parity |= 1 << (5 - k)
		}
		digits[k+1] = d
		unit = u
		j += 4
	}
	if mm, ok := guard(runs, j, 3); !ok || mm < 0.6*unit || mm > 1.6*unit {
		return "", false
	}
	if j+3 < len(runs) && runs[j+3] < eanQuiet*unit {
		return "", false
	}
	first, ok := eanFirst[parity]
	if !ok {
		return "", false
	}
	digits[0] = first
	if !gs1.Valid(digits[:]) {
		return "", false
	}
	return string(digits[:]), true
}

// eanDigit decodes one digit's four widths: a left-half digit starts with a
// space and is L- or G-coded; a right-half one starts with a bar and is
// R-coded. It returns the digit, whether it was G-coded, and the module.
func eanDigit(w []float64, right bool, spread, tol float64) (byte, bool, float64, bool) {
	t := w[0] + w[1] + w[2] + w[3]
	u := t / 7
	e1, ok1 := modules((w[0]+w[1])/u, tol)
	e2, ok2 := modules((w[1]+w[2])/u, tol)
	if !ok1 || !ok2 {
		return 0, false, 0, false
	}
	// Bars of this digit, in modules, without the blur's spread.
	bars := (w[1] + w[3] - 2*spread) / u
	if right {
		bars = (w[0] + w[2] - 2*spread) / u
	}
	type reading struct {
		d byte
		g bool
	}
	var found []reading
	for d, p := range eanL {
		if float64(e1) == p[0]+p[1] && float64(e2) == p[1]+p[2] {
			found = append(found, reading{byte('0' + d), false}) // L, or R on the right
		}
		if !right && float64(e1) == p[3]+p[2] && float64(e2) == p[2]+p[1] {
			found = append(found, reading{byte('0' + d), true}) // G: the widths reversed
		}
	}
	switch len(found) {
	case 1:
		return found[0].d, found[0].g, u, true
	case 2:
		// 1 and 7, or 2 and 8, share both distances: their bars differ by
		// two modules.
		a, b := found[0], found[1]
		ba, bb := digitBars(a.d, a.g, right), digitBars(b.d, b.g, right)
		mid := (ba + bb) / 2
		if math.Abs(bars-mid) < 0.5 && tol < 0.5 {
			return 0, false, 0, false // too close to tell
		}
		if (bars < mid) == (ba < bb) {
			return a.d, a.g, u, true
		}
		return b.d, b.g, u, true
	}
	return 0, false, 0, false
}

// digitBars is how many modules of bar digit d has in its coding.
func digitBars(d byte, g, right bool) float64 {
	p := eanL[d-'0']
	switch {
	case right:
		return p[0] + p[2]
	case g:
		return p[2] + p[0] // reversed: space p3, bar p2, space p1, bar p0
	}
	return p[1] + p[3]
}

// modules rounds an edge distance to whole modules, 2 to 5, if it is close.
func modules(e, tol float64) (int, bool) {
	r := math.Round(e)
	if r < 2 || r > 5 || math.Abs(e-r) > tol {
		return 0, false
	}
	return int(r), true
}

// eanContradicts reports whether the line in bits, read leniently (every
// edge distance rounded) from the start guard near x, gives at least
// eanContradiction digits other than text's: gozxing's pixel-count matching
// reads a valid but wrong EAN-13 off some blurred lines, with several digits
// unlike the bars' distances. Fewer differing digits are the lenient read's
// own errors on a blurred line (measured on the shared photographs: 3 cost
// two right reads, 7 let a wrong one through).
func eanContradicts(bits *gozxing.BitArray, x float64, text string, s *lineScratch) bool {
	s.runs = lineRuns(bits, s.runs)
	runs := s.runs
	enc := text[len(text)-12:] // the twelve digits the bars encode
	pos := 0.0
	for i := 0; i+59 < len(runs); i++ {
		start := pos
		pos += runs[i]
		if i%2 == 0 || start > x {
			continue
		}
		if end := start + runs[i] + runs[i+1] + runs[i+2]; end < x {
			continue
		}
		return eanDiffers(runs, i, enc) >= eanContradiction
	}
	return false
}

const eanContradiction = 4

// eanDiffers counts the digits that a lenient read of the symbol whose start
// guard is runs[i:i+3] gives other than enc.
func eanDiffers(runs []float64, i int, enc string) int {
	spread := ((runs[i]+runs[i+2])/2 - runs[i+1]) / 2
	n := 0
	j := i + 3
	for k := 0; k < 12; k++ {
		if k == 6 {
			j += 5
		}
		d, _, _, ok := eanDigit(runs[j:j+4], k >= 6, spread, 0.5)
		if !ok || d != enc[k] {
			n++
		}
		j += 4
	}
	return n
}
