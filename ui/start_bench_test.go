package ui

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"pudo/app/apptest"
)

// BenchmarkColdStart measures a first start of the kiosk's screens to a
// drawn, interactive home screen (the Front, the door map, layout, the
// screen), beside an empty Fyne window with one label as the floor. The
// engine is the fake: the store's start-up is app/core's to measure.
func BenchmarkColdStart(b *testing.B) {
	b.Run("baseline=empty-window", func(b *testing.B) {
		for b.Loop() {
			a := test.NewApp()
			w := a.NewWindow("x")
			w.SetContent(widget.NewLabel("hello"))
			w.Resize(fyne.NewSize(1280, 800))
			w.Canvas().Capture()
			w.Close()
		}
	})
	b.Run("kiosk-home", func(b *testing.B) {
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		for b.Loop() {
			eng := apptest.New(time.Now)
			a := test.NewApp()
			a.Settings().SetTheme(Theme(Style{}))
			w := a.NewWindow("Pudo")
			w.Resize(fyne.NewSize(1280, 800))
			k := NewKiosk(w, eng, Options{}, log)
			if _, ok := k.shown.(*homeScreen); !ok {
				b.Fatal("no home screen")
			}
			w.Canvas().Capture()
			w.Close()
		}
	})
}
