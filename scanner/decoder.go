package scanner

import (
	"fmt"
	"image"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Result is one decoded code and how hard the decoder had to work for it.
type Result struct {
	Text, Format string
	Stage        string // pipeline stage that read it, for tuning and `pudo decode --json`
}

// Decoder runs the decode pipeline. It owns stateful gozxing readers and
// remembers single-line 1D reads from the previous frame, so it is not safe
// for concurrent use: give each goroutine its own.
type Decoder struct {
	formats formatSet
	qr, dm  gozxing.Reader
	rows    []rowReader
	scratch lineScratch

	// Frame-mode state.
	frame   int               // frames seen
	singles map[[2]string]int // 1D results read on only one line, by frame number
	next    int               // next hard stage to run on a budget frame
	scene   scene             // the last frame, coarsely, to notice a still scene
	Budget  time.Duration     // time the camera may spend on hard stages in a promising frame
	Idle    int               // run one hard stage every Idle frames even when nothing looks promising
	now     func() time.Time
}

// NewDecoder returns a Decoder for the named formats (see Config.Formats).
func NewDecoder(formats []string) (*Decoder, error) {
	f, err := parseFormats(formats)
	if err != nil {
		return nil, fmt.Errorf("scanner: formats: %w", err)
	}
	d := &Decoder{
		formats: f,
		rows:    f.rowReaders(),
		singles: map[[2]string]int{},
		Budget:  15 * time.Millisecond,
		Idle:    4,
		now:     time.Now,
	}
	if f.qr {
		d.qr = qrcode.NewQRCodeReader()
	}
	if f.dm {
		d.dm = datamatrix.NewDataMatrixReader()
	}
	return d, nil
}

// DecodeImage decodes a still image with every stage of the pipeline, in
// order, stopping at the first read. Files come here: there is no next frame
// to spread the work over.
func (d *Decoder) DecodeImage(img image.Image) (Result, error) {
	f := d.newFrame(ToGray(img))
	for _, s := range stages {
		if r, ok := s.run(d, f); ok {
			r.Stage = s.name
			return r, nil
		}
	}
	return Result{}, ErrNotFound
}

// DecodeFrame decodes one camera frame: the cheap stage always; the hard
// stages, round-robin, while the frame looks promising (QR finder patterns,
// a bar-like region, a 1D read on one line) and Budget lasts; otherwise one
// hard stage every Idle frames. A 1D code read on a single line in this frame
// and in the one before is accepted: two frames agree.
func (d *Decoder) DecodeFrame(g *image.Gray) (Result, error) {
	d.frame++
	d.scene.look(g)
	f := d.newFrame(g)
	defer d.rememberSingles(f)
	if r, ok := stages[0].run(d, f); ok {
		r.Stage = stages[0].name
		return r, nil
	}
	if r, ok := d.acrossFrames(f); ok {
		return r, nil
	}
	hard := stages[1:]
	promising := f.promising() && !d.scene.exhausted(len(hard))
	n := 1 // a quiet frame gets one hard stage every Idle frames
	switch {
	case promising:
		n = len(hard)
	case d.Idle <= 0 || d.frame%d.Idle != 0:
		n = 0
	}
	if n > 0 {
		f.deadline = d.now().Add(d.Budget)
	}
	if !promising {
		// Nothing in view looks like a code: only the light stages, so a
		// camera watching an empty scene all day costs next to nothing.
		hard = lightStages
	}
	// Hard stages run round-robin from where the last frame stopped, so a
	// code held still meets every stage within a few frames.
	for ; n > 0 && !f.expired(); n-- {
		s := hard[d.next%len(hard)]
		d.next++
		if promising {
			d.scene.tried++
		}
		if r, ok := s.run(d, f); ok {
			r.Stage = s.name
			return r, nil
		}
	}
	return d.acrossFramesOrNot(f)
}

func (d *Decoder) acrossFramesOrNot(f *frame) (Result, error) {
	if r, ok := d.acrossFrames(f); ok {
		return r, nil
	}
	return Result{}, ErrNotFound
}

// acrossFrames accepts a 1D result seen on one line in this frame and on one
// line in the previous frame, for Code 128 only. A camera looking at a still
// scene sends nearly the same frame again, so the same line misreads the
// same way twice: two frames are not two witnesses. Code 128's mod-103
// checksum makes such a misread rare; EAN/UPC's single check digit does not
// (an EAN-13 read as a valid EAN-8 in the combo set), so those need two
// lines of one frame.
func (d *Decoder) acrossFrames(f *frame) (Result, bool) {
	for k, n := range f.hits {
		if k[0] != FormatCode128 {
			continue
		}
		if n == 1 && d.singles[k] == d.frame-1 {
			return Result{Format: k[0], Text: k[1], Stage: "two-frames"}, true
		}
	}
	return Result{}, false
}

func (d *Decoder) rememberSingles(f *frame) {
	for k, seen := range d.singles {
		if seen < d.frame-1 {
			delete(d.singles, k)
		}
	}
	for k, n := range f.hits {
		if n == 1 {
			d.singles[k] = d.frame
		}
	}
}
