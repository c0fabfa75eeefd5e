package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"pudo/app"
)

// asking is what a question's screen draws with: its two buttons, and the
// way the answer goes to the sessions.
type asking interface {
	controls
	send(app.Intent)
}

// askOpenedScreen asks a shopper what no sensor could tell: did the door
// open, and is the parcel in their hands? Yes and No sit where nothing
// else stood a moment before: the screen comes up on the locker's word,
// not the person's tap.
type askOpenedScreen struct {
	v *app.AskOpenedView
	c asking
}

func (s *askOpenedScreen) idle() app.Idle { return s.v.Idle() }

func (s *askOpenedScreen) draw() fyne.CanvasObject {
	return askDraw(s.c, trf("ask.opened.title", "Door", s.v.Door.ID), tr("ask.opened.what"),
		tr("ask.opened.yes"), tr("ask.opened.no"))
}

// askInDoorScreen asks a courier (or a shopper returning a parcel)
// whether the parcel is in the door.
type askInDoorScreen struct {
	v *app.AskInDoorView
	c asking
}

func (s *askInDoorScreen) idle() app.Idle { return s.v.Idle() }

func (s *askInDoorScreen) draw() fyne.CanvasObject {
	return askDraw(s.c, trf("ask.indoor.title", "Door", s.v.Door.ID), tr("ask.indoor.what"),
		tr("ask.indoor.yes"), tr("ask.indoor.no"))
}

// askDraw lays a yes-or-no question out: the question, why it is asked,
// No beside Yes right under it, in the middle of the panel. The bar at
// the bottom, where every screen before it keeps its actions, stays
// empty: the question comes up on the locker's word, and a tap meant for
// the screen before must find nothing there to answer it.
func askDraw(c asking, question, why, yes, no string) fyne.CanvasObject {
	y := c.mainButton(yes, theme.ConfirmIcon(), func() { c.send(app.Answer{Yes: true}) })
	n := c.button(no, theme.CancelIcon(), func() { c.send(app.Answer{Yes: false}) })
	return arrange(container.NewVBox(title(question), say(why), c.row(n, y)))
}
