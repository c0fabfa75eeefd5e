package scanner

import (
	"flag"
	"fmt"
	"hash/fnv"
	"os"
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
// full; the still path's limits and what counts as a sign of a code are
// scored from each still decode's trace, so every one of them costs
// nothing more. The variants vary one choice at a time about the middle
// of the grid (rows 2, early 8, check lines 1). The limits without a sign
// stop at 3: pudo decode on a file with no code may cost at most three
// camera frames; a weak sign (a bar-like region) may buy more, and the
// cost on the no-code photographs of the choosing folds must still stay
// within maxStillCost.
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
	signFactors  = []float64{4, 6, 8, 0}
	stillFloors  = []int64{0, 2_000_000, 4_000_000, 8_000_000}
	finderSigns  = []int{2, 3}
	regionSigns  = []float64{0, 250, 500, 1000, 2000, 4000, 8000, 16000}
)

// maxStillCost is the most pudo decode may spend on the no-code
// photographs, in camera frames' work on the same photographs: a
// candidate over it on any of the folds that choose is not chosen.
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
	v                  int // index in variants
	factor, signFactor float64
	floor              int64
	finderSign         int
	regionSign         float64
}

func (c candidate) tuning() tuning {
	t := variants[c.v]
	t.stillFactor, t.signFactor, t.stillFloor = c.factor, c.signFactor, c.floor
	t.finderSign, t.regionSign = c.finderSign, c.regionSign
	return t
}

func (c candidate) String() string {
	t := c.tuning()
	return fmt.Sprintf("rows %d/%d, check %d, still %gx/%gx/%dM, sign %d/%g", t.rowSpacing, t.rowEarly, t.checkLines,
		t.stillFactor, t.signFactor, t.stillFloor/1_000_000, t.finderSign, t.regionSign)
}

// stillUnder is photo i's still outcome and work under t's limit and sign.
func (r variantRun) stillUnder(i int, t tuning) (runOutcome, int64) {
	tr := r.Traces[i]
	if t.stillFactor == 0 {
		return r.Still[i], r.Spent[i]
	}
	stop, ok := tr.stops(t)
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

// scoreFolds is how candidate c did on each fold.
func scoreFolds(runs []variantRun, c candidate, photos []corpusImage) [folds]score {
	var out [folds]score
	r := runs[c.v]
	t := c.tuning()
	for i, p := range photos {
		s := &out[fold(p)]
		st, work := r.stillUnder(i, t)
		s.still.add(scored{c: p, o: st.O, r: st.R})
		s.camera.add(scored{c: p, o: r.Camera[i].O, r: r.Camera[i].R})
		if p.want == "" {
			s.stillWork += work
			s.camWork += r.CamWork[i]
		}
	}
	return out
}

func (s *score) plus(o score) {
	for _, p := range []struct{ a, b *tally }{{&s.still, &o.still}, {&s.camera, &o.camera}} {
		p.a.codes += p.b.codes
		p.a.read += p.b.read
		p.a.wrong += p.b.wrong
		p.a.nocode += p.b.nocode
		p.a.falses += p.b.falses
	}
	s.stillWork += o.stillWork
	s.camWork += o.camWork
}

func (s score) cost() float64 { return float64(s.stillWork) / float64(max(1, s.camWork)) }

// scoredCandidate is a candidate with its score on each fold.
type scoredCandidate struct {
	c     candidate
	folds [folds]score
}

// over sums the scores of the folds in use, and reports whether the still
// path's cost on the no-code photographs stays within maxStillCost on each.
func (sc scoredCandidate) over(use func(k int) bool) (score, bool) {
	var s score
	within := true
	for k, f := range sc.folds {
		if use(k) {
			s.plus(f)
			within = within && f.cost() <= maxStillCost
		}
	}
	return s, within
}

// candidates scores every candidate on every fold, once.
func candidates(runs []variantRun, photos []corpusImage) []scoredCandidate {
	var out []scoredCandidate
	for v := range variants {
		for _, f := range stillFactors {
			for _, sf := range signFactors {
				for _, fl := range stillFloors {
					for _, fs := range finderSigns {
						for _, rs := range regionSigns {
							c := candidate{v, f, sf, fl, fs, rs}
							out = append(out, scoredCandidate{c, scoreFolds(runs, c, photos)})
						}
					}
				}
			}
		}
	}
	return out
}

// choose picks the best candidate on the folds in use, among those whose
// still path stays within maxStillCost on each of them: most value, then
// least still work on the no-code photographs, then the earliest.
func choose(cands []scoredCandidate, use func(k int) bool) candidate {
	var best candidate
	var bestScore score
	first := true
	for _, sc := range cands {
		s, within := sc.over(use)
		if !within {
			continue
		}
		if first || s.value() > bestScore.value() ||
			s.value() == bestScore.value() && s.stillWork < bestScore.stillWork {
			best, bestScore, first = sc.c, s, false
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
	fmt.Fprintf(&b, "%-5s %-48s %-13s %-13s %-7s", "fold", "chosen on the other four", "still", "camera", "cost")
	for _, n := range peerNames {
		fmt.Fprintf(&b, " %-13s", n)
	}
	b.WriteString("\n")
	var sumStill, sumCam float64
	sumPeer := make([]float64, len(peerNames))
	cands := candidates(runs, photos)
	for k := range folds {
		c := choose(cands, func(j int) bool { return j != k })
		s := scoreFolds(runs, c, photos)[k]
		in := func(i int) bool { return fold(photos[i]) == k }
		fmt.Fprintf(&b, "%-5d %-48s %-13s %-13s %-7s", k, c, cell(s.still), cell(s.camera),
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
	fmt.Fprintf(&b, "%-5s %-48s %-13.1f %-13.1f %-7s", "mean", "", sumStill/folds, sumCam/folds, "")
	for _, s := range sumPeer {
		fmt.Fprintf(&b, " %-13.1f", s/folds)
	}
	b.WriteString("\n")
	folded := b.String()
	b.Reset()
	for i := range variants {
		c := candidate{i, 0, 0, 0, 3, 0}
		s, _ := scoredCandidate{c, scoreFolds(runs, c, photos)}.over(func(int) bool { return true })
		fmt.Fprintf(&b, "%s: still %s, camera %s, still work on no-code %.1fx the camera's per frame\n",
			c, s.still, s.camera, s.cost())
	}
	unlimited := b.String()
	all := choose(cands, func(int) bool { return true })
	s, _ := scoredCandidate{all, scoreFolds(runs, all, photos)}.over(func(int) bool { return true })
	chosen := fmt.Sprintf("%s: still %s, camera %s, still work on no-code %.1fx the camera's per frame\n",
		all, s.still, s.camera, s.cost())
	t.Log("\n" + folded + unlimited + "all five: " + chosen)
	if all.tuning() != defaultTuning {
		t.Errorf("the shipped tuning %+v is not the one chosen on all five folds, %+v", defaultTuning, all.tuning())
		return
	}
	if *update {
		writeScores(t, folded, unlimited, s, peerNames, peerScores)
	}
}

// scoresFile is where -crossval -update writes the figures.
const scoresFile = "SCORES.md"

// writeScores writes SCORES.md: the per-fold table, the shipped tuning on
// all the photographs beside the peers, each variant without a still
// limit, and the synthetic set read by both paths.
func writeScores(t *testing.T, folded, unlimited string, shipped score, peerNames []string, peerScores [][]scored) {
	synth := loadCorpus(t)
	var still, camera tally
	for _, s := range scoreAll(t, synth, decodeOnce) {
		still.add(s)
	}
	for _, s := range scoreAll(t, synth, cameraRead) {
		camera.add(s)
	}
	var b strings.Builder
	b.WriteString("# The decoder's scores\n\n")
	b.WriteString("Written by `go test ./scanner -run TestTuningIsCrossValidated -crossval -update`\n")
	b.WriteString("(minutes; runs are cached by the decoder's source). Do not edit by hand.\n\n")
	b.WriteString("## Cross-validation on the shared photographs\n\n")
	b.WriteString("Five folds by a hash of set/file. For each fold, the tuning (tuning.go) is\n")
	b.WriteString("chosen on the other four and scored on it; zxing-cpp 3.1 (zxing-wasm 3.1.4)\n")
	b.WriteString("and 1.4 read the same fold. A cell is read/codes, wrong reads (w) and false\n")
	b.WriteString("reads on the fold's no-code photographs (f). Cost: what the still path\n")
	b.WriteString(`(pudo decode) spends on the fold's no-code photographs, in work units, over` + "\n")
	b.WriteString("what the camera path spends on them per frame (a new scene's first frame).\n\n")
	b.WriteString("```\n" + folded + "```\n\n")
	b.WriteString("## All the shared photographs, shipped tuning\n\n")
	fmt.Fprintf(&b, "Tuning: %+v\n\n", defaultTuning)
	b.WriteString("| decoder | read | wrong | false |\n|---|---|---|---|\n")
	row := func(name string, n tally) {
		fmt.Fprintf(&b, "| %s | %d/%d | %d | %d of %d |\n", name, n.read, n.codes, n.wrong, n.falses, n.nocode)
	}
	row("still (pudo decode)", shipped.still)
	row("camera (15 frames)", shipped.camera)
	for j, name := range peerNames {
		var n tally
		for _, s := range peerScores[j] {
			n.add(s)
		}
		row(name, n)
	}
	fmt.Fprintf(&b, "\nStill work on the no-code photographs: %.1fx the camera's per frame.\n", shipped.cost())
	b.WriteString("The time per camera frame, beside plain gozxing's QR reader on the same\n")
	b.WriteString("frames, and pudo decode's on the no-code photographs, are benchmarks\n")
	b.WriteString("(BenchmarkFrame, BenchmarkPhotoFrame in `make bench`).\n\n")
	b.WriteString("## Each variant without a still limit, on all the photographs\n\n")
	b.WriteString("```\n" + unlimited + "```\n\n")
	b.WriteString("## The synthetic set (../shared/testdata/codes), shipped tuning\n\n")
	row = func(name string, n tally) {
		fmt.Fprintf(&b, "- %s: %d/%d read, %d wrong, %d false on %d no-code\n", name, n.read, n.codes, n.wrong, n.falses, n.nocode)
	}
	row("still", still)
	row("camera", camera)
	if err := os.WriteFile(scoresFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// cell is a tally as "read/codes wN fN".
func cell(t tally) string {
	return fmt.Sprintf("%d/%d w%d f%d", t.read, t.codes, t.wrong, t.falses)
}
