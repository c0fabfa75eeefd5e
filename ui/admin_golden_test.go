package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestGoldenStaffScreens compares every staff screen with reviewed images
// in testdata/: English and Polish on the landscape panel, English on the
// portrait one. A mismatch writes the new image to testdata/failed/; look
// at it, and copy it over the master if it is right.
func TestGoldenStaffScreens(t *testing.T) {
	if raceOn {
		t.Skip("pixels have no data races to find; make test runs this without -race")
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
			if !strings.HasPrefix(sc.name, "admin") && sc.name != "staff-pin" {
				continue
			}
			file := "staff-" + c.lang + "-" + sc.name + c.suffix + ".png"
			t.Run(file, func(t *testing.T) {
				f := newFixtureAt(t, c.panel)
				SetLanguage(c.lang)
				f.k.refresh(f.k.shown)
				sc.setup(t, f)
				test.AssertImageMatches(t, file, f.w.Canvas().Capture())
			})
		}
	}
}
