package scanner

import (
	"flag"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"testing"
)

// Cross-validation of the decoder's tuning (tuning.go) on the shared
// photographs: they fall in five folds by a hash of set/file; for each
// fold, the tuning is chosen on the other four and scored on it, beside
// zxing-cpp 3.1 and 1.4 on the same fold. Decoding every photograph under
// every variant is heavy (minutes), so it runs only when asked:
//
//	go test ./scanner -run TestTuningIsCrossValidated -crossval -v
var crossval = flag.Bool("crossval", false, "run the cross-validation of the decoder's tuning on the shared photographs (minutes)")

const folds = 5

func fold(c corpusImage) int {
	h := fnv.New32a()
	h.Write([]byte(c.set + "/" + c.name + ".png"))
	return int(h.Sum32() % folds)
}

// The choices the cross-validation makes among. A variant is decoded in
// full; the still path's limit and what counts as a sign of a code are
// scored from each still decode's trace, so every one of them costs
// nothing more. The variants vary one choice at a time about the middle
// of the grid (rows 2, early 8, check lines 1). The limits offered stop at
// 3: pudo decode on a file with no code may cost at most three camera
// frames.
var (
	variants = func() []tuning {
		var out []tuning
		for _, rows := range []int{0, 2, 4, 8} {
			for _, early := range []int{16, 8, 4} {
				if rows == 0 && early != 8 {
					continue
				}
				out = append(out, tuning{checkLines: 1, rowSpacing: rows, rowEarly: early})
			}
		}
		for _, check := range []int{0, 2} {
			out = append(out, tuning{checkLines: check, rowSpacing: 2, rowEarly: 8})
		}
		return out
	}()
	stillFactors = []float64{1, 1.5, 2, 2.5, 3}
	finderSigns  = []int{2, 3}
	regionSigns  = []float64{0, 1000, 2000, 4000, 8000, 16000}
)

// maxStillCost is the most pudo decode may spend on the no-code
// photographs, in camera frames' work on the same photographs: a
// candidate over it on the folds that choose is not chosen.
const maxStillCost = 3

// Selection: reads of both paths, a wrong read costing as much as
// wrongCost reads and a false read as falseCost; of equal scores, the one
// whose still path spends least on the no-code photographs (pudo decode's
// cost on a file with no code), then the earlier candidate. The cost
// column shows that work beside the camera's per frame on the same
// photographs.
const (
	wrongCost = 5
	falseCost = 100
)

// variantRun is what one variant did on every photograph.
type variantRun struct {
	Still   []runOutcome
	Traces  []stillTrace
	Spent   []int64 // work the unbounded still decode spent
	Camera  []runOutcome
	CamWork []int64 // work of the camera's first frame (a new scene: every stage it may run)
}

// runOutcome is what a path read on one photograph, kept in the cache.
type runOutcome struct {
	O outcome
	R Result
}

func runVariant(t *testing.T, photos []corpusImage, v tuning) variantRun {
	if run, ok := cachedRunFor(t, photos, v); ok {
		return run
	}
	run := variantRun{
		Traces: make([]stillTrace, len(photos)), Spent: make([]int64, len(photos)),
		CamWork: make([]int64, len(photos)),
	}
	index := map[string]int{}
	for i, c := range photos {
		index[c.path] = i
	}
	var mu sync.Mutex
	run.Still = outcomes(scoreAll(t, photos, func(t *testing.T, c corpusImage) (Result, bool) {
		d := tunedDecoder(t, v)
		f := newFrame(c.img)
		var tr stillTrace
		r, ok := d.decodeStill(f, &tr)
		mu.Lock()
		run.Traces[index[c.path]], run.Spent[index[c.path]] = tr, f.spent
		mu.Unlock()
		return r, ok
	}))
	run.Camera = outcomes(scoreAll(t, photos, func(t *testing.T, c corpusImage) (Result, bool) {
		d := tunedDecoder(t, v)
		frames := cameraFrames
		if c.want == "" {
			frames *= 4
		}
		for i := range frames {
			r, err := d.DecodeFrame(c.img)
			if i == 0 {
				mu.Lock()
				run.CamWork[index[c.path]] = d.spent
				mu.Unlock()
			}
			if err == nil {
				return r, true
			}
		}
		return Result{}, false
	}))
	storeRun(t, photos, v, run)
	return run
}

func outcomes(ss []scored) []runOutcome {
	out := make([]runOutcome, len(ss))
	for i, s := range ss {
		out[i] = runOutcome{s.o, s.r}
	}
	return out
}

func tunedDecoder(t *testing.T, v tuning) *Decoder {
	d, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	d.tune = v
	return d
}

// candidate is one variant with one still-image limit and sign.
type candidate struct {
	v          int // index in variants
	factor     float64
	finderSign int
	regionSign float64
}

func (c candidate) tuning() tuning {
	t := variants[c.v]
	t.stillFactor, t.finderSign, t.regionSign = c.factor, c.finderSign, c.regionSign
	return t
}

func (c candidate) String() string {
	t := c.tuning()
	return fmt.Sprintf("rows %d/%d, check %d, still %gx, sign %d/%g", t.rowSpacing, t.rowEarly, t.checkLines, t.stillFactor, t.finderSign, t.regionSign)
}

// stillUnder is photo i's still outcome and work under t's limit and sign.
func (r variantRun) stillUnder(i int, t tuning) (runOutcome, int64) {
	tr := r.Traces[i]
	if t.stillFactor == 0 {
		return r.Still[i], r.Spent[i]
	}
	stop, ok := tr.stops(int64(t.stillFactor*float64(tr.frame)), t)
	if !ok || (tr.read >= 0 && tr.read < stop) {
		return r.Still[i], r.Spent[i]
	}
	return runOutcome{}, tr.steps[stop].before
}

// score is how a candidate did on some photographs.
type score struct {
	still, camera tally
	stillWork     int64 // on the no-code photographs
	camWork       int64 // the camera's per-frame work on the same
}

func (s score) value() int {
	return s.still.read + s.camera.read - wrongCost*(s.still.wrong+s.camera.wrong) - falseCost*(s.still.falses+s.camera.falses)
}

func scoreCandidate(runs []variantRun, c candidate, photos []corpusImage, in func(int) bool) score {
	var s score
	r := runs[c.v]
	for i, p := range photos {
		if !in(i) {
			continue
		}
		st, work := r.stillUnder(i, c.tuning())
		s.still.add(scored{c: p, o: st.O, r: st.R})
		s.camera.add(scored{c: p, o: r.Camera[i].O, r: r.Camera[i].R})
		if p.want == "" {
			s.stillWork += work
			s.camWork += r.CamWork[i]
		}
	}
	return s
}

func (s score) cost() float64 { return float64(s.stillWork) / float64(max(1, s.camWork)) }

// choose picks the best candidate on the photographs in in, among those
// within maxStillCost there.
func choose(runs []variantRun, photos []corpusImage, in func(int) bool) candidate {
	var best candidate
	var bestScore score
	first := true
	for v := range variants {
		for _, f := range stillFactors {
			for _, fs := range finderSigns {
				for _, rs := range regionSigns {
					c := candidate{v, f, fs, rs}
					s := scoreCandidate(runs, c, photos, in)
					if s.cost() > maxStillCost {
						continue
					}
					if first || s.value() > bestScore.value() ||
						s.value() == bestScore.value() && s.stillWork < bestScore.stillWork {
						best, bestScore, first = c, s, false
					}
				}
			}
		}
	}
	return best
}

// TestTuningIsCrossValidated prints, per fold, the tuning chosen on the
// other four folds and how both paths then read the fold, beside zxing-cpp
// 3.1 and 1.4; and holds the shipped tuning to the one chosen on all five.
func TestTuningIsCrossValidated(t *testing.T) {
	if !*crossval {
		t.Skip("heavy: run with -crossval")
	}
	skipUnderRace(t)
	decoderSource() // before the source can change under a long run
	photos := loadPhotos(t, sharedPhotos(t))
	runs := make([]variantRun, len(variants))
	for i, v := range variants {
		runs[i] = runVariant(t, photos, v)
	}
	var peerScores [][]scored
	var peerNames []string
	for _, p := range peers {
		read, err := peerPath(t, p, photos)
		if err != nil {
			t.Logf("%s: not run: %v", p.name, err)
			continue
		}
		peerNames = append(peerNames, p.name)
		peerScores = append(peerScores, scoreAll(t, photos, read))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-5s %-46s %-13s %-13s %-7s", "fold", "chosen on the other four", "still", "camera", "cost")
	for _, n := range peerNames {
		fmt.Fprintf(&b, " %-13s", n)
	}
	b.WriteString("\n")
	var sumStill, sumCam float64
	sumPeer := make([]float64, len(peerNames))
	for k := range folds {
		c := choose(runs, photos, func(i int) bool { return fold(photos[i]) != k })
		in := func(i int) bool { return fold(photos[i]) == k }
		s := scoreCandidate(runs, c, photos, in)
		fmt.Fprintf(&b, "%-5d %-46s %-13s %-13s %-7s", k, c, cell(s.still), cell(s.camera),
			fmt.Sprintf("%.1fx", s.cost()))
		sumStill += float64(s.still.read)
		sumCam += float64(s.camera.read)
		for j, ps := range peerScores {
			var pt tally
			for i := range photos {
				if in(i) {
					pt.add(ps[i])
				}
			}
			fmt.Fprintf(&b, " %-13s", cell(pt))
			sumPeer[j] += float64(pt.read)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%-5s %-46s %-13.1f %-13.1f %-7s", "mean", "", sumStill/folds, sumCam/folds, "")
	for _, s := range sumPeer {
		fmt.Fprintf(&b, " %-13.1f", s/folds)
	}
	b.WriteString("\n")
	for i := range variants {
		c := candidate{i, 0, 3, 0}
		s := scoreCandidate(runs, c, photos, func(int) bool { return true })
		fmt.Fprintf(&b, "%s: still %s, camera %s, still work on no-code %.1fx the camera's per frame\n",
			c, s.still, s.camera, float64(s.stillWork)/float64(max(1, s.camWork)))
	}
	all := choose(runs, photos, func(int) bool { return true })
	s := scoreCandidate(runs, all, photos, func(int) bool { return true })
	fmt.Fprintf(&b, "all five: %s: still %s, camera %s, still work on no-code %.1fx the camera's per frame\n",
		all, s.still, s.camera, float64(s.stillWork)/float64(max(1, s.camWork)))
	t.Log("\n" + b.String())
	if all.tuning() != defaultTuning {
		t.Errorf("the shipped tuning %+v is not the one chosen on all five folds, %+v", defaultTuning, all.tuning())
	}
}

// cell is a tally as "read/codes wN fN".
func cell(t tally) string {
	return fmt.Sprintf("%d/%d w%d f%d", t.read, t.codes, t.wrong, t.falses)
}
