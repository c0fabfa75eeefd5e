package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// arrange lays a screen out: what is only read at the top, the controls in
// the lower part where a wheelchair user reaches them.
func arrange(top fyne.CanvasObject, controls ...fyne.CanvasObject) fyne.CanvasObject {
	bar := container.NewVBox(controls...)
	return container.NewPadded(container.NewBorder(nil, bar, nil, nil,
		container.NewVBox(layout.NewSpacer(), top, layout.NewSpacer())))
}

// withMap is arrange with a door map taking all the room between the text
// and the controls.
func withMap(top, doorMap fyne.CanvasObject, controls ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewPadded(container.NewBorder(top, container.NewVBox(controls...), nil, nil,
		container.NewPadded(doorMap)))
}

// card sets content off from what is behind it, for popups.
func card(content fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(themed(theme.ColorNameBackground))
	bg.StrokeColor, bg.StrokeWidth, bg.CornerRadius = themed(theme.ColorNamePrimary), 4, 12
	return container.NewStack(bg, container.NewPadded(container.NewPadded(content)))
}

// row lays controls side by side in equal widths.
func row(objs ...fyne.CanvasObject) fyne.CanvasObject {
	if len(objs) == 0 {
		return container.NewVBox()
	}
	return container.NewGridWithColumns(len(objs), objs...)
}

// button is a Fyne button that never holds the keyboard. A Tab moves
// Fyne's focus to the first button, and from then on a focused widget gets
// every key instead of the canvas: input was lost until someone tapped, and
// Space pressed the button. This one hands every key it gets to the kiosk,
// takes Tab as a key (so Tab never moves the focus on) and shows no focus,
// so the keyboard and a keyboard-mode scanner always reach the screen.
type button struct {
	widget.Button
	k    *Kiosk
	long bool // the press that just ended was a long one (longpress.go): no tap
}

func (k *Kiosk) newButton(label string, icon fyne.Resource, f func()) *button {
	b := &button{k: k}
	b.Text, b.Icon, b.OnTapped = label, icon, f
	b.ExtendBaseWidget(b)
	return b
}

func (b *button) TypedRune(r rune)           { b.k.typedRune(r) }
func (b *button) TypedKey(ev *fyne.KeyEvent) { b.k.typedKey(ev) }
func (b *button) AcceptsTab() bool           { return true }
func (b *button) FocusGained()               {}
func (b *button) FocusLost()                 {}

// button is a control; using it counts as presence for the idle clock.
func (k *Kiosk) button(label string, icon fyne.Resource, f func()) *button {
	return k.newButton(label, icon, k.tapped(f))
}

// mainButton is the one thing most people on a screen want.
func (k *Kiosk) mainButton(label string, icon fyne.Resource, f func()) *button {
	b := k.button(label, icon, f)
	b.Importance = widget.HighImportance
	return b
}

// title is a screen's heading; it wraps rather than clips in long languages.
func title(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.SizeName = theme.SizeNameHeadingText
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.Alignment = fyne.TextAlignCenter
	l.Wrapping = fyne.TextWrapWord
	return l
}

// say is a paragraph of explanation.
func say(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Alignment = fyne.TextAlignCenter
	l.Wrapping = fyne.TextWrapWord
	return l
}

// line is one row of a list; a long one ends in an ellipsis, not off screen.
func line(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// warn is a paragraph in the error colour.
func warn(s string) *widget.Label {
	l := say(s)
	l.Importance = widget.DangerImportance
	return l
}

// newMessage is a warning line that takes no room while it is empty.
func newMessage(s string) *widget.Label {
	l := warn("")
	setMessage(l, s)
	return l
}

func setMessage(l *widget.Label, s string) {
	l.SetText(s)
	if s == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// bigText is a centred line of large type, for door numbers.
func bigText(s string, size float32, c color.Color) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = size
	t.TextStyle = fyne.TextStyle{Bold: true}
	t.Alignment = fyne.TextAlignCenter
	return t
}

func fg() color.Color                          { return theme.Color(theme.ColorNameForeground) }
func themed(n fyne.ThemeColorName) color.Color { return theme.Color(n) }

// tapArea makes anything tappable; the admin gesture uses it on the logo.
type tapArea struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
}

func newTapArea(content fyne.CanvasObject, onTap func()) *tapArea {
	t := &tapArea{content: content, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tapArea) Tapped(*fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap()
	}
}

func (t *tapArea) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }
