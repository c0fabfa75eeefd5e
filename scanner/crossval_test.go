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
// full; the still-image work limit is scored from each still decode's
// trace, so every limit costs nothing more.
var (
	variants = []tuning{
		{checkLines: 0},
		{checkLines: 1},
		{checkLines: 2},
		{checkLines: 3},
	}
	stillWorks = []int64{6_000_000, 9_000_000, 12_000_000, 18_000_000, 24_000_000, 36_000_000, 0}
)

// Selection: reads of both paths, a wrong read costing as much as
// wrongCost reads and a false read as falseCost; of equal scores, the one
// whose still path spends least on the no-code photographs (pudo decode's
// cost on a file with no code), then the earlier candidate. Reads come
// first: a still-work limit is taken only where it costs no read on the
// folds that choose it. The cost column shows that work beside the
// camera's per frame on the same photographs (the aim: at most 3x).
const (
	wrongCost = 5
	falseCost = 100
)

// variantRun is what one variant did on every photograph.
type variantRun struct {
	still   []scored
	traces  []stillTrace
	spent   []int64 // work the unbounded still decode spent
	camera  []scored
	camWork []int64 // work of the camera's first frame (a new scene: every stage it may run)
}

func runVariant(t *testing.T, photos []corpusImage, v tuning) variantRun {
	run := variantRun{
		traces: make([]stillTrace, len(photos)), spent: make([]int64, len(photos)),
		camWork: make([]int64, len(photos)),
	}
	index := map[string]int{}
	for i, c := range photos {
		index[c.path] = i
	}
	var mu sync.Mutex
	run.still = scoreAll(t, photos, func(t *testing.T, c corpusImage) (Result, bool) {
		d := tunedDecoder(t, v)
		f := newFrame(c.img)
		var tr stillTrace
		r, ok := d.decodeStill(f, &tr)
		mu.Lock()
		run.traces[index[c.path]], run.spent[index[c.path]] = tr, f.spent
		mu.Unlock()
		return r, ok
	})
	run.camera = scoreAll(t, photos, func(t *testing.T, c corpusImage) (Result, bool) {
		d := tunedDecoder(t, v)
		frames := cameraFrames
		if c.want == "" {
			frames *= 4
		}
		for i := range frames {
			r, err := d.DecodeFrame(c.img)
			if i == 0 {
				mu.Lock()
				run.camWork[index[c.path]] = d.spent
				mu.Unlock()
			}
			if err == nil {
				return r, true
			}
		}
		return Result{}, false
	})
	return run
}

func tunedDecoder(t *testing.T, v tuning) *Decoder {
	d, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	d.tune = v
	return d
}

// candidate is one variant with one still-image work limit.
type candidate struct {
	v   int // index in variants
	lim int64
}

func (c candidate) tuning() tuning {
	t := variants[c.v]
	t.stillWork = c.lim
	return t
}

func (c candidate) String() string {
	t := c.tuning()
	lim := "none"
	if t.stillWork > 0 {
		lim = fmt.Sprintf("%dM", t.stillWork/1_000_000)
	}
	return fmt.Sprintf("check lines %d, still work %s", t.checkLines, lim)
}

// stillUnder is photo i's still outcome and work with the limit lim.
func (r variantRun) stillUnder(i int, lim int64) (scored, int64) {
	tr := r.traces[i]
	if lim == 0 || (tr.evidence >= 0 && tr.evidence < lim) || (tr.readAt >= 0 && tr.readAt < lim) {
		return r.still[i], r.spent[i]
	}
	s := r.still[i]
	s.o, s.r = unread, Result{}
	for _, b := range tr.bounds {
		if b >= lim {
			return s, b
		}
	}
	return s, r.spent[i]
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
		st, work := r.stillUnder(i, c.lim)
		s.still.add(st)
		s.camera.add(r.camera[i])
		if p.want == "" {
			s.stillWork += work
			s.camWork += r.camWork[i]
		}
	}
	return s
}

// choose picks the best candidate on the photographs in in.
func choose(runs []variantRun, photos []corpusImage, in func(int) bool) candidate {
	var best candidate
	var bestScore score
	for v := range variants {
		for _, lim := range stillWorks {
			c := candidate{v, lim}
			s := scoreCandidate(runs, c, photos, in)
			if (v == 0 && lim == stillWorks[0]) || s.value() > bestScore.value() ||
				s.value() == bestScore.value() && s.stillWork < bestScore.stillWork {
				best, bestScore = c, s
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
	fmt.Fprintf(&b, "%-5s %-44s %-13s %-13s %-7s", "fold", "chosen on the other four", "still", "camera", "cost")
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
		fmt.Fprintf(&b, "%-5d %-44s %-13s %-13s %-7s", k, c, cell(s.still), cell(s.camera),
			fmt.Sprintf("%.1fx", float64(s.stillWork)/float64(max(1, s.camWork))))
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
	fmt.Fprintf(&b, "%-5s %-44s %-13.1f %-13.1f %-7s", "mean", "", sumStill/folds, sumCam/folds, "")
	for _, s := range sumPeer {
		fmt.Fprintf(&b, " %-13.1f", s/folds)
	}
	b.WriteString("\n")
	for i, v := range variants {
		s := scoreCandidate(runs, candidate{i, 0}, photos, func(int) bool { return true })
		fmt.Fprintf(&b, "variant %+v, no still limit: still %s, camera %s\n", v, s.still, s.camera)
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
