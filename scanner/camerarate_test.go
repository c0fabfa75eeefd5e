package scanner

import "testing"

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
	holdRates(t, cameraRateGolden, "the camera path (DecodeFrame, 15 frames per image)",
		func(t *testing.T, cs []corpusImage) int {
			n := 0
			for _, c := range cs {
				if cameraReads(t, c) {
					n++
				}
			}
			return n
		})
}

// cameraReads shows c to a fresh decoder as a run of identical frames and
// reports whether it came out right; for a no-code image, whether it stayed
// unread.
func cameraReads(t *testing.T, c corpusImage) bool {
	r, ok := cameraRead(t, c)
	switch {
	case !ok:
		return c.want == ""
	case c.want == "":
		t.Errorf("%s/%s: false camera read %s %q (stage %s)", c.set, c.name, r.Format, r.Text, r.Stage)
	case r.Text != c.want:
		t.Errorf("%s/%s: camera read %q, want %q (stage %s)", c.set, c.name, r.Text, c.want, r.Stage)
	default:
		return true
	}
	return false
}

// cameraRead shows c to a fresh decoder as cameraFrames identical frames (4
// times as many when c holds no code) and returns the first read.
func cameraRead(t *testing.T, c corpusImage) (Result, bool) {
	d, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	frames := cameraFrames
	if c.want == "" {
		frames *= 4
	}
	for range frames {
		if r, err := d.DecodeFrame(c.img); err == nil {
			return r, true
		}
	}
	return Result{}, false
}
