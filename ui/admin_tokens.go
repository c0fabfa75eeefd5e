package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"pudo/app"
)

// adminTokensScreen lists the operator's tokens this locker knows (a
// courier's QR, a staff badge, an app pickup token), the latest seen first,
// each with a button that revokes it here at once, the PIN asked again
// first. It is reached from the settings.
type adminTokensScreen struct {
	v *app.StaffTokensView
	c staffList
}

func (s *adminTokensScreen) idle() app.Idle { return s.v.Idle() }
func (*adminTokensScreen) staffLook()       {}

func (s *adminTokensScreen) draw() fyne.CanvasObject {
	var rows []fyne.CanvasObject
	for _, t := range s.v.Tokens {
		rows = append(rows, s.row(t))
	}
	if s.v.Failed {
		rows = []fyne.CanvasObject{warn(failureText(app.TroubleOther))}
	} else if len(rows) == 0 {
		rows = []fyne.CanvasObject{say(tr("admin.none"))}
	}
	pg := s.c.newFillingPager(rows, rowsPerPage(s.c, 5, 9))
	return s.c.adminFrame(app.SectionSettings, tr("admin.tokens.title"), pg.content, noteOf(s.v.Note), slots{})
}

// row is one token: whose, what, until when, when last seen, and Revoke
// (or that it is revoked).
func (s *adminTokensScreen) row(t app.Token) fyne.CanvasObject {
	text := tokenName(t)
	if !t.Expires.IsZero() {
		text += "   " + trf("admin.tokens.until", "Time", t.Expires.Local().Format("02.01 15:04"))
	}
	if !t.LastSeen.IsZero() {
		text += "   " + trf("admin.tokens.seen", "Time", t.LastSeen.Local().Format("02.01 15:04"))
	}
	l := line(text)
	if !t.Revoked.IsZero() {
		r := widget.NewLabel(tr("admin.tokens.isrevoked"))
		r.Importance = widget.DangerImportance
		return container.NewBorder(nil, nil, nil, r, l)
	}
	ref := t.Ref
	b := s.c.button(tr("admin.tokens.revoke"), theme.CancelIcon(), func() { s.c.send(app.RevokeToken{Ref: ref}) })
	return container.NewBorder(nil, nil, nil, b, l)
}

// tokenName says whose a token is in words: "Staff badge: anna", "Courier
// QR: dhl-7 (DHL)", "App pickup: parcel 12"; a token revoked before it was
// seen by the start of its ref.
func tokenName(t app.Token) string {
	switch t.Kind {
	case "courier":
		if t.Carrier != "" {
			return trf("admin.tokens.courier", "Who", fmt.Sprintf("%s (%s)", t.Subject, t.Carrier))
		}
		return trf("admin.tokens.courier", "Who", t.Subject)
	case "staff":
		return trf("admin.tokens.staff", "Who", t.Subject)
	case "pickup":
		return trf("admin.tokens.pickup", "Who", t.Subject)
	}
	ref := t.Ref
	if len(ref) > 8 {
		ref = ref[:8]
	}
	return trf("admin.tokens.unseen", "Ref", ref)
}
