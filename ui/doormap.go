package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"pudo/app"
)

// sizeUnits is how tall a door is drawn: a large door is three small ones.
var sizeUnits = map[app.Size]float32{app.SizeS: 1, app.SizeM: 2, app.SizeL: 3}

// mapLayout places door i of doors by its column and its size, each
// column scaled to the full height: the staff's door grid, whose cells
// need room more than scale (the shoppers' screens draw the locker to
// scale: lockerFront.picture).
type mapLayout struct {
	doors   []app.Door
	numbers []*canvas.Text // door i's number
}

func (m *mapLayout) columns() (n int, units map[int]float32) {
	units = map[int]float32{}
	for _, d := range m.doors {
		n = max(n, d.Col)
		units[d.Col] += sizeUnits[d.Size]
	}
	return n, units
}

func (m *mapLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	n, units := m.columns()
	if n == 0 {
		return
	}
	const gap = 4
	colW := (size.Width - gap*float32(n-1)) / float32(n)
	used := map[int]float32{}
	for i, d := range m.doors {
		if i >= len(objs) {
			return
		}
		unitH := size.Height / units[d.Col]
		h := sizeUnits[d.Size] * unitH
		objs[i].Move(fyne.NewPos(float32(d.Col-1)*(colW+gap), used[d.Col]))
		objs[i].Resize(fyne.NewSize(colW, h-gap))
		if i < len(m.numbers) {
			// A number keeps its size where the door has the room; on a
			// map squeezed by big text on a portrait panel, it shrinks
			// to its door rather than run over the next one.
			m.numbers[i].TextSize = min(theme.Size(sizeNameMapNumber), (h-gap)*0.7)
		}
		used[d.Col] += h
	}
}

func (m *mapLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	n, _ := m.columns()
	return fyne.NewSize(float32(n)*60, 240)
}
