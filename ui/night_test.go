package ui

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"pudo/assets"
)

// At night the logo does not glare from the dim screen: its brightest
// pixel is well below the day's. (The support QR code lies under the same
// veil, black and white darkened alike.)
func TestNightDimsTheLogo(t *testing.T) {
	brightest := func(night NightMode) uint32 {
		f := newFixture(t, func(o *Options) { o.Settings.Night = night })
		f.k.refresh(f.k.shown)
		var logo *canvas.Image
		for _, o := range f.objects() {
			if img, ok := o.(*canvas.Image); ok && img.Resource == assets.Icon {
				logo = img
			}
		}
		if logo == nil {
			t.Fatal("no logo on home")
		}
		at := fyne.CurrentApp().Driver().AbsolutePositionForObject(logo)
		shot := f.w.Canvas().Capture()
		var most uint32
		r := image.Rect(int(at.X), int(at.Y), int(at.X+logo.Size().Width), int(at.Y+logo.Size().Height))
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				cr, cg, cb, _ := shot.At(x, y).RGBA()
				most = max(most, (cr+cg+cb)/3>>8)
			}
		}
		return most
	}
	day, night := brightest(NightOff), brightest(NightOn)
	if night*10 > day*6 {
		t.Fatalf("the logo's brightest pixel: %d by day, %d at night", day, night)
	}
}
