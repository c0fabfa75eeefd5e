package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"pudo/app"
)

// askOpenedScreen asks a shopper what no sensor could tell: did the door
// open, and is the parcel in their hands? Yes and No sit where nothing
// else stood a moment before: the screen comes up on the locker's word,
// not the person's tap.
type askOpenedScreen struct{ v *app.AskOpenedView }

func (s *askOpenedScreen) idle() app.Idle { return s.v.Idle() }

func (s *askOpenedScreen) draw(k *Kiosk) fyne.CanvasObject {
	return askDraw(k, trf("ask.opened.title", "Door", s.v.Door.ID), tr("ask.opened.what"),
		tr("ask.opened.yes"), tr("ask.opened.no"))
}

// askInDoorScreen asks a courier (or a shopper returning a parcel)
// whether the parcel is in the door.
type askInDoorScreen struct{ v *app.AskInDoorView }

func (s *askInDoorScreen) idle() app.Idle { return s.v.Idle() }

func (s *askInDoorScreen) draw(k *Kiosk) fyne.CanvasObject {
	return askDraw(k, trf("ask.indoor.title", "Door", s.v.Door.ID), tr("ask.indoor.what"),
		tr("ask.indoor.yes"), tr("ask.indoor.no"))
}

// askDraw lays a yes-or-no question out: the question, why it is asked,
// No beside Yes right under it, in the middle of the panel. The bar at
// the bottom, where every screen before it keeps its actions, stays
// empty: the question comes up on the locker's word, and a tap meant for
// the screen before must find nothing there to answer it.
func askDraw(k *Kiosk, question, why, yes, no string) fyne.CanvasObject {
	y := k.mainButton(yes, theme.ConfirmIcon(), func() { k.send(app.Answer{Yes: true}) })
	n := k.button(no, theme.CancelIcon(), func() { k.send(app.Answer{Yes: false}) })
	return arrange(container.NewVBox(title(question), say(why), k.row(n, y)))
}
