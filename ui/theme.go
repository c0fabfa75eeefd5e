package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Style is how the screen looks right now: the shopper's big-text switch
// and the night schedule both change it.
type Style struct {
	Contrast bool // white on black, yellow controls, text a quarter larger
	// BigText makes body text, keys, the door title and the map's numbers
	// half as big again (bigTextScale); the shopper's switch sets it with
	// Contrast, and TestScreensFit holds every screen to the panel with it.
	BigText bool
	Night   bool // dimmer colours (and quieter sounds, see Kiosk.volume)
}

// Colours the screens draw with besides Fyne's own names.
const (
	colorNameLit fyne.ThemeColorName = "pudo.lit" // the door to go to on the map
	// colorNameDim lies over pictures that carry their own light colours
	// (the logo, QR codes): clear by day, a dark veil at night, so they
	// do not glare from a dim screen. A QR code's modules darken alike,
	// and a phone still reads it.
	colorNameDim   fyne.ThemeColorName = "pudo.dim"
	colorNameOnLit fyne.ThemeColorName = "pudo.onLit" // text on the lit door
	colorNameGood  fyne.ThemeColorName = "pudo.good"  // done, thank you
	colorNameBad   fyne.ThemeColorName = "pudo.bad"   // something went wrong
)

// Sizes the screens draw with besides Fyne's own names; big text makes
// them half as big again, like the body text.
const (
	sizeNameDoorTitle fyne.ThemeSizeName = "pudo.doorTitle" // "Door 7" on the door screen
	sizeNameMapNumber fyne.ThemeSizeName = "pudo.mapNumber" // door numbers on the locker map
	sizeNameCode      fyne.ThemeSizeName = "pudo.code"      // a walk-in's recipient code, to be copied
	sizeNameThanks    fyne.ThemeSizeName = "pudo.thanks"    // "Thank you!"
)

// bigTextScale is how much bigger big text is: WCAG's large-text threshold
// and what low-vision shoppers told us they need at arm's length.
const bigTextScale = 1.5

// bigTextSizes are the sizes big text scales; headings already wrap at 44
// and grow by a quarter, as do icons.
var bigTextSizes = []fyne.ThemeSizeName{
	theme.SizeNameText, theme.SizeNameSubHeadingText, theme.SizeNameCaptionText,
	sizeNameDoorTitle, sizeNameMapNumber, sizeNameCode,
}

// kioskTheme makes every target big enough for a finger and the text large
// enough to read at arm's length (fyneterm's termTheme pattern).
type kioskTheme struct {
	fyne.Theme
	style   Style
	compact bool // staff screens: more on a screen, still finger-sized
	// textAs draws body text (and so button labels) at another size: the
	// caption for secondary controls, the subheading for the main actions.
	textAs fyne.ThemeSizeName
}

// Theme is the kiosk's theme in a style; the Kiosk sets it on the app when
// the style changes, main sets the first one.
func Theme(s Style) fyne.Theme { return kioskTheme{Theme: theme.DefaultTheme(), style: s} }

type palette struct {
	bg, fg, button, input, primary, onPrimary, lit, good, bad, disabled color.Color
}

func rgb(r, g, b uint8) color.Color { return color.NRGBA{R: r, G: g, B: b, A: 0xFF} }

// A sunlit locker screen needs dark text on light by day; high contrast is
// white on black with yellow controls, the scheme low-vision users know from
// ticket machines; night is dark and dim so the screen does not glare.
//
// Every text colour is at least 4.5:1 on every fill it is drawn on
// (TestTextContrast lists the pairs). Primary, bad and disabled are both
// text on the background and fills under onPrimary, so on the dark
// palettes they are mid-tones with dark ink on them: a light ink would
// need them too dark to read as text.
var (
	dayPalette = palette{
		bg: rgb(0xF5, 0xF6, 0xF8), fg: rgb(0x11, 0x14, 0x18), button: rgb(0xDD, 0xE1, 0xE6), input: rgb(0xFF, 0xFF, 0xFF),
		primary: rgb(0x0B, 0x4F, 0xD9), onPrimary: rgb(0xFF, 0xFF, 0xFF), lit: rgb(0xFF, 0xB8, 0x00),
		good: rgb(0x1B, 0x7F, 0x3B), bad: rgb(0xC6, 0x28, 0x28), disabled: rgb(0x5C, 0x63, 0x6B),
	}
	contrastPalette = palette{
		bg: rgb(0, 0, 0), fg: rgb(0xFF, 0xFF, 0xFF), button: rgb(0x30, 0x30, 0x30), input: rgb(0x18, 0x18, 0x18),
		primary: rgb(0xFF, 0xD4, 0x00), onPrimary: rgb(0, 0, 0), lit: rgb(0xFF, 0xD4, 0x00),
		good: rgb(0x5C, 0xFF, 0x7A), bad: rgb(0xFF, 0x6B, 0x6B), disabled: rgb(0xA0, 0xA0, 0xA0),
	}
	nightPalette = palette{
		bg: rgb(0x0E, 0x11, 0x15), fg: rgb(0xB4, 0xBA, 0xC2), button: rgb(0x26, 0x2B, 0x32), input: rgb(0x16, 0x1A, 0x1F),
		primary: rgb(0x6C, 0x8F, 0xD0), onPrimary: rgb(0x0E, 0x11, 0x15), lit: rgb(0xA8, 0x7A, 0x00),
		good: rgb(0x44, 0x99, 0x5C), bad: rgb(0xD4, 0x62, 0x62), disabled: rgb(0x8E, 0x95, 0x9E),
	}
)

func (t kioskTheme) palette() palette {
	switch {
	case t.style.Contrast:
		return contrastPalette
	case t.style.Night:
		return nightPalette
	}
	return dayPalette
}

func (t kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	p := t.palette()
	switch n {
	case theme.ColorNameBackground, theme.ColorNameMenuBackground:
		return p.bg
	case theme.ColorNameOverlayBackground:
		// Popups draw their own card (see card), low on the screen where
		// the hands are; the popup itself only dims what is behind.
		return color.Transparent
	case theme.ColorNameForeground:
		return p.fg
	case theme.ColorNameButton:
		return p.button
	case theme.ColorNameInputBackground:
		return p.input
	case theme.ColorNamePrimary, theme.ColorNameFocus, theme.ColorNameHyperlink:
		return p.primary
	case theme.ColorNameForegroundOnPrimary, theme.ColorNameForegroundOnError, theme.ColorNameForegroundOnSuccess:
		return p.onPrimary
	case colorNameOnLit:
		return color.Black // the lit yellow is light in every style
	case theme.ColorNameDisabled, theme.ColorNamePlaceHolder:
		return p.disabled
	case theme.ColorNameDisabledButton:
		return p.button
	case theme.ColorNameError, colorNameBad:
		return p.bad
	case theme.ColorNameSuccess, colorNameGood:
		return p.good
	case colorNameLit:
		return p.lit
	case colorNameDim:
		if t.style.Night && !t.style.Contrast {
			return color.NRGBA{R: 0x0E, G: 0x11, B: 0x15, A: 0x80}
		}
		return color.Transparent
	case theme.ColorNameShadow:
		return color.NRGBA{A: 0x99}
	case theme.ColorNameInputBorder, theme.ColorNameSeparator:
		return p.disabled
	}
	variant := theme.VariantLight
	if t.style.Contrast || t.style.Night {
		variant = theme.VariantDark
	}
	return t.Theme.Color(n, variant)
}

// Sizes: at 1080p a button is at least 64 px tall with text 26 and inner
// padding 20. Contrast grows text by a quarter; big text makes it half as
// big again (headings and icons a quarter), and keys with it, since buttons
// take the body text size.
func (t kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	if t.compact {
		return t.compactSize(n)
	}
	if t.textAs != "" {
		return t.variantSize(n)
	}
	scale, heading := float32(1), float32(1)
	switch {
	case t.style.BigText:
		scale, heading = bigTextScale, 1.25
	case t.style.Contrast:
		scale, heading = 1.25, 1.25
	}
	switch n {
	case theme.SizeNameText:
		return 26 * scale
	case theme.SizeNameHeadingText:
		return 44 * heading
	case theme.SizeNameSubHeadingText:
		return 32 * scale
	case theme.SizeNameCaptionText:
		return 20 * scale
	case sizeNameDoorTitle:
		return 96 * scale
	case sizeNameMapNumber:
		return 20 * scale
	case sizeNameCode:
		return 64 * scale
	case sizeNameThanks:
		return 72 * heading
	case theme.SizeNameInnerPadding:
		return 20
	case theme.SizeNamePadding:
		return 8
	case theme.SizeNameInlineIcon:
		return 32 * heading
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 10
	case theme.SizeNameInputBorder:
		return 2
	}
	return t.Theme.Size(n)
}

// compactSize is for staff screens, which hold grids and lists: text 20,
// buttons still 56 px tall.
func (t kioskTheme) compactSize(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 20
	case theme.SizeNameHeadingText:
		return 28
	case theme.SizeNameSubHeadingText:
		return 24
	case theme.SizeNameCaptionText:
		return 16
	case theme.SizeNameInnerPadding:
		return 14
	case theme.SizeNamePadding:
		return 6
	case theme.SizeNameInlineIcon:
		return 24
	}
	return kioskTheme{Theme: t.Theme, style: t.style}.Size(n)
}

// variantSize draws body text at textAs's size, and its icons with it.
// Small controls keep at least 44 px, WCAG's least touch target.
func (t kioskTheme) variantSize(n fyne.ThemeSizeName) float32 {
	base := kioskTheme{Theme: t.Theme, style: t.style}
	switch n {
	case theme.SizeNameText:
		return base.Size(t.textAs)
	case theme.SizeNameInnerPadding:
		if t.textAs == theme.SizeNameCaptionText {
			return 12
		}
	case theme.SizeNameInlineIcon:
		return base.Size(t.textAs)
	}
	return base.Size(n)
}

// smallTheme is the theme of secondary controls (the language row) in a
// style: caption-sized text, which grows with big text like the rest.
func smallTheme(s Style) fyne.Theme {
	return kioskTheme{Theme: theme.DefaultTheme(), style: s, textAs: theme.SizeNameCaptionText}
}

// mainTheme is the theme of a screen's main actions in a style.
func mainTheme(s Style) fyne.Theme {
	return kioskTheme{Theme: theme.DefaultTheme(), style: s, textAs: theme.SizeNameSubHeadingText}
}

// compactTheme is the theme of the staff screens in a style.
func compactTheme(s Style) fyne.Theme {
	return kioskTheme{Theme: theme.DefaultTheme(), style: s, compact: true}
}
