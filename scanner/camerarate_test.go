package scanner

import (
	"sync"
	"testing"
	"time"
)

const cameraRateGolden = "testdata/camerarate.golden"

// cameraFrames is how long a code is held in view in TestCameraRate: one
// second at the default 15 frames per second.
const cameraFrames = 15

// TestCameraRate holds the camera path to its recorded read rate. The
// camera runs the hard stages only on promising frames and, on a budget,
// one in every Idle frames, so its rate is not the still-image rate: each
// image is shown as cameraFrames identical frames to a fresh decoder, and
// counts as read if any of them decodes. A no-code frame is shown 4 times
// as long and must never read.
func TestCameraRate(t *testing.T) {
	imgs := loadCorpus(t)
	bySet := map[string][]corpusImage{}
	for _, c := range imgs {
		bySet[c.set] = append(bySet[c.set], c)
	}
	var mu sync.Mutex
	got := map[string]int{}
	t.Run("sets", func(t *testing.T) {
		for set, cs := range bySet {
			t.Run(set, func(t *testing.T) {
				t.Parallel()
				n := 0
				for _, c := range cs {
					if cameraReads(t, c) {
						n++
					}
				}
				mu.Lock()
				got[set] = n
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}
	if *update {
		writePassRates(t, cameraRateGolden, "the camera path (DecodeFrame, 15 frames per image)", got, bySet)
		return
	}
	want := readPassRates(t, cameraRateGolden)
	for set, n := range got {
		switch w, ok := want[set]; {
		case !ok:
			t.Errorf("%s: not in %s; run with -update", set, cameraRateGolden)
		case n < w:
			t.Errorf("%s: camera read %d of %d, recorded %d: the read rate fell", set, n, len(bySet[set]), w)
		}
	}
}

// cameraReads shows c to a fresh decoder as a run of identical frames and
// reports whether it came out right; for a no-code image, whether it stayed
// unread.
func cameraReads(t *testing.T, c corpusImage) bool {
	d, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	// The budget is in wall time; on a loaded machine fewer stages would fit
	// and the rate would wobble. Each look at the clock costs 4 ms here,
	// so every run spends the budget the same way.
	clock := time.Unix(0, 0)
	d.now = func() time.Time {
		clock = clock.Add(4 * time.Millisecond)
		return clock
	}
	frames := cameraFrames
	if c.want == "" {
		frames *= 4
	}
	for range frames {
		r, err := d.DecodeFrame(c.img)
		switch {
		case err != nil:
			continue
		case c.want == "":
			t.Errorf("%s/%s: false camera read %s %q (stage %s)", c.set, c.name, r.Format, r.Text, r.Stage)
			return false
		case r.Text != c.want:
			t.Errorf("%s/%s: camera read %q, want %q (stage %s)", c.set, c.name, r.Text, c.want, r.Stage)
			return false
		default:
			return true
		}
	}
	return c.want == ""
}
