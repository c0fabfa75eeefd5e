package session_test

import (
	"context"
	"testing"
	"time"

	"pudo/app"
	"pudo/app/session"
)

// ctxEngine records the context the courier session's calls carry.
type ctxEngine struct {
	app.Engine
	seen *context.Context
}

func (e ctxEngine) LoginCourier(ctx context.Context, token string) (app.CourierRound, error) {
	r, err := e.Engine.LoginCourier(ctx, token)
	if err != nil {
		return nil, err
	}
	return ctxRound{r, e.seen}, nil
}

type ctxRound struct {
	app.CourierRound
	seen *context.Context
}

func (r ctxRound) DropNew(ctx context.Context, size app.Size, ref string, low bool) (app.DropOff, error) {
	*r.seen = ctx
	return r.CourierRound.DropNew(ctx, size, ref, low)
}

// TestSessionContextEndsWhenThePersonLeaves: the calls a session makes
// carry a context of its own, which ends when the person leaves, not when
// the kiosk stops.
func TestSessionContextEndsWhenThePersonLeaves(t *testing.T) {
	for name, leave := range map[string]func(h *harness){
		"logout":  func(h *harness) { h.f.Tap(h.ctx, app.Back{}); h.f.Tap(h.ctx, app.Logout{}) },
		"timeout": func(h *harness) { h.f.Leave(h.ctx) },
		"scan":    func(h *harness) { h.f.Leave(h.ctx); h.f.Scan(h.ctx, "PUDO-C1:anna") },
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			var seen context.Context
			h.f = session.NewFront(ctxEngine{h.eng, &seen}, session.FrontOptions{Now: func() time.Time { return h.now }}, quiet)
			h.eng.AddCourier("PUDO-C1:anna", "anna")
			h.f.Start(h.ctx)
			h.f.Scan(h.ctx, "PUDO-C1:anna")
			h.f.Tap(h.ctx, app.StartDrop{})
			h.f.Tap(h.ctx, app.ChooseSize{Size: app.SizeS})
			if seen == nil || seen.Err() != nil {
				t.Fatalf("no live session context: %v", seen)
			}
			if !h.f.Busy() {
				t.Fatal("not busy with a courier at the screen")
			}
			leave(h)
			if seen.Err() == nil {
				t.Fatal("the session's context outlived the courier")
			}
			if h.ctx.Err() != nil {
				t.Fatal("the kiosk's context ended")
			}
		})
	}
}

// TestBusyOnlyAwayFromHome: the nightly self-test may run only while
// nobody is at the screen.
func TestBusyOnlyAwayFromHome(t *testing.T) {
	h := newHarness(t)
	h.f.Start(h.ctx)
	if h.f.Busy() {
		t.Fatal("busy at home")
	}
	h.f.Tap(h.ctx, app.Collect{})
	if !h.f.Busy() {
		t.Fatal("not busy on code entry")
	}
	h.f.Leave(h.ctx)
	if h.f.Busy() {
		t.Fatal("busy after the person left")
	}
	h.eng.SetOutOfOrder(true, "bus down")
	h.pump()
	if _, ok := h.f.View().(*app.OutOfOrderView); !ok || h.f.Busy() {
		t.Fatalf("view %T busy %v", h.f.View(), h.f.Busy())
	}
}
