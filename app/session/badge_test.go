package session_test

import (
	"testing"
	"time"

	"pudo/app"
	"pudo/app/apptest"
)

// A staff badge scanned on home, or on the PIN pad, opens the pad for its
// holder; the shared pad's pause never holds a badge holder up; a wrong
// PIN with a badge keeps that person's pad; a badge that signs nobody in
// here says so.
func TestBadgeOpensThePadForItsHolder(t *testing.T) {
	h := newHarness(t)
	h.eng.AddStaff("73910482", "anna")
	h.f.Start(h.ctx)
	badge := apptest.BadgePrefix + "anna"

	// Someone guessed at the shared pad: it is paused.
	h.eng.PausePINPad(h.now.Add(3 * time.Minute))
	h.f.Tap(h.ctx, app.StaffGesture{})
	if v, ok := h.f.Tap(h.ctx, app.EnterPIN{PIN: "73910482"}).(*app.PINView); !ok || v.Refusal != app.PINPaused {
		t.Fatalf("the right PIN on the paused shared pad: %#v", h.f.View())
	}
	// Anna's badge, scanned on the paused pad, asks her PIN.
	if v, ok := h.f.Scan(h.ctx, badge).(*app.PINView); !ok || v.Badge != "anna" || v.Refusal != app.PINNone {
		t.Fatalf("badge on the paused pad: %#v", h.f.View())
	}
	if v, ok := h.f.Tap(h.ctx, app.EnterPIN{PIN: "00000000"}).(*app.PINView); !ok || v.Badge != "anna" || v.Refusal != app.PINWrong {
		t.Fatalf("a wrong PIN with the badge: %#v", h.f.View())
	}
	v := h.f.Tap(h.ctx, app.EnterPIN{PIN: "73910482"})
	switch v.(type) {
	case *app.StaffDoorsView, *app.StaffAlertsView:
	default:
		t.Fatalf("the right PIN with the badge, the shared pad paused: %#v", v)
	}
	h.f.Tap(h.ctx, app.Logout{})

	// On home, no gesture needed.
	if v, ok := h.f.Scan(h.ctx, badge).(*app.PINView); !ok || v.Badge != "anna" {
		t.Fatalf("badge on home: %#v", h.f.View())
	}
	// Back leaves the badge behind: the shared pad asks the shared way.
	h.f.Tap(h.ctx, app.Back{})
	h.f.Tap(h.ctx, app.StaffGesture{})
	if v, ok := h.f.Tap(h.ctx, app.EnterPIN{PIN: "73910482"}).(*app.PINView); !ok || v.Refusal != app.PINPaused || v.Badge != "" {
		t.Fatalf("the shared pad after a badge left: %#v", h.f.View())
	}
	// A badge of nobody here.
	if v, ok := h.f.Scan(h.ctx, apptest.BadgePrefix+"mallory").(*app.PINView); !ok || v.Refusal != app.PINBadgeRefused || v.Badge != "" {
		t.Fatalf("a badge of nobody here: %#v", h.f.View())
	}
	if v, ok := h.f.Tap(h.ctx, app.EnterPIN{PIN: "73910482"}).(*app.PINView); !ok || v.Refusal != app.PINPaused {
		t.Fatalf("after a refused badge the pad is the shared one: %#v", h.f.View())
	}
}

// Staff see the tokens the locker knows and revoke one, the PIN asked
// again first.
func TestStaffRevokeAToken(t *testing.T) {
	h := newHarness(t)
	h.eng.AddStaff("73910482", "anna")
	h.eng.AddToken(app.Token{Ref: "aa", Kind: "courier", Subject: "dhl-7", Carrier: "DHL", Expires: h.now.Add(time.Hour), LastSeen: h.now})
	h.f.Start(h.ctx)
	h.f.Tap(h.ctx, app.StaffGesture{})
	h.f.Tap(h.ctx, app.EnterPIN{PIN: "73910482"})
	v, ok := h.f.Tap(h.ctx, app.ShowSection{Section: app.SectionTokens}).(*app.StaffTokensView)
	if !ok || len(v.Tokens) != 1 || v.Tokens[0].Subject != "dhl-7" {
		t.Fatalf("tokens: %#v", h.f.View())
	}
	if a, ok := h.f.Tap(h.ctx, app.RevokeToken{Ref: "aa"}).(*app.PINAgainView); !ok || a.For != app.ConfirmRevoke || a.Token.Subject != "dhl-7" {
		t.Fatalf("revoke asks the PIN again: %#v", h.f.View())
	}
	if w, ok := h.f.Tap(h.ctx, app.EnterPIN{PIN: "00000000"}).(*app.StaffTokensView); !ok || w.Note.Kind != app.NoteWrongPIN || !w.Tokens[0].Revoked.IsZero() {
		t.Fatalf("a wrong PIN revokes nothing: %#v", h.f.View())
	}
	h.f.Tap(h.ctx, app.RevokeToken{Ref: "aa"})
	w, ok := h.f.Tap(h.ctx, app.EnterPIN{PIN: "73910482"}).(*app.StaffTokensView)
	if !ok || w.Note.Kind != app.NoteRevoked || w.Tokens[0].Revoked.IsZero() {
		t.Fatalf("after the PIN: %#v", h.f.View())
	}
	// A revoked token asks nothing more.
	if _, ok := h.f.Tap(h.ctx, app.RevokeToken{Ref: "aa"}).(*app.StaffTokensView); !ok {
		t.Fatalf("revoking it again: %#v", h.f.View())
	}
}
