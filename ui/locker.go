package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"pudo/app"
	"pudo/app/voice"
)

// lockerFront is the locker's front as its pictures show it: where its
// doors, screen and scanner are (config [locker.wayfinding]) and its door
// map. The router gives it to each screen that shows the locker.
type lockerFront struct {
	cab   voice.Cabinet
	doors []app.Door
}

// lockerFront is the kiosk's locker, as start read it.
func (k *Kiosk) lockerFront() lockerFront { return lockerFront{cab: k.opts.Cabinet, doors: k.doors} }

// picture draws the locker's front to scale, one picture wherever a
// screen shows the locker (the door screens' map, help): its columns of
// doors as tall as their sizes make them (config [locker.wayfinding]),
// where the layout places them from the screen, the screen itself (where
// the person stands) and the floor. Door lit is lit, for a person to find
// at a glance; doors in closing (a parcel was too big for them, close
// them first) are in the warning colour; scanner marks the scanner's
// window and names it.
func (f lockerFront) picture(lit int64, closing []int64, scanner bool) fyne.CanvasObject {
	cab := f.cab
	l := &cabinetLayout{numbers: sizeNameMapNumber, label: -1}
	if scanner {
		l.numbers = theme.SizeNameCaptionText // the picture beside a text: small numbers
	}
	place := func(col int) int { return col } // by column from the left when the layout has no places
	screenSlot := 0
	if cab.PlacesKnown() {
		place = func(col int) int {
			p, _ := cab.DoorPlace(col, 1)
			return p.FromScreen
		}
	} else {
		for _, d := range f.doors {
			screenSlot = max(screenSlot, d.Col+1) // beside the last column
		}
	}
	var objs []fyne.CanvasObject
	for _, d := range f.doors {
		p, ok := cab.DoorPlace(d.Col, d.Row)
		if !ok {
			continue
		}
		fill, ink := themed(theme.ColorNameInputBackground), fg()
		switch {
		case d.ID == lit:
			fill, ink = themed(colorNameLit), themed(colorNameOnLit)
		case slices.Contains(closing, d.ID):
			fill, ink = themed(colorNameBad), themed(theme.ColorNameForegroundOnPrimary)
		}
		h := cab.DoorHeight(d.Size)
		r := canvas.NewRectangle(fill)
		r.StrokeColor, r.StrokeWidth, r.CornerRadius = fg(), 2, 3
		n := canvas.NewText(fmt.Sprint(d.ID), ink)
		n.Alignment, n.TextStyle.Bold = fyne.TextAlignCenter, d.ID == lit
		objs = append(objs, container.NewStack(r, container.NewCenter(n)))
		l.parts = append(l.parts, part{slot: place(d.Col), bottom: p.Height - h/2, height: h, number: n})
	}
	scr := cab.ScreenPlace()
	objs = append(objs, canvas.NewRectangle(themed(theme.ColorNameForeground)))
	l.parts = append(l.parts, part{slot: screenSlot, bottom: scr.Height - 15, height: 30, narrow: true})
	if scanner {
		sc := cab.ScannerPlace()
		mark := canvas.NewRectangle(themed(colorNameLit))
		mark.StrokeColor, mark.StrokeWidth = fg(), 3
		objs = append(objs, mark)
		l.parts = append(l.parts, part{slot: screenSlot + sc.FromScreen, bottom: sc.Height - 6, height: 12, narrow: true, mark: true})
		label := canvas.NewText(tr("help.scanner"), themed(theme.ColorNameForeground))
		label.TextStyle.Bold, label.TextSize = true, theme.Size(theme.SizeNameCaptionText)
		objs = append(objs, label)
		l.label = len(objs) - 1
	}
	objs = append(objs, canvas.NewRectangle(fg()))
	l.floor = len(objs) - 1
	return container.New(l, objs...)
}
