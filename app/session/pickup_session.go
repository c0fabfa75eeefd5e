package session

import (
	"context"
	"errors"
	"time"

	"pudo/app"
)

// PickupSession is one shopper collecting every parcel under one code:
// each door in turn, then "did you get your parcel?" (with Reopen within
// the engine's grace, and reports of an empty door or a wrong parcel),
// then thanks. It follows each door's opening as the engine settles it and
// never decides itself whether a door opened. The engine moves the rent;
// the session only says what the shopper sees.
type PickupSession struct {
	sessionBase
	p           app.Pickup
	at          doorFollow
	view        app.View
	thanksUntil time.Time // while thanking: when the session ends
	reported    bool      // the shopper reported a problem: no more reopening
	puttingBack bool      // a wrong parcel goes back into its door
}

func newPickupSession(ctx context.Context, f *Front, p app.Pickup) *PickupSession {
	return &PickupSession{sessionBase: newBase(ctx, f), p: p, at: doorFollow{f: f, task: app.TaskPickup}}
}

// first is the view after the pickup started; err is nil or the
// *DidNotOpenError of a door that settled as not opened at once.
func (s *PickupSession) first(err error) app.View {
	s.at.follow(s.p.Opening())
	if err != nil {
		return s.show(s.at.notOpenedView())
	}
	return s.doorView()
}

func (s *PickupSession) show(v app.View) app.View {
	s.view = v
	return v
}

func (s *PickupSession) doorView() app.View {
	more := 0
	if s.at.op.Outcome != app.OutcomeNotOpened && !s.puttingBack {
		more = s.p.Remaining()
	}
	return s.show(s.at.view(more, ""))
}

// atDoor reports whether the shopper is being sent to a door.
func (s *PickupSession) atDoor() bool {
	switch s.view.(type) {
	case *app.DoorView, *app.LeftOpenView, *app.NotOpenedView, *app.AskOpenedView:
		return true
	}
	return false
}

func (s *PickupSession) tap(in app.Intent) app.View {
	switch in := in.(type) {
	case app.DidNotOpen:
		if s.atDoor() {
			return s.didNotOpen()
		}
	case app.GotIt:
		if _, ok := s.view.(*app.GotItView); ok {
			s.thanksUntil = s.now().Add(s.thanksFor())
			return s.show(&app.ThanksView{For: app.ThanksPickup})
		}
	case app.Reopen:
		if v, ok := s.view.(*app.GotItView); ok && !s.reported && s.now().Before(v.ReopenUntil) {
			return s.reopen()
		}
	case app.Report:
		if _, ok := s.view.(*app.GotItView); ok {
			return s.report(in.What)
		}
	case app.Answer:
		if _, ok := s.view.(*app.AskOpenedView); ok {
			return s.answer(in.Yes)
		}
	case app.Back, app.Escape:
		return nil
	}
	return s.view
}

// answer passes the shopper's answer to "did door N open, and do you have
// your parcel?" to the engine: yes, the parcel is theirs (the next one,
// or thanks); no, the one retry or support.
func (s *PickupSession) answer(yes bool) app.View {
	v, err := s.p.Answer(s.ctx, yes)
	switch {
	case err != nil:
		return s.show(s.f.problem(err, s.at.door.ID))
	case v.Kind == app.VerdictTaken:
		s.at.follow(v.Opening)
		if s.p.Remaining() > 0 {
			return s.nextParcel()
		}
		s.thanksUntil = s.now().Add(s.thanksFor())
		return s.show(&app.ThanksView{For: app.ThanksPickup})
	case !s.at.verdict(v):
		return s.show(s.at.support())
	}
	return s.doorView()
}

// didNotOpen passes the shopper's report to the engine and shows its
// verdict.
func (s *PickupSession) didNotOpen() app.View {
	v, err := s.p.DidNotOpen(s.ctx)
	switch {
	case err != nil:
		return s.show(s.f.problem(err, s.at.door.ID))
	case !s.at.verdict(v):
		return s.show(s.at.support())
	}
	return s.doorView()
}

func (s *PickupSession) reopen() app.View {
	op, err := s.p.Reopen(s.ctx)
	if err != nil {
		return s.show(s.f.problem(err, s.at.door.ID))
	}
	s.at.follow(op)
	return s.doorView()
}

func (s *PickupSession) report(p app.Problem) app.View {
	s.reported = true
	s.f.log.Warn("shopper reports a problem", "problem", string(p), "door", s.at.door.ID)
	if err := s.p.Report(s.ctx, p); err != nil {
		s.f.log.Error("problem report not recorded", "err", err)
	}
	if p == app.ProblemWrongParcel {
		return s.putBack()
	}
	return s.show(&app.ProblemView{Trouble: app.TroubleReported, Door: s.at.door.ID})
}

// putBack opens the wrong parcel's door once more, through the engine's
// reopen, so that it goes back where its owner will look for it; staff
// sort it out from the report.
func (s *PickupSession) putBack() app.View {
	door := s.at.door.ID
	op, err := s.p.Reopen(s.ctx)
	if err != nil {
		s.f.log.Warn("wrong parcel: its door did not open again", "door", door, "err", err)
		return s.show(&app.ProblemView{Trouble: app.TroubleWrongParcelKept, Door: door})
	}
	s.puttingBack = true
	s.at = doorFollow{f: s.f, task: app.TaskPutBack}
	s.at.follow(op)
	return s.doorView()
}

// scan: a code held up at a door is ignored; after the door, it starts
// whatever it is for.
func (s *PickupSession) scan(string) (app.View, bool) { return s.view, s.atDoor() }

func (s *PickupSession) notice(n app.Notice) app.View {
	if !s.atDoor() {
		return s.view
	}
	_, notOpened := s.view.(*app.NotOpenedView)
	switch s.at.notice(n, notOpened) {
	case evChanged:
		return s.doorView()
	case evNotOpened:
		return s.show(s.at.notOpenedView())
	case evLeftOpen:
		return s.show(&app.LeftOpenView{Door: s.at.door})
	case evClosed:
		return s.closed()
	case evUnknown:
		return s.show(s.at.askView())
	}
	return s.view
}

// closed follows the shopper's door closing: the next parcel's door, or
// the question whether all went well. A door not seen open has not been
// used yet.
func (s *PickupSession) closed() app.View {
	if !s.at.seenOpen(s.p.Opening()) {
		return s.view
	}
	if s.puttingBack {
		return s.show(&app.ProblemView{Trouble: app.TroubleWrongParcel, Door: s.at.door.ID})
	}
	if s.p.Remaining() == 0 {
		return s.show(&app.GotItView{ReopenUntil: s.p.ReopenUntil()})
	}
	return s.nextParcel()
}

// nextParcel opens the next parcel's door under the code.
func (s *PickupSession) nextParcel() app.View {
	op, err := s.p.Next(s.ctx)
	if err != nil && !errors.Is(err, app.ErrDoorDidNotOpen) {
		return s.show(s.f.problem(err, s.at.door.ID))
	}
	s.at.follow(op)
	return s.doorView()
}

func (s *PickupSession) tick(now time.Time) app.View {
	if _, ok := s.view.(*app.ThanksView); ok && !now.Before(s.thanksUntil) {
		return nil
	}
	return s.view
}

func (s *PickupSession) wake() time.Time {
	if _, ok := s.view.(*app.ThanksView); ok {
		return s.thanksUntil
	}
	return time.Time{}
}

// leave: the shopper has gone; a question left unanswered leaves the rent
// to check (the engine tells staff).
func (s *PickupSession) leave() {
	s.p.Leave(context.WithoutCancel(s.ctx))
	s.cancel()
}

// done: thanks or a problem screen is all that is left.
func (s *PickupSession) done() bool {
	switch s.view.(type) {
	case *app.ThanksView, *app.ProblemView:
		return true
	}
	return false
}
