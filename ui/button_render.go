package ui

import (
	"bytes"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The kiosk draws its buttons itself, as Fyne's do but in a size of their
// own (button.sizes): a main action's large type or a secondary row's
// small one. Fyne sizes a widget by a theme override container instead,
// and every override (made, refreshed or drawn again) is a new scope in
// Fyne's font cache, which parses every font again for it and never lets
// go: the home screen's three cost 19 MB each time it was drawn.

// setSizes has b drawn with th's text size, icon size and padding (and
// its own theme's colours); nil: its theme's.
func (b *button) setSizes(th fyne.Theme) {
	b.sizes = th
	b.Refresh()
}

// CreateRenderer draws b: a background in its importance's colour, its
// label and icon centred, and a ripple when tapped.
func (b *button) CreateRenderer() fyne.WidgetRenderer {
	r := &buttonRenderer{b: b, bg: canvas.NewRectangle(color.Transparent), tap: canvas.NewRectangle(color.Transparent),
		label: canvas.NewText("", color.Transparent), icon: canvas.NewImageFromResource(nil)}
	r.label.TextStyle = fyne.TextStyle{Bold: true}
	r.label.Alignment = fyne.TextAlignCenter
	r.icon.FillMode = canvas.ImageFillContain
	r.Refresh()
	b.drawn = r
	return r
}

type buttonRenderer struct {
	b     *button
	bg    *canvas.Rectangle
	tap   *canvas.Rectangle // the ripple of a tap
	label *canvas.Text
	icon  *canvas.Image
}

// theme is what sizes b: its own sizes, else its theme (the app's, or an
// override's around it).
func (r *buttonRenderer) theme() fyne.Theme {
	if r.b.sizes != nil {
		return r.b.sizes
	}
	return r.b.Theme()
}

func (r *buttonRenderer) Destroy() {}

func (r *buttonRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.tap, r.label, r.icon}
}

func (r *buttonRenderer) hasIcon() bool  { return r.b.Icon != nil }
func (r *buttonRenderer) hasLabel() bool { return r.b.Text != "" }

// MinSize is the label and the icon side by side with the inner padding
// around them, as Fyne's buttons have.
func (r *buttonRenderer) MinSize() fyne.Size {
	th := r.theme()
	var s fyne.Size
	label, icon := r.label.MinSize(), th.Size(theme.SizeNameInlineIcon)
	if r.hasLabel() {
		s = label
	}
	if r.hasIcon() {
		if r.hasLabel() {
			s.Width += th.Size(theme.SizeNamePadding)
		}
		s.Width += icon
		s.Height = max(s.Height, icon)
	}
	pad := 2 * th.Size(theme.SizeNameInnerPadding)
	return s.AddWidthHeight(pad, pad)
}

func (r *buttonRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.tap.Resize(size)
	th := r.theme()
	label, icon := r.label.MinSize(), fyne.NewSquareSize(th.Size(theme.SizeNameInlineIcon))
	switch {
	case r.hasLabel() && r.hasIcon():
		gap := th.Size(theme.SizeNamePadding)
		both := fyne.NewSize(icon.Width+gap+label.Width, max(icon.Height, label.Height))
		at := centred(both, size)
		r.icon.Move(at) // as tall as the row, the picture centred in it
		r.icon.Resize(fyne.NewSize(icon.Width, both.Height))
		r.label.Move(at.AddXY(icon.Width+gap, (both.Height-label.Height)/2))
		r.label.Resize(label)
	case r.hasLabel():
		r.label.Move(centred(label, size))
		r.label.Resize(label)
	case r.hasIcon():
		r.icon.Move(centred(icon, size))
		r.icon.Resize(icon)
	}
}

// centred is where something of size s sits in the middle of one of size
// in.
func centred(s, in fyne.Size) fyne.Position {
	return fyne.NewPos((in.Width-s.Width)/2, (in.Height-s.Height)/2)
}

// Refresh takes b's text, icon, importance and state, in its theme's
// colours: the same names Fyne's buttons use.
func (r *buttonRenderer) Refresh() {
	th, app := r.theme(), r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fgName, bgName := r.colourNames()
	r.bg.FillColor = color.Transparent
	if bgName != "" {
		r.bg.FillColor = app.Color(bgName, v)
	}
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.label.Text = r.b.Text
	r.label.TextSize = th.Size(theme.SizeNameText)
	r.label.Color = app.Color(fgName, v)
	r.label.Hidden = !r.hasLabel()
	r.icon.Hidden = !r.hasIcon()
	if r.hasIcon() {
		r.icon.Resource = r.iconResource(fgName)
	}
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}

// colourNames are the label's and background's colours: Fyne's for the
// importance and the state. A kiosk's button shows no hover or focus.
func (r *buttonRenderer) colourNames() (fg, bg fyne.ThemeColorName) {
	if r.b.Disabled() {
		if r.b.Importance == widget.LowImportance {
			return theme.ColorNameDisabled, ""
		}
		return theme.ColorNameDisabled, theme.ColorNameDisabledButton
	}
	switch r.b.Importance {
	case widget.DangerImportance:
		return theme.ColorNameForegroundOnError, theme.ColorNameError
	case widget.HighImportance:
		return theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary
	case widget.LowImportance:
		return theme.ColorNameForeground, ""
	case widget.SuccessImportance:
		return theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess
	case widget.WarningImportance:
		return theme.ColorNameForegroundOnWarning, theme.ColorNameWarning
	}
	return theme.ColorNameForeground, theme.ColorNameButton
}

// iconResource is b's icon in the label's colour, or greyed when b is
// disabled, as Fyne draws it.
func (r *buttonRenderer) iconResource(fg fyne.ThemeColorName) fyne.Resource {
	icon := r.b.Icon
	if r.b.Disabled() {
		if isSVG(icon) {
			return theme.NewDisabledResource(icon)
		}
		return icon
	}
	if r.b.Importance != widget.MediumImportance && r.b.Importance != widget.LowImportance {
		if th, ok := icon.(fyne.ThemedResource); ok && th.ThemeColorName() != fg {
			return theme.NewColoredResource(icon, fg)
		}
	}
	return icon
}

// isSVG reports whether an icon is a vector one, which Fyne can grey.
func isSVG(r fyne.Resource) bool {
	c := r.Content()
	return bytes.Contains(c[:min(len(c), 512)], []byte("<svg"))
}

// ripple is a tap's feedback: a band of the pressed colour that widens
// from the middle and fades, as on Fyne's buttons.
func (r *buttonRenderer) ripple() {
	v := fyne.CurrentApp().Settings().ThemeVariant()
	pressed := color.NRGBAModel.Convert(r.b.Theme().Color(theme.ColorNamePressed, v)).(color.NRGBA)
	fyne.NewAnimation(canvas.DurationStandard, func(done float32) {
		size := r.b.Size()
		half := size.Width / 2 * done
		r.tap.Resize(fyne.NewSize(2*half, size.Height))
		r.tap.Move(fyne.NewPos(size.Width/2-half, 0))
		c := pressed
		c.A = uint8(float32(c.A) * (1 - done))
		r.tap.FillColor = c
		canvas.Refresh(r.tap)
	}).Start()
}
