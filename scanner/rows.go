package scanner

import "github.com/makiuchi-d/gozxing"

// The rows stage scans the frame along its rows and columns, as zxing-cpp's
// 1D readers do, with their binarizer: one threshold for the whole line,
// from the line's histogram of grey levels, applied to the line sharpened
// by a -1 4 -1 filter. A local threshold (binarizeProfile) follows shading
// but loses bars wider than its window and splits a blurred bar's grey
// middle; one threshold per line keeps wide bars whole, and the sharpening
// gives a blurred code's narrow bars back their depth.
//
// Lines come coarse to fine: every rowsCoarse pixels, then in between,
// down to tune.rowSpacing, each pass a step (rows, then columns), so the
// camera sees the whole frame early and a code large in view is read in
// the first steps. The passes down to tune.rowEarly run early, before the
// lines laid across bar-like regions; the finer ones after them, so a
// small or blurred code in a region gets its turn before the whole frame
// is combed finely.

// rowsCoarse is the spacing of the first pass, in pixels.
const rowsCoarse = 16

// histogramShift sets the grey-level resolution of a line's histogram: 32
// buckets, as zxing-cpp's.
const histogramShift = 3

// rowPhases returns the offsets, within rowsCoarse, of the passes down to
// spacing: 0, 8, 4, 12, 2, 10, ... (each pass halves the gap).
func rowPhases(spacing int) []int {
	if spacing <= 0 || spacing > rowsCoarse {
		return nil
	}
	out := []int{0}
	for gap := rowsCoarse / 2; gap >= spacing; gap /= 2 {
		for _, p := range append([]int(nil), out...) {
			out = append(out, p+gap)
		}
	}
	return out
}

// rowPasses returns the phases of the rows stage's early passes (late
// false) or late ones.
func (d *Decoder) rowPasses(late bool) []int {
	all := rowPhases(d.tune.rowSpacing)
	early := min(len(all), len(rowPhases(max(d.tune.rowEarly, d.tune.rowSpacing))))
	if late {
		return all[early:]
	}
	return all[:early]
}

func (d *Decoder) rowSteps(*frame) int     { return 2 * len(d.rowPasses(false)) }
func (d *Decoder) lateRowSteps(*frame) int { return 2 * len(d.rowPasses(true)) }

func (d *Decoder) stageRows(f *frame, step int) (Result, bool) {
	return d.scanRows(f, d.rowPasses(false), step)
}

func (d *Decoder) stageLateRows(f *frame, step int) (Result, bool) {
	return d.scanRows(f, d.rowPasses(true), step)
}

// scanRows scans one pass: rows (even steps) or columns (odd ones) at one
// of phases.
func (d *Decoder) scanRows(f *frame, phases []int, step int) (Result, bool) {
	if len(d.rows) == 0 || step >= 2*len(phases) {
		return Result{}, false
	}
	w, h := f.g.Rect.Dx(), f.g.Rect.Dy()
	var lines []scanLine
	for at := phases[step/2] + rowsCoarse/2; ; at += rowsCoarse {
		l, ok := axisLine(w, h, step%2 == 1, float64(at))
		if !ok {
			break
		}
		lines = append(lines, l)
	}
	s := &d.scratch
	scanLines(f, lines, d, func(l scanLine) {
		f.spend(costLine + costLineSample*l.n)
		s.prof = l.sample(f.g, s.prof)
		s.bits = sizedBits(s.bits, len(s.prof))
		binarizeHistogram(s.prof, s.bits)
	}, w, h)
	return f.agreed()
}

// axisLine is the whole row y = at of a w x h frame or, if column, the
// whole column x = at; false when it lies off the frame or on its edge
// (the sampling band takes a pixel either side). A line is not clipped
// short of the frame's edges: a code printed up to the edge of the picture
// has the edge for a quiet zone, as zxing-cpp counts it.
func axisLine(w, h int, column bool, at float64) (scanLine, bool) {
	if column {
		w, h = h, w
	}
	if at < 1 || at > float64(h-2) || w < 64 {
		return scanLine{}, false
	}
	if column {
		return scanLine{x0: at, dy: 1, n: w}, true
	}
	return scanLine{y0: at, dx: 1, n: w}, true
}

// binarizeHistogram thresholds a line, sharpened, at the valley between the
// two peaks of its histogram (zxing-cpp's GlobalHistogramBinarizer row).
// A line with too little contrast for two peaks stays white.
func binarizeHistogram(prof []byte, bits *gozxing.BitArray) {
	bits.Clear()
	n := len(prof)
	th := blackPoint(prof)
	if th <= 0 || n < 3 {
		return
	}
	if int(prof[0]) <= th {
		bits.Set(0)
	}
	for i := 1; i < n-1; i++ {
		if (4*int(prof[i])-int(prof[i-1])-int(prof[i+1]))/2 <= th {
			bits.Set(i)
		}
	}
	if int(prof[n-1]) <= th {
		bits.Set(n - 1)
	}
}

// blackPoint finds the histogram's tallest peak and the one farthest from
// it (weighted by the square of the distance), and the lowest valley
// between them nearest the lighter one; -1 when there is one peak only, or
// the two are too close to tell ink from paper.
func blackPoint(prof []byte) int {
	const buckets = 256 >> histogramShift
	var hist [buckets]int
	for _, v := range prof {
		hist[v>>histogramShift]++
	}
	first, top := 0, 0
	for i, c := range hist {
		if c > top {
			first, top = i, c
		}
	}
	second, best := 0, 0
	for i, c := range hist {
		d := i - first
		if s := c * d * d; s > best {
			second, best = i, s
		}
	}
	if best == 0 {
		return -1 // one grey level only
	}
	if first > second {
		first, second = second, first
	}
	if second-first <= buckets/16 {
		return -1
	}
	valley, score := second-1, -1
	for x := second - 1; x > first; x-- {
		from := x - first
		if s := from * from * (second - x) * (top - hist[x]); s > score {
			valley, score = x, s
		}
	}
	return valley<<histogramShift - 1
}
