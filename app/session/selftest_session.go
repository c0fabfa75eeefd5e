package session

import (
	"context"
	"errors"

	"pudo/app"
)

// SelfTestSession is staff's "test empty doors", run from the hardware
// screen: the engine opens the empty doors one after another through the
// same mechanism as every opening; the technician closes each, and the
// engine records it good (seen open, then closed) or faulty (out of
// service, with the reason). The session follows each opening and moves on
// when the door closed or its opening settled as not opened.
type SelfTestSession struct {
	f    *Front
	ctx  context.Context
	t    app.DoorTest
	view app.View

	door    int64
	op      app.Opening
	done    bool
	failed  bool
	trouble app.Trouble
}

func newSelfTestSession(ctx context.Context, f *Front, t app.DoorTest) *SelfTestSession {
	return &SelfTestSession{f: f, ctx: ctx, t: t}
}

func (s *SelfTestSession) first() app.View { return s.next() }

func (s *SelfTestSession) show() app.View {
	s.view = &app.DoorTestView{Results: s.t.Results(), Door: s.door, Opening: s.op, Done: s.done,
		Failed: s.failed, Trouble: s.trouble}
	return s.view
}

// next opens the next untested door. A door that did not open is already
// recorded faulty by the engine; the test goes on with the next one.
func (s *SelfTestSession) next() app.View {
	for range len(s.t.Results()) + 1 {
		op, err := s.t.Next(s.ctx)
		switch {
		case err == nil:
			s.door, s.op = op.DoorID, op
			if op.Outcome == app.OutcomeNotOpened {
				continue
			}
			return s.show()
		case errors.Is(err, app.ErrTestDone):
			s.door, s.op, s.done = 0, app.Opening{}, true
			return s.show()
		case errors.Is(err, app.ErrDoorStillOpen), errors.Is(err, app.ErrBeingOpened):
			return s.show() // the door tested last is not closed yet: wait for it
		case errors.Is(err, app.ErrDoorDidNotOpen):
			continue
		default:
			s.f.log.Warn("door test stopped", "err", err)
			s.door, s.op, s.failed, s.trouble = 0, app.Opening{}, true, TroubleOf(err)
			return s.show()
		}
	}
	return s.show()
}

func (s *SelfTestSession) tap(in app.Intent) (app.View, bool) {
	if _, ok := in.(app.OpenNext); ok && !s.done && !s.failed {
		return s.next(), true
	}
	return nil, false
}

func (s *SelfTestSession) notice(n app.Notice) app.View {
	if s.done || s.failed {
		return s.view
	}
	if n.Kind == app.NoticeSettled && n.Opening != nil && n.Opening.ID == s.op.ID {
		if !s.op.Pending() && n.Opening.Outcome == s.op.Outcome {
			return s.view // already known, from the call that started it
		}
		s.op = *n.Opening
		if s.op.Outcome == app.OutcomeNotOpened {
			return s.next()
		}
		return s.show()
	}
	if n.Door.ID == s.door && n.Kind == app.NoticeClosed && s.op.Outcome == app.OutcomeOpened {
		return s.next()
	}
	if n.Kind == app.NoticeRent || n.Kind == app.NoticeDoor {
		return s.show() // a result may have changed
	}
	return s.view
}

// stop ends the test early; the doors not tested stay untested. It runs
// as staff leave, so it does not use the session's context.
func (s *SelfTestSession) stop() {
	if s.done {
		return
	}
	if err := s.t.Stop(context.WithoutCancel(s.ctx)); err != nil {
		s.f.log.Warn("door test not stopped", "err", err)
	}
}
