package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// adminAlertsScreen lists, first at login, the alerts nobody acknowledged
// yet: guessing limits, doors forced open or not opening, flapping
// sensors, failed self-tests. Staff acknowledge them, or look at the
// doors first (the tabs); unacknowledged, they come back at the next login.
type adminAlertsScreen struct {
	v *app.StaffAlertsView
	c staffDesk
}

func (s *adminAlertsScreen) idle() app.Idle { return s.v.Idle() }
func (*adminAlertsScreen) staffLook()       {}

func (s *adminAlertsScreen) draw() fyne.CanvasObject {
	c := s.c
	var rows []fyne.CanvasObject
	if s.v.Failed {
		rows = append(rows, warn(failureText(app.TroubleOther)))
	}
	for _, a := range s.v.Alerts {
		rows = append(rows, alertRow(a))
	}
	if s.v.More > 0 {
		rows = append(rows, say(trf("alerts.more", "N", s.v.More)))
	}
	var acts slots
	if len(s.v.Alerts) > 0 {
		acts[0] = c.mainButton(tr("alerts.ack"), theme.ConfirmIcon(), func() { c.send(app.AckAlerts{}) })
	}
	acts[1] = c.button(tr("alerts.doors"), theme.GridIcon(), func() { c.send(app.ShowSection{Section: app.SectionDoors}) })
	return c.adminFrame(noSection, trf("alerts.title", "N", len(s.v.Alerts)+s.v.More),
		container.NewVBox(rows...), staffNote{}, acts)
}

// alertRow is one open alert in plain words; a guessing limit says how
// many wrong entries, and until when entry is paused.
func alertRow(a app.Alert) fyne.CanvasObject {
	at := a.At.Local().Format("02.01 15:04")
	text := eventText(a.Event)
	if g := a.Guess; g != nil {
		what := "alerts.guess.codes"
		if g.Staff {
			what = "alerts.guess.pins"
		}
		text = trf(what, "N", g.Wrong)
		if !g.PausedUntil.IsZero() {
			text += " " + trf("alerts.guess.paused", "Time", g.PausedUntil.Local().Format("15:04"))
		}
	}
	if a.Repeats > 0 {
		text += " " + trf("alerts.repeats", "N", a.Repeats+1)
	}
	l := widget.NewLabel(at + "   " + text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	return l
}
