package e2e

import (
	"image/png"
	"os"
	"testing"
)

// TestFindHomeControls holds the finder the Xvfb test taps by to home as
// the kiosk draws it by day and by night (the lower part of two
// screenshots): the same controls at the same places in both. At night
// the highlighted English button's label is drawn in the background's
// colour; read across its middle, it was two buttons, and the tap meant
// for Polski chose English.
func TestFindHomeControls(t *testing.T) {
	var found []homeControls
	for _, name := range []string{"home-day.png", "home-night.png"} {
		f, err := os.Open("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c, err := findHomeControls(img)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !(c.english[0] < c.polski[0] && c.english[1] == c.polski[1] && c.collect[1] < c.english[1]) {
			t.Errorf("%s: English at %v, Polski at %v, Collect at %v: want English left of Polski in one row under Collect",
				name, c.english, c.polski, c.collect)
		}
		found = append(found, c)
	}
	if found[0] != found[1] {
		t.Errorf("day and night differ: %+v by day, %+v by night", found[0], found[1])
	}
}
