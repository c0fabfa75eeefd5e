package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"pudo/app"
)

// doorWhat is what the door screen says once the door was seen open.
var doorWhat = map[app.DoorTask]string{
	app.TaskPickup: "door.take",
	app.TaskDrop:   "door.put",
	app.TaskReturn: "door.put.return",
}

// openingScreen is shown while the locker works on what a person asked
// (a door to open, a login); the view that comes back replaces it.
type openingScreen struct{}

func (s *openingScreen) idle() app.Idle { return app.IdleNever }

func (s *openingScreen) draw(*Kiosk) fyne.CanvasObject {
	return container.NewCenter(title(tr("door.opening")))
}

// doorScreen names the door in big type and lights it on the map of the
// locker, so the person finds it at a glance. What it says follows the
// door's opening as the locker settled it: opening, open, open so look
// again, or cannot be confirmed.
type doorScreen struct{ v *app.DoorView }

func (s *doorScreen) idle() app.Idle { return s.v.Idle() }

func (s *doorScreen) draw(k *Kiosk) fyne.CanvasObject {
	v := s.v
	lines := []fyne.CanvasObject{bigText(trf("door.number", "Door", v.Door.ID), 96, themed(theme.ColorNamePrimary))}
	switch {
	case v.Unconfirmed:
		lines = append(lines, warn(tr("door.unconfirmed")))
	case v.LookAgain:
		lines = append(lines, say(tr("door.lookagain")))
	case v.Open():
		lines = append(lines, say(tr(doorWhat[v.Task])))
	default:
		lines = append(lines, say(tr("door.wait")))
	}
	if v.More > 0 {
		lines = append(lines, say(trf("door.more", "N", v.More)))
	}
	if v.Code != "" {
		lines = append(lines, say(trf("drop.code", "Code", formatCode(v.Code))))
	}
	notOpen := k.button(tr("door.notopen"), theme.WarningIcon(), func() { k.sendWaiting(app.DidNotOpen{}) })
	var controls []fyne.CanvasObject
	switch v.Task {
	case app.TaskPickup:
		controls = append(controls, notOpen)
	default:
		controls = append(controls, row(
			k.button(tr("drop.larger"), theme.ViewFullScreenIcon(), func() { k.sendWaiting(app.Larger{}) }), notOpen))
	}
	if v.Unconfirmed {
		controls = append(controls, k.button(backLabel(v.Task), theme.HomeIcon(), func() { k.send(app.Back{}) }))
	}
	return withMap(container.NewVBox(lines...), doorMap(k.doors, v.Door.ID), controls...)
}

// backLabel is where Back leads from a door: a courier's menu, or home.
func backLabel(t app.DoorTask) string {
	if t == app.TaskDrop {
		return tr("courier.menu")
	}
	return tr("common.home")
}

// notOpenedScreen: the door's opening settled as not opened. "Try again"
// is the person's report, which the locker answers (one retry, another
// door for a drop-off, then support).
type notOpenedScreen struct{ v *app.NotOpenedView }

func (s *notOpenedScreen) idle() app.Idle { return s.v.Idle() }

func (s *notOpenedScreen) draw(k *Kiosk) fyne.CanvasObject {
	what := "drop.notopen.what"
	if s.v.Task == app.TaskPickup {
		what = "notopen.what.pickup"
	}
	top := container.NewVBox(title(trf("drop.notopen", "Door", s.v.Door.ID)), say(tr(what)))
	return arrange(top, k.mainButton(tr("drop.retry"), theme.ViewRefreshIcon(), func() { k.sendWaiting(app.DidNotOpen{}) }),
		k.button(backLabel(s.v.Task), theme.HomeIcon(), func() { k.send(app.Back{}) }))
}

// leftOpenScreen asks for a door to be closed, with a sound every few
// seconds until it is.
type leftOpenScreen struct{ v *app.LeftOpenView }

func (s *leftOpenScreen) idle() app.Idle { return s.v.Idle() }

func (s *leftOpenScreen) draw(k *Kiosk) fyne.CanvasObject {
	top := container.NewVBox(title(trf("leftopen.title", "Door", s.v.Door.ID)), say(tr("leftopen.what")))
	s.remind(k)
	return withMap(top, doorMap(k.doors, s.v.Door.ID))
}

func (s *leftOpenScreen) remind(k *Kiosk) {
	k.play(SoundLeftOpen)
	k.later(k.opts.Reminder, func() { s.remind(k) })
}
