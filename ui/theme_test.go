package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// inkOn is a text colour drawn on a fill colour, and where the screens do it.
type inkOn struct {
	ink, on fyne.ThemeColorName
	where   string
}

// usedPairs are the text and fill colours the screens and Fyne's widgets
// draw together. A new pairing on a screen belongs here.
var usedPairs = []inkOn{
	{theme.ColorNameForeground, theme.ColorNameBackground, "labels, titles, popup cards"},
	{theme.ColorNameForeground, theme.ColorNameButton, "button labels, free door in the staff grid"},
	{theme.ColorNameForeground, theme.ColorNameInputBackground, "demo banner, door map, entries"},
	{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary, "main buttons, the selected language, occupied staff door"},
	{theme.ColorNamePrimary, theme.ColorNameBackground, "door number, high-importance labels, links"},
	{theme.ColorNameDisabled, theme.ColorNameBackground, "disabled labels"},
	{theme.ColorNameDisabled, theme.ColorNameDisabledButton, "disabled buttons (OK before the code is complete, paused keypad)"},
	{theme.ColorNamePlaceHolder, theme.ColorNameInputBackground, "entry placeholders"},
	{theme.ColorNameError, theme.ColorNameBackground, "wrong code, problem titles, danger labels"},
	{theme.ColorNameForegroundOnError, theme.ColorNameError, "danger buttons"},
	{theme.ColorNameForegroundOnPrimary, colorNameBad, "faulty door in the staff grid"},
	{theme.ColorNameSuccess, theme.ColorNameBackground, "thank you, success labels"},
	{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess, "success buttons"},
	{theme.ColorNameForegroundOnPrimary, theme.ColorNameDisabled, "out-of-service door in the staff grid"},
	{colorNameOnLit, colorNameLit, "the door lit on the map, open door in the staff grid"},
}

// styles are every look the kiosk has: day, big text (high contrast),
// night, and big text at night (high contrast wins).
var styles = map[string]Style{
	"day": {}, "contrast": {Contrast: true}, "bigtext": {Contrast: true, BigText: true}, "night": {Night: true},
	"bigtext-night": {Contrast: true, BigText: true, Night: true}, "contrast-night": {Contrast: true, Night: true},
}

// TestTextContrast holds every text colour on every fill it is drawn on to
// WCAG 2.x AA, 4.5:1, in every style, on shopper and staff screens alike.
func TestTextContrast(t *testing.T) {
	for name, s := range styles {
		for _, th := range []struct {
			kind string
			t    fyne.Theme
		}{{"kiosk", Theme(s)}, {"staff", compactTheme(s)}} {
			for _, p := range usedPairs {
				ink, on := opaque(t, th.t, p.ink), opaque(t, th.t, p.on)
				if r := contrast(ink, on); r < 4.5 {
					t.Errorf("%s %s: %s on %s is %.2f:1, want 4.5:1 (%s)", name, th.kind, p.ink, p.on, r, p.where)
				}
			}
		}
	}
}

// opaque is a theme colour, which must be opaque: text on a translucent
// fill has a contrast nobody can check here.
func opaque(t *testing.T, th fyne.Theme, n fyne.ThemeColorName) color.Color {
	t.Helper()
	c := th.Color(n, theme.VariantLight)
	if _, _, _, a := c.RGBA(); a != 0xFFFF {
		t.Errorf("%s is not opaque: %v", n, c)
	}
	return c
}

// contrast is WCAG's contrast ratio of two colours, 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// luminance is WCAG's relative luminance of an sRGB colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xFFFF
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func TestContrastFormula(t *testing.T) {
	tests := []struct {
		a, b color.Color
		want float64
	}{
		{color.Black, color.White, 21},
		{color.White, color.White, 1},
		{rgb(0x76, 0x76, 0x76), color.White, 4.54}, // the lightest grey that passes on white
		{rgb(0x77, 0x77, 0x77), color.White, 4.48},
	}
	for _, tc := range tests {
		if got := contrast(tc.a, tc.b); math.Abs(got-tc.want) > 0.01 {
			t.Errorf("contrast(%v, %v) = %.3f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestBigTextIsBig holds big text to at least 1.5 times the normal size
// for body text, keys (buttons take the body size) and the screen-level
// sizes the door screen and the map draw with.
func TestBigTextIsBig(t *testing.T) {
	normal, big := Theme(Style{}), Theme(Style{Contrast: true, BigText: true})
	for _, n := range bigTextSizes {
		if r := big.Size(n) / normal.Size(n); r < 1.5 {
			t.Errorf("%s: big text %.1f is %.2fx of %.1f, want 1.5x", n, big.Size(n), r, normal.Size(n))
		}
	}
}
