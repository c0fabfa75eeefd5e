package ui

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// rentStates are the filters of the rents list; "" is all.
var rentStates = []app.RentState{"", app.RentReserved, app.RentStored, app.RentExpired, app.RentCollected}

// adminRentsScreen lists rents by state and door number, a page at a
// time. The door number is typed on a small digit row: there is no keyboard.
type adminRentsScreen struct{ v *app.StaffRentsView }

func (s *adminRentsScreen) idle() app.Idle { return s.v.Idle() }
func (*adminRentsScreen) staffLook()       {}

func (s *adminRentsScreen) draw(k *Kiosk) fyne.CanvasObject {
	var rows []fyne.CanvasObject
	for _, r := range s.v.Rents {
		since := r.StoredAt
		if since.IsZero() {
			since = r.CreatedAt
		}
		rows = append(rows, line(fmt.Sprintf("#%d   %s   %s   %s   %s", r.ID,
			trf("door.number", "Door", r.DoorID), tr("rent.state."+string(r.State)), r.ParcelRef, since.Local().Format("02.01 15:04"))))
	}
	if s.v.Failed {
		rows = []fyne.CanvasObject{warn(failureText(app.TroubleOther))}
	} else if len(rows) == 0 {
		rows = []fyne.CanvasObject{say(tr("admin.none"))}
	}
	pg := k.newPager(rows, 6)
	return k.adminFrame(app.SectionRents, tr("admin.rents.title"), container.NewBorder(s.filters(k), nil, nil, nil, pg.content), staffNote{}, slots{})
}

func (s *adminRentsScreen) filters(k *Kiosk) fyne.CanvasObject {
	q := s.v.Query
	filter := func(q app.RentQuery) func() { return func() { k.send(app.FilterRents{Query: q}) } }
	var states []fyne.CanvasObject
	for _, st := range rentStates {
		label := tr("rent.state.all")
		if st != "" {
			label = tr("rent.state." + string(st))
		}
		f := q
		f.State = st
		b := k.button(label, nil, filter(f))
		if q.State == st {
			b.Importance = widget.HighImportance
		}
		states = append(states, b)
	}
	door := tr("admin.door.any")
	if q.DoorID != 0 {
		door = trf("door.number", "Door", q.DoorID)
	}
	var digits []fyne.CanvasObject
	for d := range 10 {
		f := q
		if n := q.DoorID*10 + int64(d); n < 10000 {
			f.DoorID = n
		}
		digits = append(digits, k.button(strconv.Itoa(d), nil, filter(f)))
	}
	f := q
	f.DoorID = 0
	digits = append(digits, k.button("", theme.ContentClearIcon(), filter(f)))
	which := widget.NewLabelWithStyle(door, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	digitCols := len(digits)
	if k.portrait() {
		digitCols = 6
	}
	return container.NewVBox(k.row(states...), container.NewBorder(nil, nil, which, nil, container.NewGridWithColumns(digitCols, digits...)))
}

// adminEventsScreen is the audit log, newest first, a page at a time; the
// store pages it, so older pages cost what the newest does.
type adminEventsScreen struct{ v *app.StaffLogView }

func (s *adminEventsScreen) idle() app.Idle { return s.v.Idle() }
func (*adminEventsScreen) staffLook()       {}

func (s *adminEventsScreen) draw(k *Kiosk) fyne.CanvasObject {
	var rows []fyne.CanvasObject
	for _, e := range s.v.Events {
		rows = append(rows, eventRow(e))
	}
	if s.v.Failed {
		rows = []fyne.CanvasObject{warn(failureText(app.TroubleOther))}
	} else if len(rows) == 0 {
		rows = []fyne.CanvasObject{say(tr("admin.none"))}
	}
	var acts slots
	if s.v.Older {
		older := s.v.Events[len(s.v.Events)-1].Seq
		acts[0] = k.button(tr("admin.older"), theme.MoveDownIcon(), func() { k.send(app.LogPage{Before: older}) })
	}
	if s.v.Before != 0 {
		acts[1] = k.button(tr("admin.newest"), theme.MoveUpIcon(), func() { k.send(app.LogPage{}) })
	}
	pg := k.newPager(rows, k.rowsPerPage(7, 13))
	return k.adminFrame(app.SectionLog, tr("admin.events.title"), pg.content, staffNote{}, acts)
}

// eventRow is one audit event in plain words: when, what happened (to
// which door), who did it.
func eventRow(e app.Event) fyne.CanvasObject {
	l := line(fmt.Sprintf("%s   %s   %s", e.At.Local().Format("02.01 15:04:05"), eventText(e), actorText(e.Actor)))
	if e.Kind.IsAlert() {
		l.Importance = widget.DangerImportance
	}
	return l
}

// rowsPerPage is how many list rows a staff page holds on this panel: the
// portrait one has room for about twice as many.
func (k *Kiosk) rowsPerPage(landscape, portrait int) int {
	if k.portrait() {
		return portrait
	}
	return landscape
}
