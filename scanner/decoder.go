package scanner

import (
	"fmt"
	"image"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/multi"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Result is one decoded code and how hard the decoder had to work for it.
type Result struct {
	Text, Format string
	Stage        string // pipeline stage that read it, for tuning and `pudo decode --json`
}

// Default work budgets of the camera's hard stages per frame, in work units
// (see work.go): about 2 ms of the reference machine when the frame looks
// promising (4 ms when a line already read a code or a QR code's three
// finders are in view), 0.5 ms when it does not. With the cheap stage that
// keeps a frame with no code near twice what gozxing's QR reader alone
// costs; a code held still still meets the stages that read it within
// about 15 frames (one second at 15 fps) on 640x480, within a few on
// smaller frames.
const (
	defaultWork     = 2_000_000
	defaultIdleWork = 500_000
)

// Decoder runs the decode pipeline. It owns stateful gozxing readers and
// remembers what it saw on the frames of the current scene, so it is not
// safe for concurrent use: give each goroutine its own.
type Decoder struct {
	formats formatSet
	tune    tuning
	qr, dm  gozxing.Reader
	qrAll   multi.MultipleBarcodeReader // every finder triple: see stageQRHarder
	rows    []rowReader
	scratch lineScratch

	// Camera state: what the hard stages have done on the current still
	// scene. The scene's frames are alike, so a stage is run once per scene,
	// and the lines of all its frames are witnesses on one image.
	scene      scene
	hits       map[[2]string]witnesses // 1D reads on this scene
	prev       map[[2]string]witnesses // 1D reads on the scene before
	next       [tracks]cursor          // next hard step of each track on this scene
	work, idle int64                   // budgets, in work units, per promising and quiet frame
	spent      int64                   // work units the last frame cost, cheap stage included
	looked     bool                    // the last frame looked like a code (Promising)
}

// cursor is the next step of a track: stages[stage], step step.
type cursor struct{ stage, step int }

// NewDecoder returns a Decoder for the named formats (see Config.Formats).
func NewDecoder(formats []string) (*Decoder, error) {
	f, err := parseFormats(formats)
	if err != nil {
		return nil, fmt.Errorf("scanner: formats: %w", err)
	}
	d := &Decoder{
		formats: f,
		rows:    f.rowReaders(),
		tune:    defaultTuning,
		work:    defaultWork,
		idle:    defaultIdleWork,
	}
	if f.qr {
		d.qr = qrcode.NewQRCodeReader()
		d.qrAll = multiqr.NewQRCodeMultiReader()
	}
	if f.dm {
		d.dm = datamatrix.NewDataMatrixReader()
	}
	return d, nil
}

// DecodeImage decodes a still image with the stages of the pipeline, in
// order, stopping at the first read. Files come here: there is no next
// frame to spread the work over. An image that has shown no sign of a code
// gets no more than tune.stillFactor times what the camera would spend on
// it as one frame, one with a weak sign tune.signFactor times (see
// tuning.stillLimit): most of a file with no code's time would go to the slowest
// stages, and they read almost nothing the earlier ones did not show a
// sign of first.
func (d *Decoder) DecodeImage(img image.Image) (Result, error) {
	if r, ok := d.decodeStill(newFrame(ToGray(img)), nil); ok {
		return r, nil
	}
	return Result{}, ErrNotFound
}

func bestRegion(rs []barRegion) float64 {
	best := 0.0
	for _, r := range rs {
		best = max(best, r.score)
	}
	return best
}

// stillTrace records where a still decode spent its work and what signs
// of a code it saw when, so that the cross-validation can score any still
// limit and sign from one unbounded run.
type stillTrace struct {
	steps   []stillStep
	frame   int64   // what the camera would spend on the image as one frame
	hit     int     // the first step after a line read a 1D code; -1: none
	finders int     // QR finder candidates the cheap stage saw
	region  float64 // the best bar-like region's score
	read    int     // the step that read; -1: none
}

// stillStep is one step of a still decode: the work spent before it and
// what it was expected to cost.
type stillStep struct{ before, estimate int64 }

// stops reports at which step a decode under t's limits stops, as
// decodeStill would; false if it goes on to the end (or to the step that
// read).
func (tr *stillTrace) stops(t tuning) (int, bool) {
	limit, ok := t.stillLimit(tr.frame, tr.finders, tr.region)
	if !ok {
		return 0, false
	}
	for i, st := range tr.steps {
		if tr.hit >= 0 && i >= tr.hit {
			break
		}
		if i >= 1 && st.before+st.estimate > limit {
			return i, true
		}
	}
	return 0, false
}

func (d *Decoder) decodeStill(f *frame, tr *stillTrace) (Result, bool) {
	if tr != nil {
		tr.hit, tr.read = -1, -1
	}
	limit, limited := int64(0), false
	for i, s := range stages {
		if i == 1 {
			// The cheap stage has run: what it saw sets the limit.
			frame, finders, region := f.spent+d.frameBudget(f), len(f.finders), bestRegion(f.regions)
			if tr != nil {
				tr.frame, tr.finders, tr.region = frame, finders, region
			} else {
				limit, limited = d.tune.stillLimit(frame, finders, region)
			}
		}
		for step := range s.count(d, f) {
			est := int64(s.estimate(f))
			if tr != nil {
				if len(f.hits) > 0 && tr.hit < 0 {
					tr.hit = len(tr.steps)
				}
				tr.steps = append(tr.steps, stillStep{f.spent, est})
			} else if limited && len(f.hits) == 0 && f.spent+est > limit {
				return Result{}, false
			}
			f.source = i<<8 | step
			if r, ok := s.run(d, f, step); ok {
				r.Stage = s.name
				if tr != nil {
					tr.read = len(tr.steps) - 1
				}
				return r, true
			}
		}
	}
	return Result{}, false
}

// DecodeFrame decodes one camera frame. The cheap stage runs on every frame.
// The hard stages run once per still scene, step by step, on a work budget
// per frame: a larger one while the frame looks promising (QR finder
// patterns, a bar-like region, a 1D read on one line), a smaller one
// otherwise (see defaultWork). Work, not time, bounds them, so the same
// frames read the same on any machine, however busy; a slower one only
// reads later.
func (d *Decoder) DecodeFrame(g *image.Gray) (Result, error) {
	if d.scene.look(g) || d.hits == nil {
		d.prev = d.hits
		d.hits = map[[2]string]witnesses{}
		d.next = [tracks]cursor{{1, 0}, {1, 0}}
	}
	f := newFrame(g)
	f.hits = d.hits
	defer func() { d.spent, d.looked = f.spent, f.promising() }()
	if r, ok := stages[0].run(d, f, 0); ok {
		r.Stage = stages[0].name
		return r, nil
	}
	if r, ok := d.acrossScenes(); ok {
		return r, nil
	}
	if r, ok := d.runHard(f); ok {
		return r, nil
	}
	if r, ok := d.acrossScenes(); ok {
		return r, nil
	}
	return Result{}, ErrNotFound
}

// Promising reports whether the last frame DecodeFrame saw looked like a
// code to the cheap stage (QR finder patterns, a bar-like region, a 1D
// read on one line), whether or not it was read: while a frame looks so
// and nothing is read, someone is holding up a code the reader has not
// got yet.
func (d *Decoder) Promising() bool { return d.looked }

// runHard runs hard steps on f within its budget, which the cheap stage's
// evidence sets.
func (d *Decoder) runHard(f *frame) (Result, bool) {
	promising := f.promising()
	f.budget = f.spent + d.frameBudget(f)
	order := [tracks]int{track2D, track1D}
	if len(f.finders) < 2 && (len(f.regions) > 0 || len(f.hits) > 0) {
		order = [tracks]int{track1D, track2D} // bars in view, no QR finder
	}
	// The leading track gets two thirds of the budget, the other the rest,
	// and the leader what the other leaves: a QR code beside a bar-like
	// pattern, or a barcode beside a QR code's finders, still gets its turn.
	full := f.budget
	f.budget = f.spent + (full-f.spent)*2/3
	first := true
	for i, t := range [...]int{order[0], order[1], order[0]} {
		if i > 0 {
			f.budget = full
		}
		if r, ok := d.runTrack(f, t, promising, &first); ok {
			return r, true
		}
	}
	return Result{}, false
}

// frameBudget is the work the hard stages get on a camera frame after the
// cheap stage has looked at it.
func (d *Decoder) frameBudget(f *frame) int64 {
	switch {
	case len(f.hits) > 0 || len(f.finders) >= 3:
		// A line read a code, or a QR code's three finders are in view:
		// almost surely a code, worth twice the work.
		return 2 * d.work
	case f.promising():
		return d.work
	}
	return d.idle
}

// runTrack runs the steps of track t from where this scene left off, while
// the frame's budget lasts.
func (d *Decoder) runTrack(f *frame, t int, promising bool, first *bool) (Result, bool) {
	c := &d.next[t]
	for c.stage < len(stages) {
		s := stages[c.stage]
		if s.track != t || c.step >= s.count(d, f) {
			c.stage, c.step = c.stage+1, 0
			continue
		}
		if f.expired() || (!promising && !d.fits(f, s, *first)) {
			return Result{}, false
		}
		*first = false
		f.source = c.stage<<8 | c.step
		r, ok := s.run(d, f, c.step)
		c.step++
		if ok {
			r.Stage = s.name
			return r, true
		}
	}
	return Result{}, false
}

// fits says whether s may start on a quiet frame: its step must fit in what
// is left of the budget or, as the frame's first, in a promising frame's
// budget. Heavier steps wait for a frame that looks like a code, so an empty
// scene never pays for them.
func (d *Decoder) fits(f *frame, s stage, first bool) bool {
	room := f.budget - f.spent
	if first {
		room = 2 * d.work
	}
	return int64(s.estimate(f)) <= room
}

// acrossScenes accepts a Code 128 read on one line of this scene and on one
// line of the scene before: two frames that really differ (the code moved)
// are two witnesses. Two frames of one still scene are not: the same line
// misreads the same way twice. EAN/UPC's single check digit lets too many
// misreads through for even that (an EAN-13 read as a valid EAN-8), so they
// need two lines of one scene.
func (d *Decoder) acrossScenes() (Result, bool) {
	var best *Result
	for k, w := range d.hits {
		if k[0] != FormatCode128 || len(w) != 1 || len(d.prev[k]) != 1 {
			continue
		}
		if best == nil || k[1] < best.Text {
			best = &Result{Format: k[0], Text: k[1], Stage: "two-frames"}
		}
	}
	if best == nil {
		return Result{}, false
	}
	return *best, true
}
