package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"pudo/app"
	"pudo/app/voice"
)

// gotItScreen is the bystander guard: after the door closes the shopper
// says whether they got their parcel, and may open the door again until
// the locker's grace ends.
type gotItScreen struct{ v *app.GotItView }

func (s *gotItScreen) idle() app.Idle { return s.v.Idle() }

func (s *gotItScreen) draw(k *Kiosk) fyne.CanvasObject {
	yes := k.mainButton(tr("got.yes"), theme.ConfirmIcon(), func() { k.send(app.GotIt{}) })
	empty := k.button(tr("got.empty"), theme.QuestionIcon(), func() { k.send(app.Report{What: app.ProblemEmpty}) })
	wrong := k.button(tr("got.wrong"), theme.QuestionIcon(), func() { k.send(app.Report{What: app.ProblemWrongParcel}) })
	controls := []fyne.CanvasObject{k.row(empty, wrong)}
	if !s.v.ReopenUntil.IsZero() {
		again := k.button(tr("got.reopen"), theme.ViewRefreshIcon(), func() { k.sendWaiting(app.Reopen{}) })
		// When the grace ends the button goes but keeps its room, also
		// when the screen is drawn again: the buttons below it stay where
		// a finger is already heading.
		controls = append(controls, container.New(keepSize{again}, again))
		if left := s.v.ReopenUntil.Sub(k.now()); left > 0 {
			k.later(left, again.Hide)
		} else {
			again.Hide()
		}
	}
	controls = append(controls, yes)
	return arrange(title(phraseText(voice.GotTitle(s.v))), controls...)
}

// thanksScreen thanks the person; the session then ends by itself.
type thanksScreen struct{ v *app.ThanksView }

func (s *thanksScreen) idle() app.Idle { return s.v.Idle() }

func (s *thanksScreen) draw(k *Kiosk) fyne.CanvasObject {
	sub, another := tr("thanks.pickup"), tr("thanks.another")
	if s.v.For == app.ThanksReturn {
		sub, another = tr("thanks.return"), tr("thanks.another.return")
	}
	// The same person may have another parcel: it starts here, in their
	// language and text size, until the screen goes home by itself.
	return arrange(container.NewVBox(display(tr("thanks.title"), sizeNameThanks, colorNameGood), title(sub)),
		k.mainButton(another, theme.DownloadIcon(), func() { k.send(voice.Another(s.v)) }))
}

// key: typing starts the next person's code entry.
func (s *thanksScreen) key(k *Kiosk, kp keyPress) bool { return k.startTyping(kp) }
