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

// adminDoors is the door grid's state between refreshes.
type adminDoors struct {
	states   []DoorState
	selected int64
	note     string
}

// showAdminDoors draws the door grid from the last states and fetches
// fresh ones; it runs again on every door event and every few seconds.
func (k *Kiosk) showAdminDoors() {
	if k.admin == nil {
		k.admin = &adminDoors{}
	}
	k.drawAdminDoors()
	s := k.staff
	if s == nil {
		return
	}
	k.async(func() {
		states, err := s.DoorStates(context.Background())
		fyne.Do(func() {
			if err != nil {
				k.log.Error("door states", "err", err)
				return
			}
			if k.screen == "admin.doors" && k.staff == s {
				k.admin.states = states
				k.drawAdminDoors()
			}
		})
	})
}

func (k *Kiosk) drawAdminDoors() {
	a := k.admin
	grid := container.NewGridWithColumns(8)
	var sel *DoorState
	for i := range a.states {
		st := &a.states[i]
		if st.Door.ID == a.selected {
			sel = st
		}
		grid.Add(k.doorCell(*st, st.Door.ID == a.selected))
	}
	var controls []fyne.CanvasObject
	if a.note != "" {
		controls = append(controls, say(a.note))
	}
	if sel != nil {
		d := sel.Door
		oos := tr("admin.oos.on")
		if d.OutOfService {
			oos = tr("admin.oos.off")
		}
		controls = append(controls, row(
			k.mainButton(trf("admin.open", "Door", d.ID), theme.LoginIcon(), func() { k.adminOpen(d.ID) }),
			k.button(oos, theme.WarningIcon(), func() { k.adminOOS(d.ID, !d.OutOfService) })))
	}
	controls = append(controls, k.button(tr("admin.openall"), theme.WarningIcon(), k.showOpenAllPIN))
	k.adminScreen("admin.doors", tr("admin.doors.title"), container.NewVBox(grid, k.doorLegend()), controls...)
	k.later(3*time.Second, func() {
		if k.screen == "admin.doors" {
			k.showAdminDoors()
		}
	})
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

// doorCell is one door: number, state and the sensor as last read.
func (k *Kiosk) doorCell(st DoorState, selected bool) fyne.CanvasObject {
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
		k.admin.selected, k.admin.note = id, ""
		k.drawAdminDoors()
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

func (k *Kiosk) doorLegend() fyne.CanvasObject {
	var items []fyne.CanvasObject
	for _, s := range []string{"free", "occupied", "open", "fault", "out-of-service"} {
		sw := canvas.NewRectangle(stateColour(s))
		sw.SetMinSize(fyne.NewSize(24, 24))
		l := widget.NewLabel(tr("door.state." + s))
		items = append(items, container.NewHBox(container.NewCenter(sw), l))
	}
	return container.NewCenter(container.NewHBox(items...))
}

// adminOpen force-opens one door after the PIN again (product.md).
func (k *Kiosk) adminOpen(door int64) {
	k.showPINAgain(trf("admin.open.pin", "Door", door), tr("admin.open.what"), trf("admin.opened", "Door", door),
		func(ctx context.Context, s Staff, pin string) error { return s.OpenDoor(ctx, door, pin, "staff") })
}

func (k *Kiosk) adminOOS(door int64, on bool) {
	msg := trf("admin.oos.set", "Door", door)
	if !on {
		msg = trf("admin.oos.cleared", "Door", door)
	}
	k.adminAction(func(ctx context.Context, s Staff) error { return s.SetOutOfService(ctx, door, on, "staff") }, msg, door)
}

// adminAction runs a staff action off the UI goroutine and says how it went
// under the grid.
func (k *Kiosk) adminAction(f func(context.Context, Staff) error, ok string, door int64) {
	s := k.staff
	if s == nil {
		return
	}
	k.async(func() {
		err := f(context.Background(), s)
		fyne.Do(func() {
			if err != nil {
				k.log.Warn("staff action failed", "err", err, "door", door)
				ok = failureText(err)
			}
			if k.admin != nil {
				k.admin.note = ok
			}
			if k.screen == "admin.doors" {
				k.showAdminDoors()
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
