package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"pudo/app"
	"pudo/app/voice"
)

// gotItScreen is the bystander guard: after the door closes the shopper
// says whether they got their parcel, and may open the door again until
// the locker's grace ends.
type gotItScreen struct {
	v *app.GotItView
	c interface {
		doorSteps
		later(d time.Duration, f func()) // unless the screen changes first
	}
	now func() time.Time // for how long the door may still open again
}

func (s *gotItScreen) idle() app.Idle { return s.v.Idle() }

func (s *gotItScreen) draw() fyne.CanvasObject {
	c := s.c
	yes := c.mainButton(tr("got.yes"), theme.ConfirmIcon(), func() { c.send(app.GotIt{}) })
	empty := c.button(tr("got.empty"), theme.QuestionIcon(), func() { c.send(app.Report{What: app.ProblemEmpty}) })
	wrong := c.button(tr("got.wrong"), theme.QuestionIcon(), func() { c.send(app.Report{What: app.ProblemWrongParcel}) })
	controls := []fyne.CanvasObject{c.row(empty, wrong)}
	if !s.v.ReopenUntil.IsZero() {
		again := c.button(tr("got.reopen"), theme.ViewRefreshIcon(), func() { c.sendWaiting(app.Reopen{}) })
		// When the grace ends the button goes but keeps its room, also
		// when the screen is drawn again: the buttons below it stay where
		// a finger is already heading.
		controls = append(controls, container.New(keepSize{again}, again))
		if left := s.v.ReopenUntil.Sub(s.now()); left > 0 {
			c.later(left, again.Hide)
		} else {
			again.Hide()
		}
	}
	controls = append(controls, yes)
	return arrange(title(phraseText(voice.GotTitle(s.v))), controls...)
}

// thanksScreen thanks the person; the session then ends by itself.
type thanksScreen struct {
	v *app.ThanksView
	c interface {
		controls
		send(app.Intent)
		startTyping(kp keyPress) bool
	}
}

func (s *thanksScreen) idle() app.Idle { return s.v.Idle() }

func (s *thanksScreen) draw() fyne.CanvasObject {
	sub, another := tr("thanks.pickup"), tr("thanks.another")
	if s.v.For == app.ThanksReturn {
		sub, another = tr("thanks.return"), tr("thanks.another.return")
	}
	// The same person may have another parcel: it starts here, in their
	// language and text size, until the screen goes home by itself.
	return arrange(container.NewVBox(display(tr("thanks.title"), sizeNameThanks, colorNameGood), title(sub)),
		s.c.mainButton(another, theme.DownloadIcon(), func() { s.c.send(voice.Another(s.v)) }))
}

// key: typing starts the next person's code entry.
func (s *thanksScreen) key(kp keyPress) bool { return s.c.startTyping(kp) }
