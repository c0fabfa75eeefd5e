// Command emptywindow is the floor of the kiosk's idle benchmark: an empty
// Fyne window with one label, as small as a Fyne program gets, run under
// the same X server as the kiosk.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("eu.pudo.bench.emptywindow")
	w := a.NewWindow("empty")
	w.SetContent(widget.NewLabel("hello"))
	w.Resize(fyne.NewSize(1280, 800))
	w.ShowAndRun()
}
