package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// adminDoorsScreen is the door grid with live sensor states, drawn like
// the locker (its columns and door sizes, as the shopper's map): each door
// shows every state it is in at once, occupied, open, opening, unknown,
// fault and out of service. Select a door to open it, take it out of
// service (a door with a parcel asks first) or clear it after looking
// inside, or open them all. The staff session reads the grid again on
// every door notice and every few seconds.
type adminDoorsScreen struct{ v *app.StaffDoorsView }

func (s *adminDoorsScreen) idle() app.Idle { return s.v.Idle() }

func (s *adminDoorsScreen) draw(k *Kiosk) fyne.CanvasObject {
	var sel *app.DoorState
	var cells []fyne.CanvasObject
	doors := make([]app.Door, len(s.v.States))
	for i := range s.v.States {
		st := &s.v.States[i]
		if st.ID == k.selected {
			sel = st
		}
		doors[i] = st.Door
		cells = append(cells, s.cell(k, *st))
	}
	grid := container.New(&mapLayout{doors: doors}, cells...)
	var acts slots
	about := say(tr("admin.doors.tap"))
	if sel != nil {
		about = say(doorAbout(*sel))
		d := sel.Door
		acts[0] = k.mainButton(trf("admin.open", "Door", d.ID), theme.LoginIcon(), func() { k.send(app.OpenDoor{Door: d.ID}) })
		switch {
		case d.OutOfService:
			acts[1] = k.button(tr("admin.oos.off"), theme.ConfirmIcon(), func() { k.send(app.SetOutOfService{Door: d.ID}) })
		case k.askOOS == d.ID:
			// A door with a parcel: its shopper's code stops opening it.
			about = warn(trf("admin.oos.warn", "Door", d.ID, "Ref", rentRef(sel.Rent)))
			acts[1] = k.button(tr("admin.oos.yes"), theme.WarningIcon(), func() {
				k.askOOS = 0
				k.send(app.SetOutOfService{Door: d.ID, On: true})
			})
			acts[2] = k.button(tr("admin.oos.no"), theme.CancelIcon(), func() { k.askOOS = 0; k.refresh(s) })
		default:
			acts[1] = k.button(tr("admin.oos.on"), theme.WarningIcon(), func() {
				if sel.Rent != nil || d.Occupied {
					k.askOOS = d.ID
					k.refresh(s)
					return
				}
				k.send(app.SetOutOfService{Door: d.ID, On: true})
			})
		}
		if (d.Fault != "" || d.Unsettled != 0) && acts[2] == nil {
			acts[2] = k.button(tr("admin.clear"), theme.ConfirmIcon(), func() { k.send(app.ClearDoor{Door: d.ID}) })
		}
	}
	acts[3] = k.button(tr("admin.openall"), theme.WarningIcon(), func() { k.send(app.OpenAll{}) })
	about.Truncation, about.Wrapping = fyne.TextTruncateEllipsis, fyne.TextWrapOff
	content := container.NewBorder(nil, container.NewVBox(doorLegend(), about), nil, nil, grid)
	return k.adminFrame(app.SectionDoors, tr("admin.doors.title"), content, noteText(s.v.Note), acts)
}

// rentRef names a rent for staff: its parcel label, else its number.
func rentRef(r *app.Rent) string {
	switch {
	case r == nil:
		return "-"
	case r.ParcelRef != "":
		return r.ParcelRef
	}
	return fmt.Sprintf("#%d", r.ID)
}

// doorAbout is a selected door in one line: number, size, its states and
// the parcel in it.
func doorAbout(st app.DoorState) string {
	var words []string
	for _, s := range doorStatesOf(st) {
		words = append(words, tr("door.state."+s))
	}
	s := fmt.Sprintf("%s · %s · %s · %s", trf("door.number", "Door", st.ID), tr("size."+string(st.Size)),
		strings.Join(words, ", "), tr("sensor.word."+st.Sensor.String()))
	if st.Rent != nil {
		s += " · " + trf("admin.door.rent", "Ref", rentRef(st.Rent), "State", tr("rent.state."+string(st.Rent.State)))
	}
	return s
}

// doorStateName sums a door up in one word, the most urgent first: a
// door that may hold a parcel nobody has a record for is a fault, one
// whose opening is not settled is opening, one whose sensor cannot be
// read is unknown.
func doorStateName(d app.DoorState) string {
	return doorStatesOf(d)[0]
}

// doorStatesOf are every state a door is in, the most urgent first; a
// door in none is free.
func doorStatesOf(d app.DoorState) []string {
	var out []string
	add := func(on bool, s string) {
		if on {
			out = append(out, s)
		}
	}
	add(d.OutOfService, "out-of-service")
	add(d.Fault != "", "fault")
	add(d.Unsettled != 0, "opening")
	add(d.Sensor == app.SensorUnknown, "unknown")
	add(d.Sensor == app.SensorOpen, "open")
	add(d.Rent != nil || d.Occupied, "occupied")
	if len(out) == 0 {
		out = append(out, "free")
	}
	return out
}

// doorStates are the grid's states, in the legend's order.
var doorStates = []string{"free", "occupied", "open", "opening", "unknown", "fault", "out-of-service"}

// stateBadges are the states a cell marks with a badge of its own, on
// top of its fill (free or occupied): a door can be in several at once.
var stateBadges = []string{"open", "opening", "unknown", "fault", "out-of-service"}

// stateColour is the fill a state is drawn with, in the cell (occupied)
// or as its badge.
func stateColour(state string) color.Color {
	switch state {
	case "occupied":
		return themed(theme.ColorNamePrimary)
	case "open", "opening":
		return themed(colorNameLit)
	case "unknown", "fault":
		return themed(colorNameBad)
	case "out-of-service":
		return themed(theme.ColorNameDisabled)
	}
	return themed(theme.ColorNameButton)
}

// stateInk is the text colour on a state's fill.
func stateInk(state string) color.Color { return themed(stateInkName(state)) }

func stateInkName(state string) fyne.ThemeColorName {
	switch state {
	case "free":
		return theme.ColorNameForeground
	case "open", "opening":
		return colorNameOnLit
	}
	return theme.ColorNameForegroundOnPrimary
}

// stateIcons mark the states a door can be in besides free or occupied,
// explained by the legend, so even a small door shows all of them.
var stateIcons = map[string]func() fyne.Resource{
	"open": theme.LoginIcon, "opening": theme.HistoryIcon, "unknown": theme.QuestionIcon,
	"fault": theme.WarningIcon, "out-of-service": theme.CancelIcon,
}

// badge is a state's icon on its colour.
func badge(state string) fyne.CanvasObject {
	r := canvas.NewRectangle(stateColour(state))
	r.CornerRadius = 4
	r.SetMinSize(fyne.NewSquareSize(24))
	if icon, ok := stateIcons[state]; ok {
		img := canvas.NewImageFromResource(theme.NewColoredResource(icon(), stateInkName(state)))
		img.SetMinSize(fyne.NewSquareSize(18))
		return container.NewStack(r, container.NewCenter(img))
	}
	return r
}

// cell is one door: its number, size and parcel on its fill (free or
// occupied), and a badge for every other state it is in.
func (s *adminDoorsScreen) cell(k *Kiosk, st app.DoorState) fyne.CanvasObject {
	occupied := st.Rent != nil || st.Occupied
	base := "free"
	if occupied {
		base = "occupied"
	}
	bg := canvas.NewRectangle(stateColour(base))
	bg.CornerRadius = 6
	if st.ID == k.selected {
		bg.StrokeColor, bg.StrokeWidth = themed(colorNameLit), 5
	} else {
		bg.StrokeColor, bg.StrokeWidth = fg(), 1
	}
	ink := stateInk(base)
	num := canvas.NewText(fmt.Sprint(st.ID), ink)
	num.TextStyle.Bold, num.TextSize = true, 22
	label := string(st.Size)
	if occupied {
		label += " " + rentRef(st.Rent)
	}
	what := canvas.NewText(label, ink)
	what.TextSize = 14
	var badges []fyne.CanvasObject
	for _, b := range stateBadges {
		for _, on := range doorStatesOf(st) {
			if on == b {
				badges = append(badges, badge(b))
			}
		}
	}
	head := container.NewHBox(num, container.NewCenter(what))
	cell := container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, head, container.NewHBox(badges...))))
	id := st.ID
	return newTapArea(cell, k.tapped(func() {
		k.selected, k.askOOS = id, 0
		k.refresh(s)
	}))
}

func doorLegend() fyne.CanvasObject {
	var items []fyne.CanvasObject
	for _, s := range doorStates {
		sw := badge(s)
		if s == "free" {
			r := canvas.NewRectangle(stateColour(s))
			r.StrokeColor, r.StrokeWidth = fg(), 1
			r.SetMinSize(fyne.NewSquareSize(24))
			sw = r
		}
		l := widget.NewLabel(tr("door.state." + s))
		items = append(items, container.NewHBox(container.NewCenter(sw), l))
	}
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(170, 36), items...))
}
