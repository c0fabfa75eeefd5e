package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// TestScreensFit brings every screen up in every language, with normal and
// with big text, and fails when one needs more than the 1280x800 panel: a
// test window grows to fit its content, where the kiosk's full-screen
// window would clip it.
func TestScreensFit(t *testing.T) {
	panel := fyne.NewSize(1280, 800)
	langs := Languages
	if raceOn {
		// Layout has no data races to find; under -race only French, the
		// longest texts, keeps the run short. go test ./ui checks all.
		langs = []Language{{"fr", "Français"}}
	}
	for _, big := range []bool{false, true} {
		for _, l := range langs {
			for _, sc := range scenes {
				if big && (strings.HasPrefix(sc.name, "admin") || sc.name == "home-bigtext") {
					continue // staff screens have their own compact theme
				}
				name := l.Code + "/" + sc.name
				if big {
					name += "/bigtext"
				}
				t.Run(name, func(t *testing.T) {
					f := newFixture(t)
					SetLanguage(l.Code)
					f.k.bigText = big
					f.k.refresh(f.k.shown)
					sc.setup(t, f)
					if got := f.w.Canvas().Size(); got.Width > panel.Width || got.Height > panel.Height {
						t.Errorf("needs %v, the panel is %v", got, panel)
					}
				})
			}
		}
	}
}
