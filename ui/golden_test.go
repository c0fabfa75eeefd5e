package ui

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// update rewrites the goldens from what the screens draw now, instead of
// comparing: go test ./ui -run TestGolden -update, then read the diff of
// testdata/markup before committing it.
var update = flag.Bool("update", false, "write the screens' goldens under testdata instead of comparing with them")

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

// TestGoldenScreens holds every shopper and courier screen, in every
// golden set, to its reviewed structure: Fyne's markup of the canvas
// (every object's kind, place, size, text, colour role and resource) in
// testdata/markup/. A mismatch writes the new markup to
// testdata/failed/markup/; read the diff, and if it is right, run with
// -update. PUDO_SCREENSHOTS=dir also writes each screen as a PNG into
// dir/golden, to look at.
func TestGoldenScreens(t *testing.T) {
	if raceOn {
		t.Skip("layout has no data races to find; make test runs this without -race")
	}
	shots := os.Getenv("PUDO_SCREENSHOTS")
	for _, gs := range goldenSets() {
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
				assertMarkup(t, file, f.w.Canvas())
			})
		}
	}
}

// TestGoldenStaffScreens holds every staff screen to its reviewed markup
// in testdata/markup/: English and Polish on the landscape panel, English
// on the portrait one.
func TestGoldenStaffScreens(t *testing.T) {
	if raceOn {
		t.Skip("layout has no data races to find; make test runs this without -race")
	}
	cases := []struct {
		lang, suffix string
		panel        fyne.Size
	}{
		{"en", "", landscape},
		{"pl", "", landscape},
		{"en", "-portrait", portrait},
	}
	for _, c := range cases {
		for _, sc := range scenes {
			if streetScene(sc.name) {
				continue
			}
			file := "staff-" + c.lang + "-" + sc.name + c.suffix
			t.Run(file, func(t *testing.T) {
				f := newFixtureAt(t, c.panel)
				SetLanguage(c.lang)
				f.k.refresh(f.k.shown)
				sc.setup(t, f)
				assertMarkup(t, file, f.w.Canvas())
			})
		}
	}
}

// TestGoldenPixels compares the few screens whose pixels matter with
// reviewed images in testdata/pixels/, at half the panel's size (each
// pixel the mean of four: a change of colour or shape still shows, and
// the images stay small). Markup names a colour by its theme role and an
// icon by its resource, so it cannot tell what a style looks like:
//   - home in each style (day, night, big text with high contrast; big
//     text at night is high contrast too, the same pixels): the palette
//     and the fonts as drawn;
//   - the door screen: the map with the shopper's door lit is what a
//     person looks for, and it must stand out from the doors around it;
//   - the staff's door grid with a door in every state: each state's fill
//     and recoloured icon, which staff read at a glance.
//
// A mismatch writes the new image to testdata/failed/pixels/; look at it,
// and if it is right, run with -update.
func TestGoldenPixels(t *testing.T) {
	if raceOn {
		t.Skip("pixels have no data races to find; make test runs this without -race")
	}
	cases := []struct {
		file, scene string
		night       NightMode
	}{
		{"home-day", "home", NightOff},
		{"home-night", "home", NightOn},
		{"home-bigtext", "home-bigtext", NightOff},
		{"door-map", "door", NightOff},
		{"staff-door-states", "admin-doors-states", NightOff},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			f := newFixture(t, func(o *Options) { o.Settings.Night = c.night })
			sceneNamed(t, c.scene).setup(t, f)
			assertPixels(t, c.file, halve(f.w.Canvas().Capture()))
		})
	}
}

// assertMarkup compares c's markup with testdata/markup/name.xml, or
// writes it there under -update.
func assertMarkup(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	file := filepath.Join("markup", name+".xml")
	if *update {
		writeGolden(t, file, []byte(test.RenderToMarkup(c)))
		return
	}
	test.AssertRendersToMarkup(t, file, c)
}

// assertPixels compares img with testdata/pixels/name.png, or writes it
// there under -update.
func assertPixels(t *testing.T, name string, img image.Image) {
	t.Helper()
	file := filepath.Join("pixels", name+".png")
	if *update {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		writeGolden(t, file, b.Bytes())
		return
	}
	test.AssertImageMatches(t, file, img)
}

func writeGolden(t *testing.T, file string, data []byte) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
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
