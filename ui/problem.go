package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
	"pudo/app/voice"
)

// troubles are what a person is told of each trouble: a title and what to
// do next. Raw error text never reaches the screen.
var troubles = map[app.Trouble]struct{ title, what string }{
	app.TroubleOther:           {"problem.title", "problem.what"},
	app.TroubleDidNotOpen:      {"problem.door", "problem.door.what"},
	app.TroubleOutOfService:    {"problem.oos", "problem.oos.what"},
	app.TroubleNoFreeDoor:      {"problem.nofree", "problem.nofree.what"},
	app.TroubleStillOpen:       {"problem.stillopen", "problem.stillopen.what"},
	app.TroubleReopenClosed:    {"problem.reopen", "problem.reopen.what"},
	app.TroubleReported:        {"report.title", "report.what"},
	app.TroubleCourierCode:     {"courier.bad", "courier.bad.what"},
	app.TroubleCourierExpired:  {"courier.bad", "courier.expired.what"},
	app.TroubleCourierRevoked:  {"courier.revoked.title", "courier.revoked.what"},
	app.TroubleBeingOpened:     {"problem.being", "problem.being.what"},
	app.TroubleDoorOutOfOrder:  {"problem.ooo", "problem.ooo.what"},
	app.TroubleCannotConfirm:   {"problem.confirm", "problem.confirm.what"},
	app.TroubleWrongParcel:     {"wrongparcel.title", "wrongparcel.what"},
	app.TroubleWrongParcelKept: {"wrongparcel.kept", "wrongparcel.kept.what"},
}

// failureText is the one-line text for a trouble, for staff notes.
func failureText(t app.Trouble) string { return tr(troubles[t].title) }

// troubleTelling is what a problem screen draws with: the way back, and,
// for a shopper, the keyboard's way to a code typed at once.
type troubleTelling interface {
	controls
	send(app.Intent)
	startTyping(kp keyPress) bool
}

// problemScreen says what went wrong and what to do next, with the support
// contact and a reference that support can look up in the log, and the
// way back: home, or a courier's menu.
type problemScreen struct {
	v    *app.ProblemView
	c    troubleTelling
	help contact
}

func (s *problemScreen) idle() app.Idle { return s.v.Idle() }

func (s *problemScreen) draw() fyne.CanvasObject {
	head, what := voice.ProblemKeys(s.v)
	t := title(trf(head, "Door", s.v.Door))
	t.Importance = widget.DangerImportance
	if s.v.Trouble == app.TroubleReported || s.v.Trouble == app.TroubleWrongParcel {
		t.Importance = widget.MediumImportance // nothing failed: it was said and is being seen to
	}
	top := container.NewVBox(t, say(trf(what, "Door", s.v.Door)), newSupport(s.help.support, s.help.ref(s.v.Door)))
	label, icon := tr("common.home"), theme.HomeIcon()
	if s.v.Courier {
		label, icon = tr("courier.menu"), theme.MenuIcon()
	}
	return arrange(top, s.c.mainButton(label, icon, func() { s.c.send(app.Back{}) }))
}

func (s *problemScreen) key(kp keyPress) bool {
	if s.v.Courier {
		return false
	}
	return s.c.startTyping(kp)
}

// waiting is what a screen that waits for people draws with: the logo,
// which leads staff in, and the style that follows the hour (night), kept
// as the hour changes while s shows.
type waiting interface {
	logo() fyne.CanvasObject
	applyNight() (next time.Time)
	nightTimer(s screen, next time.Time)
}

// outOfOrderScreen replaces home while no door can open: it takes no code,
// and the locker refuses any that comes. It goes when the locker says the
// doors are back. The logo still leads staff in.
type outOfOrderScreen struct {
	v    *app.OutOfOrderView
	c    waiting
	help contact
}

func (s *outOfOrderScreen) idle() app.Idle { return s.v.Idle() }

func (s *outOfOrderScreen) draw() fyne.CanvasObject {
	s.c.nightTimer(s, s.c.applyNight())
	t := title(tr("offline.title"))
	t.Importance = widget.DangerImportance
	top := container.NewVBox(s.c.logo(), t, say(tr("offline.what")), newSupport(s.help.support, s.help.whole()))
	return arrange(top)
}
