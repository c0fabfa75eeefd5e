package scanner

import (
	"image"
	"math"

	"github.com/makiuchi-d/gozxing"
)

// lineOpts says how a scan line is sampled and binarized.
type lineOpts struct {
	step  float64 // pixels between samples along the line: 0.5 oversamples small codes
	band  int     // pixels averaged across the line, against noise (odd)
	edges bool    // place bar edges at gradient peaks (blur-proof) instead of thresholding
	sharp float32 // unsharp-mask amount, 0 for none: narrow bars of a blurred code regain depth
}

// sharpen applies an unsharp mask with a 5-tap kernel, in place.
func sharpen(prof []float32, amount float32, tmp []float32) []float32 {
	n := len(prof)
	tmp = append(tmp[:0], prof...)
	for i := 2; i < n-2; i++ {
		blur := (tmp[i-2] + 4*tmp[i-1] + 6*tmp[i] + 4*tmp[i+1] + tmp[i+2]) / 16
		prof[i] = tmp[i] + amount*(tmp[i]-blur)
	}
	return tmp
}

// sampleF reads the line with bilinear interpolation, averaging band pixels
// across it: bars are long, so averaging along them removes noise without
// blurring the bars' widths.
func (l scanLine) sampleF(g *image.Gray, o lineOpts, prof []float32) []float32 {
	n := int(float64(l.n) / o.step)
	prof = prof[:0]
	nx, ny := -l.dy, l.dx
	half := o.band / 2
	r := g.Rect
	lox, hix := float64(r.Min.X), float64(r.Max.X-2)
	loy, hiy := float64(r.Min.Y), float64(r.Max.Y-2)
	for i := 0; i < n; i++ {
		t := float64(i) * o.step
		x, y := l.x0+l.dx*t, l.y0+l.dy*t
		// The band's two ends: if both lie inside, so does every sample
		// between, and none needs clamping.
		ax, ay := x-nx*float64(half), y-ny*float64(half)
		bx, by := x+nx*float64(half), y+ny*float64(half)
		inside := min(ax, bx) >= lox && max(ax, bx) <= hix && min(ay, by) >= loy && max(ay, by) <= hiy
		var sum float32
		for k := -half; k <= half; k++ {
			px, py := x+nx*float64(k), y+ny*float64(k)
			if !inside {
				px, py = min(max(px, lox), hix), min(max(py, loy), hiy)
			}
			sum += bilinearAt(g, px, py)
		}
		prof = append(prof, sum/float32(2*half+1))
	}
	return prof
}

// bilinearAt samples g at (x, y), which must lie at least a pixel inside
// its right and bottom edges.
func bilinearAt(g *image.Gray, x, y float64) float32 {
	x0, y0 := int(x), int(y)
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	p := (y0-g.Rect.Min.Y)*g.Stride + (x0 - g.Rect.Min.X)
	a, b := float32(g.Pix[p]), float32(g.Pix[p+1])
	c, d := float32(g.Pix[p+g.Stride]), float32(g.Pix[p+g.Stride+1])
	return (a*(1-fx)+b*fx)*(1-fy) + (c*(1-fx)+d*fx)*fy
}

// binarizeEnvelope thresholds at the midpoint of the local min and max within
// win samples. Flat stretches (range under minRange) stay white so quiet
// zones look quiet.
func binarizeEnvelope(prof []float32, win int, minRange float32, bits *gozxing.BitArray, e *envelope[float32]) {
	bits.Clear()
	e.of(prof, win)
	for i, v := range prof {
		lo, hi := e.lo[i], e.hi[i]
		if hi-lo >= minRange && 2*v < lo+hi {
			bits.Set(i)
		}
	}
}

// binarizeEdges finds bar edges at peaks of the gradient, with sub-sample
// precision, and fills between them. Blur moves a threshold crossing of a
// narrow bar but not, to first order, its edges' gradient peaks, so this keeps
// bar widths right where thresholding merges bars.
func binarizeEdges(prof []float32, win int, minEdge float32, bits *gozxing.BitArray, scratch []float32) []float32 {
	bits.Clear()
	n := len(prof)
	if n < 4 {
		return scratch
	}
	d := append(scratch[:0], make([]float32, n)...)
	for i := 1; i < n-1; i++ {
		d[i] = (prof[i+1] - prof[i-1]) / 2
	}
	var lastPos float64 = -1
	var lastSign, lastMag float32
	black := false
	fill := func(from, to float64) {
		for i := max(0, int(math.Round(from))); i < min(n, int(math.Round(to))); i++ {
			bits.Set(i)
		}
	}
	var start float64
	flush := func() {
		if lastPos < 0 {
			return
		}
		if lastSign < 0 { // light to dark: a bar starts
			start, black = lastPos, true
		} else if black {
			fill(start, lastPos)
			black = false
		}
	}
	for i := 2; i < n-2; i++ {
		a := abs32(d[i])
		if a < minEdge || a < abs32(d[i-1]) || a <= abs32(d[i+1]) {
			continue
		}
		if a < 0.2*localMaxAbs(d, i, win) {
			continue
		}
		sign := float32(1)
		if d[i] < 0 {
			sign = -1
		}
		pos := float64(i) + subSample(abs32(d[i-1]), a, abs32(d[i+1]))
		if sign == lastSign {
			if a > lastMag { // two edges the same way: keep the stronger
				lastPos, lastMag = pos, a
			}
			continue
		}
		flush()
		lastPos, lastSign, lastMag = pos, sign, a
	}
	flush()
	return d
}

func localMaxAbs(d []float32, i, win int) float32 {
	var m float32
	for _, v := range d[max(0, i-win):min(len(d), i+win+1)] {
		m = max(m, abs32(v))
	}
	return m
}

// subSample fits a parabola through three magnitudes and returns the peak's offset from the middle one.
func subSample(l, c, r float32) float64 {
	den := l - 2*c + r
	if den == 0 {
		return 0
	}
	return float64(0.5 * (l - r) / den)
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// lineConfigs are the sampling and binarization variants the hard 1D stage
// tries on each line; each one reads codes the others miss (measured on the
// shared test images): oversampling for small codes, a wide band for noise,
// gradient edges for blur, sharpening for blur plus noise.
var lineConfigs = []lineOpts{
	{step: 0.5, band: 3},
	{step: 1, band: 21},
	{step: 1, band: 7, edges: true},
	{step: 1, band: 21, sharp: 2},
}

// decodeLinesF samples every line with o and records its 1D reads in f.
func decodeLinesF(f *frame, lines []scanLine, o lineOpts, d *Decoder) {
	s := &d.scratch
	win := int(10 / o.step)
	scanLines(f, lines, d, func(l scanLine) {
		n := int(float64(l.n) / o.step)
		f.spend(costLine + n*(costSample*o.band+costLineSample+costEnvelope))
		s.fprof = l.sampleF(f.g, o, s.fprof)
		if o.sharp > 0 {
			s.tmp = sharpen(s.fprof, o.sharp, s.tmp)
		}
		s.bits = sizedBits(s.bits, len(s.fprof))
		if o.edges {
			s.tmp = binarizeEdges(s.fprof, win, 4, s.bits, s.tmp)
		} else {
			binarizeEnvelope(s.fprof, win, 20, s.bits, &s.fenv)
		}
	}, f.g.Rect.Dx(), f.g.Rect.Dy())
}
