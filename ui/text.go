package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
)

// tr looks a screen text up in the current language; the fallback is the
// English text, used when a translation is missing.
func tr(key, fallback string) string { return lang.X(key, fallback) }

// trf is tr with template data, e.g. {{.Door}}.
func trf(key, fallback string, data any) string { return lang.X(key, fallback, data) }

// bigText is a centred line of text of the given size.
func bigText(s string, size float32, c color.Color) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = size
	t.TextStyle = fyne.TextStyle{Bold: true}
	t.Alignment = fyne.TextAlignCenter
	return t
}

func fg() color.Color { return theme.Color(theme.ColorNameForeground) }
