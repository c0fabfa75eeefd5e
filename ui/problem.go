package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// troubles are what a person is told of each trouble: a title and what to
// do. Raw error text never reaches the screen.
var troubles = map[app.Trouble]struct{ title, what string }{
	app.TroubleOther:          {"problem.title", "problem.what"},
	app.TroubleDidNotOpen:     {"problem.door", "problem.door.what"},
	app.TroubleOutOfService:   {"problem.oos", "problem.oos.what"},
	app.TroubleNoFreeDoor:     {"problem.nofree", "problem.nofree.what"},
	app.TroubleStillOpen:      {"problem.stillopen", "problem.stillopen.what"},
	app.TroubleReopenClosed:   {"problem.reopen", "problem.reopen.what"},
	app.TroubleReported:       {"report.title", "report.what"},
	app.TroubleCourierCode:    {"courier.bad", "courier.bad.what"},
	app.TroubleCourierExpired: {"courier.bad", "courier.expired.what"},
	app.TroubleBeingOpened:    {"problem.being", "problem.being.what"},
	app.TroubleDoorOutOfOrder: {"problem.ooo", "problem.ooo.what"},
	app.TroubleCannotConfirm:  {"problem.confirm", "problem.confirm.what"},
}

// failureText is the one-line text for a trouble, for staff notes.
func failureText(t app.Trouble) string { return tr(troubles[t].title) }

// reference is what support looks a problem up by: kiosk, door, time.
func (k *Kiosk) reference(door int64) string {
	d := "-"
	if door != 0 {
		d = fmt.Sprint(door)
	}
	return fmt.Sprintf("%s / %s / %s", k.opts.KioskID, d, k.now().UTC().Format("2006-01-02 15:04"))
}

// problemScreen says what went wrong and what to do, with a reference that
// support can look up in the log.
type problemScreen struct{ v *app.ProblemView }

func (s *problemScreen) idle() app.Idle { return s.v.Idle() }

func (s *problemScreen) draw(k *Kiosk) fyne.CanvasObject {
	tt := troubles[s.v.Trouble]
	t := title(trf(tt.title, "Door", s.v.Door))
	t.Importance = widget.DangerImportance
	ref := say(trf("problem.ref", "Ref", k.reference(s.v.Door)))
	ref.TextStyle.Monospace = true
	top := container.NewVBox(k.logo(), t, say(tr(tt.what)), ref)
	return arrange(top, k.mainButton(tr("common.home"), theme.HomeIcon(), func() { k.send(app.Back{}) }))
}

func (s *problemScreen) key(k *Kiosk, kp keyPress) bool { return k.startTyping(kp) }

// outOfOrderScreen replaces home while no door can open: it takes no code,
// and the locker refuses any that comes. It goes when the locker says the
// doors are back. The logo still leads staff in.
type outOfOrderScreen struct{ v *app.OutOfOrderView }

func (s *outOfOrderScreen) idle() app.Idle { return s.v.Idle() }

func (s *outOfOrderScreen) draw(k *Kiosk) fyne.CanvasObject {
	k.nightTimer(s, k.applyNight())
	top := container.NewVBox(k.logo(), title(tr("offline.title")), say(tr("offline.what")),
		say(trf("problem.ref", "Ref", k.reference(0))))
	return arrange(top)
}
