package scanner

import (
	"image"

	"github.com/makiuchi-d/gozxing"
)

// frame is one image on its way through the stages; it caches what more than
// one stage needs (the binarized matrix, the half-size image), meters the
// work spent on it, and collects evidence: QR finder candidates and 1D reads.
type frame struct {
	g       *image.Gray
	lum     *grayLuminance
	hybrid  *gozxing.BitMatrix
	half    *image.Gray
	small   *image.Gray           // halved until it suits the line binarizer (smallImage)
	finders []gozxing.ResultPoint // QR finder-pattern candidates the detector saw
	regions []barRegion           // 1D-code-like patches, found by the cheap stage
	// hits holds 1D results (format, text) with the scan lines that read
	// them. The camera keeps one hits for a whole still scene, so lines of
	// stages run on different frames of it add up as they would on one image.
	hits   map[[2]string]witnesses
	source int // stage and step now running, to name its lines in hits
	meter
}

// witnesses are the scan lines that read one result, each named once: the
// same line on the next frame of a still scene is no second witness.
type witnesses []int

func (w witnesses) with(id int) witnesses {
	for _, v := range w {
		if v == id {
			return w
		}
	}
	return append(w, id)
}

func newFrame(g *image.Gray) *frame {
	return &frame{g: g, lum: newGrayLuminance(g), hits: map[[2]string]witnesses{}}
}

func (f *frame) pixels() int { return f.g.Rect.Dx() * f.g.Rect.Dy() }

// hit records that line (of the running step) read k.
func (f *frame) hit(k [2]string, line int) {
	f.hits[k] = f.hits[k].with(f.source<<20 | line&0xfffff)
}

// agreed returns a result that two lines read; of several, the one most
// lines read, so that the same frame always gives the same answer.
func (f *frame) agreed() (Result, bool) {
	var best [2]string
	n := 1
	for k, w := range f.hits {
		if len(w) > n || (len(w) == n && n > 1 && (k[0] < best[0] || k[0] == best[0] && k[1] < best[1])) {
			best, n = k, len(w)
		}
	}
	if n < 2 || !accepted(f.hits, best) {
		return Result{}, false
	}
	return Result{Format: best[0], Text: best[1]}, true
}

// promising says whether the cheap stage saw something code-like: enough QR
// finder candidates for a symbol, a bar-like region, or a 1D read on one line.
func (f *frame) promising() bool {
	return len(f.finders) >= 2 || len(f.regions) > 0 || len(f.hits) > 0
}

func (f *frame) hybridMatrix() *gozxing.BitMatrix {
	if f.hybrid == nil {
		f.spend(kpx(costBinarize, f.pixels()))
		m, err := gozxing.NewHybridBinarizer(f.lum).GetBlackMatrix()
		if err != nil {
			m, _ = gozxing.NewBitMatrix(1, 1)
		}
		f.hybrid = m
	}
	return f.hybrid
}

func (f *frame) halfImage() *image.Gray {
	if f.half == nil {
		f.spend(kpx(costHalve, f.pixels()/4))
		f.half = halve(f.g)
	}
	return f.half
}

// stage is one step of the pipeline; stages[0] is the cheap one every camera
// frame gets. A stage whose work is large is cut into steps (a region, an
// angle), so the camera can spread it over frames on its work budget.
type stage struct {
	name  string
	steps func(d *Decoder, f *frame) int // nil: one step
	run   func(d *Decoder, f *frame, step int) (Result, bool)
	track int
}

// estimate is the work one step of s is expected to cost on f: what the
// camera weighs against its budget before starting a step on a quiet frame.
// Only doubling the image is large; every other step costs at most about
// 2 ms of the reference machine on a 640x480 frame.
func (s stage) estimate(f *frame) int {
	if s.name == "double" {
		return kpx(costDouble+costBinarize+costGlobalBinarize+2*(costQR+costDM), 4*f.pixels())
	}
	return 0
}

func (s stage) count(d *Decoder, f *frame) int {
	if s.steps == nil {
		return 1
	}
	return s.steps(d, f)
}

func oneStep(fn func(*Decoder, *frame) (Result, bool)) func(*Decoder, *frame, int) (Result, bool) {
	return func(d *Decoder, f *frame, _ int) (Result, bool) { return fn(d, f) }
}

// The stages in the order a still image gets them. The camera runs the hard
// ones (all but the first) on its budget in two tracks, 2D and 1D, each in
// this order, and starts each frame with the track the evidence points to.
var stages = []stage{
	{"fast", nil, oneStep((*Decoder).stageFast), track2D},
	{"datamatrix", nil, oneStep((*Decoder).stageDataMatrix), track2D},
	{"1d-rows", (*Decoder).rowSteps, (*Decoder).stageRows, track1D},
	{"1d-small", smallSteps, (*Decoder).stageSmall1D, track1D},
	{"1d-fine", regionSteps, regionStage(0), track1D},
	{"inverted", nil, oneStep((*Decoder).stageInverted), track2D},
	{"global", nil, oneStep((*Decoder).stageGlobal), track2D},
	{"1d-edges", regionSteps, regionStage(2), track1D},
	{"1d-rows-late", (*Decoder).lateRowSteps, (*Decoder).stageLateRows, track1D},
	{"qr-harder", nil, oneStep((*Decoder).stageQRHarder), track2D},
	{"1d-sharp", regionSteps, regionStage(3), track1D},
	{"1d-band", regionSteps, regionStage(1), track1D},
	{"half", nil, oneStep((*Decoder).stageHalf), track2D},
	{"smooth", nil, oneStep((*Decoder).stageSmooth), track2D},
	{"double", nil, oneStep((*Decoder).stageDouble), track2D},
	{"1d-half", func(*Decoder, *frame) int { return len(halfAngles) }, (*Decoder).stageHalf1D, track1D},
	{"1d-angles", func(*Decoder, *frame) int { return len(sweepAngles) }, (*Decoder).stageAngles, track1D},
}

// Tracks of hard stages.
const (
	track2D = iota // QR and Data Matrix
	track1D        // 1D codes
	tracks
)

func (d *Decoder) stageFast(f *frame) (Result, bool) {
	if r, ok := d.readQR(f, f.lum, f.hybridMatrix(), true, nil); ok {
		return r, true
	}
	if r, ok := d.read1D(f, f.g, 0, 24); ok {
		return r, true
	}
	if len(d.rows) > 0 {
		f.spend(kpx(costRegions, f.pixels()/4))
		f.regions = findBarRegions(f.halfImage(), 4, &d.scratch)
	}
	return Result{}, false
}

// regionAngles are the angles, about a region's measured one, that its lines are laid at.
var regionAngles = []float64{0, -3, 3}

func regionSteps(_ *Decoder, f *frame) int { return len(f.regions) * len(regionAngles) }

// regionStage lays lines across a bar-like region at its measured angle
// (or 3 degrees either side), sampled with lineConfigs[i]. One stage per
// configuration, one step per region and angle.
func regionStage(i int) func(*Decoder, *frame, int) (Result, bool) {
	offsets := []float64{0, -6, 6, -12, 12, -18, 18, -24, 24, -30, 30}
	return func(d *Decoder, f *frame, step int) (Result, bool) {
		if step >= regionSteps(d, f) {
			return Result{}, false
		}
		r := f.regions[step/len(regionAngles)]
		w, h := f.g.Rect.Dx(), f.g.Rect.Dy()
		lines := linesThrough(w, h, r.x, r.y, r.angle+regionAngles[step%len(regionAngles)], offsets)
		decodeLinesF(f, lines, lineConfigs[i], d)
		return f.agreed()
	}
}

var sweepAngles = []float64{90, 15, -15, 30, -30, 45, -45, 60, -60, 75, -75}

func (d *Decoder) stageAngles(f *frame, step int) (Result, bool) {
	return d.read1D(f, f.g, sweepAngles[step], 16)
}

func (d *Decoder) stageInverted(f *frame) (Result, bool) {
	f.spend(kpx(costInvert, f.pixels()))
	m := inverted(f.hybridMatrix())
	if r, ok := d.readQR(f, f.lum, m, false, nil); ok {
		return r, true
	}
	return d.readDM(f, f.lum, m)
}

func (d *Decoder) stageDataMatrix(f *frame) (Result, bool) {
	return d.readDM(f, f.lum, f.hybridMatrix())
}

// stageQRHarder reads every row for finder patterns and, if that fails,
// tries every three of them that could be a symbol's corners. gozxing's
// detector stops at the first three that agree in size, and a symbol's data
// can hold a finder's look-alike: about one clean QR code in 200 of the
// kind the locker prints was never read, its third corner never looked at.
func (d *Decoder) stageQRHarder(f *frame) (Result, bool) {
	m := f.hybridMatrix()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	if r, ok := d.readQR(f, f.lum, m, false, hints); ok {
		return r, true
	}
	return d.readQRAll(f, f.lum, m, hints)
}

// readQRAll is readQR with every plausible set of finder patterns.
func (d *Decoder) readQRAll(f *frame, lum gozxing.LuminanceSource, m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) (Result, bool) {
	if d.qrAll == nil {
		return Result{}, false
	}
	f.spend(kpx(costQRAll, m.GetWidth()*m.GetHeight()))
	bmp, err := gozxing.NewBinaryBitmap(&matrixBinarizer{src: lum, m: m})
	if err != nil {
		return Result{}, false
	}
	rs, err := d.qrAll.DecodeMultiple(bmp, hints)
	if err != nil {
		return Result{}, false
	}
	for _, res := range rs {
		if res.GetText() != "" {
			return resultOf(res), true
		}
	}
	return Result{}, false
}

func (d *Decoder) stageGlobal(f *frame) (Result, bool) {
	f.spend(kpx(costGlobalBinarize, f.pixels()))
	m, err := gozxing.NewGlobalHistgramBinarizer(f.lum).GetBlackMatrix()
	if err != nil {
		return Result{}, false
	}
	if r, ok := d.readQR(f, f.lum, m, false, nil); ok {
		return r, true
	}
	return d.readDM(f, f.lum, m)
}

func (d *Decoder) stageHalf(f *frame) (Result, bool) {
	return d.read2DBoth(f, f.halfImage())
}

// stageSmooth reads a 3x3-smoothed frame: printing on cloth, screen pixels
// and sensor noise break up modules that a little blur joins again.
func (d *Decoder) stageSmooth(f *frame) (Result, bool) {
	f.spend(kpx(costSmooth, f.pixels()))
	return d.read2DBoth(f, smooth(f.g))
}

// read2DBoth reads QR and Data Matrix on g binarized both ways: the hybrid
// binarizer follows uneven light, the global one keeps modules whole where
// the hybrid one's blocks cut them up (a code larger than its blocks, on a
// dark background).
func (d *Decoder) read2DBoth(f *frame, g *image.Gray) (Result, bool) {
	lum := newGrayLuminance(g)
	px := g.Rect.Dx() * g.Rect.Dy()
	f.spend(kpx(costBinarize, px))
	if m, err := gozxing.NewHybridBinarizer(lum).GetBlackMatrix(); err == nil {
		if r, ok := d.readQR(f, lum, m, false, nil); ok {
			return r, true
		}
		if r, ok := d.readDM(f, lum, m); ok {
			return r, true
		}
	}
	f.spend(kpx(costGlobalBinarize, px))
	m, err := gozxing.NewGlobalHistgramBinarizer(lum).GetBlackMatrix()
	if err != nil {
		return Result{}, false
	}
	if r, ok := d.readQR(f, lum, m, false, nil); ok {
		return r, true
	}
	return d.readDM(f, lum, m)
}

var halfAngles = []float64{0, 90, 20, -20, 40, -40}

// smallSide is the longest side the 1D line binarizer suits: its window of
// 10 pixels each way loses bars wider than about 20 pixels, which a large
// photograph of a code has.
const smallSide = 720

func smallSteps(_ *Decoder, f *frame) int {
	if max(f.g.Rect.Dx(), f.g.Rect.Dy()) <= smallSide {
		return 0
	}
	return len(halfAngles)
}

// smallImage is the frame halved until its longer side is at most smallSide.
func (f *frame) smallImage() *image.Gray {
	if f.small == nil {
		g := f.halfImage()
		for max(g.Rect.Dx(), g.Rect.Dy()) > smallSide {
			f.spend(kpx(costHalve, g.Rect.Dx()*g.Rect.Dy()/4))
			g = halve(g)
		}
		f.small = g
	}
	return f.small
}

// stageSmall1D scans a large frame shrunk to a size whose bars the line
// binarizer can follow, as zxing-cpp's "try downscale" does.
func (d *Decoder) stageSmall1D(f *frame, step int) (Result, bool) {
	return d.read1D(f, f.smallImage(), halfAngles[step], 8)
}

// stageHalf1D scans the half-size image: averaging 2x2 pixels takes out
// noise, and a blurred code's bars come out sharper against the grid.
func (d *Decoder) stageHalf1D(f *frame, step int) (Result, bool) {
	return d.read1D(f, f.halfImage(), halfAngles[step], 8)
}

func (d *Decoder) stageDouble(f *frame) (Result, bool) {
	f.spend(kpx(costDouble, 4*f.pixels()))
	return d.read2DBoth(f, double(f.g, f.g.Rect))
}

// readQR runs the QR reader on a binarized matrix; with track set it records
// the finder candidates the detector saw, the cheap stage's hint that a QR
// code is in view even when it could not be read.
func (d *Decoder) readQR(f *frame, lum gozxing.LuminanceSource, m *gozxing.BitMatrix, track bool, hints map[gozxing.DecodeHintType]interface{}) (Result, bool) {
	if d.qr == nil {
		return Result{}, false
	}
	cost := costQR
	if hints[gozxing.DecodeHintType_TRY_HARDER] != nil {
		cost = costQRHarder
	}
	f.spend(kpx(cost, m.GetWidth()*m.GetHeight()))
	if track {
		hints = map[gozxing.DecodeHintType]interface{}{
			gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK: gozxing.ResultPointCallback(func(p gozxing.ResultPoint) {
				f.finders = append(f.finders, p)
			}),
		}
	}
	return d.read2D(d.qr, lum, m, hints)
}

func (d *Decoder) readDM(f *frame, lum gozxing.LuminanceSource, m *gozxing.BitMatrix) (Result, bool) {
	if d.dm == nil {
		return Result{}, false
	}
	f.spend(kpx(costDM, m.GetWidth()*m.GetHeight()))
	return d.read2D(d.dm, lum, m, nil)
}

func (d *Decoder) read2D(r gozxing.Reader, lum gozxing.LuminanceSource, m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) (Result, bool) {
	bmp, err := gozxing.NewBinaryBitmap(&matrixBinarizer{src: lum, m: m})
	if err != nil {
		return Result{}, false
	}
	res, err := r.Decode(bmp, hints)
	r.Reset()
	if err != nil || res.GetText() == "" {
		return Result{}, false
	}
	return resultOf(res), true
}

// resultOf is a 2D reader's result as ours.
func resultOf(res *gozxing.Result) Result {
	format := formatName(res.GetBarcodeFormat())
	return Result{Text: symbolText(res, format), Format: format}
}

// read1D scans parallel lines at one angle and accepts a result once two
// lines (in this step or an earlier one of the same frame or scene) agree.
func (d *Decoder) read1D(f *frame, g *image.Gray, angle, spacing float64) (Result, bool) {
	if len(d.rows) == 0 {
		return Result{}, false
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	decodeLines(f, g, linesAt(w, h, angle, spacing), d, 10, 24)
	return f.agreed()
}

// inverted returns a flipped copy of m: phone screens show light-on-dark codes,
// and flipping the bits is far cheaper than binarizing an inverted image.
func inverted(m *gozxing.BitMatrix) *gozxing.BitMatrix {
	w, h := m.GetWidth(), m.GetHeight()
	c, _ := gozxing.NewBitMatrix(w, h)
	row := gozxing.NewBitArray(w)
	for y := 0; y < h; y++ {
		row = m.GetRow(y, row)
		c.SetRow(y, row)
	}
	c.FlipAll()
	return c
}
