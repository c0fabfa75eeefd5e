package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"pudo/app"
)

// doorWhat is what the door screen says once the door was seen open.
var doorWhat = map[app.DoorTask]string{
	app.TaskPickup:  "door.take",
	app.TaskDrop:    "door.put",
	app.TaskReturn:  "door.put.return",
	app.TaskPutBack: "door.putback",
}

// doorSteps is what the screens about a door draw with: their controls
// and the intents they send, the busy screen showing while a door opens.
type doorSteps interface {
	controls
	send(app.Intent)
	sendWaiting(app.Intent)
}

// mapper lays a screen out with the locker's picture beside its text
// (Kiosk.withMap), as the panel's shape allows.
type mapper interface {
	withMap(head, top, doorMap fyne.CanvasObject, controls ...fyne.CanvasObject) fyne.CanvasObject
}

// openingScreen is shown while the locker works on what a person asked
// (a door to open, a login); the view that comes back replaces it.
type openingScreen struct{}

func (s *openingScreen) idle() app.Idle { return app.IdleNever }

// draw centres the text in the panel's width: a wrapped label in a
// centring container is given no width and falls into one letter a line.
func (s *openingScreen) draw() fyne.CanvasObject {
	return arrange(title(tr("door.opening")))
}

// doorScreen names the door in big type and lights it on the map of the
// locker, so the person finds it at a glance. What it says follows the
// door's opening as the locker settled it: opening, open, open so look
// again, or cannot be confirmed. A door a parcel was too big for is to be
// closed first: it is named and marked on the map until it closes. A
// walk-in's recipient code is shown large.
type doorScreen struct {
	v *app.DoorView
	c interface {
		doorSteps
		mapper
	}
	help   contact
	locker lockerFront
}

func (s *doorScreen) idle() app.Idle { return s.v.Idle() }

func (s *doorScreen) draw() fyne.CanvasObject {
	c, v := s.c, s.v
	head := display(trf("door.number", "Door", v.Door.ID), sizeNameDoorTitle, theme.ColorNamePrimary)
	var lines []fyne.CanvasObject
	switch {
	case v.Unconfirmed:
		lines = append(lines, newWarningWithSupport(tr("door.unconfirmed"), s.help.support, s.help.ref(v.Door.ID)))
	case v.LookAgain:
		lines = append(lines, say(tr("door.lookagain")))
	case v.Open():
		lines = append(lines, say(tr(doorWhat[v.Task])))
	default:
		lines = append(lines, say(tr("door.wait")))
	}
	if why := biggerWhy(v); why != "" {
		lines = append(lines, say(why))
	}
	// After what to do with this door: "Door 5" and "is open…" read as
	// one sentence, which the door to close first must not split.
	for _, d := range v.CloseFirst {
		lines = append(lines, warn(trf("door.closefirst", "Door", d.ID)))
	}
	if v.More > 0 {
		lines = append(lines, say(trf("door.more", "N", v.More)))
	}
	if v.Code != "" {
		lines = append(lines, recipientCode(v.Code))
	}
	var controls []fyne.CanvasObject
	if v.Task == app.TaskDrop || v.Task == app.TaskReturn {
		controls = append(controls, c.button(tr("drop.larger"), theme.ViewFullScreenIcon(), func() { c.sendWaiting(app.Larger{}) }))
	}
	controls = append(controls, c.button(tr("door.notopen"), theme.WarningIcon(), func() { c.sendWaiting(app.DidNotOpen{}) }))
	if v.Unconfirmed {
		controls = append(controls, c.button(backLabel(v.Task), theme.HomeIcon(), func() { c.send(app.Back{}) }))
	}
	var closing []int64
	for _, d := range v.CloseFirst {
		closing = append(closing, d.ID)
	}
	return c.withMap(head, container.NewVBox(lines...), s.locker.picture(v.Door.ID, closing, false), c.row(controls...))
}

// recipientCode is a walk-in's pickup code, large, for the courier to
// note, as the door screen and the recipient code screen show it.
func recipientCode(code string) fyne.CanvasObject {
	c := display(app.FormatCode(code), sizeNameCode, theme.ColorNameForeground)
	c.TextStyle.Monospace = true
	return container.NewVBox(say(tr("drop.code.label")), c)
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
// door for a drop-off, then support), whose contact is here too.
type notOpenedScreen struct {
	v    *app.NotOpenedView
	c    doorSteps
	help contact
}

func (s *notOpenedScreen) idle() app.Idle { return s.v.Idle() }

func (s *notOpenedScreen) draw() fyne.CanvasObject {
	c := s.c
	what, label, icon := "drop.notopen.what", "drop.retry", theme.ViewRefreshIcon()
	pickup := s.v.Task == app.TaskPickup || s.v.Task == app.TaskPutBack
	switch {
	case s.v.Retried && pickup:
		what, label, icon = "notopen.again.what", "notopen.tellstaff", theme.WarningIcon()
	case s.v.Retried:
		what, label, icon = "drop.notopen.again.what", "notopen.tellstaff", theme.WarningIcon()
	case pickup:
		what = "notopen.what.pickup"
	}
	t := title(trf("drop.notopen", "Door", s.v.Door.ID))
	top := container.NewVBox(t, say(tr(what)), newSupport(s.help.support, s.help.ref(s.v.Door.ID)))
	return arrange(top, c.mainButton(tr(label), icon, func() { c.sendWaiting(app.DidNotOpen{}) }),
		c.button(backLabel(s.v.Task), theme.HomeIcon(), func() { c.send(app.Back{}) }))
}

// leftOpenScreen asks for a door to be closed, with a sound every few
// seconds until it is.
type leftOpenScreen struct {
	v *app.LeftOpenView
	c interface {
		mapper
		play(name string)
		later(d time.Duration, f func()) // unless the screen changes first
	}
	locker lockerFront
	every  time.Duration // how often the reminder sounds
}

func (s *leftOpenScreen) idle() app.Idle { return s.v.Idle() }

func (s *leftOpenScreen) draw() fyne.CanvasObject {
	top := container.NewVBox(title(trf("leftopen.title", "Door", s.v.Door.ID)), say(tr("leftopen.what")))
	s.remind()
	return s.c.withMap(nil, top, s.locker.picture(s.v.Door.ID, nil, false))
}

func (s *leftOpenScreen) remind() {
	s.c.play(SoundLeftOpen)
	s.c.later(s.every, s.remind)
}

// biggerWhy says why a courier's door is larger than the size chosen: no
// door of that size was free, or none low while low doors came first.
func biggerWhy(v *app.DoorView) string {
	if v.Task != app.TaskDrop || v.Asked == "" || v.Door.Size.Rank() <= v.Asked.Rank() {
		return ""
	}
	key := "door.bigger"
	if v.PreferLow {
		key = "door.bigger.low"
	}
	return trf(key, "Size", tr("size."+string(v.Door.Size)), "Asked", tr("size."+string(v.Asked)))
}
