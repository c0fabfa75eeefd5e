package ui

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// rentStates are the filters of the rents list; "" is all.
var rentStates = []string{"", "reserved", "stored", "expired", "collected"}

// adminRentsScreen lists rents by state and door number, a page at a
// time. The door number is typed on a small digit row: there is no keyboard.
type adminRentsScreen struct {
	q     RentQuery
	rents []Parcel
	err   error
}

// showAdminRents fetches the rents q selects, then shows them.
func (k *Kiosk) showAdminRents(q RentQuery) {
	st := k.staff
	if st == nil {
		k.showHome()
		return
	}
	q.Limit = 200
	k.async(func() {
		rents, err := st.Rents(context.Background(), q)
		fyne.Do(func() {
			if k.staff != st {
				return
			}
			if err != nil {
				k.log.Error("rents", "err", err)
			}
			k.show(&adminRentsScreen{q: q, rents: rents, err: err})
		})
	})
}

func (s *adminRentsScreen) idle() idleRule { return idleAdmin }

func (s *adminRentsScreen) draw(k *Kiosk) fyne.CanvasObject {
	var rows []fyne.CanvasObject
	for _, p := range s.rents {
		rows = append(rows, line(fmt.Sprintf("#%d   %s   %s   %s   %s", p.RentID,
			trf("door.number", "Door", p.Door.ID), tr("rent.state."+p.State), p.Ref, p.Since.Local().Format("02.01 15:04"))))
	}
	if s.err != nil {
		rows = []fyne.CanvasObject{warn(failureText(s.err))}
	} else if len(rows) == 0 {
		rows = []fyne.CanvasObject{say(tr("admin.none"))}
	}
	pg := k.newPager(rows, 6)
	return k.adminFrame(tabRents, tr("admin.rents.title"), pg.content, s.filters(k))
}

func (s *adminRentsScreen) filters(k *Kiosk) fyne.CanvasObject {
	q := s.q
	var states []fyne.CanvasObject
	for _, st := range rentStates {
		label := tr("rent.state.all")
		if st != "" {
			label = tr("rent.state." + st)
		}
		b := k.button(label, nil, func() { q.State = st; k.showAdminRents(q) })
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
		digits = append(digits, k.button(strconv.Itoa(d), nil, func() {
			if n := q.DoorID*10 + int64(d); n < 10000 {
				q.DoorID = n
			}
			k.showAdminRents(q)
		}))
	}
	digits = append(digits, k.button("", theme.ContentClearIcon(), func() { q.DoorID = 0; k.showAdminRents(q) }))
	which := widget.NewLabelWithStyle(door, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	return container.NewVBox(row(states...), container.NewBorder(nil, nil, which, nil, row(digits...)))
}

// logPage is how many audit events one fetch brings.
const logPage = 60

// adminEventsScreen is the audit log, newest first, a page at a time.
type adminEventsScreen struct {
	before int64 // the events before this sequence number; 0: the latest
	events []LogEntry
	err    error
}

func (k *Kiosk) showAdminEvents(before int64) {
	st := k.staff
	if st == nil {
		k.showHome()
		return
	}
	k.async(func() {
		events, err := st.Events(context.Background(), before, logPage)
		fyne.Do(func() {
			if k.staff != st {
				return
			}
			if err != nil {
				k.log.Error("events", "err", err)
			}
			k.show(&adminEventsScreen{before: before, events: events, err: err})
		})
	})
}

func (s *adminEventsScreen) idle() idleRule { return idleAdmin }

func (s *adminEventsScreen) draw(k *Kiosk) fyne.CanvasObject {
	var rows []fyne.CanvasObject
	for _, e := range s.events {
		door := ""
		if e.DoorID != 0 {
			door = trf("door.number", "Door", e.DoorID)
		}
		rows = append(rows, line(fmt.Sprintf("%s   %s   %s   %s %s",
			e.At.Local().Format("02.01 15:04:05"), e.Actor, e.Kind, door, e.Detail)))
	}
	if s.err != nil {
		rows = []fyne.CanvasObject{warn(failureText(s.err))}
	} else if len(rows) == 0 {
		rows = []fyne.CanvasObject{say(tr("admin.none"))}
	}
	var controls []fyne.CanvasObject
	if len(s.events) == logPage {
		older := s.events[len(s.events)-1].Seq
		controls = append(controls, k.button(tr("admin.older"), theme.MoveDownIcon(), func() { k.showAdminEvents(older) }))
	}
	if s.before != 0 {
		controls = append(controls, k.button(tr("admin.newest"), theme.MoveUpIcon(), func() { k.showAdminEvents(0) }))
	}
	pg := k.newPager(rows, 7)
	return k.adminFrame(tabEvents, tr("admin.events.title"), pg.content, row(controls...))
}
