package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app/core"
	"pudo/lockio"
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
			b := &batch{kind: kind, items: items, status: make([]string, len(items))}
			for i := range b.status {
				b.status[i] = "wait"
			}
			k.showBatch(b)
		})
	})
}

// batchScreen is the list, with the open door in big type above it.
type batchScreen struct{ b *batch }

func (k *Kiosk) showBatch(b *batch) { k.show(&batchScreen{b: b}) }

// idle: a courier at an open door is not asked for more time.
func (s *batchScreen) idle() idleRule {
	if s.b.open.ID != 0 {
		return idleNever
	}
	return idleAsk
}

func (s *batchScreen) draw(k *Kiosk) fyne.CanvasObject {
	b := s.b
	var lines []fyne.CanvasObject
	var controls []fyne.CanvasObject
	switch {
	case len(b.items) == 0:
		lines = append(lines, title(tr("batch."+string(b.kind))), say(tr("batch.none")))
	case b.open.ID != 0:
		lines = append(lines, bigText(trf("door.number", "Door", b.open.ID), 64, themed(theme.ColorNamePrimary)),
			say(tr("door.takeback")))
		controls = append(controls, k.button(tr("door.notopen"), theme.WarningIcon(), func() { k.batchDidNotOpen(b) }))
	case b.at < len(b.items):
		lines = append(lines, title(tr("batch."+string(b.kind))))
		controls = append(controls, k.mainButton(trf("batch.start", "N", len(b.items)-b.at), theme.MediaPlayIcon(), func() { k.batchNext(b) }))
	default:
		lines = append(lines, title(tr("batch."+string(b.kind))), say(tr("batch.done")))
	}
	var rows []fyne.CanvasObject
	for i, p := range b.items {
		rows = append(rows, batchRow(p, b.status[i]))
	}
	per := 3
	if k.bigText {
		per = 2
	}
	pg := k.newPager(rows, per)
	pg.page = min(b.at, len(rows)-1) / per
	pg.turn(0)
	controls = append(controls, k.button(tr("courier.menu"), theme.MenuIcon(), k.showCourierMenu))
	return arrange(container.NewVBox(container.NewVBox(lines...), pg.content), controls...)
}

// notice follows the door open for the courier.
func (s *batchScreen) notice(k *Kiosk, n doorNotice) {
	b := s.b
	if b.open.ID == 0 || n.Door.ID != b.open.ID {
		return
	}
	switch n.Kind {
	case lockio.EventLeftOpen:
		k.showLeftOpen(b.open, func() { k.batchDoorClosed(b) })
	case lockio.EventClosed:
		k.batchDoorClosed(b)
	case lockio.EventDidNotOpen:
		k.batchDidNotOpen(b)
	}
}

func batchRow(p Parcel, status string) fyne.CanvasObject {
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
func (k *Kiosk) batchNext(b *batch) {
	c := k.courier
	if c == nil || b.at >= len(b.items) {
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
					k.batchNext(b) // one broken door does not stop the round
					return
				}
				k.showBatch(b)
				return
			}
			b.status[b.at], b.open = "open", d
			k.play(SoundOpen)
			k.showBatch(b)
		})
	})
}

// batchDoorClosed: the courier took the parcel; the next door opens.
func (k *Kiosk) batchDoorClosed(b *batch) {
	if b.open.ID == 0 {
		return
	}
	b.status[b.at], b.open = "done", core.Door{}
	b.at++
	if b.at < len(b.items) {
		k.batchNext(b)
		return
	}
	k.showBatch(b)
}

func (k *Kiosk) batchDidNotOpen(b *batch) {
	if b.at >= len(b.items) {
		return
	}
	k.log.Warn("batch door did not open", "door", b.open.ID)
	b.status[b.at], b.open = "failed", core.Door{}
	b.at++
	k.showBatch(b)
}
