package ui

import (
	"fyne.io/fyne/v2"
)

// PanelWindow wraps the kiosk's window so that no screen can resize it.
// Fyne grows a window to its content's minimum size, a fixed-size one too;
// the locker's panel cannot grow, so full screen clips such a screen while
// --windowed grew from 800 to 1,059 px high after a wrong code (the
// "opening" screen centres a wrapped title, which then lays out 40 px wide
// and 1,059 px tall). Wrapped, every screen is laid out at the window's
// size, as on the panel; TestScreensFit still catches a screen too big.
//
// The full-screen kiosk under Xvfb (ui/e2e) checks the window still opens.
func PanelWindow(w fyne.Window) fyne.Window { return panelWindow{w, &resized{}} }

type panelWindow struct {
	fyne.Window
	r *resized
}

// resized tells the kiosk the panel's size changed (it was shown full
// screen, or turned), so that the screen on show is drawn again for it: a
// screen chooses its rows and columns by the panel's width.
type resized struct {
	last fyne.Size
	f    func(fyne.Size)
}

// OnResize calls f, later on the UI goroutine, when the panel's size changes.
func (p panelWindow) OnResize(f func(fyne.Size)) { p.r.f = f }

func (p panelWindow) SetContent(content fyne.CanvasObject) {
	p.Window.SetContent(&fyne.Container{Layout: panelLayout{p.Canvas(), p.r}, Objects: []fyne.CanvasObject{content}})
}

// Content is the screen shown, without the wrapper.
func (p panelWindow) Content() fyne.CanvasObject {
	if c, ok := p.Window.Content().(*fyne.Container); ok && len(c.Objects) == 1 {
		if _, ok := c.Layout.(panelLayout); ok {
			return c.Objects[0]
		}
	}
	return p.Window.Content()
}

// panelLayout fills the window with its one object and asks for no more
// room than the window has, so the window never grows to fit. A window not
// yet sized (full screen, before it is shown) asks for the screen's own
// minimum: X refuses a window of no size at all.
type panelLayout struct {
	c fyne.Canvas
	r *resized
}

func (l panelLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for _, o := range objs {
		min = min.Max(o.MinSize())
	}
	if have := l.c.Size(); have.Width > 0 && have.Height > 0 {
		return min.Min(have)
	}
	return min
}

func (l panelLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
	l.r.noticeCanvas(l.c.Size())
}

// noticeCanvas tells of a new panel size. It goes by the canvas, not by
// the size a layout pass is given: Fyne's SetContent lays new content out
// at its minimum size before the window's, so a redraw told of that size
// would set new content, be told again, and never stop.
func (r *resized) noticeCanvas(now fyne.Size) {
	if r == nil || now.Width <= 0 || now.Height <= 0 || now == r.last {
		return
	}
	r.last = now
	if r.f != nil {
		r.f(now)
	}
}
