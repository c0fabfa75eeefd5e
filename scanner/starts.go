package scanner

import "github.com/makiuchi-d/gozxing/oned"

// gozxing's row readers each walk the whole line pixel by pixel for their
// start pattern, and most lines through a picture have none: most of a
// line's work went to readers that were bound to find nothing. starts
// looks for the same start patterns in the line's runs, which are few, with
// tests that pass wherever gozxing's pass (and at some places they do not),
// so a reader it rules out would have found no start and read nothing:
// skipping it changes no read.

// startSet says which readers may find a start pattern on a line, read in
// one direction.
type startSet struct{ upcean, code128, code39 bool }

func (s startSet) allows(format string) bool {
	switch format {
	case FormatEAN13:
		return s.upcean
	case FormatCode128:
		return s.code128
	case FormatCode39:
		return s.code39
	}
	return true // no test for this reader: always run it
}

// The start patterns gozxing's readers look for, and their tolerances.
var (
	upceanGuard   = []int{1, 1, 1}
	code128Starts = [][]int{{2, 1, 1, 4, 1, 2}, {2, 1, 1, 2, 1, 4}, {2, 1, 1, 2, 3, 2}}
)

// upceanLead is how many digits every UPC/EAN symbol has after its start
// guard before anything else: EAN-8's four.
const upceanLead = 4

const (
	upceanMaxAvgVariance    = 0.48
	code128MaxAvgVariance   = 0.25
	maxIndividualVariance   = 0.7
	code39StartWide1        = 1 // the start/stop character's wide elements
	code39StartWide2        = 4
	code39StartWide3        = 6
	code39CharacterElements = 9
)

// startsIn finds where a start pattern may begin in runs (as lineRuns
// gives them: white first, then bar, space, ...). gozxing's readers test a
// pattern only when a run follows it, so the last run never ends one.
func startsIn(runs []float64, counts []int) startSet {
	s := startSet{upcean: upceanStarts(runs, counts)}
	pos := 0.0 // where runs[j] starts
	for j := 0; j < len(runs); j++ {
		if j%2 == 0 {
			pos += runs[j]
			continue
		}
		white := runs[j-1] // the white before this bar
		if !s.code128 && j+6 < len(runs) {
			counts = ints(runs[j:j+6], counts)
			if white >= min(pos, float64(sum(counts)/2)) {
				for _, p := range code128Starts {
					if oned.PatternMatchVariance(counts, p, maxIndividualVariance) < code128MaxAvgVariance {
						s.code128 = true
						break
					}
				}
			}
		}
		if !s.code39 && j+code39CharacterElements < len(runs) {
			counts = ints(runs[j:j+code39CharacterElements], counts)
			if white >= min(pos, float64(sum(counts)/2)) && code39StartShape(counts) {
				s.code39 = true
			}
		}
		if s.upcean && s.code128 && s.code39 {
			break
		}
		pos += runs[j]
	}
	return s
}

// upceanStarts follows gozxing's UPC/EAN reader to the start guard it
// takes, the first with a quiet zone as wide as itself (after a guard
// without one it looks on from that guard's end), and reports whether the
// four runs after it match a digit: its EAN-13, EAN-8 and UPC-E readers
// all read one there first, or fail.
func upceanStarts(runs []float64, counts []int) bool {
	pos := runs[0]
	for j := 1; j+3 < len(runs); j += 2 {
		counts = ints(runs[j:j+3], counts)
		w := float64(sum(counts))
		if oned.PatternMatchVariance(counts, upceanGuard, maxIndividualVariance) >= upceanMaxAvgVariance {
			pos += runs[j] + runs[j+1]
			continue
		}
		if pos >= w && runs[j-1] >= w {
			for k := range upceanLead {
				if !upceanDigitAt(runs, j+3+4*k, counts) {
					return false
				}
			}
			return true
		}
		// on from the guard's end, at the next bar
		pos += runs[j] + runs[j+1] + runs[j+2] + runs[j+3]
		j += 2
	}
	return false
}

// upceanDigitAt reports whether the four runs from runs[i] (space first)
// match an L- or G-coded digit as gozxing's decodeDigit matches them. Near
// the line's end, where gozxing lets the last run reach the end, it says
// yes.
func upceanDigitAt(runs []float64, i int, counts []int) bool {
	if i+4 >= len(runs) {
		return true
	}
	counts = ints(runs[i:i+4], counts)
	for _, p := range oned.UPCEANReader_L_AND_G_PATTERNS {
		if oned.PatternMatchVariance(counts, p, maxIndividualVariance) < upceanMaxAvgVariance {
			return true
		}
	}
	return false
}

// code39StartShape reports whether the three widest of nine elements are
// those the start character has wide, each wider than every other one:
// gozxing takes the three widest for wide, so it reads the start
// character nowhere else.
func code39StartShape(c []int) bool {
	wide := min(c[code39StartWide1], c[code39StartWide2], c[code39StartWide3])
	for i, v := range c {
		if i != code39StartWide1 && i != code39StartWide2 && i != code39StartWide3 && v >= wide {
			return false
		}
	}
	return true
}

func ints(runs []float64, out []int) []int {
	out = out[:0]
	for _, r := range runs {
		out = append(out, int(r))
	}
	return out
}

func sum(c []int) int {
	t := 0
	for _, v := range c {
		t += v
	}
	return t
}

// reverseRuns returns runs read from the other end, white first as lineRuns
// gives them.
func reverseRuns(runs, out []float64) []float64 {
	out = out[:0]
	n := len(runs)
	if n%2 == 0 { // ends on a bar: no white after it
		out = append(out, 0)
	}
	for i := n - 1; i >= 0; i-- {
		out = append(out, runs[i])
	}
	if len(out) > 1 && out[len(out)-1] == 0 { // began on a bar
		out = out[:len(out)-1]
	}
	return out
}
