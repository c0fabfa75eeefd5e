package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestScreenshots writes a PNG of every screen in every language, and the
// home and door screens with big text and at night, into the folder named
// by PUDO_SCREENSHOTS (make screenshots). Without it, it is skipped.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("PUDO_SCREENSHOTS")
	if dir == "" {
		t.Skip("PUDO_SCREENSHOTS not set")
	}
	for _, l := range Languages {
		for _, sc := range scenes {
			t.Run(l.Code+"/"+sc.name, func(t *testing.T) {
				f := newFixture(t)
				SetLanguage(l.Code)
				f.k.refresh(f.k.shown)
				sc.setup(t, f)
				writePNG(t, filepath.Join(dir, l.Code, sc.name+".png"), f)
				if s := f.w.Canvas().Size(); s.Width > 1280 || s.Height > 800 {
					t.Errorf("needs %v, more than the 1280x800 panel", s)
				}
			})
		}
	}
	for _, night := range []string{"home", "door", "admin-doors"} {
		t.Run("night/"+night, func(t *testing.T) {
			f := newFixture(t, func(o *Options) { o.Settings.Night = NightOn })
			for _, sc := range scenes {
				if sc.name == night {
					sc.setup(t, f)
				}
			}
			writePNG(t, filepath.Join(dir, "night", night+".png"), f)
		})
	}
}

func writePNG(t *testing.T, path string, f *fixture) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := png.Encode(out, f.w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}
