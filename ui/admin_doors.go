package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/lockio"
)

// adminDoorsScreen is the door grid with live sensor states: select a
// door to open it or take it out of service, or open them all.
type adminDoorsScreen struct {
	states   []DoorState // as last fetched
	selected int64
	note     string // how the last action went
}

// showAdminDoors shows the grid from the last states and fetches fresh
// ones; it fetches again on every door notice and every few seconds.
func (k *Kiosk) showAdminDoors(s *adminDoorsScreen) {
	k.showAdmin(s)
	if k.showing(s) {
		s.fetch(k)
	}
}

func (s *adminDoorsScreen) idle() idleRule { return idleAdmin }

func (s *adminDoorsScreen) fetch(k *Kiosk) {
	st := k.staff
	if st == nil {
		return
	}
	k.async(func() {
		states, err := st.DoorStates(context.Background())
		fyne.Do(func() {
			if err != nil {
				k.log.Error("door states", "err", err)
				return
			}
			if k.showing(s) && k.staff == st {
				s.states = states
				k.refresh(s)
			}
		})
	})
}

func (s *adminDoorsScreen) notice(k *Kiosk, _ doorNotice) { s.fetch(k) }

func (s *adminDoorsScreen) draw(k *Kiosk) fyne.CanvasObject {
	grid := container.NewGridWithColumns(8)
	var sel *DoorState
	for i := range s.states {
		st := &s.states[i]
		if st.Door.ID == s.selected {
			sel = st
		}
		grid.Add(s.cell(k, *st))
	}
	var controls []fyne.CanvasObject
	if s.note != "" {
		controls = append(controls, say(s.note))
	}
	if sel != nil {
		d := sel.Door
		oos := tr("admin.oos.on")
		if d.OutOfService {
			oos = tr("admin.oos.off")
		}
		controls = append(controls, row(
			k.mainButton(trf("admin.open", "Door", d.ID), theme.LoginIcon(), func() { s.openDoor(k, d.ID) }),
			k.button(oos, theme.WarningIcon(), func() { s.setOutOfService(k, d.ID, !d.OutOfService) })))
	}
	controls = append(controls, k.button(tr("admin.openall"), theme.WarningIcon(), func() { s.openAll(k) }))
	k.later(3*time.Second, func() { s.fetch(k) })
	return k.adminFrame(tabDoors, tr("admin.doors.title"), container.NewVBox(grid, doorLegend()), controls...)
}

// stateColour is how a door's state looks in the grid.
func stateColour(state string) color.Color {
	switch state {
	case "occupied":
		return themed(theme.ColorNamePrimary)
	case "open":
		return themed(colorNameLit)
	case "fault":
		return themed(colorNameBad)
	case "out-of-service":
		return themed(theme.ColorNameDisabled)
	}
	return themed(theme.ColorNameButton)
}

// cell is one door: number, state and the sensor as last read.
func (s *adminDoorsScreen) cell(k *Kiosk, st DoorState) fyne.CanvasObject {
	selected := st.Door.ID == s.selected
	bg := canvas.NewRectangle(stateColour(st.State))
	bg.CornerRadius = 6
	if selected {
		bg.StrokeColor, bg.StrokeWidth = fg(), 4
	}
	ink := fg()
	switch st.State {
	case "open":
		ink = color.Black // on the lit yellow, in every style
	case "free":
	default:
		ink = themed(theme.ColorNameForegroundOnPrimary)
	}
	num := canvas.NewText(fmt.Sprint(st.Door.ID), ink)
	num.TextStyle.Bold, num.TextSize, num.Alignment = true, 28, fyne.TextAlignCenter
	state := canvas.NewText(tr("door.state."+st.State), ink)
	state.TextSize, state.Alignment = 16, fyne.TextAlignCenter
	sensor := canvas.NewText(fmt.Sprintf("%s %s", st.Door.Size, tr("sensor."+sensorName(st.Sensor))), ink)
	sensor.TextSize, sensor.Alignment = 16, fyne.TextAlignCenter
	cell := container.NewStack(bg, container.NewPadded(container.NewVBox(num, state, sensor)))
	id := st.Door.ID
	return newTapArea(cell, k.tapped(func() {
		s.selected, s.note = id, ""
		k.refresh(s)
	}))
}

func sensorName(s lockio.Sensor) string {
	switch s {
	case lockio.SensorClosed:
		return "closed"
	case lockio.SensorOpen:
		return "open"
	}
	return "unknown"
}

func doorLegend() fyne.CanvasObject {
	var items []fyne.CanvasObject
	for _, s := range []string{"free", "occupied", "open", "fault", "out-of-service"} {
		sw := canvas.NewRectangle(stateColour(s))
		sw.SetMinSize(fyne.NewSize(24, 24))
		l := widget.NewLabel(tr("door.state." + s))
		items = append(items, container.NewHBox(container.NewCenter(sw), l))
	}
	return container.NewCenter(container.NewHBox(items...))
}

// openDoor force-opens one door after the PIN again (product.md).
func (s *adminDoorsScreen) openDoor(k *Kiosk, door int64) {
	k.show(&pinAgainScreen{head: trf("admin.open.pin", "Door", door), what: tr("admin.open.what"),
		done: trf("admin.opened", "Door", door), back: s,
		act: func(ctx context.Context, st Staff, pin string) error { return st.OpenDoor(ctx, door, pin, "staff") }})
}

func (s *adminDoorsScreen) openAll(k *Kiosk) {
	k.show(&pinAgainScreen{head: tr("admin.openall.pin"), what: tr("admin.openall.what"),
		done: tr("admin.openall.done"), back: s,
		act: func(ctx context.Context, st Staff, pin string) error { return st.OpenAll(ctx, pin) }})
}

// setOutOfService runs off the UI goroutine and says how it went under
// the grid.
func (s *adminDoorsScreen) setOutOfService(k *Kiosk, door int64, on bool) {
	st := k.staff
	if st == nil {
		return
	}
	note := trf("admin.oos.set", "Door", door)
	if !on {
		note = trf("admin.oos.cleared", "Door", door)
	}
	k.async(func() {
		err := st.SetOutOfService(context.Background(), door, on, "staff")
		fyne.Do(func() {
			if err != nil {
				k.log.Warn("staff action failed", "err", err, "door", door)
				note = failureText(err)
			}
			s.note = note
			k.refresh(s)
			if k.showing(s) {
				s.fetch(k)
			}
		})
	})
}

// failureText is the one-line mapped text for a failed action.
func failureText(err error) string {
	for _, p := range problems {
		if errors.Is(err, p.err) {
			return tr(p.title)
		}
	}
	return tr("problem.title")
}
