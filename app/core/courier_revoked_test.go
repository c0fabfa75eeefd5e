package core

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/cred"
	"pudo/app/session"
)

// A courier whose token the operator revokes during their round: the
// next step that opens a door is refused, the screen says the code was
// withdrawn and the round is over (its way out leads home, not back to
// the menu that would refuse again), and the audit log says so. A
// revoked courier signing in again is told the same, not "not for this
// locker".
func TestCourierRevokedMidRound(t *testing.T) {
	ctx := context.Background()
	l, _, _ := newTestLockerOpts(t, Options{KioskID: "T1", OperatorKeys: []cred.PublicKey{testOperator.Public()}, PINCost: cheapPIN})
	f := session.NewFront(l, session.FrontOptions{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.Start(ctx)
	token := courierToken(l, "carl", time.Hour)
	if _, ok := f.Scan(ctx, token).(*app.CourierMenuView); !ok {
		t.Fatalf("courier sign-in: %#v, want the menu", f.View())
	}
	f.Tap(ctx, app.StartDrop{})
	if err := l.Office().SetRevocations(ctx, cred.Revocations{Version: 1,
		Subjects: []cred.SubjectRevocation{{Kind: "courier", ID: "carl"}}}); err != nil {
		t.Fatal(err)
	}
	v, ok := f.Tap(ctx, app.ChooseSize{Size: "S"}).(*app.ProblemView)
	if !ok || v.Trouble != app.TroubleCourierRevoked || v.Courier {
		t.Fatalf("a drop-off after the revocation: %#v, want the round ended as revoked", f.View())
	}
	if n := len(eventsOfKind(t, l, string(app.EvCourierRevoked))); n != 1 {
		t.Fatalf("%d %s events, want 1", n, app.EvCourierRevoked)
	}
	if _, ok := f.Tap(ctx, app.Back{}).(*app.HomeView); !ok {
		t.Fatalf("back from the revoked round: %#v, want home", f.View())
	}
	if v, ok := f.Scan(ctx, token).(*app.ProblemView); !ok || v.Trouble != app.TroubleCourierRevoked {
		t.Fatalf("the revoked courier signing in again: %#v, want told the code was withdrawn", f.View())
	}
}
