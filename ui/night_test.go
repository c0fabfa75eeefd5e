package ui

import (
	"image"
	"testing"
	"time"

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

// On an upright panel home's two actions are full-width bands one above
// the other, taller than side by side on a landscape one, and the logo is
// larger: the height the panel has is used, not left empty above them.
func TestPortraitHomeUsesItsHeight(t *testing.T) {
	size := func(panel fyne.Size) (w, h float32) {
		f := newFixtureAt(t, panel)
		b := f.button(tr("home.collect"))
		if b == nil {
			t.Fatalf("no collect button: %q", f.texts())
		}
		return b.Size().Width, b.Size().Height
	}
	lw, lh := size(landscape)
	pw, ph := size(portrait)
	if pw < portrait.Width*0.9 || ph < lh*1.3 || lw > landscape.Width*0.6 {
		t.Fatalf("collect: %vx%v on landscape, %vx%v on portrait", lw, lh, pw, ph)
	}
}

// Home goes back to the locker's language after the idle time, counted
// from the last presence: a finger exploring home by touch in audio mode
// redraws nothing, and must not be switched to another language mid-way.
func TestHomeKeepsTheLanguageWhileSomeoneIsThere(t *testing.T) {
	f := newFixture(t)
	f.tap(t, "Polski")
	idle := f.k.settings.IdleTimeout
	f.clock.advance(idle - time.Second)
	f.k.touch() // a finger on the screen, as the explorer counts it
	f.clock.advance(2 * time.Second)
	if CurrentLanguage() != "pl" {
		t.Fatal("home went back to English while someone was touching it")
	}
	f.clock.advance(idle)
	if CurrentLanguage() != "en" || !f.shows("Collect a parcel") {
		t.Fatalf("still %s after the idle time: %q", CurrentLanguage(), f.texts())
	}
}

// "Did you get your parcel?": when the reopen grace ends, "Open the door
// again" goes, and the buttons stay where they were.
func TestGotItButtonsStayWhenReopenEnds(t *testing.T) {
	f := newFixture(t)
	toGotIt(t, f)
	empty := f.button(tr("got.empty"))
	if f.button(tr("got.reopen")) == nil || empty == nil {
		t.Fatalf("texts %q", f.texts())
	}
	before := f.rectOf(empty)
	f.clock.advance(shown[*gotItScreen](t, f).v.ReopenUntil.Sub(f.clock.now) + time.Second)
	f.want(t, &gotItScreen{})
	if b := f.button(tr("got.reopen")); b != nil && b.Visible() {
		t.Fatal("reopen offered after the grace")
	}
	if after := f.rectOf(f.button(tr("got.empty"))); after != before {
		t.Fatalf("'%s' moved from %v to %v", tr("got.empty"), before, after)
	}
	f.k.refresh(f.k.shown) // drawn again (the need-more-time question went)
	if after := f.rectOf(f.button(tr("got.empty"))); after != before {
		t.Fatalf("drawn again, '%s' moved from %v to %v", tr("got.empty"), before, after)
	}
}
