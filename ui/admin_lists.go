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

// showAdminRents lists rents by state and door number, a page at a time.
// The door number is typed on a small digit row: there is no keyboard.
func (k *Kiosk) showAdminRents(q RentQuery) {
	s := k.staff
	if s == nil {
		k.showHome()
		return
	}
	q.Limit = 200
	k.async(func() {
		rents, err := s.Rents(context.Background(), q)
		fyne.Do(func() {
			if k.staff != s {
				return
			}
			var rows []fyne.CanvasObject
			for _, p := range rents {
				rows = append(rows, line(fmt.Sprintf("#%d   %s   %s   %s   %s", p.RentID,
					trf("door.number", "Door", p.Door.ID), tr("rent.state."+p.State), p.Ref, p.Since.Local().Format("02.01 15:04"))))
			}
			if err != nil {
				k.log.Error("rents", "err", err)
				rows = []fyne.CanvasObject{warn(failureText(err))}
			} else if len(rows) == 0 {
				rows = []fyne.CanvasObject{say(tr("admin.none"))}
			}
			pg := k.newPager(rows, 6)
			k.adminScreen("admin.rents", tr("admin.rents.title"), pg.content, k.rentFilters(q))
		})
	})
}

func (k *Kiosk) rentFilters(q RentQuery) fyne.CanvasObject {
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

// showAdminEvents is the audit log, newest first, a page at a time.
func (k *Kiosk) showAdminEvents(before int64) {
	s := k.staff
	if s == nil {
		k.showHome()
		return
	}
	k.async(func() {
		events, err := s.Events(context.Background(), before, 60)
		fyne.Do(func() {
			if k.staff != s {
				return
			}
			var rows []fyne.CanvasObject
			for _, e := range events {
				door := ""
				if e.DoorID != 0 {
					door = trf("door.number", "Door", e.DoorID)
				}
				rows = append(rows, line(fmt.Sprintf("%s   %s   %s   %s %s",
					e.At.Local().Format("02.01 15:04:05"), e.Actor, e.Kind, door, e.Detail)))
			}
			if err != nil {
				k.log.Error("events", "err", err)
				rows = []fyne.CanvasObject{warn(failureText(err))}
			} else if len(rows) == 0 {
				rows = []fyne.CanvasObject{say(tr("admin.none"))}
			}
			var controls []fyne.CanvasObject
			if len(events) == 60 {
				older := events[len(events)-1].Seq
				controls = append(controls, k.button(tr("admin.older"), theme.MoveDownIcon(), func() { k.showAdminEvents(older) }))
			}
			if before != 0 {
				controls = append(controls, k.button(tr("admin.newest"), theme.MoveUpIcon(), func() { k.showAdminEvents(0) }))
			}
			pg := k.newPager(rows, 7)
			k.adminScreen("admin.events", tr("admin.events.title"), pg.content, row(controls...))
		})
	})
}
