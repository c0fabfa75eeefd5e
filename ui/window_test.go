package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

// TestPanelWindowKeepsItsSize shows a screen taller than the panel, at
// once and after it has been shown: a plain window grows to fit it, the
// panel window keeps its size and lays the screen out in it.
func TestPanelWindowKeepsItsSize(t *testing.T) {
	panel := fyne.NewSize(1280, 800)
	tall := func() (fyne.CanvasObject, *canvas.Rectangle) {
		r := canvas.NewRectangle(themed(colorNameLit))
		r.SetMinSize(fyne.NewSize(40, 1059))
		return container.NewVBox(r), r
	}
	plain := test.NewWindow(nil)
	defer plain.Close()
	plain.Resize(panel)
	c, _ := tall()
	plain.SetContent(c)
	if got := plain.Canvas().Size(); got.Height <= panel.Height {
		t.Fatalf("a plain test window stayed %v: this test shows nothing", got)
	}

	w := PanelWindow(test.NewWindow(nil))
	defer w.Close()
	w.SetPadded(false) // as main sets it
	w.Resize(panel)
	for _, grow := range []bool{false, true} {
		c, r := tall()
		if grow { // a screen growing while it is up, e.g. a message line shown
			w.SetContent(container.NewVBox())
			r.SetMinSize(fyne.NewSize(40, 10))
			w.SetContent(c)
			r.SetMinSize(fyne.NewSize(40, 1059))
			c.Refresh()
		} else {
			w.SetContent(c)
		}
		if got := w.Canvas().Size(); got != panel {
			t.Fatalf("grow=%v: window %v, want %v", grow, got, panel)
		}
		if got := c.Size(); got != panel {
			t.Errorf("grow=%v: screen laid out at %v in a %v window", grow, got, panel)
		}
		if w.Content() != c {
			t.Errorf("Content() is %T, not the screen", w.Content())
		}
	}
}

// TestPanelLayoutUnsized: a full-screen window has no size until it is
// shown, and a window of no size is an X error (BadValue on
// ConfigureWindow), so until then the panel asks for its screen's minimum;
// once sized, never more than it has.
func TestPanelLayoutUnsized(t *testing.T) {
	c := test.NewCanvas()
	c.Resize(fyne.Size{})
	r := canvas.NewRectangle(themed(colorNameLit))
	r.SetMinSize(fyne.NewSize(600, 1059))
	l := panelLayout{c: c}
	if got := l.MinSize([]fyne.CanvasObject{r}); got != r.MinSize() {
		t.Fatalf("unsized: min %v, want the screen's %v", got, r.MinSize())
	}
	c.Resize(fyne.NewSize(1280, 800))
	if got, want := l.MinSize([]fyne.CanvasObject{r}), fyne.NewSize(600, 800); got != want {
		t.Fatalf("sized 1280x800: min %v, want %v", got, want)
	}
}

// TestPanelResizeOnlyWhenThePanelDoes: Fyne's SetContent lays new content
// out at its minimum size first, then at the window's; the kiosk redraws on
// a resize, so a resize told from the layout's size redrew for ever (a core
// busy and the memory growing at idle, taps not taken).
func TestPanelResizeOnlyWhenThePanelDoes(t *testing.T) {
	c := test.NewCanvas()
	c.Resize(fyne.NewSize(1280, 800))
	r := &resized{}
	told := 0
	r.f = func(fyne.Size) { told++ }
	l := panelLayout{c: c, r: r}
	small := canvas.NewRectangle(themed(colorNameLit))
	small.SetMinSize(fyne.NewSize(300, 200))
	objs := []fyne.CanvasObject{small}
	for range 5 { // five screens set, as SetContent lays each out
		l.Layout(objs, small.MinSize())
		l.Layout(objs, c.Size())
	}
	if told != 1 {
		t.Fatalf("told of a resize %d times for one panel size, want once", told)
	}
	c.Resize(fyne.NewSize(800, 1280)) // the panel turned
	l.Layout(objs, small.MinSize())
	l.Layout(objs, c.Size())
	if told != 2 {
		t.Fatalf("after the panel turned: told %d times, want 2", told)
	}
}
