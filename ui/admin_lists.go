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

// staffList is what a staff screen with a list draws with: the staff's
// desk, a pager that fills the height the list is given, and the panel's
// shape.
type staffList interface {
	staffDesk
	newFillingPager(items []fyne.CanvasObject, perPage int) *pager
	portrait() bool
}

// adminRentsScreen lists rents by state and door number, a page at a
// time. The door number is typed on a small digit row: there is no keyboard.
type adminRentsScreen struct {
	v *app.StaffRentsView
	c staffList
}

func (s *adminRentsScreen) idle() app.Idle { return s.v.Idle() }
func (*adminRentsScreen) staffLook()       {}

func (s *adminRentsScreen) draw() fyne.CanvasObject {
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
	pg := s.c.newFillingPager(rows, 6)
	return s.c.adminFrame(app.SectionRents, tr("admin.rents.title"), container.NewBorder(s.filters(), nil, nil, nil, pg.content), staffNote{}, slots{})
}

func (s *adminRentsScreen) filters() fyne.CanvasObject {
	c, q := s.c, s.v.Query
	filter := func(q app.RentQuery) func() { return func() { c.send(app.FilterRents{Query: q}) } }
	var states []fyne.CanvasObject
	for _, st := range rentStates {
		label := tr("rent.state.all")
		if st != "" {
			label = tr("rent.state." + string(st))
		}
		f := q
		f.State = st
		b := c.button(label, nil, filter(f))
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
		digits = append(digits, c.button(strconv.Itoa(d), nil, filter(f)))
	}
	f := q
	f.DoorID = 0
	digits = append(digits, c.button("", theme.ContentClearIcon(), filter(f)))
	which := widget.NewLabelWithStyle(door, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	digitCols := len(digits)
	if c.portrait() {
		digitCols = 6
	}
	return container.NewVBox(c.row(states...), container.NewBorder(nil, nil, which, nil, container.NewGridWithColumns(digitCols, digits...)))
}

// adminEventsScreen is the audit log, newest first, a page at a time; the
// store pages it, so older pages cost what the newest does.
type adminEventsScreen struct {
	v     *app.StaffLogView
	c     staffList
	pages *pager
}

func (s *adminEventsScreen) idle() app.Idle { return s.v.Idle() }
func (*adminEventsScreen) staffLook()       {}

func (s *adminEventsScreen) draw() fyne.CanvasObject {
	c := s.c
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
		acts[0] = c.button(tr("admin.older"), theme.MoveDownIcon(), func() { c.send(app.LogPage{Before: older}) })
	}
	if s.v.Before != 0 {
		acts[1] = c.button(tr("admin.newest"), theme.MoveUpIcon(), func() { c.send(app.LogPage{}) })
	}
	pg := c.newFillingPager(rows, rowsPerPage(c, 7, 13))
	s.pages = pg
	return c.adminFrame(app.SectionLog, tr("admin.events.title"), pg.content, staffNote{}, acts)
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
func rowsPerPage(c staffList, landscape, portrait int) int {
	if c.portrait() {
		return portrait
	}
	return landscape
}
