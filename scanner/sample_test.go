package scanner

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

// sampleReference is sampleF as first written: every sample clamped to the
// frame, with math.Min and math.Max.
func sampleReference(l scanLine, g *image.Gray, o lineOpts) []float32 {
	n := int(float64(l.n) / o.step)
	var prof []float32
	nx, ny := -l.dy, l.dx
	half := o.band / 2
	at := func(x, y float64) float32 {
		r := g.Rect
		x = math.Min(math.Max(x, float64(r.Min.X)), float64(r.Max.X-2))
		y = math.Min(math.Max(y, float64(r.Min.Y)), float64(r.Max.Y-2))
		x0, y0 := int(x), int(y)
		fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
		p := g.PixOffset(x0, y0)
		a, b := float32(g.Pix[p]), float32(g.Pix[p+1])
		c, d := float32(g.Pix[p+g.Stride]), float32(g.Pix[p+g.Stride+1])
		return (a*(1-fx)+b*fx)*(1-fy) + (c*(1-fx)+d*fx)*fy
	}
	for i := 0; i < n; i++ {
		t := float64(i) * o.step
		x, y := l.x0+l.dx*t, l.y0+l.dy*t
		var sum float32
		for k := -half; k <= half; k++ {
			sum += at(x+nx*float64(k), y+ny*float64(k))
		}
		prof = append(prof, sum/float32(2*half+1))
	}
	return prof
}

// TestSampleFMatchesTheReference: sampling skips the clamping where a
// band lies inside the frame, and must give the very same values.
func TestSampleFMatchesTheReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	g := image.NewGray(image.Rect(3, 2, 163, 122)) // not at the origin
	for i := range g.Pix {
		g.Pix[i] = uint8(rng.IntN(256))
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	sub := g.SubImage(image.Rect(3, 2, 163, 122)).(*image.Gray)
	for i := range 300 {
		deg := rng.Float64()*360 - 180
		l, ok := clipLine(w, h, rng.Float64()*float64(w), rng.Float64()*float64(h), math.Cos(deg*math.Pi/180), math.Sin(deg*math.Pi/180))
		if !ok {
			continue
		}
		// clipLine works in frame coordinates from 0; move the line onto g's.
		l.x0 += float64(g.Rect.Min.X)
		l.y0 += float64(g.Rect.Min.Y)
		o := lineConfigs[i%len(lineConfigs)]
		got := l.sampleF(sub, o, nil)
		want := sampleReference(l, sub, o)
		if len(got) != len(want) {
			t.Fatalf("line %d: %d samples, want %d", i, len(got), len(want))
		}
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("line %d (%+v, %+v): sample %d = %v, want %v", i, l, o, k, got[k], want[k])
			}
		}
	}
}
