package scanner

import (
	"image"
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// rowReader is one gozxing 1D row decoder and the format it reads.
type rowReader struct {
	dec    oned.RowDecoder
	format string
	hints  map[gozxing.DecodeHintType]interface{}
}

// scanLine is a straight line through the frame, sampled one pixel per step.
type scanLine struct {
	x0, y0 float64 // first sample
	dx, dy float64 // unit step along the line
	n      int     // samples
}

// lineScratch holds buffers reused across lines, so a frame allocates little.
type lineScratch struct {
	prof       []byte
	fprof, tmp []float32
	bits       *gozxing.BitArray
	runs, back []float64 // run lengths of bits, forward and reversed
	counts     []int     // a start pattern's runs, for startsIn
	env        envelope[byte]
	fenv       envelope[float32]
	reads      [][2]string // one line's results
	tens       [][8]float64
}

// linesAt returns parallel lines at angle deg (0 = horizontal), spaced
// spacing pixels apart, clipped to the w x h frame. Our own lines rather than
// gozxing's row loop let 1D codes be read at any angle without rotating the frame.
func linesAt(w, h int, deg float64, spacing float64) []scanLine {
	rad := deg * math.Pi / 180
	dx, dy := math.Cos(rad), math.Sin(rad)
	nx, ny := -dy, dx // normal
	cx, cy := float64(w)/2, float64(h)/2
	reach := math.Hypot(float64(w), float64(h)) / 2
	var out []scanLine
	for off := 0.0; off <= reach; off += spacing {
		for _, o := range [2]float64{off, -off} {
			if l, ok := clipLine(w, h, cx+nx*o, cy+ny*o, dx, dy); ok {
				out = append(out, l)
			}
			if off == 0 {
				break
			}
		}
	}
	return out
}

// clipLine intersects the infinite line through (px,py) along (dx,dy) with the
// frame, keeping a 1-pixel margin for the perpendicular band.
func clipLine(w, h int, px, py, dx, dy float64) (scanLine, bool) {
	tmin, tmax := math.Inf(-1), math.Inf(1)
	clip := func(p, d, lo, hi float64) {
		if math.Abs(d) < 1e-9 {
			if p < lo || p > hi {
				tmin, tmax = 1, 0
			}
			return
		}
		t0, t1 := (lo-p)/d, (hi-p)/d
		if t0 > t1 {
			t0, t1 = t1, t0
		}
		tmin, tmax = math.Max(tmin, t0), math.Min(tmax, t1)
	}
	// Two pixels of margin: one for the perpendicular band, one for rounding.
	clip(px, dx, 2, float64(w)-3)
	clip(py, dy, 2, float64(h)-3)
	n := int(tmax-tmin) - 1
	if n < 64 {
		return scanLine{}, false
	}
	return scanLine{x0: px + dx*tmin, y0: py + dy*tmin, dx: dx, dy: dy, n: n}, true
}

// sample reads the line into prof, averaging three pixels across the line:
// that halves sensor noise without blurring along the bars' direction.
func (l scanLine) sample(g *image.Gray, prof []byte) []byte {
	prof = prof[:0]
	const one = 1 << 16
	x, y := int(l.x0*one), int(l.y0*one)
	sx, sy := int(l.dx*one), int(l.dy*one)
	// perpendicular offset of one pixel, rounded to whole pixels
	px, py := int(math.Round(-l.dy)), int(math.Round(l.dx))
	off := py*g.Stride + px
	base := g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y)
	for i := 0; i < l.n; i++ {
		p := base + (y>>16)*g.Stride + (x >> 16)
		v := int(g.Pix[p-off]) + 2*int(g.Pix[p]) + int(g.Pix[p+off])
		prof = append(prof, byte(v>>2))
		x += sx
		y += sy
	}
	return prof
}

// binarizeProfile thresholds a line at the midpoint of its local envelope.
// A local threshold copes with glare and shading along the line; flat stretches
// (range below minRange) stay white so the readers' quiet-zone checks see
// background as background, not as noise.
func binarizeProfile(prof []byte, win, minRange int, bits *gozxing.BitArray, e *envelope[byte]) {
	bits.Clear()
	e.of(prof, win)
	for i, v := range prof {
		lo, hi := int(e.lo[i]), int(e.hi[i])
		if hi-lo >= minRange && 2*int(v) < lo+hi {
			bits.Set(i)
		}
	}
}

// decodeLines runs every row reader over every line, both directions, and
// records each result with the line that read it in f.
func decodeLines(f *frame, g *image.Gray, lines []scanLine, d *Decoder, win, minRange int) {
	s := &d.scratch
	scanLines(f, lines, d, func(l scanLine) {
		f.spend(costLine + (costLineSample+costEnvelope)*l.n)
		s.prof = l.sample(g, s.prof)
		s.bits = sizedBits(s.bits, len(s.prof))
		binarizeProfile(s.prof, win, minRange, s.bits, &s.env)
	}, g.Rect.Dx(), g.Rect.Dy())
}

// sizedBits returns b cleared, or a new BitArray if b is not n long.
func sizedBits(b *gozxing.BitArray, n int) *gozxing.BitArray {
	if b == nil || b.GetSize() != n {
		return gozxing.NewBitArray(n)
	}
	return b
}

// scanLines binarizes each line with bin (into d.scratch.bits) and reads
// it. A line that reads something no other line of the frame has read yet
// gets check lines, as zxing-cpp's 1D readers get check rows: parallel
// lines tune.checkLines pixels either side, sampled alike, each one more
// witness when it reads the same. A code found on one line is usually on
// its neighbours; a chance read on a noisy line usually is not.
func scanLines(f *frame, lines []scanLine, d *Decoder, bin func(scanLine), w, h int) {
	s := &d.scratch
	for i, l := range lines {
		bin(l)
		lone := false
		for _, k := range readLine(f, s, d.rows) {
			f.hit(k, i<<4)
			lone = lone || len(f.hits[k]) == 1
		}
		if !lone {
			continue
		}
		for j := 1; j <= d.tune.checkLines; j++ {
			for side, off := range [2]float64{float64(j), -float64(j)} {
				c, ok := beside(l, w, h, off)
				if !ok {
					continue
				}
				bin(c)
				for _, k := range readLine(f, s, d.rows) {
					f.hit(k, i<<4|(2*j-1+side))
				}
			}
		}
	}
}

// beside is the line parallel to l, off pixels across it, within the w x h
// frame. A row or column stays as long as l (see axisLine); any other line
// is clipped again.
func beside(l scanLine, w, h int, off float64) (scanLine, bool) {
	if l.dy == 0 || l.dx == 0 {
		return axisLine(w, h, l.dy != 0, l.y0+l.dx*off+l.x0-l.dy*off)
	}
	return clipLine(w, h, l.x0-l.dy*off, l.y0+l.dx*off, l.dx, l.dy)
}

// minRuns is the fewest bars and spaces of any symbol we read (a Code 128
// of one character has 25, an EAN-8 43): a line with fewer is not run
// through the readers, which cost most of a line's work.
const minRuns = 25

// readLine runs the readers over the binarized line in s.bits, if it has
// bars enough, and returns what they read.
func readLine(f *frame, s *lineScratch, readers []rowReader) [][2]string {
	bits := s.bits
	n := bits.GetSize()
	s.runs = lineRuns(bits, s.runs)
	if 2*(len(s.runs)/2) < minRuns {
		return nil
	}
	f.spend(costRuns * n)
	reads, ran := decodeBits(0, bits, readers, s)
	f.spend(costReader * n * ran)
	return reads
}

// decodeBits tries each reader on the row and on the row reversed, given
// the row's runs in s.runs; it returns each distinct result once, so one
// line counts once however it was read, and how many times a gozxing
// reader ran (a reader that can find no start on the row is not run: see
// starts.go).
func decodeBits(n int, bits *gozxing.BitArray, readers []rowReader, s *lineScratch) (reads [][2]string, ran int) {
	out := s.reads[:0]
	defer func() { s.reads = out[:0] }()
	add := func(k [2]string) {
		for _, o := range out {
			if o == k {
				return
			}
		}
		out = append(out, k)
	}
	runs := s.runs
	for pass := 0; pass < 2; pass++ {
		if pass == 1 {
			bits.Reverse()
			s.back = reverseRuns(runs, s.back)
			runs = s.back
		}
		starts := startsIn(runs, s.counts)
		for _, r := range readers {
			if r.format == FormatEAN13 {
				// Our own EAN-13 reader first: see ean.go.
				if f, text, ok := eanInRuns(runs, s); ok {
					add([2]string{f, text})
				}
			}
			if !starts.allows(r.format) {
				continue
			}
			ran++
			res, err := r.dec.DecodeRow(n, bits, r.hints)
			if err != nil || res.GetText() == "" {
				continue
			}
			f := formatName(res.GetBarcodeFormat())
			if !fitsLine(bits, res, f) {
				continue
			}
			if (f == FormatEAN13 || f == FormatUPCA) && len(res.GetResultPoints()) > 0 &&
				eanContradicts(bits, res.GetResultPoints()[0].GetX(), res.GetText(), s) {
				continue
			}
			add([2]string{f, symbolText(res, f)})
		}
	}
	bits.Reverse()
	return out, ran
}
