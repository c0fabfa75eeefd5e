package scanner

import (
	"image"
	"math/rand/v2"
	"testing"
)

// noise is a picture with no code: grey noise over a few soft shapes.
func noise(w, h int) *image.Gray {
	rng := rand.New(rand.NewPCG(7, 8))
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := 128 + 60*((x/37+y/23)%3-1) + rng.IntN(41) - 20
			g.Pix[y*g.Stride+x] = uint8(v)
		}
	}
	return g
}

// TestStillTraceScoresTheLimit: the cross-validation scores every still
// limit from one unbounded decode's trace; a decode with the limit must
// come out as the trace says, at the same work.
func TestStillTraceScoresTheLimit(t *testing.T) {
	imgs := []corpusImage{{set: "noise", name: "640x480", img: noise(640, 480)}}
	for _, c := range loadPhotos(t, localPhotos) {
		if len(imgs) < 40 && c.img.Rect.Dx()*c.img.Rect.Dy() <= 640*480 {
			imgs = append(imgs, c)
		}
	}
	stopped := 0
	for _, c := range imgs {
		d, err := NewDecoder(DefaultConfig().Formats)
		if err != nil {
			t.Fatal(err)
		}
		d.tune.stillFactor = 0
		var tr stillTrace
		full, fullOK := d.decodeStill(newFrame(c.img), &tr)
		for _, lim := range []struct {
			still, sign, region float64
			floor               int64
		}{
			{1, 0, 0, 0}, {2, 0, 0, 0}, {3, 0, 0, 0}, {1, 4, 300, 0}, {1.5, 0, 300, 0}, {1, 0, 0, 2_000_000},
		} {
			d.tune.stillFactor, d.tune.signFactor, d.tune.regionSign = lim.still, lim.sign, lim.region
			d.tune.stillFloor = lim.floor
			f := newFrame(c.img)
			r, ok := d.decodeStill(f, nil)
			stop, stops := tr.stops(d.tune)
			wantStop := stops && (tr.read < 0 || stop <= tr.read)
			switch {
			case wantStop && (ok || f.spent != tr.steps[stop].before):
				t.Errorf("%s/%s at %+v: read %v at work %d; the trace stops it at step %d, work %d", c.set, c.name, lim, ok, f.spent, stop, tr.steps[stop].before)
			case !wantStop && (ok != fullOK || r != full):
				t.Errorf("%s/%s at %+v: read %v %q; the unbounded decode read %v %q", c.set, c.name, lim, ok, r.Text, fullOK, full.Text)
			}
			if wantStop {
				stopped++
			}
		}
	}
	if stopped == 0 {
		t.Error("no decode was stopped: the test proves nothing")
	}
}

// TestStillLimitOnAFileWithoutCode: pudo decode spends no more on a file
// with no code, and no sign of one, than the shipped limit allows:
// stillFactor times what the camera spends on it as one frame, or
// stillFloor.
func TestStillLimitOnAFileWithoutCode(t *testing.T) {
	if defaultTuning.stillFactor == 0 {
		t.Skip("no still limit shipped")
	}
	g := noise(640, 480)
	d, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	f := newFrame(g)
	if _, ok := d.decodeStill(f, nil); ok {
		t.Fatal("read a code in noise")
	}
	cam, err := NewDecoder(DefaultConfig().Formats)
	if err != nil {
		t.Fatal(err)
	}
	cam.DecodeFrame(g)
	if limit := max(int64(defaultTuning.stillFactor*float64(cam.spent)), defaultTuning.stillFloor); f.spent > limit {
		t.Errorf("still decode spent %d work units, over %gx the camera's %d per frame", f.spent, defaultTuning.stillFactor, cam.spent)
	}
}
