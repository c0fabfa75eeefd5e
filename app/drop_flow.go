package app

import (
	"context"
	"errors"
)

// dropFlow is one parcel going into one door, for a courier's drop-off or
// a shopper's return. The engine stores the rent when the sensor saw the
// door open and then closed; the flow follows the opening, asks Done when
// the door closes, and on leaving gives up what did not go in (Abandon: the
// engine keeps any rent whose door was seen open, since the parcel may be
// inside).
type dropFlow struct {
	f           *Front
	ctx         context.Context
	d           DropOff
	task        DoorTask
	door        Door
	op          Opening
	lookAgain   bool
	unconfirmed bool
	view        View
	ended       bool // stored or given up: nothing left to abandon
}

// dropStep is what a drop-off's step led to.
type dropStep uint8

const (
	dropGoing  dropStep = iota // still at the door: show flow.view
	dropStored                 // the parcel is in
	dropFailed                 // a problem screen: flow.view
)

func newDropFlow(ctx context.Context, f *Front, d DropOff, task DoorTask) *dropFlow {
	return &dropFlow{f: f, ctx: ctx, d: d, task: task}
}

// first shows the door after the drop-off started; err is nil or the
// *DidNotOpenError of a door that settled as not opened at once.
func (w *dropFlow) first(err error) View {
	w.follow(w.d.Opening())
	if err != nil {
		return w.show(&NotOpenedView{Task: w.task, Door: w.door})
	}
	return w.doorView()
}

func (w *dropFlow) follow(op Opening) {
	w.op, w.door = op, w.f.door(op.DoorID)
	w.unconfirmed = op.Pending() && !op.Confirmable
	w.lookAgain = false
}

func (w *dropFlow) show(v View) View {
	w.view = v
	return v
}

func (w *dropFlow) doorView() View {
	return w.show(&DoorView{Task: w.task, Door: w.door, Opening: w.op, Code: w.d.Code(),
		LookAgain: w.lookAgain, Unconfirmed: w.unconfirmed})
}

// tap takes the intents of the door screens; ok is false for any other.
func (w *dropFlow) tap(in Intent) (step dropStep, ok bool) {
	switch in.(type) {
	case Larger:
		if _, at := w.view.(*DoorView); at {
			return w.larger(), true
		}
	case DidNotOpen:
		switch w.view.(type) {
		case *DoorView, *NotOpenedView:
			return w.didNotOpen(), true
		}
	}
	return dropGoing, false
}

// larger: the parcel does not fit; the engine moves it to the next size up
// and opens that door.
func (w *dropFlow) larger() dropStep {
	op, err := w.d.Larger(w.ctx)
	if err != nil && !errors.Is(err, ErrDoorDidNotOpen) {
		w.show(w.f.problem(err, w.door.ID))
		return dropFailed
	}
	w.follow(op)
	if err != nil {
		w.show(&NotOpenedView{Task: w.task, Door: w.door})
		return dropGoing
	}
	w.doorView()
	return dropGoing
}

// didNotOpen passes the person's report to the engine and shows its verdict.
func (w *dropFlow) didNotOpen() dropStep {
	v, err := w.d.DidNotOpen(w.ctx)
	if err != nil {
		w.show(w.f.problem(err, w.door.ID))
		return dropFailed
	}
	w.f.log.Warn("drop-off door did not open, says the person", "door", w.door.ID, "verdict", v.Kind.String())
	switch v.Kind {
	case VerdictLookAgain:
		w.follow(v.Opening)
		w.lookAgain = true
	case VerdictWait, VerdictRetried, VerdictOtherDoor:
		w.follow(v.Opening)
	default:
		w.show(&ProblemView{Trouble: TroubleDidNotOpen, Door: w.door.ID})
		return dropFailed
	}
	if w.op.Outcome == OutcomeNotOpened { // the retry was refused at once
		w.show(&NotOpenedView{Task: w.task, Door: w.door})
		return dropGoing
	}
	w.doorView()
	return dropGoing
}

func (w *dropFlow) notice(n Notice) dropStep {
	if n.Kind == NoticeSettled && n.Opening != nil && n.Opening.ID == w.op.ID {
		if !w.op.Pending() && n.Opening.Outcome == w.op.Outcome {
			return dropGoing // already known, from the call that started it
		}
		w.op = *n.Opening
		if w.op.Outcome == OutcomeNotOpened {
			w.show(&NotOpenedView{Task: w.task, Door: w.door})
			return dropGoing
		}
		w.unconfirmed = false
		w.doorView()
		return dropGoing
	}
	if n.Door.ID != w.door.ID {
		return dropGoing
	}
	switch n.Kind {
	case NoticeClosed:
		return w.closed()
	case NoticeLeftOpen:
		if w.op.Outcome == OutcomeOpened {
			w.show(&LeftOpenView{Door: w.door})
		}
	case NoticeSensorUnknown:
		if _, ok := w.view.(*NotOpenedView); !ok {
			w.unconfirmed = true
			w.doorView()
		}
	case NoticeSensorKnown:
		if w.unconfirmed {
			w.unconfirmed = false
			if n.Door.Sensor == SensorClosed && w.op.Outcome == OutcomeOpened {
				return w.closed()
			}
			w.doorView()
		}
	}
	return dropGoing
}

// closed: the door closed with the parcel in, if it had opened. The
// engine stores the rent; a door still open or not settled yet keeps the
// person at it.
func (w *dropFlow) closed() dropStep {
	if w.op.Outcome != OutcomeOpened {
		if op := w.d.Opening(); op.ID == w.op.ID && op.Outcome == OutcomeOpened {
			w.op = op
		} else {
			return dropGoing
		}
	}
	_, err := w.d.Done(w.ctx)
	switch {
	case err == nil:
		w.ended = true
		return dropStored
	case errors.Is(err, ErrDoorStillOpen), errors.Is(err, ErrBeingOpened):
		return dropGoing
	case errors.Is(err, ErrDoorDidNotOpen):
		w.show(&NotOpenedView{Task: w.task, Door: w.door})
		return dropGoing
	}
	w.show(w.f.problem(err, w.door.ID))
	return dropFailed
}

// abandon gives the drop-off up unless its parcel is in. It runs as the
// person leaves, so it does not use the session's context, which ends then.
func (w *dropFlow) abandon() {
	if w.ended {
		return
	}
	w.ended = true
	if err := w.d.Abandon(context.WithoutCancel(w.ctx)); err != nil {
		w.f.log.Warn("drop-off not abandoned", "door", w.door.ID, "err", err)
		return
	}
	w.f.log.Info("drop-off abandoned", "door", w.door.ID)
}
