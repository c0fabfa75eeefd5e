package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// adminDoorsScreen is the door grid with live sensor states: select a
// door to open it, take it out of service or clear it after looking
// inside, or open them all. The staff session reads the grid again on
// every door notice and every few seconds.
type adminDoorsScreen struct{ v *app.StaffDoorsView }

func (s *adminDoorsScreen) idle() app.Idle { return s.v.Idle() }

func (s *adminDoorsScreen) draw(k *Kiosk) fyne.CanvasObject {
	grid := container.NewGridWithColumns(8)
	var sel *app.DoorState
	for i := range s.v.States {
		st := &s.v.States[i]
		if st.ID == k.selected {
			sel = st
		}
		grid.Add(s.cell(k, *st))
	}
	var controls []fyne.CanvasObject
	if note := noteText(s.v.Note); note != "" {
		controls = append(controls, say(note))
	}
	if sel != nil {
		d := sel.Door
		oos := tr("admin.oos.on")
		if d.OutOfService {
			oos = tr("admin.oos.off")
		}
		acts := []fyne.CanvasObject{
			k.mainButton(trf("admin.open", "Door", d.ID), theme.LoginIcon(), func() { k.send(app.OpenDoor{Door: d.ID}) }),
			k.button(oos, theme.WarningIcon(), func() { k.send(app.SetOutOfService{Door: d.ID, On: !d.OutOfService}) }),
		}
		if d.Fault != "" || d.Unsettled != 0 {
			acts = append(acts, k.button(tr("admin.clear"), theme.ConfirmIcon(), func() { k.send(app.ClearDoor{Door: d.ID}) }))
		}
		controls = append(controls, row(acts...))
	}
	controls = append(controls, k.button(tr("admin.openall"), theme.WarningIcon(), func() { k.send(app.OpenAll{}) }))
	return k.adminFrame(app.SectionDoors, tr("admin.doors.title"), container.NewVBox(grid, doorLegend()), controls...)
}

// doorStateName sums a door up for the grid, the most urgent first: a
// door that may hold a parcel nobody has a record for is a fault, one
// whose opening is not settled is opening, one whose sensor cannot be
// read is unknown.
func doorStateName(d app.DoorState) string {
	switch {
	case d.OutOfService:
		return "out-of-service"
	case d.Fault != "":
		return "fault"
	case d.Unsettled != 0:
		return "opening"
	case d.Sensor == app.SensorUnknown:
		return "unknown"
	case d.Sensor == app.SensorOpen:
		return "open"
	case d.Rent != nil || d.Occupied:
		return "occupied"
	}
	return "free"
}

// doorStates are the grid's states, in the legend's order.
var doorStates = []string{"free", "occupied", "open", "opening", "unknown", "fault", "out-of-service"}

// stateColour is how a door's state looks in the grid: its fill, and a
// frame for the states that are about the evidence (an opening not
// settled, a sensor that cannot be read) rather than the rent.
func stateColour(state string) (fill, frame color.Color) {
	switch state {
	case "occupied":
		return themed(theme.ColorNamePrimary), nil
	case "open":
		return themed(colorNameLit), nil
	case "opening":
		return themed(theme.ColorNameButton), themed(colorNameLit)
	case "unknown":
		return themed(theme.ColorNameButton), themed(colorNameBad)
	case "fault":
		return themed(colorNameBad), nil
	case "out-of-service":
		return themed(theme.ColorNameDisabled), nil
	}
	return themed(theme.ColorNameButton), nil
}

// swatch is a state's colour as a rectangle.
func swatch(state string) *canvas.Rectangle {
	fill, frame := stateColour(state)
	r := canvas.NewRectangle(fill)
	if frame != nil {
		r.StrokeColor, r.StrokeWidth = frame, 4
	}
	return r
}

// cell is one door: number, state and the sensor as last read.
func (s *adminDoorsScreen) cell(k *Kiosk, st app.DoorState) fyne.CanvasObject {
	selected := st.ID == k.selected
	state := doorStateName(st)
	bg := swatch(state)
	bg.CornerRadius = 6
	if selected {
		bg.StrokeColor, bg.StrokeWidth = fg(), 4
	}
	ink := fg()
	switch state {
	case "open":
		ink = color.Black // on the lit yellow, in every style
	case "free", "opening", "unknown":
	default:
		ink = themed(theme.ColorNameForegroundOnPrimary)
	}
	num := canvas.NewText(fmt.Sprint(st.ID), ink)
	num.TextStyle.Bold, num.TextSize, num.Alignment = true, 28, fyne.TextAlignCenter
	what := canvas.NewText(tr("door.state."+state), ink)
	what.TextSize, what.Alignment = 16, fyne.TextAlignCenter
	sensor := canvas.NewText(fmt.Sprintf("%s %s", st.Size, tr("sensor."+st.Sensor.String())), ink)
	sensor.TextSize, sensor.Alignment = 16, fyne.TextAlignCenter
	cell := container.NewStack(bg, container.NewPadded(container.NewVBox(num, what, sensor)))
	id := st.ID
	return newTapArea(cell, k.tapped(func() {
		k.selected = id
		k.refresh(s)
	}))
}

func doorLegend() fyne.CanvasObject {
	var items []fyne.CanvasObject
	for _, s := range doorStates {
		sw := swatch(s)
		sw.SetMinSize(fyne.NewSize(24, 24))
		l := widget.NewLabel(tr("door.state." + s))
		items = append(items, container.NewHBox(container.NewCenter(sw), l))
	}
	return container.NewCenter(container.NewHBox(items...))
}
