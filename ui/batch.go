package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app/core"
)

// batchKind is a courier's list of parcels to take out of the locker.
type batchKind string

const (
	batchExpired batchKind = "expired" // parcels nobody collected in time
	batchReturns batchKind = "returns" // parcels shoppers sent or returned
)

// batch opens the doors of a list one by one: the next opens when the one
// before closes, and the list says where each stands.
type batch struct {
	kind   batchKind
	items  []Parcel
	status []string // "wait", "open", "done", "failed"
	at     int      // the item whose door is open, or the next to open
	open   core.Door
}

func (k *Kiosk) startBatch(kind batchKind) {
	c := k.courier
	if c == nil {
		return
	}
	k.showOpening()
	k.async(func() {
		list := c.Expired
		if kind == batchReturns {
			list = c.Returns
		}
		items, err := list(context.Background())
		fyne.Do(func() {
			if err != nil {
				k.showFailure(err, 0)
				return
			}
			k.batch = &batch{kind: kind, items: items, status: make([]string, len(items))}
			for i := range k.batch.status {
				k.batch.status[i] = "wait"
			}
			k.showBatch()
		})
	})
}

// showBatch is the list, with the open door in big type above it.
func (k *Kiosk) showBatch() {
	b := k.batch
	var lines []fyne.CanvasObject
	var controls []fyne.CanvasObject
	switch {
	case len(b.items) == 0:
		lines = append(lines, title(tr("batch."+string(b.kind))), say(tr("batch.none")))
	case b.open.ID != 0:
		lines = append(lines, bigText(trf("door.number", "Door", b.open.ID), 64, themed(theme.ColorNamePrimary)),
			say(tr("door.takeback")))
		controls = append(controls, k.button(tr("door.notopen"), theme.WarningIcon(), k.batchDidNotOpen))
	case b.at < len(b.items):
		lines = append(lines, title(tr("batch."+string(b.kind))))
		controls = append(controls, k.mainButton(trf("batch.start", "N", len(b.items)-b.at), theme.MediaPlayIcon(), k.batchNext))
	default:
		lines = append(lines, title(tr("batch."+string(b.kind))), say(tr("batch.done")))
	}
	var rows []fyne.CanvasObject
	for i, p := range b.items {
		rows = append(rows, k.batchRow(p, b.status[i]))
	}
	per := 3
	if k.bigText {
		per = 2
	}
	pg := k.newPager(rows, per)
	pg.page = min(b.at, len(rows)-1) / per
	pg.turn(0)
	controls = append(controls, k.button(tr("courier.menu"), theme.MenuIcon(), k.showCourierMenu))
	name := "batch"
	if b.open.ID != 0 {
		name = "batch.open"
	}
	rule := idleAsk
	if b.open.ID != 0 {
		rule = idleNever
	}
	k.show(name, screen(container.NewVBox(container.NewVBox(lines...), pg.content), controls...), rule)
}

func (k *Kiosk) batchRow(p Parcel, status string) fyne.CanvasObject {
	l := line(fmt.Sprintf("%s   %s   %s", trf("door.number", "Door", p.Door.ID), p.Ref, tr("batch.status."+status)))
	switch status {
	case "open":
		l.Importance = widget.HighImportance
	case "failed":
		l.Importance = widget.DangerImportance
	case "done":
		l.Importance = widget.SuccessImportance
	}
	return l
}

// batchNext opens the next door of the list.
func (k *Kiosk) batchNext() {
	b, c := k.batch, k.courier
	if b == nil || c == nil || b.at >= len(b.items) {
		return
	}
	p := b.items[b.at]
	open := c.TakeBack
	if b.kind == batchReturns {
		open = c.CollectReturn
	}
	k.showOpening()
	k.async(func() {
		d, err := open(context.Background(), p.RentID)
		fyne.Do(func() {
			if err != nil {
				k.log.Warn("batch door did not open", "rent", p.RentID, "err", err)
				b.status[b.at] = "failed"
				b.at++
				k.play(SoundWrong)
				if b.at < len(b.items) {
					k.batchNext() // one broken door does not stop the round
					return
				}
				k.showBatch()
				return
			}
			b.status[b.at], b.open = "open", d
			k.play(SoundOpen)
			k.showBatch()
			k.watch = doorWatch{id: d.ID, onClosed: k.batchDoorClosed, onDidNot: k.batchDidNotOpen}
		})
	})
}

// batchDoorClosed: the courier took the parcel; the next door opens.
func (k *Kiosk) batchDoorClosed() {
	b := k.batch
	if b == nil || b.open.ID == 0 {
		return
	}
	b.status[b.at], b.open = "done", core.Door{}
	b.at++
	if b.at < len(b.items) {
		k.batchNext()
		return
	}
	k.showBatch()
}

func (k *Kiosk) batchDidNotOpen() {
	b := k.batch
	if b == nil || b.at >= len(b.items) {
		return
	}
	k.log.Warn("batch door did not open", "door", b.open.ID)
	b.status[b.at], b.open = "failed", core.Door{}
	b.at++
	k.showBatch()
}
