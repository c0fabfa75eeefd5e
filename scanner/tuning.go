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
	// still image gets before it must have shown a sign of a code (see
	// DecodeImage); 0: no limit. finderSign is how many QR finder
	// candidates, and regionSign what score of a bar-like region (0:
	// none), count as a sign.
	stillFactor float64
	finderSign  int
	regionSign  float64
	// rowSpacing is the finest spacing, in pixels, of the rows stage's
	// lines (see rows.go); 0: no rows stage. rowEarly is the finest that
	// runs before the lines across bar-like regions.
	rowSpacing, rowEarly int
}

var defaultTuning = tuning{checkLines: 1, rowSpacing: 2, rowEarly: 4, stillFactor: 1.5, finderSign: 2, regionSign: 2000}
