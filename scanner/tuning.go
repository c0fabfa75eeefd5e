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
	// stillWork is the work a still image gets before it must have shown
	// a sign of a code; 0: no limit.
	stillWork int64
}

var defaultTuning = tuning{checkLines: 1}
