package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestGoldenScreens compares key screens with reviewed images in testdata/
// in two languages and with big text. A mismatch writes the new image to
// testdata/failed/; look at it, and copy it over the master if it is right.
func TestGoldenScreens(t *testing.T) {
	keys := []string{"home", "code-wrong", "door", "gotit", "courier-menu", "admin-doors"}
	cases := []struct {
		lang string
		big  bool
		only []string
	}{
		{"en", false, keys},
		{"pl", false, keys},
		{"en", true, []string{"home", "code-wrong", "door"}},
	}
	for _, c := range cases {
		for _, name := range c.only {
			file := c.lang + "-" + name
			if c.big {
				file += "-bigtext"
			}
			t.Run(file, func(t *testing.T) {
				f := newFixture(t)
				SetLanguage(c.lang)
				f.k.bigText = c.big
				f.k.refresh(f.k.shown)
				sceneNamed(t, name).setup(t, f)
				test.AssertImageMatches(t, file+".png", f.w.Canvas().Capture())
			})
		}
	}
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
