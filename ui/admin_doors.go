package ui

import (
	"fmt"
	"image/color"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"

	"pudo/app"
)

// adminDoorsScreen is the door grid with live sensor states, drawn like
// the locker (its columns and door sizes, as the shopper's map): each door
// shows every state it is in at once, occupied, open, opening, unknown,
// fault and out of service. Select a door to open it, take it out of
// service (a door with a parcel asks first) or clear it after looking
// inside, or open them all. The staff session reads the grid again on
// every door notice and every few seconds.
type adminDoorsScreen struct {
	v *app.StaffDoorsView
	c interface {
		staffDesk
		refresh(s screen)       // the grid again, with the choice made
		tapped(f func()) func() // a door's cell counts as presence, as a button does
	}
	pick *doorPick // the kiosk's, changed in place
}

// doorPick is the door staff chose in the grid, kept across the staff
// screens until the kiosk goes home, and the one with a parcel they asked
// to take out of service, which they confirm first.
type doorPick struct {
	selected int64
	askOOS   int64
}

func (s *adminDoorsScreen) idle() app.Idle { return s.v.Idle() }
func (*adminDoorsScreen) staffLook()       {}

func (s *adminDoorsScreen) draw() fyne.CanvasObject {
	c, pick := s.c, s.pick
	var sel *app.DoorState
	var cells []fyne.CanvasObject
	doors := make([]app.Door, len(s.v.States))
	for i := range s.v.States {
		st := &s.v.States[i]
		if st.ID == pick.selected {
			sel = st
		}
		doors[i] = st.Door
		cells = append(cells, s.cell(*st))
	}
	grid := container.New(&gridLayout{mapLayout{doors: doors}}, cells...)
	var acts slots
	about := say(tr("admin.doors.tap"))
	if sel != nil {
		about = say(doorAbout(*sel, s.v.Last))
		d := sel.Door
		acts[0] = c.mainButton(trf("admin.open", "Door", d.ID), theme.LoginIcon(), func() { c.send(app.OpenDoor{Door: d.ID}) })
		switch {
		case d.OutOfService:
			acts[1] = c.button(tr("admin.oos.off"), theme.ConfirmIcon(), func() { c.send(app.SetOutOfService{Door: d.ID}) })
		case pick.askOOS == d.ID:
			// A door with a parcel: its shopper's code stops opening it.
			about = warn(trf("admin.oos.warn", "Door", d.ID, "Ref", rentRef(sel.Rent)))
			acts[1] = c.button(tr("admin.oos.yes"), theme.WarningIcon(), func() {
				pick.askOOS = 0
				c.send(app.SetOutOfService{Door: d.ID, On: true})
			})
			acts[2] = c.button(tr("admin.oos.no"), theme.CancelIcon(), func() { pick.askOOS = 0; c.refresh(s) })
		default:
			acts[1] = c.button(tr("admin.oos.on"), theme.WarningIcon(), func() {
				if sel.Rent != nil || d.Occupied {
					pick.askOOS = d.ID
					c.refresh(s)
					return
				}
				c.send(app.SetOutOfService{Door: d.ID, On: true})
			})
		}
		switch {
		case acts[2] != nil:
		case d.Fault != "":
			// Kept for staff: they say what they found, and the locker
			// settles the door's rent from it (stored, or collected or
			// cancelled). Open all waits until another door is chosen.
			acts[2] = c.button(tr("admin.check.inside"), theme.DownloadIcon(), func() { c.send(app.LookedInside{Door: d.ID, Inside: true}) })
			acts[3] = c.button(tr("admin.check.empty"), theme.ConfirmIcon(), func() { c.send(app.LookedInside{Door: d.ID}) })
		case d.Unsettled != 0:
			acts[2] = c.button(tr("admin.clear"), theme.ConfirmIcon(), func() { c.send(app.ClearDoor{Door: d.ID}) })
		}
	}
	if acts[3] == nil {
		acts[3] = c.button(tr("admin.openall"), theme.WarningIcon(), func() { c.send(app.OpenAll{}) })
	}
	about.Wrapping = fyne.TextWrapWord // the parcel and a warning are read whole
	content := container.NewBorder(nil, container.NewVBox(doorLegend(c), about), nil, nil, grid)
	note := noteOf(s.v.Note)
	if s.v.Note.Door != 0 && pick.selected != 0 && pick.selected != s.v.Note.Door {
		note = staffNote{} // what was done to another door: staff act on this one now
	}
	return c.adminFrame(app.SectionDoors, tr("admin.doors.title"), content, note, acts)
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

// doorAbout is a selected door in one line: number, size, its states
// (what its fault is), the parcel in it, or for a door kept for staff
// with none, the last parcel it held.
func doorAbout(st app.DoorState, last map[int64]app.Rent) string {
	var words []string
	for _, s := range doorStatesOf(st) {
		w := tr("door.state." + s)
		if s == "fault" {
			w += ": " + faultText(st.Fault)
		}
		words = append(words, w)
	}
	s := fmt.Sprintf("%s · %s · %s · %s", trf("door.number", "Door", st.ID), tr("size."+string(st.Size)),
		strings.Join(words, ", "), tr("sensor.word."+st.Sensor.String()))
	if st.Rent != nil {
		s += " · " + trf("admin.door.rent", "Ref", rentRef(st.Rent), "State", tr("rent.state."+string(st.Rent.State)))
	} else if r, ok := last[st.ID]; ok && st.Fault != "" {
		s += " · " + trf("admin.door.last", "Ref", rentRef(&r), "State", tr("rent.state."+string(r.State)))
	}
	return s
}

// faults are the engine's door faults (app.Door.Fault) that staff read in
// their language; another is shown as the engine wrote it.
var faults = map[string]string{
	"did not open":                                  "fault.did-not-open",
	"reported as not opening":                       "fault.reported",
	"opening interrupted by a restart":              "fault.interrupted",
	"sensor flapping":                               "fault.flapping",
	"opened without a command":                      "fault.forced",
	"holds a parcel put back as not the shopper's":  "fault.wrong-parcel",
	"to check: nobody could tell whether it opened": "fault.to-check",
	"reported empty by the shopper":                 "fault.reported-empty",
}

// faultText is a door's fault in the current language.
func faultText(f string) string {
	if key, ok := faults[f]; ok {
		return tr(key)
	}
	return f
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

// badgeSize is a state badge's side in the grid and the legend.
const badgeSize = 22

// badge is a state's icon on its colour.
func badge(state string) fyne.CanvasObject {
	r := canvas.NewRectangle(stateColour(state))
	r.CornerRadius = 4
	r.SetMinSize(fyne.NewSquareSize(badgeSize))
	if icon, ok := stateIcons[state]; ok {
		img := canvas.NewImageFromResource(theme.NewColoredResource(icon(), stateInkName(state)))
		img.SetMinSize(fyne.NewSquareSize(badgeSize - 6))
		return container.NewStack(r, container.NewCenter(img))
	}
	return r
}

// cell is one door: its number, size and parcel on its fill (free or
// occupied), and a badge for every other state it is in. The fill shows
// a parcel whatever else the door is in: out of service, open or faulty.
func (s *adminDoorsScreen) cell(st app.DoorState) fyne.CanvasObject {
	occupied := st.Rent != nil || st.Occupied
	base := "free"
	if occupied {
		base = "occupied"
	}
	bg := canvas.NewRectangle(stateColour(base))
	bg.CornerRadius = 6
	if st.ID == s.pick.selected {
		bg.StrokeColor, bg.StrokeWidth = themed(colorNameLit), 5
	} else {
		bg.StrokeColor, bg.StrokeWidth = fg(), 1
	}
	ink := stateInk(base)
	num := canvas.NewText(fmt.Sprint(st.ID), ink)
	num.TextStyle.Bold, num.TextSize = true, 18
	label := string(st.Size)
	if occupied {
		label += " " + rentRef(st.Rent)
	}
	what := canvas.NewText(label, ink)
	what.TextSize = 14
	var badges []fyne.CanvasObject
	on := doorStatesOf(st)
	for _, b := range stateBadges {
		if slices.Contains(on, b) {
			badges = append(badges, badge(b))
		}
	}
	row := container.New(layout.NewCustomPaddedHBoxLayout(2), badges...)
	id := st.ID
	return newTapArea(container.NewStack(bg, container.New(cellLayout{}, num, what, row)), s.c.tapped(func() {
		s.pick.selected, s.pick.askOOS = id, 0
		s.c.refresh(s)
	}))
}

// cellPad is the room inside a door cell's edge.
const cellPad = 3

// cellLayout places a door cell's number top left and its badges top
// right; its size and parcel go beside the number when they fit, else
// under it when the door is tall enough, else only the fill shows it
// (the line under the grid names it once the door is selected).
type cellLayout struct{}

func (cellLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	num, badges := objs[0].MinSize(), objs[2].MinSize()
	return fyne.NewSize(num.Width+badges.Width+3*cellPad, max(num.Height, badges.Height)+2*cellPad)
}

func (cellLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	num, what, badges := objs[0], objs[1], objs[2]
	ns, ws, bs := num.MinSize(), what.MinSize(), badges.MinSize()
	lineH := max(ns.Height, bs.Height)
	num.Resize(ns)
	num.Move(fyne.NewPos(cellPad, cellPad+(lineH-ns.Height)/2))
	badges.Resize(bs)
	badges.Move(fyne.NewPos(size.Width-cellPad-bs.Width, cellPad+(lineH-bs.Height)/2))
	what.Resize(ws)
	switch free := size.Width - ns.Width - bs.Width - 4*cellPad; {
	case free >= ws.Width:
		what.Move(fyne.NewPos(2*cellPad+ns.Width, cellPad+(lineH-ws.Height)/2))
		what.Show()
	case size.Height >= lineH+ws.Height+2*cellPad && size.Width >= ws.Width+2*cellPad:
		what.Move(fyne.NewPos(cellPad, cellPad+lineH))
		what.Show()
	default:
		what.Hide()
	}
}

// gridGap is mapLayout's gap between doors.
const gridGap = 4

// gridLayout is the shopper's map layout (columns and door sizes as the
// locker is built) with room for every cell: a column is as tall as its
// smallest door needs, scaled by the doors' sizes.
type gridLayout struct{ mapLayout }

func (g *gridLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	n, units := g.columns()
	var w, h float32
	for i, d := range g.doors {
		if i >= len(objs) {
			break
		}
		m := objs[i].MinSize()
		w = max(w, m.Width)
		h = max(h, units[d.Col]*(m.Height+gridGap)/sizeUnits[d.Size])
	}
	return fyne.NewSize(float32(n)*(w+gridGap)-gridGap, h)
}

// doorLegend explains the fill and the badges, in as many rows as the
// panel needs.
func doorLegend(c controls) fyne.CanvasObject {
	var items []fyne.CanvasObject
	for _, s := range doorStates {
		sw := badge(s)
		if s == "free" {
			r := canvas.NewRectangle(stateColour(s))
			r.StrokeColor, r.StrokeWidth = fg(), 1
			r.SetMinSize(fyne.NewSquareSize(badgeSize))
			sw = r
		}
		l := canvas.NewText(tr("door.state."+s), fg())
		l.TextSize = 16
		items = append(items, container.NewHBox(container.NewCenter(sw), container.NewCenter(l)))
	}
	return c.row(items...)
}
