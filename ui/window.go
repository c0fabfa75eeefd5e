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
func PanelWindow(w fyne.Window) fyne.Window { return panelWindow{w} }

type panelWindow struct{ fyne.Window }

func (p panelWindow) SetContent(content fyne.CanvasObject) {
	p.Window.SetContent(&fyne.Container{Layout: panelLayout{}, Objects: []fyne.CanvasObject{content}})
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

// panelLayout fills the window with its one object and asks for no room,
// so the window never grows to fit.
type panelLayout struct{}

func (panelLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

func (panelLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}
