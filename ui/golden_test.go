package ui

import (
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// goldenSet is one way of seeing every street screen: a language, big
// text or not, a panel.
type goldenSet struct {
	lang   string
	big    bool
	panel  fyne.Size
	suffix string
}

// goldenSets: every language on the landscape panel, and English with big
// text and in portrait, and Polish (long words, CLDR's richest plurals) in
// portrait with big text.
func goldenSets() []goldenSet {
	var sets []goldenSet
	for _, l := range Languages {
		sets = append(sets, goldenSet{l.Code, false, landscape, ""})
	}
	return append(sets, goldenSet{"en", true, landscape, "-bigtext"}, goldenSet{"en", false, portrait, "-portrait"},
		goldenSet{"pl", true, portrait, "-portrait-bigtext"})
}

// TestGoldenScreens compares every shopper and courier screen with
// reviewed images in testdata/ (the staff screens are the staff's). A
// mismatch writes the new image to testdata/failed/; look at it, and copy
// it over the master if it is right (PUDO_SCREENSHOTS=dir also writes
// each screen at full size into dir/golden, to look at closely). The
// masters are at half the panel's size, averaged: any change of layout
// or colour still changes them, and the repository stays small.
func TestGoldenScreens(t *testing.T) {
	if raceOn {
		t.Skip("pixels have no data races to find; make test runs this without -race")
	}
	sets := goldenSets()
	shots := os.Getenv("PUDO_SCREENSHOTS")
	for _, gs := range sets {
		for _, sc := range scenes {
			if !streetScene(sc.name) || gs.big && sc.name == "home-bigtext" {
				continue
			}
			file := gs.lang + "-" + sc.name + gs.suffix
			t.Run(file, func(t *testing.T) {
				f := newFixtureAt(t, gs.panel)
				SetLanguage(gs.lang)
				f.k.bigText = gs.big
				f.k.refresh(f.k.shown)
				sc.setup(t, f)
				if shots != "" {
					writePNG(t, filepath.Join(shots, "golden", file+".png"), f)
				}
				test.AssertImageMatches(t, file+".png", halve(f.w.Canvas().Capture()))
			})
		}
	}
	// The staff's door grid, at full size, as before: the staff screens'
	// images are the staff screens' own to review.
	for _, lang := range []string{"en", "pl"} {
		t.Run(lang+"-admin-doors", func(t *testing.T) {
			f := newFixture(t)
			SetLanguage(lang)
			f.k.refresh(f.k.shown)
			sceneNamed(t, "admin-doors").setup(t, f)
			test.AssertImageMatches(t, lang+"-admin-doors.png", f.w.Canvas().Capture())
		})
	}
}

// streetScene reports whether a scene is a shopper's or a courier's.
func streetScene(name string) bool {
	return !strings.HasPrefix(name, "admin") && name != "staff-pin"
}

// halve is img at half its width and height, each pixel the mean of four.
func halve(img image.Image) *image.NRGBA {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx()/2, b.Dy()/2))
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			var r, g, bl, a uint32
			for _, d := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
				c := color.NRGBAModel.Convert(img.At(b.Min.X+2*x+d[0], b.Min.Y+2*y+d[1])).(color.NRGBA)
				r, g, bl, a = r+uint32(c.R), g+uint32(c.G), bl+uint32(c.B), a+uint32(c.A)
			}
			out.SetNRGBA(x, y, color.NRGBA{R: uint8(r / 4), G: uint8(g / 4), B: uint8(bl / 4), A: uint8(a / 4)})
		}
	}
	return out
}

func sceneNamed(t *testing.T, name string) scene {
	for _, s := range scenes {
		if s.name == name {
			return s
		}
	}
	t.Fatalf("no scene %q", name)
	return scene{}
}
