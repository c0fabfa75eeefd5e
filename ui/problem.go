package ui

import (
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

// ref is the support reference of a problem at door (0: none) now.
func (k *Kiosk) ref(door int64) Reference {
	return Reference{Locker: k.opts.KioskID, Door: door, At: k.now()}
}

// problemScreen says what went wrong and what to do next, with the support
// contact and a reference that support can look up in the log, and the
// way back: home, or a courier's menu.
type problemScreen struct{ v *app.ProblemView }

func (s *problemScreen) idle() app.Idle { return s.v.Idle() }

func (s *problemScreen) draw(k *Kiosk) fyne.CanvasObject {
	head, what := voice.ProblemKeys(s.v)
	t := title(trf(head, "Door", s.v.Door))
	t.Importance = widget.DangerImportance
	if s.v.Trouble == app.TroubleReported || s.v.Trouble == app.TroubleWrongParcel {
		t.Importance = widget.MediumImportance // nothing failed: it was said and is being seen to
	}
	top := container.NewVBox(t, say(trf(what, "Door", s.v.Door)), newSupport(k.opts.Support, k.ref(s.v.Door)))
	label, icon := tr("common.home"), theme.HomeIcon()
	if s.v.Courier {
		label, icon = tr("courier.menu"), theme.MenuIcon()
	}
	return arrange(top, k.mainButton(label, icon, func() { k.send(app.Back{}) }))
}

func (s *problemScreen) key(k *Kiosk, kp keyPress) bool {
	if s.v.Courier {
		return false
	}
	return k.startTyping(kp)
}

// outOfOrderScreen replaces home while no door can open: it takes no code,
// and the locker refuses any that comes. It goes when the locker says the
// doors are back. The logo still leads staff in.
type outOfOrderScreen struct{ v *app.OutOfOrderView }

func (s *outOfOrderScreen) idle() app.Idle { return s.v.Idle() }

func (s *outOfOrderScreen) draw(k *Kiosk) fyne.CanvasObject {
	k.nightTimer(s, k.applyNight())
	t := title(tr("offline.title"))
	t.Importance = widget.DangerImportance
	ref := Reference{Locker: k.opts.KioskID, Whole: true, At: k.now()}
	top := container.NewVBox(k.logo(), t, say(tr("offline.what")), newSupport(k.opts.Support, ref))
	return arrange(top)
}
