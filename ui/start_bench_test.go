package ui

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"pudo/app/core"
	"pudo/storage"
)

// BenchmarkColdStart measures a first start of the kiosk to a drawn,
// interactive home screen (new database, migrations, layout, demo parcels,
// screen), beside an empty Fyne window with one label as the floor.
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
			ctx := context.Background()
			db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "pudo.db"))
			if err != nil {
				b.Fatal(err)
			}
			l := core.New(db, &simBoard{}, []byte("0123456789abcdef0123456789abcdef"), core.Options{}, log)
			doors, _ := core.Layout(core.DemoColumns(), 2)
			if err := l.SetUp(ctx, doors); err != nil {
				b.Fatal(err)
			}
			demo, err := l.SeedDemo(ctx, 3)
			if err != nil {
				b.Fatal(err)
			}
			a := test.NewApp()
			a.Settings().SetTheme(Theme(Style{}))
			w := a.NewWindow("Pudo")
			w.Resize(fyne.NewSize(1280, 800))
			k := NewKiosk(w, l, Options{DemoParcels: demo}, log)
			if _, ok := k.shown.(*homeScreen); !ok {
				b.Fatal("no home screen")
			}
			w.Canvas().Capture()
			w.Close()
			db.Close()
		}
	})
}
