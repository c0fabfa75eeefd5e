package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// batchNames are the batch lists' titles and statuses, by kind.
var (
	batchTitle  = map[app.BatchKind]string{app.BatchExpired: "batch.expired", app.BatchReturns: "batch.returns"}
	batchStatus = map[app.BatchStatus]string{app.BatchWaiting: "batch.status.wait", app.BatchOpening: "batch.status.opening",
		app.BatchOpen: "batch.status.open", app.BatchDone: "batch.status.done", app.BatchFailed: "batch.status.failed"}
)

// batchScreen is a courier's list, with the door open now in big type
// above it; the next door opens when the one before closes.
type batchScreen struct {
	v *app.BatchView
	c interface {
		courierTasks
		newPager(items []fyne.CanvasObject, perPage int) *pager
	}
	bigText bool // the shopper's switch: fewer rows a page
}

func (s *batchScreen) idle() app.Idle { return s.v.Idle() }

func (s *batchScreen) draw() fyne.CanvasObject {
	c, v := s.c, s.v
	var lines, controls []fyne.CanvasObject
	switch {
	case len(v.Items) == 0:
		lines = append(lines, title(tr(batchTitle[v.Kind])), say(tr("batch.none")))
	case v.Active():
		what := "door.wait"
		switch {
		case v.LookAgain:
			what = "door.lookagain"
		case v.Items[v.At].Status == app.BatchOpen:
			what = "door.takeback"
		}
		lines = append(lines, display(trf("door.number", "Door", v.Door.ID), sizeNameCode, theme.ColorNamePrimary), say(tr(what)))
		controls = append(controls, c.button(tr("door.notopen"), theme.WarningIcon(), func() { c.sendWaiting(app.DidNotOpen{}) }))
	case v.At < len(v.Items):
		lines = append(lines, title(tr(batchTitle[v.Kind])))
		controls = append(controls, c.mainButton(trf("batch.start", "N", len(v.Items)-v.At), theme.MediaPlayIcon(),
			func() { c.sendWaiting(app.OpenNext{}) }))
	default:
		lines = append(lines, title(tr(batchTitle[v.Kind])), say(tr("batch.done")))
	}
	var rows []fyne.CanvasObject
	for _, it := range v.Items {
		rows = append(rows, batchRow(it))
	}
	per := 3
	if s.bigText {
		per = 2
	}
	pg := c.newPager(rows, per)
	pg.page = min(v.At, len(rows)-1) / per
	pg.turn(0)
	controls = append(controls, c.button(tr("courier.menu"), theme.MenuIcon(), func() { c.send(app.Back{}) }))
	return arrange(container.NewVBox(container.NewVBox(lines...), pg.content), controls...)
}

func batchRow(it app.BatchItem) fyne.CanvasObject {
	l := line(fmt.Sprintf("%s   %s   %s", trf("door.number", "Door", it.Rent.DoorID), it.Rent.ParcelRef, tr(batchStatus[it.Status])))
	switch it.Status {
	case app.BatchOpening, app.BatchOpen:
		l.Importance = widget.HighImportance
	case app.BatchFailed:
		l.Importance = widget.DangerImportance
	case app.BatchDone:
		l.Importance = widget.SuccessImportance
	}
	return l
}
