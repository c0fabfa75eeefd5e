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

// withMap is arrange with a door map under head (the door's number, or
// nil) and the text. On a portrait panel the map takes all the room
// between the text and the controls. On a landscape one it stands at the
// left, the full height, with the text beside it: stacked, big text would
// need more than the panel's height.
func (k *Kiosk) withMap(head, top, doorMap fyne.CanvasObject, controls ...fyne.CanvasObject) fyne.CanvasObject {
	bar := container.NewVBox(controls...)
	if head != nil {
		top = container.NewVBox(head, top)
	}
	if k.portrait() {
		return container.NewPadded(container.NewBorder(top, bar, nil, nil, container.NewPadded(doorMap)))
	}
	left := container.New(minWidth(k.room()*mapShare), container.NewPadded(doorMap))
	return container.NewPadded(container.NewBorder(nil, bar, left, nil,
		container.NewVBox(layout.NewSpacer(), top, layout.NewSpacer())))
}

// mapShare is the part of a landscape screen's width the door map takes
// beside its text.
const mapShare = 0.25

// minWidth is a stack at least this wide.
type minWidth float32

func (w minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(max(s.Width, float32(w)), s.Height)
}

func (minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

// card sets content off from what is behind it, for popups.
func card(content fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(themed(theme.ColorNameBackground))
	bg.StrokeColor, bg.StrokeWidth, bg.CornerRadius = themed(theme.ColorNamePrimary), 4, 12
	return container.NewStack(bg, container.NewPadded(container.NewPadded(content)))
}

// row lays controls side by side in equal widths when they fit the
// screen's width, else in as many columns as fit, in rows: a portrait
// panel, big text and long languages stack what a landscape one puts in
// a line. The columns are chosen when the screen is drawn; a panel that
// changes size draws the screen again (PanelWindow).
func (k *Kiosk) row(objs ...fyne.CanvasObject) fyne.CanvasObject {
	return k.rowIn(k.room(), objs...)
}

// rowIn is row for controls in a space width wide.
func (k *Kiosk) rowIn(width float32, objs ...fyne.CanvasObject) fyne.CanvasObject {
	if len(objs) == 0 {
		return container.NewVBox()
	}
	pad := theme.Padding()
	var widest float32
	for _, o := range objs {
		widest = max(widest, o.MinSize().Width)
	}
	cols := len(objs)
	if float32(cols)*widest+float32(cols-1)*pad > width {
		// Unequal widths may still fit one line, which saves a row's height.
		if r := (shareRow{}); r.MinSize(objs).Width <= width {
			return container.New(r, objs...)
		}
	}
	for cols > 1 && float32(cols)*widest+float32(cols-1)*pad > width {
		cols--
	}
	return container.NewGridWithColumns(cols, objs...)
}

// panelMargin is what the padding around a screen's content takes of the
// panel's width: NewPadded twice, each side.
const panelMargin = 4 * 8

// width is the panel's width; before the window has a size (full screen,
// not shown yet), the kiosk's usual 1280.
func (k *Kiosk) width() float32 {
	if w := k.win.Canvas().Size().Width; w > 0 {
		return w
	}
	return 1280
}

// room is the width a screen's content has.
func (k *Kiosk) room() float32 { return k.width() - panelMargin }

// portrait reports whether the panel stands upright.
func (k *Kiosk) portrait() bool {
	s := k.win.Canvas().Size()
	return s.Height > s.Width
}

// smallRow is row for secondary controls, drawn (and so measured) with
// caption-sized text (smallTheme).
func (k *Kiosk) smallRow(bs ...*button) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(bs))
	for i, b := range bs {
		b.setSizes(smallTheme(k.style))
		objs[i] = b
	}
	return k.row(objs...)
}

// tall gives o at least height h: a main action is a large target.
func tall(o fyne.CanvasObject, h float32) fyne.CanvasObject {
	return container.New(minHeight(h), o)
}

// minHeight is a stack at least this tall.
type minHeight float32

func (h minHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(s.Width, max(s.Height, float32(h)))
}

func (minHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

// button is a Fyne button that never holds the keyboard. A Tab moves
// Fyne's focus to the first button, and from then on a focused widget gets
// every key instead of the canvas: input was lost until someone tapped, and
// Space pressed the button. This one hands every key it gets to the kiosk,
// takes Tab as a key (so Tab never moves the focus on) and shows no focus,
// so the keyboard and a keyboard-mode scanner always reach the screen.
type button struct {
	widget.Button
	k     *Kiosk
	long  bool       // the press that just ended was a long one (longpress.go): no tap
	sizes fyne.Theme // what sizes it (button_render.go); nil: the app theme
	drawn *buttonRenderer
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

// display is a centred line of large type in a theme size, for door
// numbers and codes: it grows with big text.
func display(s string, size fyne.ThemeSizeName, c fyne.ThemeColorName) *canvas.Text {
	t := canvas.NewText(s, themed(c))
	t.TextSize = theme.Size(size)
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
