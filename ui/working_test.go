package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// TestWorkingScreensKeepTheirWordsWhole: the screen shown while the locker
// works on what a person asked (a door to open, a PIN to check) and the one
// before staff leave for the desktop say one short line, in every language
// and on both panels. Centred alone, a wrapping label gets the width of its
// widest letter and stands the text up one letter a line, as a screenshot
// of the real kiosk showed between a PIN and the next screen.
func TestWorkingScreensKeepTheirWordsWhole(t *testing.T) {
	for _, panel := range []fyne.Size{landscape, portrait} {
		for _, l := range Languages {
			for _, c := range []struct {
				name, key string
				s         func(k *Kiosk) screen
			}{
				{"opening", "door.opening", func(*Kiosk) screen { return &openingScreen{} }},
				{"exit", "admin.exit.done", func(k *Kiosk) screen { return k.screenFor(&app.ExitView{}) }},
			} {
				t.Run(l.Code+"/"+c.name, func(t *testing.T) {
					f := newFixtureAt(t, panel)
					SetLanguage(l.Code)
					f.w.SetContent(c.s(f.k).draw())
					f.w.Resize(panel)
					var got *widget.Label
					for _, o := range f.objects() {
						if lb, ok := o.(*widget.Label); ok && lb.Text == tr(c.key) {
							got = lb
						}
					}
					if got == nil {
						t.Fatalf("no label %q on the %s screen", tr(c.key), c.name)
					}
					one := title(tr(c.key))
					one.Wrapping = fyne.TextWrapOff
					if h := got.Size().Height; h > 2*one.MinSize().Height {
						t.Fatalf("%q is %.0f px wide and %.0f px tall: more than two lines of %.0f px",
							got.Text, got.Size().Width, h, one.MinSize().Height)
					}
				})
			}
		}
	}
}
