package scanner

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// The camera's result depends on the frames alone, not on the machine: its
// hard stages run on a work budget. How soon it reads does depend on the
// machine. These tests run the camera's decode loop against a fake clock
// that charges each frame its work, as a machine slower than the reference
// would take it.

const (
	// refNsPerUnit is what a work unit costs on the reference machine, with
	// room: the units are calibrated to about 1 ns there (BenchmarkWorkUnit
	// measures it on the machine it runs on).
	refNsPerUnit = 1.5
	// slowdown is how much slower a locker's arm64 board is: 3-4x.
	slowdown = 4
	fps      = 15
	// heldFor is how long a person holds a code up before giving up.
	heldFor = 2 * time.Second
)

// readTime plays c to a fresh decoder as a camera at fps would, held still,
// on a machine slowdown times slower than the reference: the decoder takes
// the newest frame whenever it is free, as Camera.decodeLoop does, and
// each frame takes the time its work costs there. It returns when the code
// was read, or false if not within heldFor.
func readTime(t *testing.T, c corpusImage) (time.Duration, bool) {
	d, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	frame := time.Second / fps
	var clock time.Duration
	for clock < heldFor {
		// Wait for the next frame unless one arrived while decoding.
		if next := (clock + frame - 1) / frame * frame; next > clock {
			clock = next
		}
		_, err := d.DecodeFrame(c.img)
		clock += time.Duration(float64(d.spent) * refNsPerUnit * slowdown)
		if err == nil {
			return clock, true // whether right or wrong, the goldens say
		}
	}
	return clock, false
}

// TestCameraReadsWithinTwoSecondsOnSlowMachine: every code of
// testdata/photos and of the shared 640x480 camera-like frames that the
// camera path reads in cameraFrames frames is read within 2 s on a machine
// 4 times slower than the reference.
func TestCameraReadsWithinTwoSecondsOnSlowMachine(t *testing.T) {
	skipUnderRace(t)
	t.Run("testdata/photos", func(t *testing.T) { readsInTime(t, loadPhotos(t, localPhotos)) })
	t.Run("shared frames", func(t *testing.T) { readsInTime(t, loadCorpus(t)) })
}

func readsInTime(t *testing.T, imgs []corpusImage) {
	var times []time.Duration
	for _, c := range imgs {
		if c.want == "" {
			continue
		}
		at, ok := readTime(t, c)
		if !ok {
			if _, read := cameraRead(t, c); read {
				t.Errorf("%s/%s: read in %d frames, but not within %v on a %dx slower machine", c.set, c.name, cameraFrames, heldFor, slowdown)
			}
			continue // not read at all: the read-rate goldens hold that
		}
		times = append(times, at)
	}
	if len(times) == 0 {
		t.Fatal("no code read")
	}
	slices.Sort(times)
	t.Logf("%d codes read on a %dx slower machine: median %v, slowest %v", len(times), slowdown, times[len(times)/2], times[len(times)-1])
}

// TestCameraPathIsDeterministic runs the camera path over the photographs
// twice at once, each run loading the machine for the other: both must
// read the same codes on the same frames.
func TestCameraPathIsDeterministic(t *testing.T) {
	imgs := loadPhotos(t, localPhotos)
	run := func() []string {
		var out []string
		for _, c := range imgs {
			d, err := NewDecoder(DefaultConfig().Formats)
			if err != nil {
				t.Error(err)
				return nil
			}
			got := "none"
			for i := range cameraFrames {
				if r, err := d.DecodeFrame(c.img); err == nil {
					got = fmt.Sprintf("%s %q at frame %d by %s", r.Format, r.Text, i, r.Stage)
					break
				}
			}
			out = append(out, c.set+"/"+c.name+": "+got)
		}
		return out
	}
	var runs [2][]string
	var wg sync.WaitGroup
	for i := range runs {
		wg.Go(func() { runs[i] = run() })
	}
	wg.Wait()
	for i := range runs[0] {
		if runs[0][i] != runs[1][i] {
			t.Errorf("runs differ:\n  %s\n  %s", runs[0][i], runs[1][i])
		}
	}
}
