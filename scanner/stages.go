package scanner

import (
	"image"
	"time"

	"github.com/makiuchi-d/gozxing"
)

// frame is one image on its way through the stages; it caches what more than
// one stage needs (the binarized matrix, the half-size image) and collects
// evidence: QR finder candidates and 1D line reads.
type frame struct {
	g       *image.Gray
	lum     *grayLuminance
	hybrid  *gozxing.BitMatrix
	half    *image.Gray
	finders []gozxing.ResultPoint // QR finder-pattern candidates the detector saw
	hits    map[[2]string]int     // 1D results (format, text) by number of lines that read them
	regions []barRegion           // 1D-code-like patches, found by the cheap stage
	// deadline, when set, cuts hard stages short: a camera frame gets a budget,
	// a still image does not.
	deadline time.Time
	now      func() time.Time
}

func (f *frame) expired() bool {
	return !f.deadline.IsZero() && f.now().After(f.deadline)
}

func (d *Decoder) newFrame(g *image.Gray) *frame {
	return &frame{g: g, lum: newGrayLuminance(g), hits: map[[2]string]int{}, now: d.now}
}

// promising says whether the cheap stage saw something code-like: enough QR
// finder candidates for a symbol, or a 1D read on one line only.
func (f *frame) promising() bool {
	if len(f.finders) >= 2 || len(f.regions) > 0 {
		return true
	}
	for _, n := range f.hits {
		if n > 0 {
			return true
		}
	}
	return false
}

func (f *frame) hybridMatrix() *gozxing.BitMatrix {
	if f.hybrid == nil {
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
		f.half = halve(f.g)
	}
	return f.half
}

// stage is one step of the pipeline; stages[0] is the cheap one every camera frame gets.
type stage struct {
	name string
	run  func(d *Decoder, f *frame) (Result, bool)
}

var stages = []stage{
	{"fast", (*Decoder).stageFast},
	{"1d-fine", regionStage(0)},
	{"1d-band", regionStage(1)},
	{"1d-edges", regionStage(2)},
	{"1d-sharp", regionStage(3)},
	{"inverted", (*Decoder).stageInverted},
	{"datamatrix", (*Decoder).stageDataMatrix},
	{"qr-harder", (*Decoder).stageQRHarder},
	{"global", (*Decoder).stageGlobal},
	{"half", (*Decoder).stageHalf},
	{"1d-angles", (*Decoder).stageAngles},
	{"double", (*Decoder).stageDouble},
}

// lightStages are the hard stages that cost about a millisecond or less on
// a 640x480 frame (measured on the no-code frames of the test set); the
// others (half size, angle sweep, 2x upscale, dense 1D lines) cost 4-35 ms.
var lightStages = []stage{stages[3], stages[5], stages[6], stages[7], stages[8]}

func (d *Decoder) stageFast(f *frame) (Result, bool) {
	if r, ok := d.readQR(f, f.lum, f.hybridMatrix(), true, nil); ok {
		return r, true
	}
	if r, ok := d.read1D(f, f.g, []float64{0}, 12, 1); ok {
		return r, true
	}
	if len(d.rows) > 0 {
		f.regions = findBarRegions(f.halfImage(), 4)
	}
	return Result{}, false
}

// regionStage lays lines across each bar-like region at its measured angle
// (and 3 degrees either side), sampled with lineConfigs[i]. One stage per
// configuration lets the camera spread them over frames.
func regionStage(i int) func(*Decoder, *frame) (Result, bool) {
	offsets := []float64{0, -6, 6, -12, 12, -18, 18, -24, 24, -30, 30}
	return func(d *Decoder, f *frame) (Result, bool) {
		w, h := f.g.Rect.Dx(), f.g.Rect.Dy()
		for _, r := range f.regions {
			for _, da := range []float64{0, -3, 3} {
				if f.expired() {
					return Result{}, false
				}
				lines := linesThrough(w, h, r.x, r.y, r.angle+da, offsets)
				decodeLinesF(f.g, lines, lineConfigs[i], d.rows, &d.scratch, f.hits)
				if res, ok := agreed(f.hits); ok {
					return res, true
				}
			}
		}
		return Result{}, false
	}
}

func agreed(hits map[[2]string]int) (Result, bool) {
	for k, n := range hits {
		if n >= 2 {
			return Result{Format: k[0], Text: k[1]}, true
		}
	}
	return Result{}, false
}

func (d *Decoder) stageAngles(f *frame) (Result, bool) {
	return d.read1D(f, f.g, []float64{90, 15, -15, 30, -30, 45, -45, 60, -60, 75, -75}, 16, 1)
}

func (d *Decoder) stageInverted(f *frame) (Result, bool) {
	m := inverted(f.hybridMatrix())
	if r, ok := d.readQR(f, f.lum, m, false, nil); ok {
		return r, true
	}
	return d.readDM(f.lum, m)
}

func (d *Decoder) stageDataMatrix(f *frame) (Result, bool) {
	return d.readDM(f.lum, f.hybridMatrix())
}

func (d *Decoder) stageQRHarder(f *frame) (Result, bool) {
	return d.readQR(f, f.lum, f.hybridMatrix(), false, map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_TRY_HARDER: true,
	})
}

func (d *Decoder) stageGlobal(f *frame) (Result, bool) {
	m, err := gozxing.NewGlobalHistgramBinarizer(f.lum).GetBlackMatrix()
	if err != nil {
		return Result{}, false
	}
	if r, ok := d.readQR(f, f.lum, m, false, nil); ok {
		return r, true
	}
	return d.readDM(f.lum, m)
}

func (d *Decoder) stageHalf(f *frame) (Result, bool) {
	h := f.halfImage()
	lum := newGrayLuminance(h)
	m, err := gozxing.NewHybridBinarizer(lum).GetBlackMatrix()
	if err == nil {
		if r, ok := d.readQR(f, lum, m, false, nil); ok {
			return r, true
		}
	}
	return d.read1D(f, h, []float64{0, 90, 20, -20, 40, -40}, 8, 1)
}

func (d *Decoder) stageDouble(f *frame) (Result, bool) {
	g := double(f.g, f.g.Rect)
	lum := newGrayLuminance(g)
	m, err := gozxing.NewHybridBinarizer(lum).GetBlackMatrix()
	if err != nil {
		return Result{}, false
	}
	if r, ok := d.readQR(f, lum, m, false, nil); ok {
		return r, true
	}
	return d.readDM(lum, m)
}

// readQR runs the QR reader on a binarized matrix; with track set it records
// the finder candidates the detector saw, the cheap stage's hint that a QR
// code is in view even when it could not be read.
func (d *Decoder) readQR(f *frame, lum gozxing.LuminanceSource, m *gozxing.BitMatrix, track bool, hints map[gozxing.DecodeHintType]interface{}) (Result, bool) {
	if d.qr == nil {
		return Result{}, false
	}
	if track {
		hints = map[gozxing.DecodeHintType]interface{}{
			gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK: gozxing.ResultPointCallback(func(p gozxing.ResultPoint) {
				f.finders = append(f.finders, p)
			}),
		}
	}
	return d.read2D(d.qr, lum, m, hints)
}

func (d *Decoder) readDM(lum gozxing.LuminanceSource, m *gozxing.BitMatrix) (Result, bool) {
	if d.dm == nil {
		return Result{}, false
	}
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
	return Result{Text: res.GetText(), Format: formatName(res.GetBarcodeFormat())}, true
}

// read1D scans lines at the given angles and accepts a result once two lines
// (in this stage or an earlier one of the same frame) agree on it.
func (d *Decoder) read1D(f *frame, g *image.Gray, angles []float64, spacing float64, scale int) (Result, bool) {
	if len(d.rows) == 0 {
		return Result{}, false
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for _, a := range angles {
		if f.expired() {
			return Result{}, false
		}
		decodeLines(g, linesAt(w, h, a, spacing), d.rows, 10, 24, &d.scratch, f.hits)
		for k, n := range f.hits {
			if n >= 2 {
				return Result{Format: k[0], Text: k[1]}, true
			}
		}
	}
	return Result{}, false
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
