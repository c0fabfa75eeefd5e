package app

import (
	"context"
	"errors"
	"time"
)

// PickupSession is one shopper collecting every parcel under one code:
// each door in turn, then "did you get your parcel?" (with Reopen within
// the engine's grace, and reports of an empty door or a wrong parcel),
// then thanks. It follows each door's opening as the engine settles it and
// never decides itself whether a door opened. The engine moves the rent;
// the session only says what the shopper sees.
type PickupSession struct {
	sessionBase
	p    Pickup
	door Door
	op   Opening
	// unconfirmed: the door's sensor cannot be read.
	unconfirmed bool
	lookAgain   bool
	view        View
	thanksUntil time.Time // while thanking: when the session ends
	reported    bool      // the shopper reported a problem: no more reopening
}

func newPickupSession(ctx context.Context, f *Front, p Pickup) *PickupSession {
	return &PickupSession{sessionBase: newBase(ctx, f), p: p}
}

// first is the view after the pickup started; err is nil or the
// *DidNotOpenError of a door that settled as not opened at once.
func (s *PickupSession) first(err error) View {
	s.follow(s.p.Opening())
	if err != nil {
		return s.show(&NotOpenedView{Task: TaskPickup, Door: s.door})
	}
	return s.doorView()
}

// follow makes op the opening the session follows.
func (s *PickupSession) follow(op Opening) {
	s.op, s.door = op, s.f.door(op.DoorID)
	s.unconfirmed = op.Pending() && !op.Confirmable
	s.lookAgain = false
}

func (s *PickupSession) show(v View) View {
	s.view = v
	return v
}

func (s *PickupSession) doorView() View {
	more := 0
	if s.op.Outcome != OutcomeNotOpened {
		more = s.p.Remaining()
	}
	return s.show(&DoorView{Task: TaskPickup, Door: s.door, Opening: s.op, More: more,
		LookAgain: s.lookAgain, Unconfirmed: s.unconfirmed})
}

// atDoor reports whether the shopper is being sent to a door.
func (s *PickupSession) atDoor() bool {
	switch s.view.(type) {
	case *DoorView, *LeftOpenView, *NotOpenedView:
		return true
	}
	return false
}

func (s *PickupSession) tap(in Intent) View {
	switch in := in.(type) {
	case DidNotOpen:
		if s.atDoor() {
			return s.didNotOpen()
		}
	case GotIt:
		if _, ok := s.view.(*GotItView); ok {
			s.thanksUntil = s.now().Add(s.f.opts.ThanksFor)
			return s.show(&ThanksView{For: ThanksPickup})
		}
	case Reopen:
		if v, ok := s.view.(*GotItView); ok && !s.reported && s.now().Before(v.ReopenUntil) {
			return s.reopen()
		}
	case Report:
		if _, ok := s.view.(*GotItView); ok {
			return s.report(in.What)
		}
	case Back, Escape:
		return nil
	}
	return s.view
}

// didNotOpen passes the shopper's report to the engine and shows its
// verdict.
func (s *PickupSession) didNotOpen() View {
	v, err := s.p.DidNotOpen(s.ctx)
	if err != nil {
		return s.show(s.f.problem(err, s.door.ID))
	}
	s.f.log.Warn("shopper says the door did not open", "door", s.door.ID, "verdict", v.Kind.String())
	switch v.Kind {
	case VerdictLookAgain:
		s.follow(v.Opening)
		s.lookAgain = true
	case VerdictWait, VerdictRetried, VerdictOtherDoor:
		s.follow(v.Opening)
	default:
		return s.show(&ProblemView{Trouble: TroubleDidNotOpen, Door: s.door.ID})
	}
	if s.op.Outcome == OutcomeNotOpened { // the retry was refused at once
		return s.show(&NotOpenedView{Task: TaskPickup, Door: s.door})
	}
	return s.doorView()
}

func (s *PickupSession) reopen() View {
	op, err := s.p.Reopen(s.ctx)
	if err != nil {
		return s.show(s.f.problem(err, s.door.ID))
	}
	s.follow(op)
	return s.doorView()
}

func (s *PickupSession) report(p Problem) View {
	s.reported = true
	s.f.log.Warn("shopper reports a problem", "problem", string(p), "door", s.door.ID)
	if err := s.p.Report(s.ctx, p); err != nil {
		s.f.log.Error("problem report not recorded", "err", err)
	}
	return s.show(&ProblemView{Trouble: TroubleReported, Door: s.door.ID})
}

// scan: a code held up at a door is ignored; after the door, it starts
// whatever it is for.
func (s *PickupSession) scan(string) (View, bool) { return s.view, s.atDoor() }

func (s *PickupSession) notice(n Notice) View {
	if n.Kind == NoticeSettled && n.Opening != nil && n.Opening.ID == s.op.ID {
		if !s.op.Pending() && n.Opening.Outcome == s.op.Outcome {
			return s.view // already known, from the call that started it
		}
		return s.settled(*n.Opening)
	}
	if n.Door.ID != s.door.ID || !s.atDoor() {
		return s.view
	}
	switch n.Kind {
	case NoticeClosed:
		return s.closed()
	case NoticeLeftOpen:
		if s.op.Outcome == OutcomeOpened {
			return s.show(&LeftOpenView{Door: s.door})
		}
	case NoticeSensorUnknown:
		if _, ok := s.view.(*NotOpenedView); !ok {
			s.unconfirmed = true
			return s.doorView()
		}
	case NoticeSensorKnown:
		if s.unconfirmed {
			s.unconfirmed = false
			if n.Door.Sensor == SensorClosed && s.op.Outcome == OutcomeOpened {
				return s.closed() // it closed while nobody could see it
			}
			return s.doorView()
		}
	}
	return s.view
}

func (s *PickupSession) settled(op Opening) View {
	s.op = op
	if op.Outcome == OutcomeNotOpened {
		return s.show(&NotOpenedView{Task: TaskPickup, Door: s.door})
	}
	s.unconfirmed = false
	return s.doorView()
}

// closed follows the shopper's door closing: the next parcel's door, or
// the question whether all went well. A door whose opening is not settled
// as opened has not been used yet.
func (s *PickupSession) closed() View {
	if s.op.Outcome != OutcomeOpened {
		if op := s.p.Opening(); op.ID == s.op.ID && op.Outcome == OutcomeOpened {
			s.op = op
		} else {
			return s.view
		}
	}
	if s.p.Remaining() > 0 {
		op, err := s.p.Next(s.ctx)
		if err != nil && !errors.Is(err, ErrDoorDidNotOpen) {
			return s.show(s.f.problem(err, s.door.ID))
		}
		s.follow(op)
		if err != nil {
			return s.show(&NotOpenedView{Task: TaskPickup, Door: s.door})
		}
		return s.doorView()
	}
	return s.show(&GotItView{ReopenUntil: s.p.ReopenUntil()})
}

func (s *PickupSession) tick(now time.Time) View {
	if _, ok := s.view.(*ThanksView); ok && !now.Before(s.thanksUntil) {
		return nil
	}
	return s.view
}

func (s *PickupSession) wake() time.Time {
	if _, ok := s.view.(*ThanksView); ok {
		return s.thanksUntil
	}
	return time.Time{}
}

func (s *PickupSession) leave() { s.cancel() }

// done: thanks or a problem screen is all that is left.
func (s *PickupSession) done() bool {
	switch s.view.(type) {
	case *ThanksView, *ProblemView:
		return true
	}
	return false
}
