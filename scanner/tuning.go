package scanner

// tuning holds the decoder's choices that were chosen by cross-validation
// on the shared photographs (five folds by a hash of set and file: each
// choice made on four, scored on the fifth; see crossval_test.go). The
// shipped values are the ones that procedure picks on all five folds, and
// TestTuningIsCrossValidated holds them to it.
type tuning struct {
	// checkLines is how many pixels either side of a lone 1D read check
	// lines are laid (one per pixel, each side); 0: none.
	checkLines int
	// stillFactor is how many times what the camera spends on one frame a
	// still image gets when it has shown no sign of a code, and signFactor
	// when it has shown a weak one (0: no limit); finderSign is how many QR
	// finder candidates count as a strong sign, and regionSign what score
	// of a bar-like region (0: none) as a weak one (see stillLimit).
	// stillFloor is the work, in units, under which no still image is
	// given up: a small one costs little whatever it is tried with.
	stillFactor, signFactor float64
	stillFloor              int64
	finderSign              int
	regionSign              float64
	// rowSpacing is the finest spacing, in pixels, of the rows stage's
	// lines (see rows.go); 0: no rows stage. rowEarly is the finest that
	// runs before the lines across bar-like regions.
	rowSpacing, rowEarly int
}

var defaultTuning = tuning{checkLines: 1, rowSpacing: 2, rowEarly: 4, stillFactor: 1.5, signFactor: 8, finderSign: 2, regionSign: 2000}

// stillLimit is the work a still image may cost, given what the camera
// would spend on it as one frame and what the cheap stage saw: no limit
// (false) once finderSign QR finder candidates are in view, a QR code's
// strong sign; signFactor frames when a bar-like region scores regionSign
// (0: regions are no sign), a weak one, as text and stripes make them too;
// stillFactor frames otherwise; never less than stillFloor. A line that
// reads a 1D code lifts the limit too (see decodeStill). It lives here,
// beside the choices, because the cross-validation's runs do not depend on
// it: they trace unbounded decodes and score every limit from the trace.
func (t tuning) stillLimit(frame int64, finders int, region float64) (int64, bool) {
	factor := t.stillFactor
	switch {
	case t.stillFactor == 0 || finders >= t.finderSign:
		return 0, false
	case t.regionSign > 0 && region >= t.regionSign:
		if t.signFactor == 0 {
			return 0, false
		}
		factor = t.signFactor
	}
	return max(int64(factor*float64(frame)), t.stillFloor), true
}
