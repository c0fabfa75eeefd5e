package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// kioskTheme makes every target big enough for a finger and the text large
// enough to read at arm's length, in high contrast.
type kioskTheme struct{ fyne.Theme }

func newKioskTheme() fyne.Theme { return kioskTheme{theme.DefaultTheme()} }

var (
	colorAccent = color.NRGBA{R: 0x0B, G: 0x5F, B: 0xFF, A: 0xFF}
	colorLit    = color.NRGBA{R: 0xFF, G: 0xB8, B: 0x00, A: 0xFF}
	colorBad    = color.NRGBA{R: 0xC6, G: 0x28, B: 0x28, A: 0xFF}
	colorGood   = color.NRGBA{R: 0x1B, G: 0x7F, B: 0x3B, A: 0xFF}
)

func (t kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		return colorAccent
	case theme.ColorNameError:
		return colorBad
	case theme.ColorNameSuccess:
		return colorGood
	}
	// Light variant always: a sunlit locker screen needs dark text on light.
	return t.Theme.Color(n, theme.VariantLight)
}

func (t kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 26
	case theme.SizeNameHeadingText:
		return 44
	case theme.SizeNameSubHeadingText:
		return 32
	case theme.SizeNameInnerPadding:
		return 20
	case theme.SizeNamePadding:
		return 8
	case theme.SizeNameInlineIcon:
		return 32
	}
	return t.Theme.Size(n)
}

// Theme is the kiosk's theme; main sets it on the app.
func Theme() fyne.Theme { return newKioskTheme() }
