package session

import (
	"context"
	"time"

	"pudo/app"
)

// ReturnSession is a shopper sending or returning a parcel: the booked
// door opens, the parcel goes in, the door closes, thanks. A shopper who
// leaves before the parcel went in gives the drop-off up; the return stays
// booked for another try.
type ReturnSession struct {
	sessionBase
	drop        *dropFlow
	view        app.View
	thanksUntil time.Time
}

func newReturnSession(ctx context.Context, f *Front, d app.DropOff) *ReturnSession {
	s := &ReturnSession{sessionBase: newBase(ctx, f)}
	s.drop = newDropFlow(s.ctx, f, d, app.TaskReturn)
	return s
}

func (s *ReturnSession) first(err error) app.View { return s.show(s.drop.first(err)) }

func (s *ReturnSession) show(v app.View) app.View {
	s.view = v
	return v
}

// step shows what a step of the drop-off led to.
func (s *ReturnSession) step(st dropStep) app.View {
	if st == dropStored {
		s.thanksUntil = s.now().Add(s.thanksFor())
		return s.show(&app.ThanksView{For: app.ThanksReturn})
	}
	return s.show(s.drop.view)
}

func (s *ReturnSession) tap(in app.Intent) app.View {
	if st, ok := s.drop.tap(in); ok {
		return s.step(st)
	}
	switch in.(type) {
	case app.Back, app.Escape:
		return nil // the Front ends the session: see leave
	}
	return s.view
}

func (s *ReturnSession) scan(string) (app.View, bool) {
	_, thanks := s.view.(*app.ThanksView)
	return s.view, !thanks
}

func (s *ReturnSession) notice(n app.Notice) app.View {
	if _, thanks := s.view.(*app.ThanksView); thanks {
		return s.view
	}
	return s.step(s.drop.notice(n))
}

func (s *ReturnSession) tick(now time.Time) app.View {
	if _, ok := s.view.(*app.ThanksView); ok && !now.Before(s.thanksUntil) {
		return nil
	}
	return s.view
}

func (s *ReturnSession) wake() time.Time {
	if _, ok := s.view.(*app.ThanksView); ok {
		return s.thanksUntil
	}
	return time.Time{}
}

// leave gives up a return whose parcel did not go in, then ends the
// session's context.
func (s *ReturnSession) leave() {
	s.drop.abandon()
	s.cancel()
}

// done: thanks or a problem screen is all that is left.
func (s *ReturnSession) done() bool {
	switch s.view.(type) {
	case *app.ThanksView, *app.ProblemView:
		return true
	}
	return false
}
