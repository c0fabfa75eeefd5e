package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"pudo/app/core"
	"pudo/lockio"
)

// doorWatch is the door a person was sent to and what its events mean.
type doorWatch struct {
	id       int64
	onClosed func()
	onDidNot func() // the board says the door never opened
}

// doorKind is why a door is open; it picks the words and the controls.
type doorKind int

const (
	doorPickup   doorKind = iota // a shopper takes a parcel
	doorDrop                     // a courier puts a parcel in
	doorReturn                   // a shopper puts a return in
	doorTakeBack                 // a courier takes an expired parcel or a return
)

func (k *Kiosk) showOpening() {
	k.show("opening", container.NewCenter(title(tr("door.opening"))), idleNever)
}

// showDoor names the open door in big type and lights it on the map of the
// locker, so the person finds it at a glance.
func (k *Kiosk) showDoor(d core.Door, kind doorKind, more int) {
	k.watch = doorWatch{id: d.ID}
	lines := []fyne.CanvasObject{
		bigText(trf("door.number", "Door", d.ID), 96, themed(theme.ColorNamePrimary)),
		say(tr(doorWhat[kind])),
	}
	if more > 0 {
		lines = append(lines, say(trf("door.more", "N", more)))
	}
	var controls []fyne.CanvasObject
	switch kind {
	case doorPickup:
		k.watch.onClosed = k.pickupDoorClosed
		k.watch.onDidNot = func() { k.showDoorDidNotOpen(d) }
		controls = append(controls, k.button(tr("door.notopen"), theme.WarningIcon(), func() { k.showDoorDidNotOpen(d) }))
	case doorDrop, doorReturn:
		k.watch.onClosed = k.dropDoorClosed
		k.watch.onDidNot = k.showDropNotOpen
		controls = append(controls, row(
			k.button(tr("drop.larger"), theme.ViewFullScreenIcon(), k.dropLarger),
			k.button(tr("door.notopen"), theme.WarningIcon(), k.dropDidNotOpen)))
		if code := k.dropCode(); code != "" {
			lines = append(lines, say(trf("drop.code", "Code", core.FormatCode(code))))
		}
	case doorTakeBack:
		k.watch.onClosed = k.batchDoorClosed
		k.watch.onDidNot = k.batchDidNotOpen
		controls = append(controls, k.button(tr("door.notopen"), theme.WarningIcon(), k.batchDidNotOpen))
	}
	k.show("door", withMap(container.NewVBox(lines...), doorMap(k.doors, d.ID), controls...), idleNever)
}

var doorWhat = map[doorKind]string{
	doorPickup:   "door.take",
	doorDrop:     "door.put",
	doorReturn:   "door.put.return",
	doorTakeBack: "door.takeback",
}

// doorEvent follows the door a person was sent to, and any door left open.
func (k *Kiosk) doorEvent(n core.DoorNotice) {
	if k.screen == "admin.doors" {
		k.showAdminDoors()
	}
	w := k.watch
	switch n.Kind {
	case lockio.EventLeftOpen:
		if n.Door.ID == w.id || k.screen == "home" {
			k.showLeftOpen(n.Door)
		}
	case lockio.EventClosed:
		if n.Door.ID == w.id && w.onClosed != nil {
			k.watch = doorWatch{}
			w.onClosed()
		}
	case lockio.EventDidNotOpen:
		if n.Door.ID == w.id && w.onDidNot != nil {
			w.onDidNot()
		}
	}
}

// showLeftOpen asks for a door to be closed, with a sound every few
// seconds until it is; then the flow that opened it carries on.
func (k *Kiosk) showLeftOpen(d core.Door) {
	w := k.watch
	if w.id != d.ID {
		w = doorWatch{id: d.ID, onClosed: k.showHome}
	}
	top := container.NewVBox(title(trf("leftopen.title", "Door", d.ID)), say(tr("leftopen.what")))
	k.show("leftopen", withMap(top, doorMap(k.doors, d.ID)), idleNever)
	k.watch = w
	k.remind()
}

func (k *Kiosk) remind() {
	k.play(SoundLeftOpen)
	k.later(k.opts.Reminder, k.remind)
}

// showDidYouGet is the bystander guard: after the door closes the shopper
// says whether they got their parcel, and may open the door again for a
// while.
func (k *Kiosk) showDidYouGet() {
	yes := k.mainButton(tr("got.yes"), theme.ConfirmIcon(), func() { k.showThanks(tr("thanks.pickup")) })
	empty := k.button(tr("got.empty"), theme.QuestionIcon(), func() { k.report("empty") })
	wrong := k.button(tr("got.wrong"), theme.QuestionIcon(), func() { k.report("wrong-parcel") })
	controls := []fyne.CanvasObject{row(empty, wrong)}
	var again fyne.CanvasObject
	if k.flows.Aftercare != nil && k.pickup != nil {
		again = k.button(tr("got.reopen"), theme.ViewRefreshIcon(), k.reopen)
		controls = append(controls, again)
	}
	controls = append(controls, yes)
	k.show("gotit", screen(title(tr("got.title")), controls...), idleAsk)
	if again != nil {
		k.later(k.opts.ReopenGrace, again.Hide)
	}
}

func (k *Kiosk) showThanks(sub string) {
	k.watch = doorWatch{}
	k.show("thanks", screen(container.NewVBox(
		bigText(tr("thanks.title"), 72, themed(colorNameGood)), title(sub))), idleNever)
	k.later(k.opts.ThanksFor, func() {
		if k.courier != nil {
			k.showCourierMenu()
			return
		}
		k.showHome()
	})
}
