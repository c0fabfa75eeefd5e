package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// TestScreensFit brings every screen up in every language, with normal and
// with big text, on the landscape and the portrait panel, and fails when
// one needs more than the panel: a test window grows to fit its content,
// where the kiosk's full-screen window would clip it. It logs the screens
// with the least room to spare.
func TestScreensFit(t *testing.T) {
	if raceOn {
		t.Skip("layout has no data races to find; make test runs this without -race")
	}
	langs := Languages
	type margin struct {
		name string
		w, h float32
	}
	var margins []margin
	for _, panel := range []fyne.Size{landscape, portrait} {
		for _, big := range []bool{false, true} {
			for _, l := range langs {
				for _, sc := range scenes {
					if big && (strings.HasPrefix(sc.name, "admin") || sc.name == "home-bigtext") {
						continue // staff screens have their own compact theme
					}
					name := fmt.Sprintf("%vx%v/%s/%s", panel.Width, panel.Height, l.Code, sc.name)
					if big {
						name += "/bigtext"
					}
					t.Run(name, func(t *testing.T) {
						f := newFixtureAt(t, panel)
						SetLanguage(l.Code)
						f.k.bigText = big
						f.k.refresh(f.k.shown)
						sc.setup(t, f)
						if got := f.w.Canvas().Size(); got.Width > panel.Width || got.Height > panel.Height {
							t.Errorf("needs %v, the panel is %v", got, panel)
						}
						// A wrapped text lays out at the width it gets and may
						// then need more height than there is, without the
						// window growing: the content's own need is held too.
						need := f.w.Content().MinSize()
						if need.Width > panel.Width || need.Height > panel.Height {
							t.Errorf("content needs %v, the panel is %v", need, panel)
						}
						margins = append(margins, margin{name, panel.Width - need.Width, panel.Height - need.Height})
					})
				}
			}
		}
	}
	slices.SortFunc(margins, func(a, b margin) int { return int(min(a.w, a.h) - min(b.w, b.h)) })
	// The street's screens and the staff's apart: the staff's compact
	// ones would hide the others from the list.
	for _, staff := range []bool{false, true} {
		n := 0
		for _, m := range margins {
			if strings.Contains(m.name, "/admin-") == staff && n < 8 {
				t.Logf("least room: %s: %.0f px across, %.0f px down to spare", m.name, m.w, m.h)
				n++
			}
		}
	}
}
