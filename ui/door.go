package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"pudo/app/core"
	"pudo/lockio"
)

// doorKind is why a door is open; it picks the words and the controls.
type doorKind int

const (
	doorPickup doorKind = iota // a shopper takes a parcel
	doorDrop                   // a courier puts a parcel in
	doorReturn                 // a shopper puts a return in
)

var doorWhat = map[doorKind]string{
	doorPickup: "door.take",
	doorDrop:   "door.put",
	doorReturn: "door.put.return",
}

// openingScreen is shown while a door is being opened.
type openingScreen struct{}

func (k *Kiosk) showOpening() { k.show(&openingScreen{}) }

func (s *openingScreen) idle() idleRule { return idleNever }

func (s *openingScreen) draw(*Kiosk) fyne.CanvasObject {
	return container.NewCenter(title(tr("door.opening")))
}

// doorScreen names the open door in big type and lights it on the map of
// the locker, so the person finds it at a glance; it follows that door.
type doorScreen struct {
	door core.Door
	kind doorKind
	more int    // parcels still to come under the same code
	code string // a walk-in's pickup code for the recipient, "" when none
	// closed runs when the door closes, didNotOpen when the board says it
	// never opened.
	closed, didNotOpen func()
}

func (k *Kiosk) showDoor(s *doorScreen) { k.show(s) }

func (s *doorScreen) idle() idleRule { return idleNever }

func (s *doorScreen) draw(k *Kiosk) fyne.CanvasObject {
	d := s.door
	lines := []fyne.CanvasObject{
		bigText(trf("door.number", "Door", d.ID), 96, themed(theme.ColorNamePrimary)),
		say(tr(doorWhat[s.kind])),
	}
	if s.more > 0 {
		lines = append(lines, say(trf("door.more", "N", s.more)))
	}
	var controls []fyne.CanvasObject
	switch s.kind {
	case doorPickup:
		controls = append(controls, k.button(tr("door.notopen"), theme.WarningIcon(), func() { k.showDoorDidNotOpen(d) }))
	case doorDrop, doorReturn:
		controls = append(controls, row(
			k.button(tr("drop.larger"), theme.ViewFullScreenIcon(), k.dropLarger),
			k.button(tr("door.notopen"), theme.WarningIcon(), k.dropDidNotOpen)))
		if s.code != "" {
			lines = append(lines, say(trf("drop.code", "Code", core.FormatCode(s.code))))
		}
	}
	return withMap(container.NewVBox(lines...), doorMap(k.doors, d.ID), controls...)
}

func (s *doorScreen) notice(k *Kiosk, n doorNotice) {
	if n.Door.ID != s.door.ID {
		return
	}
	switch n.Kind {
	case lockio.EventLeftOpen:
		k.showLeftOpen(s.door, s.closed)
	case lockio.EventClosed:
		s.closed()
	case lockio.EventDidNotOpen:
		s.didNotOpen()
	}
}

// leftOpenScreen asks for a door to be closed, with a sound every few
// seconds until it is; then what opened it carries on.
type leftOpenScreen struct {
	door core.Door
	then func()
}

func (k *Kiosk) showLeftOpen(d core.Door, then func()) {
	k.show(&leftOpenScreen{door: d, then: then})
}

func (s *leftOpenScreen) idle() idleRule { return idleNever }

func (s *leftOpenScreen) draw(k *Kiosk) fyne.CanvasObject {
	top := container.NewVBox(title(trf("leftopen.title", "Door", s.door.ID)), say(tr("leftopen.what")))
	s.remind(k)
	return withMap(top, doorMap(k.doors, s.door.ID))
}

func (s *leftOpenScreen) remind(k *Kiosk) {
	k.play(SoundLeftOpen)
	k.later(k.opts.Reminder, func() { s.remind(k) })
}

func (s *leftOpenScreen) notice(_ *Kiosk, n doorNotice) {
	if n.Door.ID == s.door.ID && n.Kind == lockio.EventClosed {
		s.then()
	}
}

// gotItScreen is the bystander guard: after the door closes the shopper
// says whether they got their parcel, and may open the door again for a
// while.
type gotItScreen struct{ reopen bool }

func (k *Kiosk) showDidYouGet() {
	k.show(&gotItScreen{reopen: k.flows.Aftercare != nil && k.pickup != nil})
}

func (s *gotItScreen) idle() idleRule { return idleAsk }

func (s *gotItScreen) draw(k *Kiosk) fyne.CanvasObject {
	yes := k.mainButton(tr("got.yes"), theme.ConfirmIcon(), func() { k.showThanks(tr("thanks.pickup")) })
	empty := k.button(tr("got.empty"), theme.QuestionIcon(), func() { k.report(core.ProblemEmpty) })
	wrong := k.button(tr("got.wrong"), theme.QuestionIcon(), func() { k.report(core.ProblemWrongParcel) })
	controls := []fyne.CanvasObject{row(empty, wrong)}
	if s.reopen {
		again := k.button(tr("got.reopen"), theme.ViewRefreshIcon(), k.reopen)
		controls = append(controls, again)
		k.later(k.opts.ReopenGrace, again.Hide)
	}
	controls = append(controls, yes)
	return arrange(title(tr("got.title")), controls...)
}

func (s *gotItScreen) scanned(k *Kiosk, text string) { k.entryScan(text) }

// thanksScreen thanks the person, then goes back to the start.
type thanksScreen struct{ sub string }

func (k *Kiosk) showThanks(sub string) { k.show(&thanksScreen{sub: sub}) }

func (s *thanksScreen) idle() idleRule { return idleNever }

func (s *thanksScreen) draw(k *Kiosk) fyne.CanvasObject {
	k.later(k.opts.ThanksFor, func() {
		if k.courier != nil {
			k.showCourierMenu()
			return
		}
		k.showHome()
	})
	return arrange(container.NewVBox(bigText(tr("thanks.title"), 72, themed(colorNameGood)), title(s.sub)))
}

func (s *thanksScreen) key(k *Kiosk, kp keyPress) bool { return k.startTyping(kp) }
func (s *thanksScreen) scanned(k *Kiosk, text string)  { k.entryScan(text) }

// doorEvent gives a door notice to the screen on show.
func (k *Kiosk) doorEvent(n doorNotice) {
	if t, ok := k.shown.(noticeTaker); ok {
		t.notice(k, n)
	}
}

// doorNotice is what a door did.
type doorNotice = core.DoorNotice
